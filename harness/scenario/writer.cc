#include "harness/scenario/writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/wire/registry.h"
#include "harness/scenario/json_text.h"

namespace shakedown {
namespace {

using OJson = nlohmann::ordered_json;

OJson RegistryJson(Registry registry, uint64_t value, bool small) {
  if (value <= 0xffff) {
    if (std::optional<std::string_view> name = NameOf(registry, static_cast<uint16_t>(value))) {
      return std::string(*name);
    }
  }
  if (small) return value;
  return Hex16(value);
}

OJson VersionJson(uint64_t value) { return RegistryJson(Registry::kProtocolVersion, value, false); }

OJson BytesXorJson(const BytesXor& x) {
  OJson j = OJson::object();
  j["hex"] = ToHex(x.mask);
  j["at"] = x.at;
  return j;
}

// A value as the field's type writes it. A value of another shape than the type (only a
// hand-built Scenario has one) is written as it is, so loading it back reports the mismatch.
OJson FieldValueJson(const FieldSpec* spec, const FieldValue& value) {
  const FieldType type = spec != nullptr ? spec->type : FieldType::kU32;
  auto scalar = [type](uint64_t v) -> OJson {
    switch (type) {
      case FieldType::kVersion:
        return VersionJson(v);
      case FieldType::kSuite:
      case FieldType::kSuiteList:
        return RegistryJson(Registry::kCipherSuite, v, false);
      case FieldType::kGroup:
        return RegistryJson(Registry::kNamedGroup, v, false);
      case FieldType::kScheme:
      case FieldType::kSchemeList:
        return RegistryJson(Registry::kSignatureScheme, v, false);
      case FieldType::kAlertName:
        return RegistryJson(Registry::kAlertDescription, v, true);
      case FieldType::kAlertLevel:
        if (v == 1) return "warning";
        if (v == 2) return "fatal";
        return v;
      default:
        return v;
    }
  };
  return std::visit(
      [&](const auto& v) -> OJson {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<V, uint64_t>) {
          return scalar(v);
        } else if constexpr (std::is_same_v<V, Bytes>) {
          return ToHex(v);
        } else if constexpr (std::is_same_v<V, std::vector<uint64_t>>) {
          OJson list = OJson::array();
          for (uint64_t item : v) list.push_back(scalar(item));
          return list;
        } else if constexpr (std::is_same_v<V, std::vector<Bytes>>) {
          OJson list = OJson::array();
          for (const Bytes& item : v) list.push_back(ToHex(item));
          return list;
        } else {
          OJson j = OJson::object();
          j["xor"] = BytesXorJson(v);
          return j;
        }
      },
      value.value);
}

OJson EditsJson(MessageName message, const std::vector<FieldEdit>& edits) {
  OJson j = OJson::object();
  for (const FieldEdit& edit : edits) {
    j[edit.field] = FieldValueJson(FindField(message, edit.field), edit.value);
  }
  return j;
}

bool Printable(const Bytes& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b >= 0x20 && b < 0x7f; });
}

