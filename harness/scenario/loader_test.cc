#include "harness/scenario/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace shakedown {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr char kFile[] = "vectors/conformance/ccs/early.json";

// The first example vector of docs/SCENARIOS.md.
Json ServerVector() {
  return Json::parse(R"({
    "id": "server.ccs.before-client-key-exchange",
    "title": "ChangeCipherSpec before ClientKeyExchange is rejected",
    "refs": ["RFC5246 7.1", "CVE-2014-0224", "checklist:17"],
    "target_role": "server",
    "notes": "tlsfuzzer test_message_skipping",
    "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], "groups": ["x25519"],
             "certificate": "rsa", "extended_master_secret": true},
    "target": {"certificate": "rsa", "client_auth": "none"},
    "steps": [
      {"send": "ClientHello"},
      {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
      {"send": "ChangeCipherSpec"},
      {"expect": {"alert": ["unexpected_message"], "or_close": false}}
    ]})");
}

Json ClientVector() {
  return Json::parse(R"({
    "id": "client.server-hello.unsolicited-ems",
    "title": "An unrequested extension in ServerHello is refused",
    "refs": ["RFC5246 7.4.1.4", "checklist:33", "attack:11"],
    "target_role": "client",
    "target": {"extended_master_secret": "disabled"},
    "steps": [
      {"expect": {"messages": ["ClientHello"],
                  "check": {"extensions.extended_master_secret": null}}},
      {"send": "ServerHello", "set": {"extensions.extended_master_secret": ""}},
      {"send": "Certificate"},
      {"send": "ServerKeyExchange"},
      {"send": "ServerHelloDone"},
      {"expect": {"alert": ["unsupported_extension"]}}
    ]})");
}

Json ResumptionVector() {
  return Json::parse(R"({
    "id": "server.resumption.other-suite",
    "title": "A session is not resumed under another suite",
    "refs": ["RFC5246 7.4.1.2", "checklist:25", "CVE-2010-4180"],
    "target_role": "server",
    "connections": [
      {"steps": [
        {"send": "ClientHello"},
        {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
        {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
        {"expect": ["ChangeCipherSpec", "Finished"]}
      ]},
      {"resume": true, "steps": [
        {"send": "ClientHello", "set": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]}},
        {"expect": {"messages": ["ServerHello", "Certificate"],
                    "check": {"cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}}
      ]}
    ]})");
}

Result<Scenario> Load(const Json& vector) { return ParseScenarioJson(vector.dump(), kFile); }

// The error message for `text`, which must fail to load.
std::string ErrorText(const std::string& text) {
  Result<Scenario> r = ParseScenarioJson(text, kFile);
  EXPECT_FALSE(r.ok()) << "loaded but should not have:\n" << text;
  return r.ok() ? "" : r.status().message();
}

// Asserts the vector fails with an error naming the file, exactly this JSON path, and a
// reason containing `reason`.
void ExpectError(const Json& vector, const std::string& path, const std::string& reason) {
  std::string text = ErrorText(vector.dump());
  std::string prefix = std::string(kFile) + (path.empty() ? "" : " at " + path) + ": ";
  EXPECT_EQ(text.substr(0, prefix.size()), prefix) << text;
  EXPECT_NE(text.find(reason), std::string::npos) << "reason: " << reason << "\nin: " << text;
}

// ---- Valid vectors load to the typed values ----

TEST(LoaderTest, ServerExampleLoads) {
  Result<Scenario> r = Load(ServerVector());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Scenario& s = *r;
  EXPECT_EQ(s.id, "server.ccs.before-client-key-exchange");
  EXPECT_EQ(s.title, "ChangeCipherSpec before ClientKeyExchange is rejected");
  EXPECT_EQ(s.refs, (std::vector<std::string>{"RFC5246 7.1", "CVE-2014-0224", "checklist:17"}));
  EXPECT_EQ(s.notes, "tlsfuzzer test_message_skipping");
  EXPECT_EQ(s.topic, "ccs");
  EXPECT_EQ(s.source, kFile);
  EXPECT_EQ(s.role, Side::kServer);
  EXPECT_EQ(s.peer.cipher_suites, std::vector<uint16_t>{0xc02f});  // RFC 5289 3.2
  EXPECT_EQ(s.peer.groups, std::vector<NamedGroup>{NamedGroup::kX25519});
  EXPECT_EQ(s.peer.certificate, "rsa");
  EXPECT_TRUE(s.peer.extended_master_secret);
  EXPECT_EQ(s.target.client_auth, "none");
  ASSERT_EQ(s.connections.size(), 1u);
  EXPECT_FALSE(s.connections[0].resume);
  const std::vector<Step>& steps = s.connections[0].steps;
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(std::get<SendStep>(steps[0].action).message, MessageName::kClientHello);
  EXPECT_EQ(std::get<SendStep>(steps[0].action).repeat, 1);
  EXPECT_EQ(
      std::get<Expectation>(steps[1].action).messages,
      (std::vector<MessageName>{MessageName::kServerHello, MessageName::kCertificate,
                                MessageName::kServerKeyExchange, MessageName::kServerHelloDone}));
  EXPECT_EQ(std::get<SendStep>(steps[2].action).message, MessageName::kChangeCipherSpec);
  const auto& alert = std::get<Expectation>(steps[3].action);
  EXPECT_EQ(alert.alerts, std::set<AlertDescription>{AlertDescription::kUnexpectedMessage});
  EXPECT_FALSE(alert.close);
  EXPECT_EQ(alert.alert_level, AlertLevel::kFatal);
  EXPECT_TRUE(alert.messages.empty());
  EXPECT_EQ(steps[3].json_path, "/steps/3");
}

TEST(LoaderTest, ClientAndResumptionExamplesLoad) {
  Result<Scenario> c = Load(ClientVector());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->role, Side::kClient);
  EXPECT_EQ(c->target.extended_master_secret, "disabled");
  const auto& first = std::get<Expectation>(c->connections[0].steps[0].action);
  ASSERT_EQ(first.check.size(), 1u);
  EXPECT_EQ(first.check[0].field, "extensions.extended_master_secret");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(first.check[0].value.value));
  const auto& hello = std::get<SendStep>(c->connections[0].steps[1].action);
  ASSERT_EQ(hello.set.size(), 1u);
  EXPECT_EQ(std::get<Bytes>(hello.set[0].value.value), Bytes{});

  Result<Scenario> r = Load(ResumptionVector());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->connections.size(), 2u);
  EXPECT_FALSE(r->connections[0].resume);
  EXPECT_TRUE(r->connections[1].resume);
  EXPECT_EQ(r->connections[1].steps[1].json_path, "/connections/1/steps/1");
  const auto& check = std::get<Expectation>(r->connections[1].steps[1].action).check;
  ASSERT_EQ(check.size(), 1u);
  EXPECT_EQ(std::get<uint64_t>(check[0].value.value), 0xc030u);  // RFC 5289 3.2
}

