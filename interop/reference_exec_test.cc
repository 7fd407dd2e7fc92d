// The reference passes its own suite through its own CLI: every vector (conformance and
// regressions) runs against `shakedown serve --reply none` or `shakedown connect --no-request` as a
// black-box exec: target, started with the command line that implements the vector's target block,
// so every profile runs. Each vector must pass (or be not applicable), and repeated runs must give
// identical verdicts: a vector that races over TCP is a bug in the vector or in the runner, not a
// property of the target.
//
// Repeats: SHAKEDOWN_EXEC_REPEATS (default 2; docs/TARGETS.md quotes a run with 5).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "platform/subprocess.h"
#include "reports/results.h"

namespace shakedown {
namespace {

// Data dependencies: tests run in the runfiles root of workspace "shakedown".
constexpr char kShakedown[] = "cli/shakedown";

std::string Joined(Registry registry, const std::vector<uint16_t>& values) {
  std::string out;
  for (uint16_t v : values) out += (out.empty() ? "" : ",") + Describe(registry, v);
  return out;
}
template <typename T>
std::vector<uint16_t> Values(const std::vector<T>& list) {
  std::vector<uint16_t> out;
  for (const T& v : list) out.push_back(static_cast<uint16_t>(v));
  return out;
}

// The options every engine has: the vector's target block, as cli/engine_flags.h spells it.
std::string EngineFlags(const TargetConfig& t, Side role) {
  std::string flags = " --ems " + std::string(ConfigName(t.extended_master_secret));
  if (!t.cipher_suites.empty())
    flags += " --suites " + Joined(Registry::kCipherSuite, t.cipher_suites);
  if (!t.groups.empty()) flags += " --groups " + Joined(Registry::kNamedGroup, Values(t.groups));
  if (t.session_tickets) flags += " --tickets";
  if (t.renegotiation != RenegotiationPolicy::kRefuse) {
    flags += " --renegotiation " + std::string(ConfigName(t.renegotiation));
  }
  if (t.heartbeat != HeartbeatMode::kOff) {
    flags += " --heartbeat " + std::string(ConfigName(t.heartbeat));
  }
  // A server honours max_fragment_length requests without a flag.
  if (t.max_fragment_length != 0 && role == Side::kClient) {
    flags += " --max-fragment-length " + std::to_string(t.max_fragment_length);
  }
  if (t.record_size_limit != 0) {
    flags += " --record-size-limit " + std::to_string(t.record_size_limit);
  }
  // RFC 6066 8: a server staples the run's good response for its certificate; a client asks.
  if (t.ocsp && role == Side::kServer) {
    flags += t.certificate == CertificateKey::kEcdsa ? " --ocsp {ecdsa_ocsp}" : " --ocsp {ocsp}";
  }
  if (t.ocsp && role == Side::kClient) flags += " --ocsp-status";
  // RFC 6066 3: the default certificate bound to its own name too (as ReferenceConfig does),
  // the alternate one to its name.
  if (!t.sni.empty() && role == Side::kServer) {
    flags += " --sni localhost={cert},{key} --sni {sni_name}={sni_cert},{sni_key}";
    if (t.sni == "fatal") flags += " --refuse-unrecognized-name";
  }
  return flags;
}

// The command line that configures the reference as the vector's target block says
// (harness/runner/reference_target.cc ReferenceConfig does the same in process).
std::string ReferenceCommand(const Scenario& s) {
  const TargetConfig& t = s.target;
  if (s.role == Side::kServer) {
    std::string command = std::string(kShakedown) +
                          " serve --port {port} --reply none --seed 1 --ca {ca} --client-auth " +
                          std::string(ConfigName(t.client_auth));
    switch (t.certificate) {
      case CertificateKey::kEcdsa:
        command += " --cert {ecdsa_cert} --key {ecdsa_key}";
        break;
      case CertificateKey::kEcdsaP384:
        command += " --cert {ecdsa_p384_cert} --key {ecdsa_p384_key}";
        break;
      case CertificateKey::kEcdsaP521:
        command += " --cert {ecdsa_p521_cert} --key {ecdsa_p521_key}";
        break;
      default:
        command += " --cert {cert} --key {key}";
    }
    return command + EngineFlags(t, s.role);
  }
  std::string command = std::string(kShakedown) +
                        " connect 127.0.0.1:{port} --no-request --session {session} --seed 1 --ca "
                        "{ca} --servername '" +
                        s.peer.server_name + "'";
  if (t.certificate == CertificateKey::kRsa) command += " --cert {client_cert} --key {client_key}";
  if (t.certificate == CertificateKey::kEcdsa) {
    command += " --cert {ecdsa_client_cert} --key {ecdsa_client_key}";
  }
  return command + EngineFlags(t, s.role);
}

int Repeats() {
  const char* text = std::getenv("SHAKEDOWN_EXEC_REPEATS");
  int n = text != nullptr ? std::atoi(text) : 2;
  return n > 0 ? n : 2;
}

class ReferenceExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(FindExecutable(kShakedown).has_value()) << "missing data dependency " << kShakedown;
    Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
    ASSERT_TRUE(pki.ok()) << pki.status().message();
    Result<PemFiles> pem = WritePkiPemToTempDir(**pki, "reference-exec");
    ASSERT_TRUE(pem.ok()) << pem.status().message();
    dir_ = pem->dir;
    resources_.pki = *pki;
    resources_.pem = *pem;
    options_.pki = *pki;
    options_.jobs = 2;
  }
  void TearDown() override {
    if (!dir_.empty()) RemoveTree(dir_);
  }

