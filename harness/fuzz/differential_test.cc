#include "harness/fuzz/differential.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/fuzz/scenario_mutator.h"
#include "harness/runner/fake_targets.h"
#include "harness/runner/reference_target.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/tree.h"

namespace shakedown {
namespace {

std::unique_ptr<DifferentialFuzzTarget> Make(Side role,
                                             std::vector<DifferentialFuzzTarget::Other> others) {
  ScenarioFuzzTarget::Options o;
  o.role = role;
  Result<std::unique_ptr<DifferentialFuzzTarget>> t =
      DifferentialFuzzTarget::Create(o, std::move(others));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

std::unique_ptr<Target> Reference() {
  TargetResources resources;
  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(1);
  EXPECT_TRUE(pki.ok());
  resources.pki = *pki;
  return MakeReferenceTarget(resources);
}

// The runner records how each connection ended: what the differential compares.
TEST(ConnectionEnds, CompletedAndRefusedAreRecorded) {
  ScenarioFuzzTarget::Options o;
  auto reference = ScenarioFuzzTarget::Create(o);
  ASSERT_TRUE(reference.ok());
  FuzzOutcome done = (*reference)->RunScenario((*reference)->fallback());
  ASSERT_EQ(done.result.ends.size(), 1u);
  EXPECT_TRUE(done.result.ends[0].completed);
  EXPECT_EQ(done.result.ends[0].refusal, "");
  // Its ChangeCipherSpec and Finished answer step 5 (the client's Finished).
  EXPECT_GE(done.result.ends[0].last_progress_step, 5);

  auto refusing = ScenarioFuzzTarget::Create(o, std::make_unique<RefusingTarget>());
  ASSERT_TRUE(refusing.ok());
  FuzzOutcome refused = (*refusing)->RunScenario((*refusing)->fallback());
  ASSERT_EQ(refused.result.ends.size(), 1u);
  EXPECT_FALSE(refused.result.ends[0].completed);
  EXPECT_EQ(refused.result.ends[0].refusal, "handshake_failure");
  EXPECT_EQ(refused.result.ends[0].step, 1);  // read while the peer awaits the ServerHello
  EXPECT_EQ(refused.result.ends[0].last_progress_step, -1);
}

TEST(Differential, ARefusalOfWhatTheReferenceCompletesIsADifference) {
  std::vector<DifferentialFuzzTarget::Other> others;
  others.push_back({"refusing", std::make_unique<RefusingTarget>()});
  auto diff = Make(Side::kServer, std::move(others));
  DifferentialOutcome out = diff->RunScenario(diff->reference().fallback());
  EXPECT_EQ(out.reference.kind, FuzzOutcome::Kind::kPassed);
  ASSERT_EQ(out.compared, std::vector<std::string>{"refusing"});
  ASSERT_EQ(out.differences.size(), 1u);
  EXPECT_EQ(out.differences[0].connection, 0);
  EXPECT_EQ(out.differences[0].kind, DifferenceKind::kOtherRefuses);
  EXPECT_NE(out.differences[0].reference.find(", completed"), std::string::npos);
  EXPECT_EQ(out.differences[0].other, "refused (handshake_failure) at step 1");
  EXPECT_EQ(out.differences[0].signature,
            "refusing refuses (handshake_failure) where the reference goes on");
}

TEST(Differential, InputsTheReferenceSkipsAreNotPlayed) {
  std::vector<DifferentialFuzzTarget::Other> others;
  others.push_back({"refusing", std::make_unique<RefusingTarget>()});
  auto diff = Make(Side::kServer, std::move(others));
  Bytes garbage = {0xff, 0x00, 0x13};
  DifferentialOutcome out = diff->RunInput(garbage);
  EXPECT_EQ(out.reference.kind, FuzzOutcome::Kind::kSkipped);
  EXPECT_TRUE(out.compared.empty());
  EXPECT_TRUE(out.differences.empty());
}

FuzzOutcome Ended(std::vector<ConnectionEnd> ends) {
  FuzzOutcome o;
  o.kind = FuzzOutcome::Kind::kPassed;
  o.result.ends = std::move(ends);
  return o;
}
// Completed, having sent its last message at step `last`.
ConnectionEnd Completed(int last = 3) {
  ConnectionEnd e;
  e.completed = true;
  e.last_progress_step = last;
  return e;
}
ConnectionEnd Refused(const std::string& why, int step = 2) {
  ConnectionEnd e;
  e.refusal = why;
  e.step = step;
  e.last_progress_step = step > 1 ? 1 : -1;  // its ServerHello answered step 0
  return e;
}

TEST(CompareRuns, GoingOnWhereTheReferenceRefusesIsADifference) {
  std::vector<Difference> d = CompareRuns("lib", Ended({Completed(), Refused("decode_error")}),
                                          Ended({Completed(), Completed(3)}));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DifferenceKind::kReferenceRefuses);
  EXPECT_EQ(d[0].connection, 1);
  EXPECT_EQ(d[0].signature, "lib goes on where the reference refuses (decode_error)");
  EXPECT_NE(d[0].detail.find("refused (decode_error) at step 2"), std::string::npos) << d[0].detail;
  // Going on at the very step of the refusal counts too (both answered the same input).
  EXPECT_EQ(CompareRuns("lib", Ended({Refused("decode_error", 2)}), Ended({Completed(2)})).size(),
            1u);
}

// A refusal after the other side's last message, where the other stays silent (it waits for
// the rest of a message, say), is no difference: the other never answered that input.
TEST(CompareRuns, ARefusalWhereTheOtherFellSilentIsNone) {
  EXPECT_TRUE(
      CompareRuns("lib", Ended({Completed(5)}), Ended({Refused("unexpected_message", 9)})).empty());
  EXPECT_TRUE(
      CompareRuns("lib", Ended({Refused("decode_error", 4)}), Ended({Completed(3)})).empty());
  EXPECT_EQ(
      CompareRuns("lib", Ended({Completed(9)}), Ended({Refused("unexpected_message", 9)})).size(),
      1u);
}

TEST(CompareRuns, WhichAlertAndSilenceAreNotDifferences) {
  EXPECT_TRUE(
      CompareRuns("lib", Ended({Refused("decode_error")}), Ended({Refused("illegal_parameter", 3)}))
          .empty());
  EXPECT_TRUE(
      CompareRuns("lib", Ended({Refused("decode_error")}), Ended({Refused("close")})).empty());
  EXPECT_TRUE(
      CompareRuns("lib", Ended({Refused("decode_error")}), Ended({ConnectionEnd()})).empty());
  EXPECT_TRUE(CompareRuns("lib", Ended({Completed()}), Ended({ConnectionEnd()})).empty());
  // Connections one target did not play are not compared.
  EXPECT_TRUE(CompareRuns("lib", Ended({Completed(), Completed()}), Ended({Completed()})).empty());
}

TEST(CompareRuns, AnInvariantOnlyTheOtherBreaksIsADifference) {
  FuzzOutcome other = Ended({Completed()});
  other.kind = FuzzOutcome::Kind::kFinding;
  other.result.verdict = Verdict::kFail;
  other.result.rule = "invariant: after fatal alert";
  std::vector<Difference> d = CompareRuns("lib", Ended({Completed()}), other);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].connection, -1);
  EXPECT_EQ(d[0].kind, DifferenceKind::kInvariant);
  EXPECT_EQ(d[0].signature,
            "lib breaks invariant: after fatal alert where the reference breaks none");
  // Both break it, or only the reference does: no yardstick, no difference.
  EXPECT_TRUE(CompareRuns("lib", other, other).empty());
  EXPECT_TRUE(CompareRuns("lib", other, Ended({Refused("close")})).empty());
}

