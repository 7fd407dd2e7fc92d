#include "harness/scenario/parser.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "harness/scenario/endpoint_config_parser.h"
#include "harness/scenario/guards.h"
#include "harness/scenario/hints.h"
#include "harness/scenario/json_reader.h"
#include "harness/scenario/json_text.h"
#include "harness/scenario/keys.h"
#include "harness/scenario/message_shapes.h"
#include "harness/scenario/record_options.h"
#include "harness/scenario/refs.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

// Limits that keep a vector (or a fuzz input) from asking the peer for absurd work.
constexpr uint64_t kMaxRepeat = 100000;            // alert floods (CVE-2016-8610) need thousands
constexpr uint64_t kMaxTruncate = (1u << 24) + 3;  // a whole handshake message
constexpr uint64_t kMaxSilenceMs = 60000;

// The structure on top of JsonReader's typed values (the peer and target blocks are
// EndpointConfigParser's). `role_` is the target's, read first: several rules (who sends what,
// who speaks first) depend on it.
class VectorParser : public EndpointConfigParser {
 public:
  using EndpointConfigParser::EndpointConfigParser;

  std::optional<Scenario> Parse(const Json& doc);

 private:
  bool ParseSteps(const Json& j, const std::string& path, std::vector<Step>* out);
  bool ParseStep(const Json& j, const std::string& path, Step* out);
  bool ParseSend(const Json& j, const std::string& path, SendStep* out);
  bool ParseExpect(const Json& j, const std::string& path, Expectation* out);
  bool ParseExpectedMessages(const Json& j, const std::string& path, std::vector<MessageName>* out);
  bool CheckOrder(const ConnectionScript& connection);
};