OJson SendJson(const SendStep& s, const std::string& comment) {
  OJson j = OJson::object();
  j["send"] = std::string(MessageNameString(s.message));
  if (!comment.empty()) j["comment"] = comment;
  if (!s.set.empty()) j["set"] = EditsJson(s.message, s.set);
  if (s.malform) {
    OJson mj = OJson::object();
    if (!s.malform->field.empty()) mj["field"] = s.malform->field;
    mj["edit"] = std::string(MalformEditName(s.malform->edit));
    j["malform"] = mj;
  }
  const Corruption& c = s.corrupt;
  if (c.xor_bytes || c.truncate || !c.append.empty()) {
    OJson cj = OJson::object();
    if (c.xor_bytes) cj["xor"] = BytesXorJson(*c.xor_bytes);
    if (c.truncate) cj["truncate"] = *c.truncate;
    if (!c.append.empty()) cj["append"] = ToHex(c.append);
    j["corrupt"] = cj;
  }
  const RecordOptions& r = s.record;
  if (r.fragment) j["fragment"] = *r.fragment;
  if (r.coalesce_with_next) j["coalesce"] = true;
  if (r.content_type)
    j["record_type"] = RegistryJson(Registry::kContentType, *r.content_type, true);
  if (r.version) j["record_version"] = VersionJson(*r.version);
  if (r.protect) j["protect"] = *r.protect;
  if (r.corrupt_record) {
    OJson cj = OJson::object();
    cj["xor"] = BytesXorJson(*r.corrupt_record);
    j["corrupt_record"] = cj;
  }
  if (r.seal) {
    OJson sj = OJson::object();
    if (r.seal->padding) sj["padding"] = *r.seal->padding;
    if (r.seal->inner) sj["inner"] = ToHex(*r.seal->inner);
    if (r.seal->xor_inner) sj["xor"] = BytesXorJson(*r.seal->xor_inner);
    if (r.seal->explicit_nonce) sj["explicit_nonce"] = ToHex(*r.seal->explicit_nonce);
    j["seal"] = sj;
  }
  if (s.repeat != 1) j["repeat"] = s.repeat;
  if (s.pss_salt_length) j["pss_salt_length"] = *s.pss_salt_length;
  if (s.message == MessageName::kRaw) {
    j["hex"] = ToHex(s.raw);
  } else if (!s.raw.empty()) {
    if (s.message == MessageName::kApplicationData && Printable(s.raw)) {
      j["data"] = std::string(s.raw.begin(), s.raw.end());
    } else {
      j["hex"] = ToHex(s.raw);
    }
  }
  return j;
}

OJson ExpectationJson(const Expectation& e) {
  auto alerts = [](const std::set<AlertDescription>& set) {
    OJson list = OJson::array();
    for (AlertDescription a : set) {
      list.push_back(RegistryJson(Registry::kAlertDescription, static_cast<uint8_t>(a), true));
    }
    return list;
  };
  auto names = [](const std::vector<MessageName>& messages) {
    OJson list = OJson::array();
    for (MessageName m : messages) list.push_back(std::string(MessageNameString(m)));
    return list;
  };
  const bool only_messages = !e.messages.empty() && e.optional.empty() && e.check.empty() &&
                             e.certificate.empty() && e.or_alerts.empty() &&
                             e.warning_alerts.empty() && e.alerts.empty() && !e.close &&
                             !e.silence_ms && e.alert_level == AlertLevel::kFatal;
  if (only_messages) return names(e.messages);
  const bool only_close = e.messages.empty() && e.check.empty() && e.alerts.empty() && e.close &&
                          !e.silence_ms && e.alert_level == AlertLevel::kFatal;
  if (only_close) return "close";
  OJson j = OJson::object();
  if (!e.messages.empty()) j["messages"] = names(e.messages);
  if (!e.optional.empty()) {
    j["optional"] = names(std::vector<MessageName>(e.optional.begin(), e.optional.end()));
  }
  if (!e.check.empty()) {
    j["check"] = EditsJson(e.messages.empty() ? MessageName::kRaw : e.messages.front(), e.check);
  }
  if (!e.certificate.empty()) j["certificate"] = e.certificate;
  if (!e.or_alerts.empty()) j["or_alert"] = alerts(e.or_alerts);
  if (!e.alerts.empty()) j["alert"] = alerts(e.alerts);
  if (e.alert_level != AlertLevel::kFatal) {
    j["level"] = e.alert_level == AlertLevel::kWarning ? OJson("warning")
                                                       : OJson(static_cast<int>(e.alert_level));
  }
  if (!e.warning_alerts.empty()) j["or_warning"] = alerts(e.warning_alerts);
  if (e.close) j["or_close"] = true;
  if (e.silence_ms) j["silence_ms"] = *e.silence_ms;
  return j;
}

OJson StepJson(const Step& step) {
  if (const auto* send = std::get_if<SendStep>(&step.action)) return SendJson(*send, step.comment);
  OJson j = OJson::object();
  if (std::holds_alternative<Renegotiate>(step.action)) {
    j["renegotiate"] = true;
  } else {
    j["expect"] = ExpectationJson(std::get<Expectation>(step.action));
  }
  if (!step.comment.empty()) j["comment"] = step.comment;
  return j;
}

