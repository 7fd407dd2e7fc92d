// The conformance vectors against real TLS implementations that the runner starts itself
// (exec: targets): OpenSSL's s_server and s_client, GnuTLS's gnutls-serv. Each vector runs
// against a command configured like its `target` block (client authentication). A tool that
// is not installed is skipped.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/net/subprocess.h"
#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

// A vector a tool is known to fail, with the rule it fails and why: asserted, so a fix in
// the tool (or a regression in shakedown) shows up.
struct KnownFailure {
  std::string id;
  std::string rule;
  std::string why;
};

struct Tool {
  std::string name;  // the executable
  // Commands for: a server without / with required client authentication, a client.
  std::string server;
  std::string server_client_auth;
  std::string client;  // empty: no client vectors
  std::vector<KnownFailure> known_failures;
};

const std::vector<Tool>& Tools() {
  static const std::vector<Tool>* tools = new std::vector<Tool>{
      {"openssl",
       "openssl s_server -quiet -tls1_2 -accept {port} -cert {cert} -key {key}",
       "openssl s_server -quiet -tls1_2 -accept {port} -cert {cert} -key {key} -Verify 1 "
       "-CAfile {ca}",
       "openssl s_client -quiet -tls1_2 -ign_eof -connect 127.0.0.1:{port}",
       {}},
      {"gnutls-serv",
       "gnutls-serv --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA:+SHA256 -p {port} "
       "--disable-client-cert --x509certfile {cert} --x509keyfile {key}",
       "gnutls-serv --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA:+SHA256 -p {port} "
       "--x509certfile {cert} --x509keyfile {key} --require-client-cert --verify-client-cert "
       "--x509cafile {ca}",
       "",
       {{"server.handshake.client-auth-required-empty-certificate", "expect: alert",
         "gnutls-serv 3.7.9 answers an empty client Certificate with decode_error; RFC 5246 "
         "7.4.6 (checklist 43) names handshake_failure"}}},
  };
  return *tools;
}

class InteropTest : public ::testing::TestWithParam<Tool> {
 protected:
  void SetUp() override {
    if (!FindExecutable(GetParam().name)) GTEST_SKIP() << GetParam().name << " not installed";
    Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
    ASSERT_TRUE(pki.ok()) << pki.status().message();
    Result<std::string> dir = MakeTempDir("interop");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    Result<PemFiles> pem = WritePkiPem(**pki, dir_);
    ASSERT_TRUE(pem.ok()) << pem.status().message();
    resources_.pki = *pki;
    resources_.pem = *pem;
    options_.pki = *pki;
    options_.timeout_ms = 3000;
  }
  void TearDown() override {
    if (!dir_.empty()) RemoveTree(dir_);
  }

  // Runs `scenarios` against `command`.
  void RunAgainst(const std::string& command, const std::vector<Scenario>& scenarios) {
    if (scenarios.empty()) return;
    Result<TargetSpec> spec = ParseTargetSpec("exec:" + command);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    RunResult run = RunScenarios(
        scenarios, [&](int) { return MakeTarget(*spec, resources_); }, options_);
    for (const VectorResult& v : run.vectors) {
      const KnownFailure* known = nullptr;
      for (const KnownFailure& k : GetParam().known_failures) {
        if (k.id == v.id) known = &k;
      }
      if (known != nullptr) {
        EXPECT_EQ(v.verdict, Verdict::kFail) << v.id << " now passes: " << known->why;
        EXPECT_EQ(v.rule, known->rule) << v.id << ": " << v.message;
        continue;
      }
      EXPECT_EQ(v.verdict, Verdict::kPass)
          << v.id << " against " << command << "\n  " << v.rule << ": " << v.message;
    }
    std::printf("%s: %zu vectors in %.1f ms (%.2f ms/vector)\n", command.c_str(),
                run.vectors.size(), run.duration_ms, run.duration_ms / run.vectors.size());
  }

  TargetResources resources_;
  RunOptions options_;
  std::string dir_;
};

// A fixed sample that exercises every target profile (plain server, server requiring client
// authentication, client): fast enough for every test run. The whole suite against each
// library, with the deviations found, is in docs/TARGETS.md.
const std::vector<std::string>& SampleVectors() {
  static const std::vector<std::string>* files = new std::vector<std::string>{
      "vectors/conformance/handshake/server-full-ecdhe-rsa.json",
      "vectors/conformance/handshake/server-full-rsa-key-transport.json",
      "vectors/conformance/handshake/server-resumption-session-id.json",
      "vectors/conformance/handshake/server-client-auth-empty-certificate.json",
      "vectors/conformance/handshake/client-full-ecdhe-rsa.json",
      "vectors/conformance/ccs/server-ccs-before-client-key-exchange.json",
      "vectors/conformance/ccs/server-finished-without-ccs.json",
      "vectors/conformance/ccs/client-ccs-after-server-hello.json",
      "vectors/conformance/finished/server-tampered-verify-data.json",
      "vectors/conformance/finished/client-tampered-server-finished.json",
  };
  return *files;
}

TEST_P(InteropTest, ConformanceVectorsPass) {
  const Tool& tool = GetParam();
  TreeLoad load = LoadScenarioTree(SampleVectors());
  ASSERT_EQ(load.failed(), 0u);
  std::vector<Scenario> plain, client_auth, client;
  for (const LoadedVector& v : load.vectors) {
    const Scenario& s = *v.scenario;
    if (s.role == Side::kClient) {
      client.push_back(s);
    } else if (s.target.client_auth == ClientAuthMode::kNone) {
      plain.push_back(s);
    } else {
      client_auth.push_back(s);
    }
  }
  RunAgainst(tool.server, plain);
  RunAgainst(tool.server_client_auth, client_auth);
  if (!tool.client.empty()) RunAgainst(tool.client, client);
}

INSTANTIATE_TEST_SUITE_P(Tools, InteropTest, ::testing::ValuesIn(Tools()),
                         [](const ::testing::TestParamInfo<Tool>& info) {
                           return info.param.name == "openssl" ? std::string("openssl")
                                                               : std::string("gnutls");
                         });

}  // namespace
}  // namespace shakedown