bool VectorParser::ParseSend(const Json& j, const std::string& path, SendStep* out) {
  if (!CheckKeys(j, path, kSendStepKeys, "a send step")) return false;
  if (!GetMessage(j["send"], Child(path, "send"), &out->message)) return false;
  const MessageName m = out->message;
  const std::string name(MessageNameString(m));

  if (m == MessageName::kClose) {
    // The peer closes its side: nothing is sent, so nothing can be edited, framed or repeated.
    for (std::string_view key : {"set", "malform", "corrupt", "fragment", "coalesce",
                                 "record_type", "record_version", "protect", "corrupt_record",
                                 "data", "hex", "repeat"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), "Close sends nothing (the peer closes its side of the "
                                      "connection); " + Quote(key) + " does not apply");
      }
    }
  } else if (m == MessageName::kRaw) {
    // Raw bytes go to the wire as they are: nothing to edit, frame or protect.
    for (std::string_view key : {"set", "malform", "corrupt", "fragment", "coalesce", "record_type",
                                 "record_version", "protect", "corrupt_record", "data"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), "Raw bytes are written to the wire as they are; " +
                                          Quote(key) +
                                          " does not apply (write the bytes you "
                                          "want in \"hex\")");
      }
    }
    if (!Require(j, path, "hex")) return false;
    if (!GetHex(j["hex"], Child(path, "hex"), &out->raw)) return false;
    if (out->raw.empty()) return Fail(Child(path, "hex"), "a Raw step sends at least one byte");
  } else if (m == MessageName::kApplicationData) {
    if (j.contains("hex") && j.contains("data")) {
      return Fail(path, "give the payload as \"data\" (text) or \"hex\", not both");
    }
    if (j.contains("hex") && !GetHex(j["hex"], Child(path, "hex"), &out->raw)) return false;
    if (j.contains("data")) {
      std::string text;
      if (!GetString(j["data"], Child(path, "data"), &text)) return false;
      out->raw.assign(text.begin(), text.end());
    }
  } else {
    for (std::string_view key : {"hex", "data"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), Quote(key) + " is only for Raw and ApplicationData; change " +
                                          name + " with \"set\" or \"corrupt\"");
      }
    }
  }

  if (j.contains("set") && !GetEdits(m, j["set"], Child(path, "set"), false, &out->set)) {
    return false;
  }
  if (m == MessageName::kAlert &&
      std::none_of(out->set.begin(), out->set.end(),
                   [](const FieldEdit& e) { return e.field == "description"; })) {
    return Fail(path,
                "an Alert send needs \"set\": {\"description\": ...} (and \"level\", "
                "fatal by default)");
  }

  if (j.contains("malform")) {
    const std::string mpath = Child(path, "malform");
    const Json& mj = j["malform"];
    if (!CheckKeys(mj, mpath, kMalformKeys, "malform")) return false;
    if (!Require(mj, mpath, "edit")) return false;
    Malformation mal;
    std::string edit;
    if (!GetString(mj["edit"], Child(mpath, "edit"), &edit)) return false;
    std::optional<MalformEdit> e = MalformEditFromName(edit);
    if (!e) {
      std::string names;
      for (MalformEdit x : AllMalformEdits()) {
        names += (names.empty() ? "" : ", ") + std::string(MalformEditName(x));
      }
      return Fail(Child(mpath, "edit"), "unknown edit " + Quote(edit) + "; edits: " + names);
    }
    mal.edit = *e;
    if (mj.contains("field") && !GetString(mj["field"], Child(mpath, "field"), &mal.field)) {
      return false;
    }
    Status valid = ValidateMalformation(m, mal);
    if (!valid.ok()) {
      return Fail(Child(mpath, mj.contains("field") ? "field" : "edit"), valid.message());
    }
    out->malform = std::move(mal);
  }

  if (j.contains("corrupt")) {
    const std::string cpath = Child(path, "corrupt");
    const Json& c = j["corrupt"];
    if (!CheckKeys(c, cpath, kCorruptKeys, "corrupt")) return false;
    if (c.empty()) return Fail(cpath, "corrupt needs at least one of xor, truncate, append");
    if (c.contains("xor")) {
      BytesXor x;
      if (!GetBytesXor(c["xor"], Child(cpath, "xor"), &x)) return false;
      out->corrupt.xor_bytes = std::move(x);
    }
    if (c.contains("truncate")) {
      uint64_t n = 0;
      if (!GetUint(c["truncate"], Child(cpath, "truncate"), 0, kMaxTruncate, &n)) return false;
      out->corrupt.truncate = static_cast<size_t>(n);
    }
    if (c.contains("append")) {
      if (!GetHex(c["append"], Child(cpath, "append"), &out->corrupt.append)) return false;
      if (out->corrupt.append.empty()) {
        return Fail(Child(cpath, "append"), "nothing to append (leave the key out)");
      }
    }
  }

  if (!ReadRecordOptions(*this, j, path, &out->record)) return false;
  uint64_t n = 0;
  if (j.contains("pss_salt_length")) {
    const std::string spath = Child(path, "pss_salt_length");
    if (out->message != MessageName::kServerKeyExchange &&
        out->message != MessageName::kCertificateVerify) {
      return Fail(spath, "a salt length is for a signed ServerKeyExchange or CertificateVerify");
    }
    if (!GetUint(j["pss_salt_length"], spath, 0, 512, &n)) return false;
    out->pss_salt_length = n;
  }
  if (j.contains("repeat")) {
    if (!GetUint(j["repeat"], Child(path, "repeat"), 1, kMaxRepeat, &n)) return false;
    out->repeat = static_cast<int>(n);
  }
  return true;
}

bool VectorParser::ParseExpectedMessages(const Json& j, const std::string& path,
                                         std::vector<MessageName>* out) {
  if (!j.is_array()) return Fail(path, "expected an array of message names, got " + TypeName(j));
  if (j.empty()) return Fail(path, "expects no message; list at least one");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string item_path = Child(path, i);
    MessageName m;
    if (!GetMessage(j[i], item_path, &m)) return false;
    if (m == MessageName::kRaw || m == MessageName::kClose) {
      return Fail(item_path, std::string(MessageNameString(m)) +
                                 " is send-only: the peer decodes what the target sends; expect "
                                 "the target's close with \"close\"");
    }
    if (m == MessageName::kAlert) {
      return Fail(item_path, "expect an alert with {\"alert\": [names]}, not as a message");
    }
    if (!SentBy(role_, m)) {
      return Fail(item_path, "a " + std::string(SideName(role_)) + " never sends " +
                                 std::string(MessageNameString(m)) +
                                 " (RFC 5246 7.4): the target cannot be expected to");
    }
    out->push_back(m);
  }
  return true;
}