TEST(LoaderTest, EveryDeviationLoads) {
  Json v = ServerVector();
  v["steps"][0] = Json::parse(R"({
    "send": "ClientHello", "comment": "every kind of edit",
    "set": {"client_version": "0x0304",
            "random": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "session_id": {"xor": {"hex": "ff", "at": -1}},
            "cipher_suites": ["0x0a0a", 49199, "TLS_FALLBACK_SCSV"],
            "compression_methods": [1, 0],
            "extensions.0x0017": "",
            "extensions.0x1A1A": "00",
            "extensions.renegotiation_info": null},
    "corrupt": {"xor": {"hex": "80", "at": 5}, "truncate": 40, "append": "0000"},
    "record_type": "application_data", "record_version": "TLSv1.0",
    "protect": false, "repeat": 3})");
  v["steps"].insert(v["steps"].begin() + 1,
                    Json::parse(R"({"send": "Raw", "hex": "16030100", "repeat": 2})"));
  v["steps"][3] = Json::parse(R"({"send": "ChangeCipherSpec", "coalesce": true,
                                  "record_type": 99, "set": {"value": "0102"}})");
  v["steps"].push_back(
      Json::parse(R"({"send": "ApplicationData", "data": "GET /", "fragment": 1})"));
  // A fatal alert ends the connection, so the last step moves before it.
  std::swap(v["steps"][4], v["steps"][5]);
  Result<Scenario> r = Load(v);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<Step>& steps = r->connections[0].steps;
  const auto& hello = std::get<SendStep>(steps[0].action);
  EXPECT_EQ(steps[0].comment, "every kind of edit");
  // Sorted by field, the number spellings normalized.
  std::vector<std::string> fields;
  for (const FieldEdit& e : hello.set) fields.push_back(e.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"cipher_suites", "client_version", "compression_methods",
                                      "extensions.0x1a1a", "extensions.extended_master_secret",
                                      "extensions.renegotiation_info", "random", "session_id"}));
  EXPECT_EQ(std::get<std::vector<uint64_t>>(hello.set[0].value.value),
            (std::vector<uint64_t>{0x0a0a, 0xc02f, 0x5600}));  // RFC 7507: SCSV 0x5600
  EXPECT_EQ(std::get<uint64_t>(hello.set[1].value.value), 0x0304u);
  EXPECT_EQ(std::get<std::vector<uint64_t>>(hello.set[2].value.value),
            (std::vector<uint64_t>{1, 0}));
  EXPECT_EQ(std::get<Bytes>(hello.set[3].value.value), Bytes{0});
  EXPECT_EQ(std::get<Bytes>(hello.set[4].value.value), Bytes{});
  EXPECT_TRUE(std::holds_alternative<std::monostate>(hello.set[5].value.value));
  EXPECT_EQ(std::get<Bytes>(hello.set[6].value.value).size(), 32u);
  EXPECT_EQ(std::get<Bytes>(hello.set[6].value.value)[31], 0x1f);
  EXPECT_EQ(std::get<BytesXor>(hello.set[7].value.value), (BytesXor{{0xff}, -1}));
  ASSERT_TRUE(hello.corrupt.xor_bytes.has_value());
  EXPECT_EQ(*hello.corrupt.xor_bytes, (BytesXor{{0x80}, 5}));
  EXPECT_EQ(hello.corrupt.truncate, std::optional<size_t>(40));
  EXPECT_EQ(hello.corrupt.append, (Bytes{0, 0}));
  EXPECT_EQ(hello.record.content_type, std::optional<uint8_t>(23));  // RFC 5246 6.2.1
  EXPECT_EQ(hello.record.version, std::optional<uint16_t>(0x0301));
  EXPECT_EQ(hello.record.protect, std::optional<bool>(false));
  EXPECT_FALSE(hello.record.coalesce_with_next);
  EXPECT_FALSE(hello.record.fragment.has_value());
  EXPECT_EQ(hello.repeat, 3);
  const auto& raw = std::get<SendStep>(steps[1].action);
  EXPECT_EQ(raw.message, MessageName::kRaw);
  EXPECT_EQ(raw.raw, (Bytes{0x16, 0x03, 0x01, 0x00}));
  EXPECT_EQ(raw.repeat, 2);
  const auto& ccs = std::get<SendStep>(steps[3].action);
  EXPECT_TRUE(ccs.record.coalesce_with_next);
  EXPECT_EQ(ccs.record.content_type, std::optional<uint8_t>(99));
  EXPECT_EQ(std::get<Bytes>(ccs.set[0].value.value), (Bytes{1, 2}));
  const auto& data = std::get<SendStep>(steps[4].action);
  EXPECT_EQ(data.raw, (Bytes{'G', 'E', 'T', ' ', '/'}));
  EXPECT_EQ(data.record.fragment, std::optional<size_t>(1));
}