OJson SuitesJson(const std::vector<uint16_t>& suites) {
  OJson list = OJson::array();
  for (uint16_t s : suites) list.push_back(RegistryJson(Registry::kCipherSuite, s, false));
  return list;
}

OJson GroupsJson(const std::vector<NamedGroup>& groups) {
  OJson list = OJson::array();
  for (NamedGroup g : groups) {
    list.push_back(RegistryJson(Registry::kNamedGroup, static_cast<uint16_t>(g), false));
  }
  return list;
}

OJson PeerJson(const PeerConfig& p) {
  const PeerConfig d;
  OJson j = OJson::object();
  if (!p.cipher_suites.empty()) j["cipher_suites"] = SuitesJson(p.cipher_suites);
  if (!p.groups.empty()) j["groups"] = GroupsJson(p.groups);
  if (!p.signature_schemes.empty()) {
    OJson list = OJson::array();
    for (SignatureScheme s : p.signature_schemes) {
      list.push_back(RegistryJson(Registry::kSignatureScheme, static_cast<uint16_t>(s), false));
    }
    j["signature_schemes"] = list;
  }
  if (p.certificate != d.certificate) j["certificate"] = std::string(ConfigName(p.certificate));
  if (p.certificate_flaw != d.certificate_flaw) {
    j["certificate_flaw"] = std::string(ConfigName(p.certificate_flaw));
  }
  if (p.extended_master_secret != d.extended_master_secret) {
    j["extended_master_secret"] = p.extended_master_secret;
  }
  if (p.encrypt_then_mac != d.encrypt_then_mac) j["encrypt_then_mac"] = p.encrypt_then_mac;
  if (p.renegotiation_info != d.renegotiation_info) j["renegotiation_info"] = p.renegotiation_info;
  if (p.session_ticket != d.session_ticket) j["session_ticket"] = p.session_ticket;
  if (p.server_name != d.server_name) j["server_name"] = p.server_name;
  if (p.version != d.version) j["version"] = VersionJson(static_cast<uint16_t>(p.version));
  if (!p.dh_group.empty()) j["dh_group"] = p.dh_group;
  if (p.dh_secret_leading_zero) j["dh_secret_leading_zero"] = true;
  if (p.dh_public_leading_zeros != 0) j["dh_public_leading_zeros"] = p.dh_public_leading_zeros;
  if (p.heartbeat != d.heartbeat) j["heartbeat"] = std::string(ConfigName(p.heartbeat));
  if (p.max_fragment_length != 0) j["max_fragment_length"] = p.max_fragment_length;
  if (p.record_size_limit != 0) j["record_size_limit"] = p.record_size_limit;
  if (p.status_request != d.status_request) j["status_request"] = p.status_request;
  if (p.ocsp_response != d.ocsp_response) j["ocsp_response"] = p.ocsp_response;
  return j;
}

OJson TargetJson(const TargetConfig& t) {
  const TargetConfig d;
  OJson j = OJson::object();
  if (t.certificate != d.certificate) j["certificate"] = std::string(ConfigName(t.certificate));
  if (t.client_auth != d.client_auth) j["client_auth"] = std::string(ConfigName(t.client_auth));
  if (!t.cipher_suites.empty()) j["cipher_suites"] = SuitesJson(t.cipher_suites);
  if (!t.groups.empty()) j["groups"] = GroupsJson(t.groups);
  if (t.session_tickets != d.session_tickets) j["session_tickets"] = t.session_tickets;
  if (t.extended_master_secret != d.extended_master_secret) {
    j["extended_master_secret"] = std::string(ConfigName(t.extended_master_secret));
  }
  if (t.renegotiation != d.renegotiation) {
    j["renegotiation"] = std::string(ConfigName(t.renegotiation));
  }
  if (t.max_fragment_length != 0) j["max_fragment_length"] = t.max_fragment_length;
  if (t.record_size_limit != 0) j["record_size_limit"] = t.record_size_limit;
  if (!t.versions.empty()) {
    OJson list = OJson::array();
    for (uint16_t v : t.versions) list.push_back(VersionJson(v));
    j["versions"] = list;
  }
  if (t.heartbeat != d.heartbeat) j["heartbeat"] = std::string(ConfigName(t.heartbeat));
  if (t.ocsp != d.ocsp) j["ocsp"] = t.ocsp;
  if (!t.sni.empty()) j["sni"] = t.sni;
  return j;
}

