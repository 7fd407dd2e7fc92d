#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/scenario/loader.h"
#include "harness/scenario/test_vectors.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

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
  EXPECT_EQ(s.peer.certificate, CertificateKey::kRsa);
  EXPECT_TRUE(s.peer.extended_master_secret);
  EXPECT_EQ(s.target.certificate, CertificateKey::kRsa);
  EXPECT_EQ(s.target.client_auth, ClientAuthMode::kNone);
  EXPECT_EQ(s.target.extended_master_secret, EmsPolicy::kEnabled);
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
  EXPECT_EQ(c->target.extended_master_secret, EmsPolicy::kDisabled);
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

// Every spelling of a target setting loads to the engine's value, and the canonical form
// writes it back the same way unless it is the default.
TEST(LoaderTest, TargetConfigurationIsTyped) {
  struct Case {
    const char* key;
    const char* value;
    bool client_target;
    bool is_default;
    void (*check)(const TargetConfig&);
  };
  const Case cases[] = {
      {"certificate", "rsa", false, true,
       [](const TargetConfig& t) { EXPECT_EQ(t.certificate, CertificateKey::kRsa); }},
      {"certificate", "ecdsa", false, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.certificate, CertificateKey::kEcdsa); }},
      {"certificate", "none", true, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.certificate, CertificateKey::kNone); }},
      {"client_auth", "none", true, true,
       [](const TargetConfig& t) { EXPECT_EQ(t.client_auth, ClientAuthMode::kNone); }},
      {"client_auth", "optional", false, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.client_auth, ClientAuthMode::kOptional); }},
      {"client_auth", "required", false, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.client_auth, ClientAuthMode::kRequired); }},
      {"extended_master_secret", "enabled", false, true,
       [](const TargetConfig& t) { EXPECT_EQ(t.extended_master_secret, EmsPolicy::kEnabled); }},
      {"extended_master_secret", "required", false, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.extended_master_secret, EmsPolicy::kRequired); }},
      {"extended_master_secret", "disabled", true, false,
       [](const TargetConfig& t) { EXPECT_EQ(t.extended_master_secret, EmsPolicy::kDisabled); }},
  };
  for (const Case& c : cases) {
    const std::string spelled = "\"" + std::string(c.key) + "\": \"" + c.value + "\"";
    SCOPED_TRACE(spelled);
    Json v = c.client_target ? ClientVector() : ServerVector();
    v["target"] = {{c.key, c.value}};
    Result<Scenario> s = Load(v);
    ASSERT_TRUE(s.ok()) << s.status().message();
    c.check(s->target);
    const std::string written = SerializeScenarioJson(*s);
    EXPECT_EQ(written.find(spelled) == std::string::npos, c.is_default) << written;
  }
  // The target's groups: read, applied by the reference target, written back.
  {
    Json v = ClientVector();
    v["target"]["groups"] = {"secp256r1", "0x0018"};
    Result<Scenario> s = Load(v);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->target.groups,
              (std::vector<NamedGroup>{NamedGroup::kSecp256r1, NamedGroup::kSecp384r1}));
    const std::string written = SerializeScenarioJson(*s);
    EXPECT_NE(written.find("\"groups\": [\"secp256r1\", \"secp384r1\"]"), std::string::npos)
        << written;
    Result<Scenario> back = ParseScenarioJson(written, kFile);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->target, s->target);
  }
  // The versions the target enables (the vector's premise): ascending, each once, not the
  // default spelled out.
  {
    Json v = ServerVector();
    v["target"]["versions"] = {"TLSv1.1", "0x0303"};
    Result<Scenario> s = Load(v);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->target.versions, (std::vector<uint16_t>{0x0302, 0x0303}));
    const std::string written = SerializeScenarioJson(*s);
    EXPECT_NE(written.find("\"versions\": [\"TLSv1.1\", \"TLSv1.2\"]"), std::string::npos)
        << written;
    for (Json bad : {Json{"TLSv1.2", "TLSv1.1"}, Json{"TLSv1.2"}, Json::array(), Json{"TLSv9"}}) {
      v["target"]["versions"] = bad;
      EXPECT_FALSE(Load(v).ok()) << bad.dump();
    }
  }
  // The peer's certificate is the same choice.
  for (CertificateKey key : {CertificateKey::kRsa, CertificateKey::kEcdsa, CertificateKey::kNone}) {
    Json v = ServerVector();
    v["peer"]["certificate"] = std::string(ConfigName(key));
    Result<Scenario> s = Load(v);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->peer.certificate, key);
    Result<Scenario> back = ParseScenarioJson(SerializeScenarioJson(*s), kFile);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->peer.certificate, key);
  }
  EXPECT_EQ(ConfigName(CertificateKey::kEcdsa), "ecdsa");
  EXPECT_EQ(ConfigName(ClientAuthMode::kOptional), "optional");
  EXPECT_EQ(ConfigName(EmsPolicy::kDisabled), "disabled");
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

}  // namespace
}  // namespace shakedown