TEST(LoaderTest, ExpectationForms) {
  Json v = ServerVector();
  v["steps"][3] = Json::parse(R"({"expect": {"alert": ["close_notify"], "level": "warning"}})");
  v["steps"].push_back(Json::parse(R"({"expect": {"silence_ms": 200}})"));
  v["steps"].push_back(Json::parse(
      R"({"expect": {"alert": ["decode_error", "illegal_parameter"], "or_close": true}})"));
  Result<Scenario> r = Load(v);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<Step>& steps = r->connections[0].steps;
  const auto& warning = std::get<Expectation>(steps[3].action);
  EXPECT_EQ(warning.alert_level, AlertLevel::kWarning);
  EXPECT_EQ(warning.alerts, std::set<AlertDescription>{AlertDescription::kCloseNotify});
  EXPECT_EQ(std::get<Expectation>(steps[4].action).silence_ms, std::optional<int>(200));
  const auto& either = std::get<Expectation>(steps[5].action);
  EXPECT_TRUE(either.close);
  EXPECT_EQ(either.alerts, (std::set<AlertDescription>{AlertDescription::kDecodeError,
                                                       AlertDescription::kIllegalParameter}));

  v = ServerVector();
  v["steps"][3] = {{"expect", "close"}};
  r = Load(v);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& close = std::get<Expectation>(r->connections[0].steps[3].action);
  EXPECT_TRUE(close.close);
  EXPECT_TRUE(close.alerts.empty());
  EXPECT_TRUE(close.messages.empty());
}

TEST(LoaderTest, OptionalMessagesLoadAndRoundTrip) {
  Json v = ServerVector();
  v["steps"][1] = Json::parse(
      R"({"expect": {"messages": ["ServerHello", "Certificate", "ServerKeyExchange",
                                   "CertificateRequest", "ServerHelloDone"],
                      "optional": ["CertificateRequest"]}})");
  Result<Scenario> r = Load(v);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& e = std::get<Expectation>(r->connections[0].steps[1].action);
  EXPECT_EQ(e.optional, std::set<MessageName>{MessageName::kCertificateRequest});
  Result<Scenario> back = ParseScenarioJson(SerializeScenarioJson(*r), kFile);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, *r);
}

TEST(LoaderTest, WrongDirectionSendsAreAllowed) {
  // checklist:20: a client sending HelloRequest to a server is a legitimate hostile test.
  Json v = ServerVector();
  v["steps"][2] = {{"send", "HelloRequest"}};
  EXPECT_TRUE(Load(v).ok());
  v["steps"][0] = {{"send", "ChangeCipherSpec"}};  // CVE-2004-0079 style: CCS first
  EXPECT_TRUE(Load(v).ok());
}

// ---- Errors: file, JSON path and reason ----

TEST(LoaderErrorTest, InvalidJson) {
  std::string text = ErrorText("{\"id\": \"x\",\n \"title\": }");
  EXPECT_EQ(text.rfind(std::string(kFile) + ": invalid JSON: ", 0), 0u) << text;
  EXPECT_NE(text.find("line 2"), std::string::npos) << text;
  text = ErrorText("");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  text = ErrorText("{\"id\": \"x\" // comment\n}");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  // The parser echoes what it read; the message stays printable and bounded.
  text = ErrorText("[\x7f\x01\xff" + std::string(10000, '6') + "\x7f]");
  EXPECT_NE(text.find("invalid JSON"), std::string::npos) << text;
  EXPECT_LT(text.size(), 500u) << text;
  for (char c : text) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << text;
}

TEST(LoaderErrorTest, DuplicateKeys) {
  std::string text = ServerVector().dump();
  text.replace(text.find("{\"send\":\"ChangeCipherSpec\"}"), 27,
               "{\"send\":\"ChangeCipherSpec\",\"send\":\"Finished\"}");
  std::string error = ErrorText(text);
  EXPECT_EQ(error, std::string(kFile) + " at /steps/2/send: duplicate key") << error;
}

TEST(LoaderErrorTest, TopLevel) {
  ExpectError(Json::array(), "", "a vector is a JSON object, got an array");
  Json v = ServerVector();
  v["titel"] = "x";
  ExpectError(v, "/titel", "unknown key \"titel\" in the vector (did you mean \"title\"?)");
  ExpectError(v, "/titel", "allowed: $schema, id, title, refs");
  for (const char* key : {"id", "title", "refs", "target_role"}) {
    v = ServerVector();
    v.erase(key);
    ExpectError(v, "", std::string("missing key \"") + key + "\"");
  }
  v = ServerVector();
  v["id"] = "Server CCS";
  ExpectError(v, "/id", "a-z 0-9 . _ -");
  v = ServerVector();
  v["title"] = "";
  ExpectError(v, "/title", "the title is empty");
  v = ServerVector();
  v["title"] = 7;
  ExpectError(v, "/title", "expected a string, got a number");
  v = ServerVector();
  v["target_role"] = "sever";
  ExpectError(v, "/target_role", "unknown value \"sever\" (did you mean \"server\"?)");
  // RFC 6901 escapes "~" and "/"; control characters are shown escaped too.
  v = ServerVector();
  v["steps"][0]["a/b~c"] = 1;
  ExpectError(v, "/steps/0/a~1b~0c", "unknown key \"a/b~c\" in a send step");
  v = ServerVector();
  v["steps"][0]["s\nd"] = 1;
  ExpectError(v, "/steps/0/s\\u000ad", "unknown key \"s\\nd\"");
  v = ServerVector();
  v["$schema"] = "../schema/scenario.schema.json";
  EXPECT_TRUE(Load(v).ok()) << "editors may name the schema";
}

TEST(LoaderErrorTest, Refs) {
  Json v = ServerVector();
  v["refs"] = Json::array();
  ExpectError(v, "/refs", "at least one ref");
  const std::pair<const char*, const char*> kBad[] = {
      {"checklist:99", "rfc_checklist.md has no row \"99\""},
      {"checklist:45", "no row \"45\""},
      {"CVE-14-0224", "CVE-YYYY-NNNN"},
      {"attack:38", "attacks.md has rows 1-37"},
      {"rfc5246", "a ref is"},
      {"RFC5246  7.1", "RFC section"},
      {"RFCx", "RFC<number>"},
  };
  for (const auto& [ref, reason] : kBad) {
    v["refs"] = {"RFC5246 7.1", ref};
    ExpectError(v, "/refs/1", reason);
  }
  v["refs"] = {"checklist:36b", "checklist:45a", "RFC5246 App. E.1",
               "RFC7627",       "attack:37",     "CVE-2017-1000385"};
  EXPECT_TRUE(Load(v).ok());
  v["refs"] = {"RFC5246", "RFC5246"};
  ExpectError(v, "/refs/1", "listed twice");
}

