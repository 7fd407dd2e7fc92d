// `shakedown export` turns a finding into a regression vector that the suite runner fails
// against the target with the bug and passes against the reference; it refuses to overwrite
// and names the file of bad input. `minimize` keeps a known finding's rule.
#include "cli/export_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_setup.h"
#include "harness/fuzz/minimizer.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/runner/runner.h"
#include "harness/runner/fake_targets.h"
#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

namespace fs = std::filesystem;

// A full handshake with noise around it, as a fuzzer leaves a finding: a repeated ClientHello
// fragment, application data, a second connection.
constexpr char kFinding[] = R"({
  "id": "server.handshake.full-ecdhe-rsa", "title": "A full handshake",
  "refs": ["RFC5246 7.3"], "target_role": "server",
  "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
  "connections": [
    {"steps": [
      {"send": "ClientHello", "fragment": 40},
      {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
      {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
      {"expect": ["ChangeCipherSpec", "Finished"]},
      {"send": "ApplicationData", "data": "ping"},
      {"expect": {"silence_ms": 50}}
    ]},
    {"resume": true, "steps": [
      {"send": "ClientHello"},
      {"expect": ["ServerHello", "ChangeCipherSpec", "Finished"]}
    ]}
  ]})";

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
           ("export_test_" + std::string(::testing::UnitTest::GetInstance()
                                             ->current_test_info()
                                             ->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<Scenario> finding = ParseScenarioJson(kFinding, "finding.json");
    ASSERT_TRUE(finding.ok()) << finding.status().message();
    finding_ = *finding;
    // As libFuzzer writes it: the scenario in canonical CBOR, in a crash-<sha1> file.
    crash_file_ = (dir_ / "crash-0123abcd").string();
    Write(crash_file_, SerializeScenarioCbor(finding_));
    options_.file = crash_file_;
    options_.out = (dir_ / "regressions").string();
  }

  static void Write(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

  // The one vector under out/.
  std::vector<std::string> Written() const {
    std::vector<std::string> files;
    if (!fs::exists(options_.out)) return files;
    for (const auto& e : fs::recursive_directory_iterator(options_.out)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
    return files;
  }

  static std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
  Scenario finding_;
  std::string crash_file_;
  ExportOptions options_;
};

RunResult RunSuite(const std::string& path, const TargetFactory& factory) {
  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
  EXPECT_TRUE(pki.ok());
  RunOptions run;
  run.pki = *pki;
  run.seed = 1;
  return RunAll(LoadScenarioTree({path}), factory, run);
}

TEST_F(ExportTest, AFindingBecomesARegressionTheSuiteFailsOnTheBugAndPassesOnTheReference) {
  TwoFatalAlertsTarget broken;
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunExport(options_, broken), kExitOk);
  const std::string out = testing::internal::GetCapturedStdout();

  std::vector<std::string> files = Written();
  ASSERT_EQ(files.size(), 1u);
  const std::string& path = files[0];
  const std::string name = fs::path(path).filename().string();
  EXPECT_EQ(fs::path(path).parent_path().filename(), "server");
  ASSERT_EQ(name.rfind("after-fatal-alert-", 0), 0u) << name;
  EXPECT_EQ(name.size(), std::string("after-fatal-alert-01234567.json").size()) << name;
  EXPECT_NE(out.find("FAILS invariant: after fatal alert"), std::string::npos) << out;
  EXPECT_NE(out.find("./shakedown run " + path), std::string::npos) << out;

  Result<Scenario> v = LoadScenarioFile(path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->judge, JudgedBy::kInvariants);
  EXPECT_EQ(v->id, "regressions.server." + name.substr(0, name.size() - 5));
  EXPECT_EQ(v->refs, std::vector<std::string>{"RFC5246 7.2.2"}) << "the broken rule's section";
  EXPECT_EQ(v->title, "Fuzz finding " + name.substr(name.size() - 13, 8) +
                          ": a server target keeps every invariant (found failing invariant: "
                          "after fatal alert)");
  EXPECT_NE(v->notes.find(crash_file_), std::string::npos) << v->notes;
  EXPECT_NE(v->notes.find("invariant: after fatal alert"), std::string::npos) << v->notes;
  EXPECT_NE(v->notes.find("\"judge\": \"invariants\""), std::string::npos) << v->notes;
  // What it does is the finding, unchanged.
  EXPECT_EQ(v->connections, finding_.connections);
  EXPECT_EQ(v->peer, finding_.peer);

  RunResult on_bug = RunSuite(path, [](int) -> Result<std::unique_ptr<Target>> {
    return std::unique_ptr<Target>(new TwoFatalAlertsTarget());
  });
  ASSERT_EQ(on_bug.vectors.size(), 1u);
  EXPECT_EQ(on_bug.vectors[0].verdict, Verdict::kFail);
  EXPECT_EQ(on_bug.vectors[0].rule, "invariant: after fatal alert");

  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
  ASSERT_TRUE(pki.ok());
  TargetResources resources;
  resources.pki = *pki;
  resources.seed = 1;
  RunResult on_reference = RunSuite(
      path, [&resources](int) { return MakeTarget(TargetSpec(), resources); });
  ASSERT_EQ(on_reference.vectors.size(), 1u);
  EXPECT_EQ(on_reference.vectors[0].verdict, Verdict::kPass)
      << on_reference.vectors[0].rule << ": " << on_reference.vectors[0].message;
}

TEST_F(ExportTest, AgainstTheReferenceAPassingInputIsWrittenAsNoFinding) {
  options_.id = "regressions.server.full-handshake";
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunExport(options_), kExitOk);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("it passes now"), std::string::npos) << out;
  const std::string path = options_.out + "/server/full-handshake.json";
  Result<Scenario> v = LoadScenarioFile(path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->id, "regressions.server.full-handshake");
  EXPECT_EQ(v->title.find("found failing"), std::string::npos) << v->title;
  EXPECT_NE(v->title.find("a server target keeps every invariant"), std::string::npos) << v->title;
  EXPECT_EQ(v->refs, finding_.refs);
}

