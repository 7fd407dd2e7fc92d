// One scenario fuzz target: a fuzz input (a scenario in canonical CBOR) played against a
// target by the scripted peer, judged by the invariants alone (RunOptions::judge_expectations
// = false): the peer's per-message invariants, agreement of what both sides negotiated, and a
// target that dies. Expectations of a mutated scenario no longer say what the RFC requires, so
// they only mark where the target speaks.
//
// The target comes from harness/runner's Target interface — the reference engine in-process
// now; any in-process library target that implements it plugs in without changes here, to the
// mutator or to the oracle.
#ifndef SHAKEDOWN_HARNESS_FUZZ_SCENARIO_FUZZ_TARGET_H_
#define SHAKEDOWN_HARNESS_FUZZ_SCENARIO_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/base/status.h"
#include "harness/fuzz/decoded_scenarios.h"
#include "harness/fuzz/scenario_mutator.h"
#include "harness/fuzz/table_pairs.h"
#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"
#include "reports/results.h"

namespace shakedown {

struct FuzzOutcome {
  enum class Kind {
    kSkipped,  // not a scenario of this target's role, or one the peer cannot play
    kPassed,   // no invariant broken
    kFinding,  // `result.rule` says which invariant; `result` has the whole trace
  };
  Kind kind = Kind::kSkipped;
  std::string why_skipped;
  VectorResult result;
  std::vector<size_t> pairs;  // TablePairs indices reached
};

class ScenarioFuzzTarget {
 public:
  struct Options {
    Side role = Side::kServer;  // the role the target plays
    TargetSpec target;          // default: the reference engine
    uint64_t seed = 1;          // PKI and peer randomness
    int timeout_ms = 200;       // network targets only
    MutatorLimits limits;
    // Where RunInput looks its input up before decoding it (optional, not owned): the
    // mutator's outputs are already decoded there (harness/fuzz/decoded_scenarios.h).
    DecodedScenarios* decoded = nullptr;
  };

  static Result<std::unique_ptr<ScenarioFuzzTarget>> Create(const Options& options);
  // With a target made elsewhere (tests, targets that are not a TargetSpec).
  static Result<std::unique_ptr<ScenarioFuzzTarget>> Create(const Options& options,
                                                            std::unique_ptr<Target> target);

  // Decodes `cbor` and runs it. Never crashes on any input.
  FuzzOutcome RunInput(ByteView cbor);
  FuzzOutcome RunScenario(const Scenario& scenario);

  // A complete handshake in this role: what a mutator starts from when an input is not a
  // scenario, and the smallest seed.
  const Scenario& fallback() const { return fallback_; }
  const TablePairs& pairs() const { return pairs_; }
  const MutatorLimits& limits() const { return options_.limits; }
  Side role() const { return options_.role; }

 private:
  static Result<std::unique_ptr<ScenarioFuzzTarget>> Build(const Options& options,
                                                           std::shared_ptr<const TestPki> pki,
                                                           std::unique_ptr<Target> target);
  ScenarioFuzzTarget(const Options& options, RunOptions run, std::unique_ptr<Target> target,
                     Scenario fallback);

  Options options_;
  RunOptions run_;
  std::unique_ptr<Target> target_;
  Scenario fallback_;
  TablePairs pairs_;
};

// The scenario a fuzz input encodes: looked up in `decoded` when given (the mutator's outputs
// are already there), else parsed; null with `*why` set when it is not a scenario.
std::shared_ptr<const Scenario> DecodeFuzzInput(ByteView cbor, DecodedScenarios* decoded,
                                                std::string* why);

// The rules that are findings: every rule an oracle-only run can fail with. (A run that
// cannot be played is an error, never a finding.)
bool IsFinding(const VectorResult& result);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_SCENARIO_FUZZ_TARGET_H_