TEST(LoaderErrorTest, Config) {
  Json v = ServerVector();
  v["peer"]["cipher_suite"] = Json::array();
  ExpectError(v, "/peer/cipher_suite",
              "unknown key \"cipher_suite\" in peer (did you mean "
              "\"cipher_suites\"?)");
  v = ServerVector();
  v["peer"]["cipher_suites"] = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265"};
  ExpectError(v, "/peer/cipher_suites/0",
              "unknown cipher suite \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265\" (did you mean "
              "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"?)");
  v = ServerVector();
  v["peer"]["groups"] = {"x25591"};
  ExpectError(v, "/peer/groups/0", "unknown named group \"x25591\" (did you mean \"x25519\"?)");
  v = ServerVector();
  v["peer"]["groups"] = Json::array();
  ExpectError(v, "/peer/groups", "the list is empty");
  v = ServerVector();
  v["peer"]["signature_schemes"] = {"rsa_pss_sha256"};
  ExpectError(v, "/peer/signature_schemes/0", "unknown signature scheme \"rsa_pss_sha256\"");
  v = ServerVector();
  v["peer"]["groups"] = {"0x10000"};
  ExpectError(v, "/peer/groups/0", "bad named group number \"0x10000\"");
  v = ServerVector();
  v["peer"]["groups"] = {65536};
  ExpectError(v, "/peer/groups/0", "65536 is out of range 0..65535");
  v = ServerVector();
  v["peer"]["version"] = "TLS1.2";
  ExpectError(v, "/peer/version",
              "unknown protocol version \"TLS1.2\" (did you mean \"TLSv1.2\"?)");
  v = ServerVector();
  v["peer"]["extended_master_secret"] = "yes";
  ExpectError(v, "/peer/extended_master_secret", "expected true or false, got a string");
  v = ServerVector();
  v["target"]["certificate"] = "none";
  ExpectError(v, "/target/certificate", "a server target needs a certificate");
  v = ClientVector();
  v["target"]["client_auth"] = "required";
  ExpectError(v, "/target/client_auth", "client_auth configures a server target");
  v = ServerVector();
  v["target"]["extended_master_secret"] = "on";
  ExpectError(v, "/target/extended_master_secret",
              "unknown value \"on\"; allowed: enabled, required, disabled");
}

TEST(LoaderErrorTest, StepsAndConnections) {
  Json v = ServerVector();
  v["steps"] = Json::array();
  ExpectError(v, "/steps", "no steps");
  v["steps"] = Json::object();
  ExpectError(v, "/steps", "steps must be an array, got an object");
  v = ServerVector();
  v.erase("steps");
  ExpectError(v, "", "missing key \"steps\" (or \"connections\")");
  v = ResumptionVector();
  v["steps"] = ServerVector()["steps"];
  ExpectError(v, "", "not both");
  v = ResumptionVector();
  v["connections"] = Json::array();
  ExpectError(v, "/connections", "no connections");
  v = ResumptionVector();
  v["connections"][1]["resumption"] = true;
  ExpectError(v, "/connections/1/resumption", "unknown key \"resumption\" in a connection");
  v = ResumptionVector();
  v["connections"][1].erase("steps");
  ExpectError(v, "/connections/1", "missing key \"steps\"");
  v = ResumptionVector();
  v["connections"][0]["resume"] = true;
  ExpectError(v, "/connections/0/resume", "no earlier session to resume");
  v = ResumptionVector();
  v["connections"][1]["steps"][0]["send"] = "ClientHelo";
  ExpectError(v, "/connections/1/steps/0/send",
              "unknown message \"ClientHelo\" (did you mean \"ClientHello\"?)");
}

TEST(LoaderErrorTest, StepShape) {
  Json v = ServerVector();
  v["steps"][2] = "ChangeCipherSpec";
  ExpectError(v, "/steps/2", "a step must be an object, got a string");
  v["steps"][2] = {{"send", "ChangeCipherSpec"}, {"expect", "close"}};
  ExpectError(v, "/steps/2", "either sends or expects, not both");
  v["steps"][2] = {{"sned", "ChangeCipherSpec"}};
  ExpectError(v, "/steps/2/sned", "unknown key \"sned\" (did you mean \"send\"?)");
  v["steps"][2] = {{"comment", "x"}};
  ExpectError(v, "/steps/2", "a step needs \"send\" or \"expect\"");
  v["steps"][2] = {{"set", {{"random", "00"}}}};  // not "did you mean send"
  ExpectError(v, "/steps/2", "a step needs \"send\" or \"expect\"");
  v["steps"][2] = {{"send", "ChangeCipherSpec"}, {"fragments", 1}};
  ExpectError(v, "/steps/2/fragments",
              "unknown key \"fragments\" in a send step (did you mean \"fragment\"?)");
  v["steps"][2] = {{"send", 20}};
  ExpectError(v, "/steps/2/send", "expected a string, got a number");
  v["steps"][3]["repeat"] = 2;
  v["steps"][2] = {{"send", "ChangeCipherSpec"}};
  ExpectError(v, "/steps/3/repeat", "unknown key \"repeat\" in an expect step");
}

