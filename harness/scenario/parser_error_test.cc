#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/scenario/loader.h"
#include "harness/scenario/test_vectors.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;

// ---- Errors: file, JSON path and reason ----

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

TEST(LoaderErrorTest, Judge) {
  Json v = ServerVector();
  v["judge"] = "invariant";
  ExpectError(v, "/judge",
              "unknown value \"invariant\" (did you mean \"invariants\"?); allowed: "
              "expectations, invariants");
  v["judge"] = "oracle";
  ExpectError(v, "/judge", "unknown value \"oracle\"; allowed: expectations, invariants");
  v["judge"] = true;
  ExpectError(v, "/judge", "expected a string, got a boolean");
  v["jugde"] = "invariants";
  v.erase("judge");
  ExpectError(v, "/jugde", "unknown key \"jugde\" in the vector (did you mean \"judge\"?)");
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
  v = ServerVector();
  v["peer"]["certificate"] = "ed25519";
  ExpectError(v, "/peer/certificate",
              "unknown value \"ed25519\"; allowed: rsa, ecdsa, ecdsa_p384, ecdsa_p521, none");
  v = ServerVector();
  v["target"]["certificate"] = "rsa2";
  ExpectError(v, "/target/certificate",
              "unknown value \"rsa2\" (did you mean \"rsa\"?); allowed: rsa, ecdsa, ecdsa_p384, "
              "ecdsa_p521, none");
  // The P-384 / P-521 certificates are servers' only: not a client peer's, not a client target's.
  v = ServerVector();
  v["peer"]["certificate"] = "ecdsa_p384";
  ExpectError(v, "/peer/certificate", "\"ecdsa_p384\" is a server certificate");
  v = ClientVector();
  v["target"]["certificate"] = "ecdsa_p521";
  ExpectError(v, "/target/certificate", "\"ecdsa_p521\" is a server certificate");
  // max_fragment_length is a client's request (RFC 6066 4); record_size_limit 64..16384.
  v = ClientVector();
  v["peer"]["max_fragment_length"] = 512;
  ExpectError(v, "/peer/max_fragment_length", "only a client requests a maximum fragment length");
  v = ServerVector();
  v["target"]["max_fragment_length"] = 512;
  ExpectError(v, "/target/max_fragment_length",
              "only a client requests a maximum fragment length");
  v = ServerVector();
  v["peer"]["max_fragment_length"] = 600;
  ExpectError(v, "/peer/max_fragment_length", "RFC 6066 4 allows 512, 1024, 2048 or 4096");
  v = ServerVector();
  v["peer"]["record_size_limit"] = 63;
  ExpectError(v, "/peer/record_size_limit", "63");
  v = ClientVector();
  v["target"]["groups"] = {"secp384"};
  ExpectError(v, "/target/groups/0", "unknown named group \"secp384\"");
  v = ClientVector();
  v["target"]["groups"] = Json::array();
  ExpectError(v, "/target/groups", "the list is empty");
  v = ServerVector();
  v["target"]["client_auth"] = true;
  ExpectError(v, "/target/client_auth", "expected a string, got a boolean");
  v = ServerVector();
  v["target"]["client_auth"] = "Required";
  ExpectError(v, "/target/client_auth",
              "unknown value \"Required\" (did you mean \"required\"?); allowed: none, "
              "optional, required");
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
  ExpectError(v, "/steps/2", "either sends, expects or renegotiates: one of them");
  v["steps"][2] = {{"renegotiate", true}, {"send", "ClientHello"}};
  ExpectError(v, "/steps/2", "either sends, expects or renegotiates: one of them");
  v["steps"][2] = {{"renegotiate", false}};
  ExpectError(v, "/steps/2/renegotiate", "expected true");
  v["steps"][2] = {{"renegotiate", true}, {"set", {{"random", "00"}}}};
  ExpectError(v, "/steps/2/set", "unknown key \"set\" in a renegotiate step");
  v["steps"][2] = {{"sned", "ChangeCipherSpec"}};
  ExpectError(v, "/steps/2/sned", "unknown key \"sned\" (did you mean \"send\"?)");
  v["steps"][2] = {{"comment", "x"}};
  ExpectError(v, "/steps/2", "a step needs \"send\", \"expect\" or \"renegotiate\"");
  v["steps"][2] = {{"set", {{"random", "00"}}}};  // not "did you mean send"
  ExpectError(v, "/steps/2", "a step needs \"send\", \"expect\" or \"renegotiate\"");
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
  ExpectError(v, "/steps/0/set/extensions.server_name", "expected a hex body, an xor or null");
  // An xor flips bits of one extension's body; the whole block takes only a list or null.
  v["steps"][0]["set"] = {{"extensions", {{"xor", {{"hex", "01"}}}}}};
  ExpectError(v, "/steps/0/set/extensions", "expected a hex body or null, got an object");
  v["steps"][0]["set"] = {{"extensions.server_name", {{"xor", {{"hex", "01"}}}, {"at", 1}}}};
  ExpectError(v, "/steps/0/set/extensions.server_name/at", "unknown key");
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

TEST(LoaderErrorTest, CertificateFlaws) {
  Json v = ServerVector();
  v["peer"] = {{"certificate_flaw", "expird"}};
  ExpectError(v, "/peer/certificate_flaw", "did you mean \"expired\"");
  v["peer"] = {{"certificate", "ecdsa"}, {"certificate_flaw", "expired"}};
  ExpectError(v, "/peer/certificate_flaw", "\"certificate\" must be \"rsa\"");
  // A server target's peer is a client: a server certificate's flaw is not its own.
  v["peer"] = {{"certificate_flaw", "wrong_name"}};
  ExpectError(v, "/peer/certificate_flaw", "is a server certificate's flaw");
  v["peer"] = {{"certificate_flaw", "untrusted_ca"}};
  EXPECT_TRUE(Load(v).ok());
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
  step(R"({"send": "ApplicationData", "hex": "01", "seal": {}})");
  ExpectError(v, "/steps/2/seal", "at least one of padding, inner, xor, explicit_nonce");
  step(R"({"send": "ApplicationData", "hex": "01", "seal": {"pad": 1}})");
  ExpectError(v, "/steps/2/seal/pad", "unknown key \"pad\" in seal");
  step(R"({"send": "ApplicationData", "hex": "01", "seal": {"padding": 256}})");
  ExpectError(v, "/steps/2/seal/padding", "256 is out of range 0..255");
  step(R"({"send": "ApplicationData", "hex": "01", "seal": {"padding": 3, "inner": "00"}})");
  ExpectError(v, "/steps/2/seal/inner", "\"padding\" has no effect");
  step(R"({"send": "ApplicationData", "hex": "01", "seal": {"explicit_nonce": "0001"}})");
  ExpectError(v, "/steps/2/seal/explicit_nonce", "8 bytes (RFC 5288 3), got 2");
  step(R"({"send": "ApplicationData", "hex": "01",
           "seal": {"padding": 15, "explicit_nonce": "0000000000000000"}})");
  ExpectError(v, "/steps/2/seal/explicit_nonce", "padding, inner and xor are CBC's");
  step(R"({"send": "ApplicationData", "hex": "01", "protect": false, "seal": {"padding": 15}})");
  ExpectError(v, "/steps/2/seal", "\"protect\" is false");
  step(R"({"send": "ChangeCipherSpec", "pss_salt_length": 20})");
  ExpectError(v, "/steps/2/pss_salt_length", "for a signed ServerKeyExchange or CertificateVerify");
  step(R"({"send": "ServerKeyExchange", "pss_salt_length": 513})");
  ExpectError(v, "/steps/2/pss_salt_length", "513 is out of range 0..512");
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
  expect(R"({"alert": ["decode_error"], "level": "warning", "or_warning": ["close_notify"]})");
  ExpectError(v, "/steps/1/expect/or_warning", "adds warning alerts to fatal ones");
  expect(R"({"alert": ["decode_error"], "or_warning": ["close_notify", "close_notify"]})");
  ExpectError(v, "/steps/1/expect/or_warning/1", "alert listed twice");
  expect(R"({"alert": ["decode_error"], "or_alert": ["handshake_failure"]})");
  ExpectError(v, "/steps/1/expect/or_alert", "qualifies a \"messages\" expectation");
  expect(R"({"messages": ["ServerHello"], "or_alert": "handshake_failure"})");
  ExpectError(v, "/steps/1/expect/or_alert", "expected a list of alert names");
  expect(R"({"messages": ["ServerHello"], "or_alert": ["no_certificate"]})");
  ExpectError(v, "/steps/1/expect/or_alert/0", "must never be sent");
  // or_warning qualifies messages too (RFC 6066 3's warning unrecognized_name); not silence.
  expect(R"({"silence_ms": 100, "or_warning": ["close_notify"]})");
  ExpectError(v, "/steps/1/expect/or_warning", "qualifies an \"alert\" or a \"messages\"");
  expect(R"({"alert": ["decode_error"], "level": "Fatal"})");
  ExpectError(v, "/steps/1/expect/level", "unknown value \"Fatal\" (did you mean \"fatal\"?)");

  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["ServerHelloDone"]})");
  ExpectError(v, "/steps/1/expect/optional/0", "is not one of the expected \"messages\"");
  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["Certificate"]})");
  ExpectError(v, "/steps/1/expect/optional/0", "only a message a required one follows");
  expect(R"({"messages": ["ServerHello", "Certificate"], "optional": ["ServerHello"],
             "check": {"cipher_suite": "TLS_RSA_WITH_AES_128_GCM_SHA256"}})");
  ExpectError(v, "/steps/1/expect/optional/0", "whose fields \"check\" reads");
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

TEST(LoaderErrorTest, LongValuesAreShortenedInMessages) {
  Json v = ServerVector();
  v["steps"][0]["send"] = std::string(5000, 'A');
  std::string text = ErrorText(v.dump());
  EXPECT_LT(text.size(), 1000u);
  EXPECT_NE(text.find("...\""), std::string::npos);
}

}  // namespace
}  // namespace shakedown
