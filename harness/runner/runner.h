// The runner: plays scenario vectors against a target with the scripted peer on the other
// side, and judges what the target did. The oracle is two-fold:
//   - each expect step: the messages in order (and their checked fields), or an alert from
//     the allowed set followed by a close, or a close, or silence;
//   - invariants on every message the target sends, detected by the scripted peer (order,
//     CCS before keys, Finished verify_data, tampered messages accepted, nothing after a
//     fatal alert, resumption and EMS rules) and by the runner (both sides agree on what
//     they negotiated when both complete).
// A target that sends garbage, closes mid-message, floods or never answers fails that vector
// with a clear rule; the run goes on.
#ifndef SHAKEDOWN_HARNESS_RUNNER_RUNNER_H_
#define SHAKEDOWN_HARNESS_RUNNER_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/crypto/pki.h"
#include "harness/peer/violation.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/scenario.h"
#include "reports/results.h"

namespace shakedown {

// Rules (VectorResult::rule) the runner itself assigns; the peer's invariants appear as
// InvariantRule(rule): "invariant: <ViolationRuleName(rule)>".
inline constexpr char kRuleExpectMessages[] = "expect: messages";
inline constexpr char kRuleExpectCheck[] = "expect: field check";
inline constexpr char kRuleExpectAlert[] = "expect: alert";
inline constexpr char kRuleExpectClose[] = "expect: close";
inline constexpr char kRuleExpectSilence[] = "expect: silence";
inline constexpr char kRuleNoAnswer[] = "target: no answer";
inline constexpr char kRuleUndecodable[] = "target: undecodable data";
inline constexpr char kRuleFlood[] = "target: flood";
inline constexpr char kRuleCloseAfterFatal[] = "invariant: close after fatal alert";
inline constexpr char kRuleAgreement[] = "invariant: both sides agree";
// An in-process target reports a completed handshake that was not a legal one: the peer left
// the table (RFC 5246 7.3), tampered its own Finished, or never verified the target's (7.4.9).
inline constexpr char kRuleCompletedIllegally[] = "invariant: completed only along the table";
inline constexpr char kRuleDied[] = "target: died";
inline constexpr char kRuleVector[] = "vector: cannot be played";
inline constexpr char kRuleLoad[] = "vector: load error";
inline constexpr char kRuleConnect[] = "target: connect";
inline constexpr char kRulePremise[] = "premise: versions";
// A completed handshake the vector's target block rules out (a suite it does not enable, EMS it
// disables): a network target started with another profile (an error of the run), or a
// reference target that ignored its configuration (a failure).
inline constexpr char kRuleProfile[] = "premise: target block";
// The target cannot be configured as the vector's target block says (Target::Unsupported).
inline constexpr char kRuleUnsupported[] = "premise: target cannot be configured";
inline constexpr char kRuleEquivalence[] = "equivalence: responses differ";

// VectorResult::rule for a vector failed by the peer's invariant `rule`.
std::string InvariantRule(ViolationRule rule);

struct RunOptions {
  // How long an expectation waits for the target (network targets; the reference target
  // decides at once).
  int timeout_ms = 2000;
  // After a connection's last step, how long the runner goes on reading from a network target
  // (until it closes) so that what the target sends there is judged too. The reference target
  // has said everything at once.
  int drain_ms = 50;
  // The protocol versions the target enables, ascending: a vector whose `target.versions`
  // (default TLS 1.2 only) differs is not applicable to it. The reference: TLS 1.2.
  std::vector<uint16_t> target_versions = {0x0303};
  uint64_t seed = 1;
  std::shared_ptr<const TestPki> pki;  // required
  // A connection that receives more than this fails as a flood.
  size_t max_received_bytes = 4 << 20;
  // Hex of each trace entry is cut after this many bytes.
  size_t max_trace_hex_bytes = 512;
  int jobs = 1;
  // False for fuzzing: expect steps only let the target speak, and the verdict comes from
  // the invariants alone (the peer's, agreement, a death), since a mutated scenario's
  // expectations no longer say what the RFC requires. A vector that says "judge":
  // "invariants" (Scenario::judge: regressions exported from fuzz findings) is judged so
  // whatever this says.
  bool judge_expectations = true;
};

// Runs one vector; never throws, never aborts the run.
VectorResult RunVector(const Scenario& scenario, Target& target, const RunOptions& options);

// A fresh target for worker `worker` (each worker thread has its own).
using TargetFactory = std::function<Result<std::unique_ptr<Target>>(int worker)>;
// Called once per vector, in vector order (so the console is deterministic whatever --jobs).
using ResultCallback = std::function<void(const VectorResult&)>;

// Runs every vector of `load` (load errors become kError results, never dropped) on
// options.jobs threads. Results are in `load` order. RunResult::target is the first target's
// describe(); started_at and command_line are left to the caller.
RunResult RunAll(const TreeLoad& load, const TargetFactory& factory, const RunOptions& options,
                 const ResultCallback& on_result = nullptr);
RunResult RunScenarios(const std::vector<Scenario>& scenarios, const TargetFactory& factory,
                       const RunOptions& options, const ResultCallback& on_result = nullptr);

// A VectorResult for a file that failed to load.
VectorResult LoadErrorResult(const LoadedVector& vector);

// One line for a step, for traces and replay: "send ClientHello set{cipher_suites}",
// "expect [ServerHello, Certificate]", "expect alert {unexpected_message} then close".
std::string DescribeStep(const Step& step);

// Generates the run's test PKI from `seed` (RSA 2048, ECDSA P-256).
Result<std::shared_ptr<const TestPki>> MakeRunPki(uint64_t seed);

// What targets that load the PKI from files need (in-process libraries, worker processes, fuzz
// binaries): the run's PKI for `seed`, written as PEM to a fresh temporary directory named
// after `prefix` (resources.pem.dir: the caller removes it with RemoveTree, or leaves it for
// the process's life), and the seed.
Result<TargetResources> MakeRunResourcesWithPem(uint64_t seed, const std::string& prefix);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_RUNNER_H_