TEST(LoaderErrorTest, Fields) {
  Json v = ServerVector();
  v["steps"][0]["set"] = {{"cipher_suite", "TLS_RSA_WITH_AES_128_CBC_SHA"}};
  ExpectError(v, "/steps/0/set/cipher_suite",
              "unknown field \"cipher_suite\" for ClientHello (did you mean \"cipher_suites\"?); "
              "fields: client_version, random");
  v["steps"][0]["set"] = {{"extensions.extended_master_secrt", ""}};
  ExpectError(v, "/steps/0/set/extensions.extended_master_secrt",
              "(did you mean \"extensions.extended_master_secret\"?)");
  v["steps"][0]["set"] = {{"client_version", 771}};
  ExpectError(v, "/steps/0/set/client_version", "expected a version such as \"TLSv1.2\"");
  v["steps"][0]["set"] = {{"session_id", "abc"}};
  ExpectError(v, "/steps/0/set/session_id", "odd number of hex digits (3)");
  v["steps"][0]["set"] = {{"session_id", "0x01"}};
  ExpectError(v, "/steps/0/set/session_id", "not a hex digit: \"x\" at offset 1");
  v["steps"][0]["set"] = {{"random", "00"}};
  ExpectError(v, "/steps/0/set/random", "a random is 32 bytes (64 hex digits), got 1 bytes");
  v["steps"][0]["set"] = {{"compression_methods", {0, 256}}};
  ExpectError(v, "/steps/0/set/compression_methods/1", "256 is out of range 0..255");
  v["steps"][0]["set"] = {{"compression_methods", {-1}}};
  ExpectError(v, "/steps/0/set/compression_methods/0", "-1 is out of range 0..255");
  v["steps"][0]["set"] = {{"compression_methods", {1.5}}};
  ExpectError(v, "/steps/0/set/compression_methods/0", "got a non-integer number 1.5");
  v["steps"][0]["set"] = {{"cipher_suites", "TLS_RSA_WITH_AES_128_CBC_SHA"}};
  ExpectError(v, "/steps/0/set/cipher_suites", "expected an array, got a string");
  v["steps"][0]["set"] = {{"extensions.server_name", 5}};
  ExpectError(v, "/steps/0/set/extensions.server_name", "expected a hex body or null");
  v["steps"][0]["set"] = Json::object();
  ExpectError(v, "/steps/0/set", "no fields");
  v["steps"][0]["set"] = {{"extensions", nullptr}, {"extensions.padding", "00"}};
  ExpectError(v, "/steps/0/set/extensions", "cannot be combined with \"extensions.<name>\"");
  v["steps"][0]["set"] = {{"extensions.0x17", ""}, {"extensions.extended_master_secret", ""}};
  ExpectError(v, "/steps/0/set/extensions.extended_master_secret", "is given twice");
  v["steps"][0]["set"] = {{"session_id", {{"xor", {{"hex", ""}}}}}};
  ExpectError(v, "/steps/0/set/session_id/xor/hex", "the xor mask is empty");
  v["steps"][0]["set"] = {{"session_id", {{"xor", {{"hex", "01"}, {"at", 1 << 30}}}}}};
  ExpectError(v, "/steps/0/set/session_id/xor/at", "1073741824 is out of range");
  v["steps"][0]["set"] = {{"session_id", {{"xr", "01"}}}};
  ExpectError(v, "/steps/0/set/session_id/xr", "unknown key \"xr\" in a field value");
  v["steps"][0]["set"] = {{"random", {{"xor", {{"hex", "01"}}}}}};
  ExpectError(v, "/steps/0/set/random", "expected a hex string, got an object");
  v["steps"][0]["set"] = {{"extensions.0x10000", ""}};
  ExpectError(v, "/steps/0/set/extensions.0x10000", "unknown field");
  v["steps"][0].erase("set");
  v["steps"][2]["set"] = {{"random", "00"}};
  ExpectError(v, "/steps/2/set/random", "unknown field \"random\" for ChangeCipherSpec");
  v["steps"][2] = {{"send", "ServerHelloDone"}, {"set", {{"x", 1}}}};
  ExpectError(v, "/steps/2/set/x", "ServerHelloDone has no fields");
}

TEST(LoaderErrorTest, AlertsAndRegistryValues) {
  Json v = ServerVector();
  v["steps"][3]["expect"]["alert"] = {"unexpected_mesage"};
  ExpectError(v, "/steps/3/expect/alert/0",
              "unknown alert description \"unexpected_mesage\" (did you mean "
              "\"unexpected_message\"?)");
  v["steps"][3]["expect"]["alert"] = {"decryption_failed"};
  ExpectError(v, "/steps/3/expect/alert/0", "decryption_failed must never be sent");
  v["steps"][3]["expect"]["alert"] = {"decode_error", 50};
  ExpectError(v, "/steps/3/expect/alert/1", "alert listed twice");
  v["steps"][3]["expect"]["alert"] = "decode_error";
  ExpectError(v, "/steps/3/expect/alert", "expected a list of alert names");
  v["steps"][3]["expect"]["alert"] = Json::array();
  ExpectError(v, "/steps/3/expect/alert", "no alert listed");
  v = ServerVector();
  v["steps"][2] = {{"send", "Alert"}};
  ExpectError(v, "/steps/2", "an Alert send needs \"set\": {\"description\": ...}");
  v["steps"][2] = {{"send", "Alert"},
                   {"set", {{"description", "bad_record_mac"}, {"level", "fatl"}}}};
  ExpectError(v, "/steps/2/set/level", "unknown value \"fatl\" (did you mean \"fatal\"?)");
  v["steps"][2] = {{"send", "Alert"}, {"set", {{"description", 256}}}};
  ExpectError(v, "/steps/2/set/description", "256 is out of range 0..255");
  v["steps"][2] = {{"send", "Alert"}, {"set", {{"description", "0x1ff"}}}};
  ExpectError(v, "/steps/2/set/description", "bad alert description number \"0x1ff\"");
  v["steps"][2] = {{"send", "Alert"}, {"set", {{"description", 254}, {"level", 7}}}};
  EXPECT_TRUE(Load(v).ok()) << "unregistered values are hostile tests, not errors";
}