TEST_F(ExportTest, RefusesToOverwriteWithoutForce) {
  TwoFatalAlertsTarget broken;
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunExport(options_, broken), kExitOk);
  ASSERT_EQ(Written().size(), 1u);
  const std::string path = Written()[0];
  Write(path, Bytes{'{', '}'});
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunExport(options_, broken), kExitUsage);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(path + ": exists; --force"), std::string::npos) << err;
  EXPECT_EQ(ReadText(path), "{}") << "left as it was";
  options_.force = true;
  EXPECT_EQ(RunExport(options_, broken), kExitOk);
  testing::internal::GetCapturedStdout();
  EXPECT_TRUE(LoadScenarioFile(path).ok());
}

TEST_F(ExportTest, BadInputIsAUsageErrorNamingTheFile) {
  TwoFatalAlertsTarget broken;
  struct Case {
    std::string file;
    Bytes content;  // empty: the file does not exist
    std::string reason;
  };
  const std::string junk = (dir_ / "crash-junk").string();
  const std::string text = (dir_ / "bad.json").string();
  const std::string missing = (dir_ / "missing").string();
  const std::string bad_json = R"({"id": "x", "title": "t", "refs": [], "target_role": "server"})";
  const std::vector<Case> cases = {
      {missing, {}, missing + ": cannot read"},
      {junk, {0xff, 0x00, 0x13, 0x37}, junk + ": "},
      {text, Bytes(bad_json.begin(), bad_json.end()), text + " at /refs: "},
  };
  for (const Case& c : cases) {
    if (!c.content.empty()) Write(c.file, c.content);
    options_.file = c.file;
    testing::internal::CaptureStderr();
    EXPECT_EQ(RunExport(options_, broken), kExitUsage) << c.file;
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("shakedown export: " + c.reason), std::string::npos) << err;
  }
  EXPECT_TRUE(Written().empty());
}