TEST(CompareRuns, SkippedAndNotApplicableRunsAreNotCompared) {
  FuzzOutcome na = Ended({});
  na.result.verdict = Verdict::kNotApplicable;
  EXPECT_TRUE(CompareRuns("lib", Ended({Completed()}), na).empty());
  FuzzOutcome skipped;
  EXPECT_TRUE(CompareRuns("lib", Ended({Completed()}), skipped).empty());
}

// The reference compared with itself: no conformance vector (every 7th, both roles) and no
// mutation of one shows a difference, and every one is compared. (A difference here would be
// nondeterminism in the runner or the engine.)
TEST(Differential, TheReferenceAgreesWithItself) {
  TreeLoad tree = LoadScenarioTree({"vectors/conformance"});
  ASSERT_FALSE(tree.vectors.empty());
  ScenarioMutator mutator;
  std::unique_ptr<DifferentialFuzzTarget> diff[2];
  for (Side role : {Side::kServer, Side::kClient}) {
    std::vector<DifferentialFuzzTarget::Other> others;
    others.push_back({"reference-again", Reference()});
    diff[role == Side::kServer ? 0 : 1] = Make(role, std::move(others));
  }
  int compared = 0, completed = 0, refused = 0;
  uint64_t seed = 7;
  for (size_t i = 0; i < tree.vectors.size(); i += 7) {
    ASSERT_TRUE(tree.vectors[i].ok());
    Scenario s = *tree.vectors[i].scenario;
    for (int round = 0; round < 2; ++round) {
      if (round == 1 && !mutator.Mutate(&s, seed++)) break;
      DifferentialFuzzTarget& d = *diff[s.role == Side::kServer ? 0 : 1];
      DifferentialOutcome out = d.RunScenario(s);
      if (out.reference.kind == FuzzOutcome::Kind::kSkipped) continue;
      if (out.reference.result.verdict == Verdict::kNotApplicable) continue;
      ++compared;
      EXPECT_EQ(out.compared.size(), 1u) << s.id;
      for (const Difference& diff_found : out.differences) {
        ADD_FAILURE() << s.id << " (round " << round << "): " << diff_found.signature << "; "
                      << diff_found.detail;
      }
      for (const ConnectionEnd& e : out.reference.result.ends) {
        if (!e.refusal.empty()) ++refused;
        if (e.completed) ++completed;
      }
    }
  }
  EXPECT_GT(compared, 500);
  // Both kinds of end occur, so the comparison had something to compare.
  EXPECT_GT(completed, 100);
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace shakedown