TEST(LoaderErrorTest, SendDeviations) {
  Json v = ServerVector();
  auto step = [&v](const char* text) { v["steps"][2] = Json::parse(text); };
  step(R"({"send": "ChangeCipherSpec", "hex": "01"})");
  ExpectError(v, "/steps/2/hex", "\"hex\" is only for Raw and ApplicationData");
  step(R"({"send": "Raw"})");
  ExpectError(v, "/steps/2", "missing key \"hex\"");
  step(R"({"send": "Raw", "hex": ""})");
  ExpectError(v, "/steps/2/hex", "at least one byte");
  step(R"({"send": "Raw", "hex": "01", "fragment": 1})");
  ExpectError(v, "/steps/2/fragment", "Raw bytes are written to the wire as they are");
  step(R"({"send": "ApplicationData", "hex": "01", "data": "x"})");
  ExpectError(v, "/steps/2", "not both");
  step(R"({"send": "ChangeCipherSpec", "corrupt": {}})");
  ExpectError(v, "/steps/2/corrupt", "at least one of xor, truncate, append");
  step(R"({"send": "ChangeCipherSpec", "corrupt": {"flip": 1}})");
  ExpectError(v, "/steps/2/corrupt/flip", "unknown key \"flip\" in corrupt");
  step(R"({"send": "ChangeCipherSpec", "corrupt": {"append": ""}})");
  ExpectError(v, "/steps/2/corrupt/append", "nothing to append");
  step(R"({"send": "ChangeCipherSpec", "corrupt": {"truncate": -1}})");
  ExpectError(v, "/steps/2/corrupt/truncate", "-1 is out of range 0..16777219");
  step(R"({"send": "ChangeCipherSpec", "corrupt": {"xor": {"at": 1}}})");
  ExpectError(v, "/steps/2/corrupt/xor", "missing key \"hex\"");
  step(R"({"send": "ChangeCipherSpec", "fragment": 0})");
  ExpectError(v, "/steps/2/fragment", "0 is out of range 1..65535");
  step(R"({"send": "ChangeCipherSpec", "repeat": 0})");
  ExpectError(v, "/steps/2/repeat", "0 is out of range 1..100000");
  step(R"({"send": "ChangeCipherSpec", "repeat": 100001})");
  ExpectError(v, "/steps/2/repeat", "100001 is out of range");
  step(R"({"send": "ChangeCipherSpec", "record_type": "handshak"})");
  ExpectError(v, "/steps/2/record_type",
              "unknown content type \"handshak\" (did you mean \"handshake\"?)");
  step(R"({"send": "ChangeCipherSpec", "record_type": 256})");
  ExpectError(v, "/steps/2/record_type", "256 is out of range 0..255");
  step(R"({"send": "ChangeCipherSpec", "record_version": "0x30301"})");
  ExpectError(v, "/steps/2/record_version", "unknown protocol version \"0x30301\"");
  step(R"({"send": "ChangeCipherSpec", "protect": 1})");
  ExpectError(v, "/steps/2/protect", "expected true or false");
  step(R"({"send": "ChangeCipherSpec", "coalesce": true, "fragment": 2})");
  ExpectError(v, "/steps/2/coalesce", "not both");
  step(R"({"send": "ChangeCipherSpec", "coalesce": true})");
  ExpectError(v, "/steps/2/coalesce", "the next step, which must be a send");
  step(R"({"send": "ChangeCipherSpec", "comment": 5})");
  ExpectError(v, "/steps/2/comment", "expected a string");
}

TEST(LoaderErrorTest, Expectations) {
  Json v = ServerVector();
  auto expect = [&v](const char* text) { v["steps"][1] = {{"expect", Json::parse(text)}}; };
  expect("[]");
  ExpectError(v, "/steps/1/expect", "expects no message");
  expect("{}");
  ExpectError(v, "/steps/1/expect", "needs one of \"messages\", \"alert\", \"silence_ms\"");
  expect(R"({"messages": ["ServerHello"], "alert": ["decode_error"]})");
  ExpectError(v, "/steps/1/expect", "exactly one of");
  expect(R"({"alert": ["decode_error"], "silence_ms": 5})");
  ExpectError(v, "/steps/1/expect", "exactly one of");
  expect(R"({"silence_ms": 5, "check": {"cipher_suite": 1}})");
  ExpectError(v, "/steps/1/expect/check", "applies to the first of \"messages\"");
  expect(R"({"silence_ms": 5, "or_close": true})");
  ExpectError(v, "/steps/1/expect/or_close", "qualifies an \"alert\" expectation");
  expect(R"({"silence_ms": 0})");
  ExpectError(v, "/steps/1/expect/silence_ms", "0 is out of range 1..60000");
  expect(R"("ServerHello")");
  ExpectError(v, "/steps/1/expect", "for one message write [\"ServerHello\"]");
  expect(R"("closed")");
  ExpectError(v, "/steps/1/expect", "write \"close\", a list of messages, or an object");
  expect(R"(["Raw"])");
  ExpectError(v, "/steps/1/expect/0", "Raw is send-only");
  expect(R"(["Alert"])");
  ExpectError(v, "/steps/1/expect/0", "expect an alert with {\"alert\": [names]}");
  expect(R"(["ServerHello", "ClientKeyExchange"])");
  ExpectError(v, "/steps/1/expect/1", "a server never sends ClientKeyExchange");
  expect(R"({"messages": ["ServerHello"], "check": {"cipher_suites": []}})");
  ExpectError(v, "/steps/1/expect/check/cipher_suites",
              "unknown field \"cipher_suites\" for "
              "ServerHello");
  expect(R"({"messages": ["ServerHello"], "check": {"session_id": {"xor": {"hex": "01"}}}})");
  ExpectError(v, "/steps/1/expect/check/session_id", "a check compares values");
  expect(R"({"alert": ["decode_error"], "level": "Fatal"})");
  ExpectError(v, "/steps/1/expect/level", "unknown value \"Fatal\" (did you mean \"fatal\"?)");

  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["ServerHelloDone"]})");
  ExpectError(v, "/steps/1/expect/optional/0", "is not one of the expected \"messages\"");
  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["Certificate"]})");
  ExpectError(v, "/steps/1/expect/optional/0", "only a message between two required ones");
  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["ServerHello"]})");
  ExpectError(v, "/steps/1/expect/optional/0", "the first or the last");
  expect(R"({"alert": ["decode_error"], "optional": ["ServerHello"]})");
  ExpectError(v, "/steps/1/expect/optional", "names some of \"messages\"");

  v = ClientVector();
  v["steps"][5] = {{"expect", {"ServerHello"}}};
  ExpectError(v, "/steps/5/expect/0", "a client never sends ServerHello");
  v["steps"][5] = {{"expect", {"CertificateVerify", "Certificate", "HelloRequest"}}};
  ExpectError(v, "/steps/5/expect/2", "a client never sends HelloRequest");
}

