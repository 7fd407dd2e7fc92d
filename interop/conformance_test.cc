// The conformance vectors against real TLS implementations that the runner starts itself
// (exec: targets): the tools of interop/peer_tools.h with a `conformance` command line
// (OpenSSL's s_server and s_client, GnuTLS's gnutls-serv). Each vector runs against a
// command configured like its `target` block (client authentication). A tool that is not
// installed is skipped.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "interop/peer_tools.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace interop {
namespace {

class ConformanceTest : public ::testing::TestWithParam<PeerTool> {
 protected:
  void SetUp() override {
    if (!FindExecutable(GetParam().executable)) {
      GTEST_SKIP() << GetParam().executable << " not installed";
    }
    Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
    ASSERT_TRUE(pki.ok()) << pki.status().message();
    Result<PemFiles> pem = WritePkiPemToTempDir(**pki, "interop");
    ASSERT_TRUE(pem.ok()) << pem.status().message();
    dir_ = pem->dir;
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
      "vectors/conformance/handshake/server-client-auth-required-empty-certificate.json",
      "vectors/conformance/handshake/client-full-ecdhe-rsa.json",
      "vectors/conformance/ccs/server-before-client-key-exchange.json",
      "vectors/conformance/ccs/server-finished-without-ccs.json",
      "vectors/conformance/ccs/client-after-server-hello.json",
      "vectors/conformance/finished/server-tampered-verify-data.json",
      "vectors/conformance/finished/client-tampered-server-finished.json",
  };
  return *files;
}

TEST_P(ConformanceTest, VectorsPass) {
  const PeerTool& tool = GetParam();
  TreeLoad load = LoadScenarioTree(SampleVectors());
  ASSERT_EQ(load.failed(), 0u);
  std::vector<Scenario> plain, client_auth;
  for (const LoadedVector& v : load.vectors) {
    const Scenario& s = *v.scenario;
    if (s.role != tool.side) continue;  // the vectors where the target plays the tool's side
    if (s.role == Side::kClient || s.target.client_auth == ClientAuthMode::kNone) {
      plain.push_back(s);
    } else {
      client_auth.push_back(s);
    }
  }
  RunAgainst(tool.conformance, plain);
  if (!tool.conformance_client_auth.empty()) RunAgainst(tool.conformance_client_auth, client_auth);
}

bool HasConformance(const PeerTool& tool) { return !tool.conformance.empty(); }

std::vector<PeerTool> ConformanceTargets() {
  std::vector<PeerTool> tools = PeerToolsWhere(Side::kServer, HasConformance);
  for (const PeerTool& tool : PeerToolsWhere(Side::kClient, HasConformance)) {
    tools.push_back(tool);
  }
  return tools;
}

INSTANTIATE_TEST_SUITE_P(Tools, ConformanceTest, ::testing::ValuesIn(ConformanceTargets()),
                         [](const ::testing::TestParamInfo<PeerTool>& info) {
                           return PeerToolLabel(info.param);
                         });

}  // namespace
}  // namespace interop
}  // namespace shakedown