bool VectorParser::ParseExpect(const Json& j, const std::string& path, Expectation* out) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>() == "close") {
      out->close = true;
      return true;
    }
    std::string hint;
    if (ParseMessageName(j.get_ref<const std::string&>())) {
      hint = "; for one message write [" + Quote(j.get_ref<const std::string&>()) + "]";
    }
    return Fail(path, "unknown expectation " + Show(j) +
                          ": write \"close\", a list of messages, or an object" + hint);
  }
  if (j.is_array()) return ParseExpectedMessages(j, path, &out->messages);
  if (!CheckKeys(j, path, kExpectationKeys, "an expectation")) return false;

  const bool messages = j.contains("messages");
  const bool alert = j.contains("alert");
  const bool silence = j.contains("silence_ms");
  if (static_cast<int>(messages) + alert + silence != 1) {
    return Fail(path, messages + alert + silence == 0
                          ? "an expectation needs one of \"messages\", \"alert\", \"silence_ms\""
                          : "an expectation has exactly one of \"messages\", \"alert\", "
                            "\"silence_ms\"");
  }
  if (!messages && j.contains("optional")) {
    return Fail(Child(path, "optional"), "\"optional\" names some of \"messages\"");
  }
  if (!messages && j.contains("check")) {
    return Fail(Child(path, "check"), "\"check\" applies to the first of \"messages\"");
  }
  if (!messages && j.contains("certificate")) {
    return Fail(Child(path, "certificate"), "\"certificate\" checks a Certificate of \"messages\"");
  }
  if (!alert) {
    for (std::string_view key : {"or_close", "level"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), Quote(key) + " qualifies an \"alert\" expectation");
      }
    }
  }
  auto alert_set = [&](const char* key, std::set<AlertDescription>* set) {
    const std::string apath = Child(path, key);
    const Json& a = j[key];
    if (!a.is_array()) {
      return Fail(apath, "expected a list of alert names, got " + TypeName(a));
    }
    if (a.empty()) return Fail(apath, "no alert listed; for a bare close write \"close\"");
    for (size_t i = 0; i < a.size(); ++i) {
      uint64_t v = 0;
      if (!GetRegistryValue(a[i], Child(apath, i), Registry::kAlertDescription, 0xff, &v)) {
        return false;
      }
      // RFC 5246 7.2.2: these MUST NOT be sent (checklist 11), so no vector may expect them.
      if (v == 21 || v == 41 || v == 60) {
        return Fail(Child(apath, i), std::string(*AlertName(static_cast<uint8_t>(v))) +
                                         " must never be sent (RFC 5246 7.2.2, checklist:11)");
      }
      if (!set->insert(static_cast<AlertDescription>(v)).second) {
        return Fail(Child(apath, i), "alert listed twice");
      }
    }
    return true;
  };
  if (silence && j.contains("or_warning")) {
    return Fail(Child(path, "or_warning"),
                "\"or_warning\" qualifies an \"alert\" or a \"messages\" expectation");
  }
  if (!messages && j.contains("or_alert")) {
    return Fail(Child(path, "or_alert"),
                "\"or_alert\" qualifies a \"messages\" expectation (for alerts list them in "
                "\"alert\")");
  }
  if (messages) {
    if (!ParseExpectedMessages(j["messages"], Child(path, "messages"), &out->messages)) {
      return false;
    }
    if (j.contains("or_alert") && !alert_set("or_alert", &out->or_alerts)) return false;
    // Warning alerts the target may send on the way (RFC 6066 3's NOT RECOMMENDED but allowed
    // warning unrecognized_name before its ServerHello).
    if (j.contains("or_warning") && !alert_set("or_warning", &out->warning_alerts)) {
      return false;
    }
    if (j.contains("check") &&
        !GetEdits(out->messages.front(), j["check"], Child(path, "check"), true, &out->check)) {
      return false;
    }
    if (j.contains("certificate")) {
      const std::string cpath = Child(path, "certificate");
      if (!GetChoice(j["certificate"], cpath, ExpectedCertificateChoices(), &out->certificate)) {
        return false;
      }
      if (role_ != Side::kServer) {
        return Fail(cpath, "checks a server target's certificate; here the target is the client");
      }
      const std::vector<MessageName>& m = out->messages;
      if (std::find(m.begin(), m.end(), MessageName::kCertificate) == m.end()) {
        return Fail(cpath,
                    "\"certificate\" checks the Certificate of \"messages\", which has none");
      }
    }
    if (j.contains("optional")) {
      const std::string opath = Child(path, "optional");
      std::vector<MessageName> names;
      if (!ParseExpectedMessages(j["optional"], opath, &names)) return false;
      for (size_t i = 0; i < names.size(); ++i) {
        const std::vector<MessageName>& m = out->messages;
        auto at = std::find(m.begin(), m.end(), names[i]);
        if (at == m.end()) {
          return Fail(Child(opath, i), Quote(MessageNameString(names[i])) +
                                           " is not one of the expected \"messages\"");
        }
        // A required message must follow, so that leaving this one out is seen as the next
        // message arriving; the first may be optional (a ticket-less server's flight, RFC
        // 5077 3.4) unless a check reads its fields.
        if (at + 1 == m.end()) {
          return Fail(Child(opath, i),
                      Quote(MessageNameString(names[i])) +
                          " is the last expected message: only a message a required one "
                          "follows can be optional");
        }
        if (at == m.begin() && j.contains("check")) {
          return Fail(Child(opath, i),
                      Quote(MessageNameString(names[i])) +
                          " is the first expected message, whose fields \"check\" reads: it "
                          "cannot be optional");
        }
        if (!out->optional.insert(names[i]).second) {
          return Fail(Child(opath, i), Quote(MessageNameString(names[i])) + " is listed twice");
        }
      }
    }
    return true;
  }
  if (silence) {
    uint64_t ms = 0;
    if (!GetUint(j["silence_ms"], Child(path, "silence_ms"), 1, kMaxSilenceMs, &ms)) return false;
    out->silence_ms = static_cast<int>(ms);
    return true;
  }
  if (!alert_set("alert", &out->alerts)) return false;
  if (j.contains("or_close") && !GetBool(j["or_close"], Child(path, "or_close"), &out->close)) {
    return false;
  }
  if (j.contains("level")) {
    std::string level;
    if (!GetChoice(j["level"], Child(path, "level"), {"fatal", "warning"}, &level)) return false;
    out->alert_level = level == "fatal" ? AlertLevel::kFatal : AlertLevel::kWarning;
  }
  if (j.contains("or_warning")) {
    if (out->alert_level != AlertLevel::kFatal) {
      return Fail(Child(path, "or_warning"),
                  "\"or_warning\" adds warning alerts to fatal ones; with \"level\": "
                  "\"warning\" list them all in \"alert\"");
    }
    if (!alert_set("or_warning", &out->warning_alerts)) return false;
  }
  return true;
}