TEST(LoaderErrorTest, ImpossibleOrders) {
  Json v = ServerVector();
  v["steps"][0] = {{"expect", {"ServerHello"}}};
  ExpectError(v, "/steps/0", "the target is a server: it speaks only after the peer does");
  v = ClientVector();
  v["steps"][0] = {{"send", "ServerHello"}};
  ExpectError(v, "/steps/0", "the target is a client: it speaks first");
  v = ClientVector();
  v["steps"][0] = {{"expect", {{"silence_ms", 10}}}};
  ExpectError(v, "/steps/0", "the target is a client");
  v = ServerVector();
  v["steps"].push_back({{"send", "Finished"}});
  ExpectError(v, "/steps/4", "step after the connection closed");
  v = ServerVector();
  v["steps"][3] = {{"expect", "close"}};
  v["steps"].push_back({{"expect", {{"silence_ms", 10}}}});
  ExpectError(v, "/steps/4", "step after the connection closed");
  v = ResumptionVector();
  v["connections"][1]["steps"][0] = {{"expect", {"ServerHello"}}};
  ExpectError(v, "/connections/1/steps/0", "the target is a server");
  // A warning alert does not end the connection (RFC 5746 4.2: no_renegotiation).
  v = ServerVector();
  v["steps"][3] = Json::parse(R"({"expect": {"alert": ["no_renegotiation"], "level": "warning"}})");
  v["steps"].push_back({{"send", "Finished"}});
  EXPECT_TRUE(Load(v).ok());
}

TEST(LoaderErrorTest, NestingIsBounded) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(ErrorText(deep), std::string(kFile) + ": nested deeper than 32 levels");
  Json v = ServerVector();
  v["notes"] = std::string(1000, '[');  // brackets inside strings do not count
  EXPECT_TRUE(Load(v).ok());
}

TEST(LoaderErrorTest, LongValuesAreShortenedInMessages) {
  Json v = ServerVector();
  v["steps"][0]["send"] = std::string(5000, 'A');
  std::string text = ErrorText(v.dump());
  EXPECT_LT(text.size(), 1000u);
  EXPECT_NE(text.find("...\""), std::string::npos);
}

// ---- Files and trees ----

class TreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  std::string Write(const std::string& relative, const std::string& contents) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << contents;
    return path.lexically_normal().string();
  }
  fs::path root_;
};

