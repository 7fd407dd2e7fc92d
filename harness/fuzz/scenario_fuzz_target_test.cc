#include "harness/fuzz/scenario_fuzz_target.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/crypto/memo.h"
#include "harness/runner/fake_targets.h"
#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

std::unique_ptr<ScenarioFuzzTarget> Make(Side role) {
  ScenarioFuzzTarget::Options o;
  o.role = role;
  Result<std::unique_ptr<ScenarioFuzzTarget>> t = ScenarioFuzzTarget::Create(o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

TEST(ScenarioFuzzTarget, FallbacksCompleteAgainstTheReference) {
  for (Side role : {Side::kServer, Side::kClient}) {
    auto target = Make(role);
    FuzzOutcome out = target->RunScenario(target->fallback());
    EXPECT_EQ(out.kind, FuzzOutcome::Kind::kPassed) << out.result.rule << out.result.message;
    EXPECT_FALSE(out.pairs.empty());
    for (size_t p : out.pairs) EXPECT_TRUE(target->pairs().IsLegal(p));
  }
}

TEST(ScenarioFuzzTarget, SkipsWhatItCannotRun) {
  auto target = Make(Side::kServer);
  Bytes garbage = {0xff, 0x00, 0x13};
  EXPECT_EQ(target->RunInput(garbage).kind, FuzzOutcome::Kind::kSkipped);
  auto client = Make(Side::kClient);
  FuzzOutcome other = target->RunScenario(client->fallback());
  EXPECT_EQ(other.kind, FuzzOutcome::Kind::kSkipped);
  EXPECT_NE(other.why_skipped.find("client target"), std::string::npos);
  Scenario big = target->fallback();
  while (big.connections[0].steps.size() <= target->limits().max_steps) {
    big.connections[0].steps.push_back(big.connections[0].steps[0]);
  }
  EXPECT_EQ(target->RunScenario(big).kind, FuzzOutcome::Kind::kSkipped);
}

// The reference engine is correct: no seed and no mutation of one is a finding. (If this
// fails, either the engine or the oracle has a bug: both are worth a look.)
TEST(ScenarioFuzzTarget, SeedsAndTheirMutationsFindNothingInTheReference) {
  auto server = Make(Side::kServer);
  auto client = Make(Side::kClient);
  TreeLoad tree = LoadScenarioTree({"vectors/conformance"});
  ScenarioMutator mutator;
  int ran = 0;
  uint64_t seed = 1;
  for (size_t i = 0; i < tree.vectors.size(); i += 5) {
    ASSERT_TRUE(tree.vectors[i].ok());
    Scenario s = *tree.vectors[i].scenario;
    ScenarioFuzzTarget& t = s.role == Side::kServer ? *server : *client;
    for (int round = 0; round < 3; ++round) {
      FuzzOutcome out = t.RunScenario(s);
      EXPECT_NE(out.kind, FuzzOutcome::Kind::kFinding)
          << s.id << " (round " << round << "): " << out.result.rule << ": " << out.result.message
          << "\n"
          << SerializeScenarioJson(s);
      ran += out.kind == FuzzOutcome::Kind::kPassed;
      mutator.Mutate(&s, seed++);
    }
  }
  EXPECT_GT(ran, 300);
}

// Public-key results are remembered across runs (engine/crypto/memo.h) on the promise that
// they are pure functions of their inputs. Then every vector gives byte-identical traces with
// the memo cold, warm, and turned off: the fuzzers' findings replay exactly in a fresh process.
TEST(ScenarioFuzzTarget, RememberedCryptoChangesNoByte) {
  TreeLoad tree = LoadScenarioTree({"vectors/conformance"});
  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
  ASSERT_TRUE(pki.ok());
  TargetResources resources;
  resources.pki = *pki;
  RunOptions options;
  options.pki = *pki;
  options.max_trace_hex_bytes = 1 << 20;
  auto run_all = [&] {
    std::vector<std::string> traces;
    Result<std::unique_ptr<Target>> target = MakeTarget(TargetSpec(), resources);
    EXPECT_TRUE(target.ok());
    for (size_t i = 0; i < tree.vectors.size(); i += 3) {
      const VectorResult r = RunVector(*tree.vectors[i].scenario, **target, options);
      std::string trace = r.id + " " + std::string(VerdictName(r.verdict)) + "\n";
      for (const TraceEntry& e : r.trace) trace += e.summary + " " + e.hex + "\n";
      traces.push_back(std::move(trace));
    }
    return traces;
  };
  SetMemosEnabled(false);
  const std::vector<std::string> plain = run_all();
  SetMemosEnabled(true);
  const std::vector<std::string> cold = run_all();
  const std::vector<std::string> warm = run_all();
  ASSERT_EQ(plain.size(), cold.size());
  ASSERT_GT(plain.size(), 400u);
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(plain[i], cold[i]);
    EXPECT_EQ(plain[i], warm[i]);
  }
  EXPECT_GT(GetMemoStats().hits, 1000u);
}

// A target that breaks an invariant is a finding, with the rule.
TEST(ScenarioFuzzTarget, AnInvariantBrokenIsAFinding) {
  ScenarioFuzzTarget::Options o;
  Result<std::unique_ptr<ScenarioFuzzTarget>> t =
      ScenarioFuzzTarget::Create(o, std::make_unique<TwoFatalAlertsTarget>());
  ASSERT_TRUE(t.ok());
  FuzzOutcome out = (*t)->RunScenario((*t)->fallback());
  EXPECT_EQ(out.kind, FuzzOutcome::Kind::kFinding);
  EXPECT_EQ(out.result.rule, "invariant: after fatal alert");
}

// A target that claims a completed handshake after a lone ClientHello: the completion
// invariant catches it although every message it sent (none) was legal.
TEST(ScenarioFuzzTarget, CompletingOffTheTableIsAFinding) {
  ScenarioFuzzTarget::Options o;
  Result<std::unique_ptr<ScenarioFuzzTarget>> t =
      ScenarioFuzzTarget::Create(o, std::make_unique<ClaimsCompletionTarget>());
  ASSERT_TRUE(t.ok());
  Scenario hello = (*t)->fallback();
  hello.connections[0].steps.resize(1);  // send ClientHello, nothing more
  FuzzOutcome out = (*t)->RunScenario(hello);
  EXPECT_EQ(out.kind, FuzzOutcome::Kind::kFinding);
  EXPECT_EQ(out.result.rule, kRuleCompletedIllegally) << out.result.message;
  // The reference, given the same scenario, does not complete: no finding.
  auto reference = Make(Side::kServer);
  EXPECT_EQ(reference->RunScenario(hello).kind, FuzzOutcome::Kind::kPassed);
}

}  // namespace
}  // namespace shakedown
