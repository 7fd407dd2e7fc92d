#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/scenario/loader.h"
#include "harness/scenario/test_vectors.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

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

// "judge" is written only when it is not the default, and survives JSON and CBOR.
TEST(SerializeTest, JudgeRoundTripsAndDefaultIsLeftOut) {
  Result<Scenario> s = Load(ServerVector());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->judge, JudgedBy::kExpectations) << "a vector without \"judge\" is judged as before";
  EXPECT_EQ(SerializeScenarioJson(*s).find("\"judge\""), std::string::npos);
  ExpectRoundTrip(*s);

  Json v = ServerVector();
  v["judge"] = "invariants";
  Result<Scenario> judged = Load(v);
  ASSERT_TRUE(judged.ok()) << judged.status().message();
  EXPECT_EQ(judged->judge, JudgedBy::kInvariants);
  EXPECT_NE(SerializeScenarioJson(*judged).find("  \"judge\": \"invariants\",\n"),
            std::string::npos)
      << SerializeScenarioJson(*judged);
  ExpectRoundTrip(*judged);

  v["judge"] = "expectations";  // the default, spelt out: loads, and is left out again
  Result<Scenario> spelt = Load(v);
  ASSERT_TRUE(spelt.ok()) << spelt.status().message();
  EXPECT_EQ(*spelt, *s);
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
  s.target.certificate = CertificateKey::kNone;
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
  // Typed target settings that the language refuses, or values outside their enum.
  broken = *s;
  broken.target.certificate = CertificateKey::kNone;
  back = ParseScenarioJson(SerializeScenarioJson(broken), "mutant.json");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("mutant.json at /target/certificate: a server target "
                                         "needs a certificate"),
            std::string::npos)
      << back.status().message();
  broken = *s;
  broken.target.extended_master_secret = static_cast<EmsPolicy>(7);
  back = ParseScenarioJson(SerializeScenarioJson(broken), "mutant.json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(),
            "mutant.json at /target/extended_master_secret: unknown value \"?\"; allowed: "
            "enabled, required, disabled");
}

}  // namespace
}  // namespace shakedown
