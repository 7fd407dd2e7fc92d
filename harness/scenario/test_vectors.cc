#include "harness/scenario/test_vectors.h"

#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace shakedown {

using Json = nlohmann::json;

// The example vector of docs/SCENARIOS.md.
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

std::string ErrorText(const std::string& text) {
  Result<Scenario> r = ParseScenarioJson(text, kFile);
  EXPECT_FALSE(r.ok()) << "loaded but should not have:\n" << text;
  return r.ok() ? "" : r.status().message();
}

void ExpectError(const Json& vector, const std::string& path, const std::string& reason) {
  std::string text = ErrorText(vector.dump());
  std::string prefix = std::string(kFile) + (path.empty() ? "" : " at " + path) + ": ";
  EXPECT_EQ(text.substr(0, prefix.size()), prefix) << text;
  EXPECT_NE(text.find(reason), std::string::npos) << "reason: " << reason << "\nin: " << text;
}

}  // namespace shakedown
