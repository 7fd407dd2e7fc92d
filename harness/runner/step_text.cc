#include "harness/runner/step_text.h"

#include <cstdio>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/wire/registry.h"
#include "harness/peer/field_edits.h"

namespace shakedown {

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string MessageList(const std::vector<MessageName>& names) {
  std::vector<std::string> parts;
  for (MessageName n : names) parts.emplace_back(MessageNameString(n));
  return "[" + Join(parts, ", ") + "]";
}

std::string AlertSet(const std::set<AlertDescription>& alerts) {
  std::vector<std::string> parts;
  for (AlertDescription a : alerts) {
    parts.emplace_back(AlertName(static_cast<uint8_t>(a)).value_or("?"));
  }
  return "{" + Join(parts, " | ") + "}";
}

std::string LevelName(AlertLevel level) {
  return level == AlertLevel::kFatal ? "fatal" : "warning";
}

std::string FieldValueText(const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v.value)) return "absent";
  if (const auto* n = std::get_if<uint64_t>(&v.value)) {
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%04llx", static_cast<unsigned long long>(*n));
    return std::to_string(*n) + " (" + hex + ")";
  }
  if (const auto* b = std::get_if<Bytes>(&v.value)) return b->empty() ? "empty" : ToHex(*b);
  if (const auto* l = std::get_if<std::vector<uint64_t>>(&v.value)) {
    std::vector<std::string> parts;
    for (uint64_t x : *l) parts.push_back(std::to_string(x));
    return "[" + Join(parts, ", ") + "]";
  }
  if (const auto* l = std::get_if<std::vector<Bytes>>(&v.value)) {
    std::vector<std::string> parts;
    for (const Bytes& x : *l) parts.push_back(ToHex(x));
    return "[" + Join(parts, ", ") + "]";
  }
  return "xor";
}

bool Matches(const WireItem& item, MessageName name) {
  switch (item.kind) {
    case WireItem::Kind::kHandshake:
      return item.message == name;
    case WireItem::Kind::kChangeCipherSpec:
      return name == MessageName::kChangeCipherSpec;
    case WireItem::Kind::kApplicationData:
      return name == MessageName::kApplicationData;
    case WireItem::Kind::kHeartbeat:
      return name == MessageName::kHeartbeat;
    case WireItem::Kind::kAlert:
      return name == MessageName::kAlert;
    default:
      return false;
  }
}

// Each check of an expectation on the message the target sent: applying "set field = value"
// to the parsed message changes nothing exactly when the field already has that value.
std::optional<std::string> CheckFields(const WireItem& item, const std::vector<FieldEdit>& checks,
                                       uint16_t suite) {
  std::optional<HandshakeType> type = HandshakeTypeOf(item.message);
  if (!type || item.kind != WireItem::Kind::kHandshake || item.bytes.size() < 4) {
    return "no handshake message to check in " + item.summary;
  }
  ParseContext ctx;
  if (const CipherSuiteInfo* info = suite != 0 ? FindCipherSuite(suite) : nullptr) {
    ctx.key_exchange = WireKeyExchange(info->key_exchange).value_or(KeyExchangeKind::kEcdhe);
  }
  Result<TypedHandshake> parsed =
      ParseHandshakeMessage(*type, ByteView(item.bytes).subview(4), ctx);
  if (!parsed.ok()) return "cannot parse " + item.summary + ": " + parsed.status().ToString();
  Result<Bytes> original = SerializeHandshakeMessage(*parsed);
  if (!original.ok()) return "cannot re-encode " + item.summary;
  std::vector<std::string> wrong;
  for (const FieldEdit& edit : checks) {
    TypedHandshake copy = *parsed;
    Status s = ApplyFieldEdits({edit}, &copy);
    if (!s.ok()) {
      wrong.push_back(edit.field + ": " + s.message());
      continue;
    }
    Result<Bytes> after = SerializeHandshakeMessage(copy);
    if (!after.ok() || *after != *original) {
      wrong.push_back(edit.field + " is not " + FieldValueText(edit.value));
    }
  }
  if (wrong.empty()) return std::nullopt;
  return Join(wrong, "; ") + " in " + item.summary;
}

std::optional<std::string> CheckServerCertificate(const WireItem& item, const std::string& which,
                                                  const TargetConfig& target, const TestPki& pki) {
  if (item.kind != WireItem::Kind::kHandshake || item.message != MessageName::kCertificate ||
      item.bytes.size() < 4) {
    return "no Certificate to check in " + item.summary;
  }
  Result<Certificate> parsed = Certificate::Parse(ByteView(item.bytes).subview(4));
  if (!parsed.ok()) return "cannot parse " + item.summary + ": " + parsed.status().ToString();
  const Credential* want = &pki.alternate_server;
  std::string name =
      "the alternate server certificate (" + TestPkiOptions().alternate_server_name + ")";
  if (which == "default") {
    name = "the default " + std::string(ConfigName(target.certificate)) + " server certificate";
    switch (target.certificate) {
      case CertificateKey::kEcdsa:
        want = &pki.ecdsa_server;
        break;
      case CertificateKey::kEcdsaP384:
        want = &pki.ecdsa_p384_server;
        break;
      case CertificateKey::kEcdsaP521:
        want = &pki.ecdsa_p521_server;
        break;
      default:
        want = &pki.rsa_server;
        break;
    }
  }
  if (parsed->certificate_list.empty()) return "an empty certificate_list, not " + name;
  if (parsed->certificate_list.front() == want->chain_der.front()) return std::nullopt;
  std::string got = "another certificate";
  if (parsed->certificate_list.front() == pki.alternate_server.chain_der.front()) {
    got = "the alternate server certificate";
  } else if (parsed->certificate_list.front() == pki.rsa_server.chain_der.front() ||
             parsed->certificate_list.front() == pki.ecdsa_server.chain_der.front()) {
    got = "the default server certificate";
  }
  return "certificate: the leaf is " + got + ", not " + name + ", in " + item.summary;
}