OJson ScenarioJson(const Scenario& s) {
  OJson j = OJson::object();
  j["id"] = s.id;
  j["title"] = s.title;
  j["refs"] = s.refs;
  j["target_role"] = std::string(SideName(s.role));
  if (!s.notes.empty()) j["notes"] = s.notes;
  if (s.judge != JudgedBy::kExpectations) j["judge"] = std::string(ConfigName(s.judge));
  if (!s.equivalence.empty()) j["equivalence"] = s.equivalence;
  OJson peer = PeerJson(s.peer);
  if (!peer.empty()) j["peer"] = peer;
  OJson target = TargetJson(s.target);
  if (!target.empty()) j["target"] = target;
  auto steps = [](const ConnectionScript& c) {
    OJson list = OJson::array();
    for (const Step& step : c.steps) list.push_back(StepJson(step));
    return list;
  };
  if (s.connections.size() == 1 && !s.connections[0].resume) {
    j["steps"] = steps(s.connections[0]);
  } else {
    OJson list = OJson::array();
    for (const ConnectionScript& c : s.connections) {
      OJson cj = OJson::object();
      if (c.resume) cj["resume"] = true;
      cj["steps"] = steps(c);
      list.push_back(cj);
    }
    j["connections"] = list;
  }
  return j;
}

// One line, with a space after ':' and ',' (nlohmann's compact form has none).
void WriteInline(const OJson& j, std::string* out) {
  if (j.is_object()) {
    *out += '{';
    bool first = true;
    for (const auto& item : j.items()) {
      if (!first) *out += ", ";
      first = false;
      *out += OJson(item.key()).dump(-1, ' ', false, OJson::error_handler_t::replace);
      *out += ": ";
      WriteInline(item.value(), out);
    }
    *out += '}';
  } else if (j.is_array()) {
    *out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i > 0) *out += ", ";
      WriteInline(j[i], out);
    }
    *out += ']';
  } else {
    *out += j.dump(-1, ' ', false, OJson::error_handler_t::replace);
  }
}

void WriteSteps(const OJson& steps, const std::string& indent, std::string* out) {
  *out += "[\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    *out += indent + "  ";
    WriteInline(steps[i], out);
    *out += i + 1 < steps.size() ? ",\n" : "\n";
  }
  *out += indent + "]";
}

}  // namespace

std::string SerializeScenarioJson(const Scenario& scenario) {
  const OJson doc = ScenarioJson(scenario);
  std::string out = "{\n";
  size_t index = 0;
  for (const auto& item : doc.items()) {
    out += "  " + OJson(item.key()).dump() + ": ";
    if (item.key() == "steps") {
      WriteSteps(item.value(), "  ", &out);
    } else if (item.key() == "connections") {
      out += "[\n";
      const OJson& list = item.value();
      for (size_t i = 0; i < list.size(); ++i) {
        out += "    {";
        if (list[i].contains("resume")) out += "\"resume\": true, ";
        out += "\"steps\": ";
        WriteSteps(list[i]["steps"], "    ", &out);
        out += i + 1 < list.size() ? "},\n" : "}\n";
      }
      out += "  ]";
    } else {
      WriteInline(item.value(), &out);
    }
    out += ++index < doc.size() ? ",\n" : "\n";
  }
  out += "}\n";
  return out;
}

Bytes SerializeScenarioCbor(const Scenario& scenario) {
  std::vector<uint8_t> cbor = OJson::to_cbor(ScenarioJson(scenario));
  return Bytes(cbor.begin(), cbor.end());
}

}  // namespace shakedown
