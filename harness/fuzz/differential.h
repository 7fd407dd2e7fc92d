// The differential fuzz target: one fuzz input (a scenario, as the scenario fuzzers take it)
// played against the reference engine and against other targets (the in-process libraries) in
// the same role, by the same scripted peer, each judged by the invariants; then the targets are
// compared with the reference where the RFC leaves no room for two answers. A difference is:
//
//   - a target breaks an invariant on an input where the reference breaks none;
//   - on some connection, one refuses (a fatal alert, or a close before completing) and the
//     other never does, and went on (sent a handshake message, ChangeCipherSpec or application
//     data) at or after the step where the first refused. TLS 1.2 has one valid transcript for
//     given bytes: a correct implementation cannot both go on with it and reject it, so one of
//     the two is wrong (a lenient library, or an over-strict reference).
//
// Which alert each sends is not compared (RFC 5246 7.2 often allows several), nor a target that
// stays silent where another refuses (waiting for the rest of a message is not going on; the
// in-process invariants judge silence already).
// A difference has a signature that names the target and the two behaviours, stable across
// inputs that differ the same way, so a campaign can learn the differences its seeds already
// show (the libraries' ledgered deviations) and stop only at new ones.
#ifndef SHAKEDOWN_HARNESS_FUZZ_DIFFERENTIAL_H_
#define SHAKEDOWN_HARNESS_FUZZ_DIFFERENTIAL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Which side differs how, for a fuzzer's counters.
enum class DifferenceKind { kOtherRefuses, kReferenceRefuses, kInvariant };

struct Difference {
  std::string target;  // the other target's name ("openssl")
  DifferenceKind kind = DifferenceKind::kInvariant;
  int connection = -1;  // -1: an invariant, not a connection's end
  // What each did: "refused (decode_error) at step 3", "went on at step 5, completed", or
  // (the other target) the invariant it broke.
  std::string reference;
  std::string other;
  // Stable across inputs: "openssl goes on where the reference refuses (decode_error)".
  std::string signature;
  std::string detail;  // for the report: the target's failure message, the steps
};

struct DifferentialOutcome {
  FuzzOutcome reference;  // the reference's run: its own invariants, its table pairs
  std::vector<Difference> differences;
  // Targets compared with the reference on this input (not skipped, not applicable).
  std::vector<std::string> compared;
};

class DifferentialFuzzTarget {
 public:
  struct Other {
    std::string name;
    std::unique_ptr<Target> target;
  };

  // `options` as for ScenarioFuzzTarget (role, seed, limits, decoded); the reference engine is
  // made from it, and each of `others` is played with the same options.
  static Result<std::unique_ptr<DifferentialFuzzTarget>> Create(
      const ScenarioFuzzTarget::Options& options, std::vector<Other> others);

  // Never crashes on any input. Inputs the reference skips are not played elsewhere.
  DifferentialOutcome RunInput(ByteView cbor);
  DifferentialOutcome RunScenario(const Scenario& scenario);

  ScenarioFuzzTarget& reference() { return *reference_; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  DifferentialFuzzTarget() = default;

  ScenarioFuzzTarget::Options options_;
  std::unique_ptr<ScenarioFuzzTarget> reference_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<ScenarioFuzzTarget>> others_;
};

// The differences between the reference's run and another target's run of one scenario
// (exposed for tests and for `shakedown minimize --against`).
std::vector<Difference> CompareRuns(const std::string& name, const FuzzOutcome& reference,
                                    const FuzzOutcome& other);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_DIFFERENTIAL_H_