std::string DescribeSend(const SendStep& s) {
  std::string out = "send " + std::string(MessageNameString(s.message));
  if (s.message == MessageName::kRaw) out += "(" + std::to_string(s.raw.size()) + " bytes)";
  if (s.message == MessageName::kApplicationData && !s.raw.empty()) {
    out += "(" + std::to_string(s.raw.size()) + " bytes)";
  }
  if (!s.set.empty()) {
    std::vector<std::string> fields;
    for (const FieldEdit& e : s.set) fields.push_back(e.field);
    out += " set{" + Join(fields, ", ") + "}";
  }
  if (s.malform) {
    out += " malform{" + (s.malform->field.empty() ? "" : s.malform->field + " ") +
           std::string(MalformEditName(s.malform->edit)) + "}";
  }
  std::vector<std::string> corrupt;
  if (s.corrupt.xor_bytes) corrupt.push_back("xor@" + std::to_string(s.corrupt.xor_bytes->at));
  if (s.corrupt.truncate) corrupt.push_back("truncate=" + std::to_string(*s.corrupt.truncate));
  if (!s.corrupt.append.empty()) {
    corrupt.push_back("append " + std::to_string(s.corrupt.append.size()) + " bytes");
  }
  if (!corrupt.empty()) out += " corrupt{" + Join(corrupt, ", ") + "}";
  if (s.record.fragment) out += " fragment=" + std::to_string(*s.record.fragment);
  if (s.record.coalesce_with_next) out += " coalesce";
  if (s.record.content_type) out += " record_type=" + std::to_string(*s.record.content_type);
  if (s.record.version) {
    char v[16];
    std::snprintf(v, sizeof(v), "0x%04x", *s.record.version);
    out += std::string(" record_version=") + v;
  }
  if (s.record.protect) out += *s.record.protect ? " protect" : " plaintext";
  if (s.repeat > 1) out += " x" + std::to_string(s.repeat);
  return out;
}

std::string DescribeExpectation(const Expectation& e) {
  if (!e.messages.empty()) {
    std::string out = "expect " + MessageList(e.messages);
    if (!e.check.empty()) {
      std::vector<std::string> checks;
      for (const FieldEdit& c : e.check) checks.push_back(c.field + "=" + FieldValueText(c.value));
      out += " check{" + Join(checks, ", ") + "}";
    }
    if (!e.certificate.empty()) {
      out += " certificate=" + e.certificate;
    }
    if (!e.or_alerts.empty()) out += ", or fatal alert " + AlertSet(e.or_alerts) + " then close";
    if (!e.warning_alerts.empty()) {
      out += ", warning alert " + AlertSet(e.warning_alerts) + " allowed before";
    }
    return out;
  }
  if (!e.alerts.empty()) {
    std::string out = "expect " + LevelName(e.alert_level) + " alert " + AlertSet(e.alerts);
    if (e.alert_level == AlertLevel::kFatal) out += " then close";
    if (!e.warning_alerts.empty()) out += ", or warning alert " + AlertSet(e.warning_alerts);
    if (e.close) out += ", or a close";
    return out;
  }
  if (e.silence_ms) return "expect silence for " + std::to_string(*e.silence_ms) + " ms";
  return "expect close";
}

// How an equivalence family compares what the target sent: the kind of answer, without the
// bytes that differ from run to run (randoms, keys).
std::string ResponseOf(const WireItem& item) {
  switch (item.kind) {
    case WireItem::Kind::kAlert:
      return "Alert(" + LevelName(item.level) + ", " +
             std::string(AlertName(static_cast<uint8_t>(item.alert)).value_or("?")) + ")";
    case WireItem::Kind::kHandshake:
      return std::string(MessageNameString(item.message));
    case WireItem::Kind::kChangeCipherSpec:
      return "ChangeCipherSpec";
    case WireItem::Kind::kApplicationData:
      return "ApplicationData";
    default:
      return item.summary;
  }
}

// "TLSv1.1+TLSv1.2", as --target-versions and the profiles spell a version list.
std::string VersionList(const std::vector<uint16_t>& versions) {
  std::string out;
  for (uint16_t v : versions) {
    out += (out.empty() ? "" : "+") + Describe(Registry::kProtocolVersion, v);
  }
  return out;
}

}  // namespace shakedown