  // One pass over every vector: id -> "verdict rule".
  std::map<std::string, std::string> RunOnce(
      const std::map<std::string, std::vector<Scenario>>& by_command) {
    std::map<std::string, std::string> verdicts;
    size_t passed = 0, not_applicable = 0;
    double ms = 0;
    for (const auto& [command, scenarios] : by_command) {
      Result<TargetSpec> spec = ParseTargetSpec("exec:" + command);
      EXPECT_TRUE(spec.ok()) << spec.status().message();
      if (!spec.ok()) continue;
      RunResult run = RunScenarios(
          scenarios, [&](int) { return MakeTarget(*spec, resources_); }, options_);
      ms += run.duration_ms;
      for (const VectorResult& v : run.vectors) {
        verdicts[v.id] = std::string(VerdictName(v.verdict)) + " " + v.rule;
        if (v.verdict == Verdict::kPass) ++passed;
        if (v.verdict == Verdict::kNotApplicable) ++not_applicable;
        EXPECT_TRUE(v.verdict == Verdict::kPass || v.verdict == Verdict::kNotApplicable)
            << v.id << " against exec:" << command << "\n  " << VerdictName(v.verdict) << " "
            << v.rule << ": " << v.message;
      }
    }
    std::printf(
        "%zu results: %zu passed, %zu not applicable, in %zu command lines, %.1f s\n",
        verdicts.size(), passed, not_applicable, by_command.size(), ms / 1000);
    return verdicts;
  }

  TargetResources resources_;
  RunOptions options_;
  std::string dir_;
};

TEST_F(ReferenceExecTest, WholeSuitePassesAndRepeatsIdentically) {
  TreeLoad load = LoadScenarioTree({"vectors/conformance", "vectors/regressions"});
  ASSERT_EQ(load.failed(), 0u);
  std::map<std::string, std::vector<Scenario>> by_command;
  for (const LoadedVector& v : load.vectors) {
    by_command[ReferenceCommand(*v.scenario)].push_back(*v.scenario);
  }
  ASSERT_GT(load.vectors.size(), 3000u);
  std::map<std::string, std::string> first = RunOnce(by_command);
  for (int i = 1; i < Repeats() && !HasFailure(); ++i) {
    std::map<std::string, std::string> again = RunOnce(by_command);
    for (const auto& [id, verdict] : first) {
      EXPECT_EQ(again[id], verdict) << id << ": run " << i + 1 << " differs from run 1";
    }
  }
}

}  // namespace
}  // namespace shakedown