bool VectorParser::ParseStep(const Json& j, const std::string& path, Step* out) {
  if (!j.is_object()) return Fail(path, "a step must be an object, got " + TypeName(j));
  const bool send = j.contains("send");
  const bool expect = j.contains("expect");
  const bool renegotiate = j.contains("renegotiate");
  if (send + expect + renegotiate > 1) {
    return Fail(path, "a step either sends, expects or renegotiates: one of them");
  }
  if (renegotiate) {
    if (!CheckKeys(j, path, kRenegotiateStepKeys, "a renegotiate step")) return false;
    if (!j["renegotiate"].is_boolean() || !j["renegotiate"].get<bool>()) {
      return Fail(Child(path, "renegotiate"), "expected true (the peer starts a new handshake)");
    }
    if (j.contains("comment") &&
        !GetString(j["comment"], Child(path, "comment"), &out->comment)) {
      return false;
    }
    out->json_path = path;
    out->action = Renegotiate{};
    return true;
  }
  if (!send && !expect) {
    for (const auto& item : j.items()) {
      // A misspelt "send"/"expect" gets a hint; "set" or "comment" are fine keys, just alone.
      const auto& send_keys = Keys(kSendStepKeys);
      if (std::find(send_keys.begin(), send_keys.end(), item.key()) != send_keys.end()) continue;
      std::string hint = Suggest(item.key(), {"send", "expect", "renegotiate"});
      if (!hint.empty())
        return Fail(Child(path, item.key()), "unknown key " + Quote(item.key()) + hint);
    }
    return Fail(path, "a step needs \"send\", \"expect\" or \"renegotiate\"");
  }
  if (j.contains("comment") && !GetString(j["comment"], Child(path, "comment"), &out->comment)) {
    return false;
  }
  out->json_path = path;
  if (send) {
    SendStep step;
    if (!ParseSend(j, path, &step)) return false;
    out->action = std::move(step);
    return true;
  }
  if (!CheckKeys(j, path, kExpectStepKeys, "an expect step")) return false;
  Expectation expectation;
  if (!ParseExpect(j["expect"], Child(path, "expect"), &expectation)) return false;
  out->action = std::move(expectation);
  return true;
}