TEST_F(TreeTest, EveryFileIsCountedAndErrorsNameTheFile) {
  Json dup = ClientVector();
  dup["id"] = ServerVector()["id"];
  std::string a = Write("vectors/conformance/ccs/a.json", ServerVector().dump());
  std::string b = Write("vectors/conformance/ccs/b.json", "{\"id\": ");
  std::string c = Write("vectors/conformance/hello/c.json", dup.dump());
  std::string d = Write("vectors/conformance/hello/nested/d.json", ClientVector().dump());
  Write("vectors/conformance/hello/README.md", "not a vector");
  Write("vectors/conformance/hello/x.schema.json", "{}");
  fs::create_directories(root_ / "empty");
  const std::string missing = (root_ / "missing.json").string();

  TreeLoad tree =
      LoadScenarioTree({(root_ / "vectors").string(), (root_ / "empty").string(), missing, a});
  ASSERT_EQ(tree.vectors.size(), 6u);
  EXPECT_EQ(tree.loaded(), 2u);
  EXPECT_EQ(tree.failed(), 4u);
  std::vector<std::string> files;
  for (const LoadedVector& v : tree.vectors) {
    files.push_back(v.file);
    EXPECT_NE(v.scenario.has_value(), v.error.has_value()) << v.file;
  }
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(files, sorted);

  auto find = [&tree](const std::string& file) -> const LoadedVector& {
    for (const LoadedVector& v : tree.vectors) {
      if (v.file == file) return v;
    }
    ADD_FAILURE() << "no entry for " << file;
    return tree.vectors.front();
  };
  ASSERT_TRUE(find(a).ok());
  EXPECT_EQ(find(a).scenario->topic, "ccs");
  EXPECT_EQ(find(a).scenario->source, a);
  ASSERT_TRUE(find(d).ok());
  EXPECT_EQ(find(d).scenario->topic, "hello");
  EXPECT_EQ(find(b).error->file, b);
  EXPECT_NE(find(b).error->reason.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(find(c).error->json_path, "/id");
  EXPECT_EQ(find(c).error->reason,
            "duplicate id \"server.ccs.before-client-key-exchange\": " + a + " already uses it");
  EXPECT_EQ(find(c).error->ToString(), c + " at /id: " + find(c).error->reason);
  EXPECT_EQ(find((root_ / "empty").string()).error->reason,
            "no *.json vector files under this directory");
  EXPECT_EQ(find(missing).error->ToString(), missing + ": no such file or directory");
}

TEST_F(TreeTest, LoadScenarioFile) {
  std::string a = Write("a.json", ServerVector().dump(2));
  Result<Scenario> r = LoadScenarioFile(a);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->topic, "misc");
  Result<Scenario> missing = LoadScenarioFile((root_ / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            (root_ / "nope.json").string() + ": no such file or directory");
  Result<Scenario> dir = LoadScenarioFile(root_.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("not a regular file"), std::string::npos);
}

TEST(TopicTest, DirectoryUnderConformance) {
  EXPECT_EQ(TopicForPath("vectors/conformance/ccs/early.json"), "ccs");
  EXPECT_EQ(TopicForPath("/w/vectors/conformance/hello/sub/x.json"), "hello");
  EXPECT_EQ(TopicForPath("./vectors/conformance/ccs/../alerts/x.json"), "alerts");
  EXPECT_EQ(TopicForPath("vectors/conformance/x.json"), "misc");
  EXPECT_EQ(TopicForPath("vectors/regressions/x.json"), "misc");
  EXPECT_EQ(TopicForPath("x.json"), "misc");
}

// ---- Serialization ----

void ExpectRoundTrip(const Scenario& s) {
  std::string text = SerializeScenarioJson(s);
  Result<Scenario> back = ParseScenarioJson(text, s.source);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << text;
  EXPECT_EQ(*back, s) << text;
  EXPECT_EQ(SerializeScenarioJson(*back), text) << "serialization is not canonical";
  Result<Scenario> cbor = ParseScenarioCbor(SerializeScenarioCbor(s), s.source);
  ASSERT_TRUE(cbor.ok()) << cbor.status().message();
  EXPECT_EQ(*cbor, s);
}

TEST(SerializeTest, ExamplesRoundTrip) {
  for (const Json& v : {ServerVector(), ClientVector(), ResumptionVector()}) {
    Result<Scenario> s = Load(v);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ExpectRoundTrip(*s);
  }
}

TEST(SerializeTest, CanonicalForm) {
  // Defaults left out, registry values by name, one step per line.
  Json v = ServerVector();
  v["peer"] = {{"cipher_suites", {49199}}, {"extended_master_secret", true}};
  v["target"] = {{"client_auth", "none"}};
  v["steps"][3]["expect"] = {{"alert", {10}}, {"or_close", false}};
  v["steps"][2] = {{"send", "ChangeCipherSpec"},
                   {"repeat", 1},
                   {"record_type", 20},
                   {"set", {{"value", "0101"}}}};
  Result<Scenario> s = Load(v);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(SerializeScenarioJson(*s),
            R"({
  "id": "server.ccs.before-client-key-exchange",
  "title": "ChangeCipherSpec before ClientKeyExchange is rejected",
  "refs": ["RFC5246 7.1", "CVE-2014-0224", "checklist:17"],
  "target_role": "server",
  "notes": "tlsfuzzer test_message_skipping",
  "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
  "steps": [
    {"send": "ClientHello"},
    {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
    {"send": "ChangeCipherSpec", "set": {"value": "0101"}, "record_type": "change_cipher_spec"},
    {"expect": {"alert": ["unexpected_message"]}}
  ]
}
)");
}

TEST(SerializeTest, UnregisteredValuesRoundTrip) {
  Scenario s;
  s.id = "hand.built";
  s.title = "values no registry names";
  s.refs = {"RFC8701"};
  s.role = Side::kClient;
  s.source = "fuzz.json";
  s.topic = "misc";
  s.peer.cipher_suites = {0x0a0a, 0xc02f};
  s.peer.groups = {static_cast<NamedGroup>(0x1234)};
  s.peer.version = static_cast<ProtocolVersion>(0x7f1c);
  s.peer.server_name = "";
  s.target.certificate = "none";
  Expectation hello;
  hello.messages = {MessageName::kClientHello};
  hello.check = {{"client_version", FieldValue{uint64_t{0x0303}}},
                 {"extensions.0x1a1a", FieldValue{std::monostate()}}};
  SendStep sh;
  sh.message = MessageName::kServerHello;
  sh.set = {{"cipher_suite", FieldValue{uint64_t{0xfafa}}}};
  sh.record.content_type = 99;
  sh.record.version = 0x0300;
  sh.record.coalesce_with_next = true;
  SendStep alert;
  alert.message = MessageName::kAlert;
  alert.set = {{"description", FieldValue{uint64_t{200}}}, {"level", FieldValue{uint64_t{9}}}};
  SendStep data;
  data.message = MessageName::kApplicationData;
  data.raw = {0x00, 0xff, 'a'};
  Expectation end;
  end.alerts = {static_cast<AlertDescription>(201), AlertDescription::kDecodeError};
  end.close = true;
  s.connections.push_back({false,
                           {Step{hello, "", ""}, Step{sh, "coalesced", ""}, Step{alert, "", ""},
                            Step{data, "", ""}, Step{end, "", ""}}});
  ExpectRoundTrip(s);
  std::string text = SerializeScenarioJson(s);
  EXPECT_NE(text.find("\"0x0a0a\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"version\": \"0x7f1c\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"hex\": \"00ff61\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"alert\": [\"decode_error\", 201]"), std::string::npos) << text;
}

TEST(SerializeTest, InvalidHandBuiltScenarioFailsToReload) {
  Result<Scenario> s = Load(ServerVector());
  ASSERT_TRUE(s.ok());
  Scenario broken = *s;
  auto& e = std::get<Expectation>(broken.connections[0].steps[3].action);
  e.messages = {MessageName::kServerHello};  // and alerts: two forms at once
  Result<Scenario> back = ParseScenarioJson(SerializeScenarioJson(broken), "mutant.json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(),
            "mutant.json at /steps/3/expect: an expectation has exactly one of \"messages\", "
            "\"alert\", \"silence_ms\"");
  broken = *s;
  std::get<SendStep>(broken.connections[0].steps[0].action).repeat = 0;
  back = ParseScenarioJson(SerializeScenarioJson(broken), "mutant.json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(), "mutant.json at /steps/0/repeat: 0 is out of range 1..100000");
  broken = *s;
  broken.connections.clear();
  back = ParseScenarioJson(SerializeScenarioJson(broken), "mutant.json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(), "mutant.json at /connections: no connections");
}

TEST(CborTest, RejectsMalformedInput) {
  Result<Scenario> r = ParseScenarioCbor(Bytes{0xa1, 0x61}, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("x.cbor: invalid CBOR: ", 0), 0u) << r.status().message();
  // Deep nesting is refused before nlohmann's recursive reader sees it.
  Bytes deep(100000, 0x81);
  deep.push_back(0x00);
  r = ParseScenarioCbor(deep, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor: nested deeper than 32 levels");
  // A text string that is not UTF-8: {"id": "\xff"}.
  r = ParseScenarioCbor(Bytes{0xa1, 0x62, 'i', 'd', 0x61, 0xff}, "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("invalid CBOR"), std::string::npos) << r.status().message();
  // Well-formed CBOR, not a vector: the same validation as JSON.
  Json doc = ServerVector();
  doc["id"] = 5;
  std::vector<uint8_t> cbor = Json::to_cbor(doc);
  r = ParseScenarioCbor(Bytes(cbor.begin(), cbor.end()), "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor at /id: expected a string, got a number");
  // A byte string where the loader wants text.
  doc = ServerVector();
  doc["notes"] = Json::binary({1, 2});
  cbor = Json::to_cbor(doc);
  r = ParseScenarioCbor(Bytes(cbor.begin(), cbor.end()), "x.cbor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.cbor at /notes: expected a string, got a binary value");
}

}  // namespace
}  // namespace shakedown