TEST_F(ExportTest, AnIdMustFollowTheRegressionPathRule) {
  TwoFatalAlertsTarget broken;
  for (const char* id : {"server.regressions.x", "regressions.client.x", "regressions.server",
                         "regressions.server.Has Space"}) {
    options_.id = id;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    EXPECT_EQ(RunExport(options_, broken), kExitUsage) << id;
    testing::internal::GetCapturedStdout();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find(id), std::string::npos) << err;
  }
  EXPECT_TRUE(Written().empty());
}

// `minimize` shrinks a finding while the same rule fails (cli/minimize_command.cc runs exactly
// this over a ScenarioFuzzTarget); the result still fails that rule, and exports.
TEST_F(ExportTest, MinimizeKeepsTheRuleOfAKnownFinding) {
  ScenarioFuzzTarget::Options o;
  o.limits = MutatorLimits::Loose();
  Result<std::unique_ptr<ScenarioFuzzTarget>> target =
      ScenarioFuzzTarget::Create(o, std::make_unique<TwoFatalAlertsTarget>());
  ASSERT_TRUE(target.ok());
  FuzzOutcome first = (*target)->RunScenario(finding_);
  ASSERT_EQ(first.kind, FuzzOutcome::Kind::kFinding);
  const std::string rule = first.result.rule;
  ASSERT_EQ(rule, "invariant: after fatal alert");
  MinimizeStats stats;
  const Scenario small = MinimizeScenario(
      finding_,
      [&](const Scenario& candidate) {
        FuzzOutcome out = (*target)->RunScenario(candidate);
        return out.kind == FuzzOutcome::Kind::kFinding && out.result.rule == rule;
      },
      &stats);
  EXPECT_LT(stats.steps_after, stats.steps_before);
  EXPECT_EQ(small.connections.size(), 1u) << SerializeScenarioJson(small);
  FuzzOutcome again = (*target)->RunScenario(small);
  EXPECT_EQ(again.kind, FuzzOutcome::Kind::kFinding);
  EXPECT_EQ(again.result.rule, rule);

  const std::string min_json = (dir_ / "crash-0123abcd.min.json").string();
  const std::string text = SerializeScenarioJson(small);
  Write(min_json, Bytes(text.begin(), text.end()));
  options_.file = min_json;
  TwoFatalAlertsTarget broken;
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunExport(options_, broken), kExitOk);
  testing::internal::GetCapturedStdout();
  ASSERT_EQ(Written().size(), 1u);
  Result<Scenario> v = LoadScenarioFile(Written()[0]);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->connections, small.connections);
}

// run and list read vectors/regressions too, when it holds a vector.
TEST(DefaultVectorPaths, AddRegressionsOnlyWhenThereAreAny) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path root = fs::path(tmp != nullptr ? tmp : "/tmp") / "default_paths_root";
  fs::remove_all(root);
  fs::create_directories(root / "vectors/conformance");
  setenv("SHAKEDOWN_ROOT", root.c_str(), 1);
  const std::string conformance = (root / "vectors/conformance").string();
  const std::string regressions = (root / "vectors/regressions").string();
  EXPECT_EQ(DefaultVectorPaths(), std::vector<std::string>{conformance}) << "missing is fine";
  fs::create_directories(root / "vectors/regressions/server");
  EXPECT_EQ(DefaultVectorPaths(), std::vector<std::string>{conformance}) << "empty is fine";
  std::ofstream(root / "vectors/regressions/server/x.json") << "{}";
  EXPECT_EQ(DefaultVectorPaths(), (std::vector<std::string>{conformance, regressions}));
  unsetenv("SHAKEDOWN_ROOT");
}

}  // namespace
}  // namespace shakedown