bool VectorParser::ParseSteps(const Json& j, const std::string& path, std::vector<Step>* out) {
  if (!j.is_array()) return Fail(path, "steps must be an array, got " + TypeName(j));
  if (j.empty()) return Fail(path, "no steps");
  for (size_t i = 0; i < j.size(); ++i) {
    Step step;
    if (!ParseStep(j[i], Child(path, i), &step)) return false;
    out->push_back(std::move(step));
  }
  return true;
}

bool VectorParser::CheckOrder(const ConnectionScript& connection) {
  const std::vector<Step>& steps = connection.steps;
  const Step& first = steps.front();
  if (role_ == Side::kServer && !std::holds_alternative<SendStep>(first.action)) {
    return Fail(first.json_path,
                "the target is a server: it speaks only after the peer does, so a connection "
                "starts with a send step (normally ClientHello)");
  }
  if (role_ == Side::kClient) {
    const auto* e = std::get_if<Expectation>(&first.action);
    if (e == nullptr || e->messages.empty() || e->messages.front() != MessageName::kClientHello) {
      return Fail(first.json_path,
                  "the target is a client: it speaks first, so a connection starts with "
                  "{\"expect\": [\"ClientHello\", ...]}");
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (const auto* send = std::get_if<SendStep>(&steps[i].action)) {
      if (!send->record.coalesce_with_next) continue;
      const SendStep* next =
          i + 1 < steps.size() ? std::get_if<SendStep>(&steps[i + 1].action) : nullptr;
      if (next == nullptr || next->message == MessageName::kRaw ||
          next->message == MessageName::kClose) {
        return Fail(Child(steps[i].json_path, "coalesce"),
                    "coalesce shares a record with the next step, which must be a send of a "
                    "message (not Raw)");
      }
      continue;
    }
    const auto* expectation = std::get_if<Expectation>(&steps[i].action);
    if (expectation == nullptr) continue;  // renegotiate
    const auto& e = *expectation;
    const bool ends = (e.messages.empty() && e.alerts.empty() && e.close && !e.silence_ms) ||
                      (!e.alerts.empty() && e.alert_level == AlertLevel::kFatal);
    if (ends && i + 1 < steps.size()) {
      return Fail(steps[i + 1].json_path,
                  "step after the connection closed (the step before expects a close or a "
                  "fatal alert); start another connection for more");
    }
  }
  return true;
}

std::optional<Scenario> VectorParser::Parse(const Json& doc) {
  Scenario s;
  s.source = file();
  s.topic = TopicForPath(file());
  if (!doc.is_object()) {
    Fail("", "a vector is a JSON object, got " + TypeName(doc));
    return std::nullopt;
  }
  if (!CheckKeys(doc, "", kVectorKeys, "the vector")) return std::nullopt;
  for (std::string_view key : {"id", "title", "refs", "target_role"}) {
    if (!Require(doc, "", key)) return std::nullopt;
  }
  if (doc.contains("$schema")) {
    std::string ignored;
    if (!GetString(doc["$schema"], "/$schema", &ignored)) return std::nullopt;
  }
  if (!GetString(doc["id"], "/id", &s.id)) return std::nullopt;
  if (!ValidId(s.id)) {
    Fail("/id", "an id is 1-128 characters of a-z 0-9 . _ - (got " + Quote(s.id) + ")");
    return std::nullopt;
  }
  if (!GetString(doc["title"], "/title", &s.title)) return std::nullopt;
  if (s.title.empty()) {
    Fail("/title", "the title is empty");
    return std::nullopt;
  }
  const Json& refs = doc["refs"];
  if (!refs.is_array()) {
    Fail("/refs", "refs must be an array of strings, got " + TypeName(refs));
    return std::nullopt;
  }
  if (refs.empty()) {
    Fail("/refs", "a vector needs at least one ref (RFC section, checklist row, CVE, attack)");
    return std::nullopt;
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string ref;
    if (!GetString(refs[i], Child("/refs", i), &ref)) return std::nullopt;
    std::string problem = CheckRef(ref);
    if (!problem.empty()) {
      Fail(Child("/refs", i), "bad ref " + Quote(ref) + ": " + problem);
      return std::nullopt;
    }
    if (std::find(s.refs.begin(), s.refs.end(), ref) != s.refs.end()) {
      Fail(Child("/refs", i), "ref " + Quote(ref) + " is listed twice");
      return std::nullopt;
    }
    s.refs.push_back(ref);
  }
  std::string role;
  if (!GetChoice(doc["target_role"], "/target_role", {"server", "client"}, &role)) {
    return std::nullopt;
  }
  s.role = role == "server" ? Side::kServer : Side::kClient;
  role_ = s.role;
  if (doc.contains("notes") && !GetString(doc["notes"], "/notes", &s.notes)) return std::nullopt;
  if (doc.contains("judge") &&
      !GetConfigChoice(doc["judge"], "/judge", {JudgedBy::kExpectations, JudgedBy::kInvariants},
                       &s.judge)) {
    return std::nullopt;
  }
  if (doc.contains("equivalence")) {
    if (!GetString(doc["equivalence"], "/equivalence", &s.equivalence)) return std::nullopt;
    const bool valid =
        !s.equivalence.empty() && s.equivalence.size() <= 64 &&
        std::all_of(s.equivalence.begin(), s.equivalence.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        });
    if (!valid) {
      Fail("/equivalence", "a family name is 1-64 characters of a-z 0-9 -");
      return std::nullopt;
    }
  }
  if (doc.contains("peer") && !ParsePeer(doc["peer"], "/peer", &s.peer)) return std::nullopt;
  if (doc.contains("target") && !ParseTarget(doc["target"], "/target", &s.target)) {
    return std::nullopt;
  }

  const bool single = doc.contains("steps");
  const bool multi = doc.contains("connections");
  if (single == multi) {
    Fail("", single ? "give \"steps\" (one connection) or \"connections\", not both"
                    : "missing key \"steps\" (or \"connections\")");
    return std::nullopt;
  }
  if (single) {
    ConnectionScript connection;
    if (!ParseSteps(doc["steps"], "/steps", &connection.steps)) return std::nullopt;
    if (!CheckOrder(connection)) return std::nullopt;
    s.connections.push_back(std::move(connection));
  } else {
    const Json& list = doc["connections"];
    if (!list.is_array()) {
      Fail("/connections", "connections must be an array, got " + TypeName(list));
      return std::nullopt;
    }
    if (list.empty()) {
      Fail("/connections", "no connections");
      return std::nullopt;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string cpath = Child("/connections", i);
      ConnectionScript connection;
      if (!CheckKeys(list[i], cpath, kConnectionKeys, "a connection")) return std::nullopt;
      if (!Require(list[i], cpath, "steps")) return std::nullopt;
      if (list[i].contains("resume") &&
          !GetBool(list[i]["resume"], Child(cpath, "resume"), &connection.resume)) {
        return std::nullopt;
      }
      if (i == 0 && connection.resume) {
        Fail(Child(cpath, "resume"), "the first connection has no earlier session to resume");
        return std::nullopt;
      }
      if (!ParseSteps(list[i]["steps"], Child(cpath, "steps"), &connection.steps)) {
        return std::nullopt;
      }
      if (!CheckOrder(connection)) return std::nullopt;
      s.connections.push_back(std::move(connection));
    }
  }
  return s;
}

}  // namespace

Parsed ParseScenarioDocument(const Json& doc, const std::string& source_name) {
  VectorParser parser(source_name);
  Parsed out;
  out.scenario = parser.Parse(doc);
  if (!out.scenario) out.error = parser.error();
  return out;
}

Parsed ParseGuardedJsonText(std::string_view text, const std::string& source_name) {
  Json doc;
  if (std::optional<LoadError> error = ParseGuardedJson(text, source_name, &doc)) {
    return Parsed{std::nullopt, std::move(error)};
  }
  return ParseScenarioDocument(doc, source_name);
}

Parsed ParseGuardedCborBytes(ByteView cbor, const std::string& source_name) {
  Json doc;
  if (std::optional<LoadError> error = ParseGuardedCbor(cbor, source_name, &doc)) {
    return Parsed{std::nullopt, std::move(error)};
  }
  return ParseScenarioDocument(doc, source_name);
}

Parsed ReadAndParseFile(const std::string& path) {
  std::string text;
  if (std::optional<LoadError> error = ReadVectorText(path, &text)) {
    return Parsed{std::nullopt, std::move(error)};
  }
  return ParseGuardedJsonText(text, path);
}

}  // namespace shakedown
