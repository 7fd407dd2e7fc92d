// The outcome of running scenario vectors against a target: what the report writers
// (JUnit XML, JSON, HTML) and the console summary read. Plain data, no behaviour.
#ifndef SHAKEDOWN_REPORTS_RESULTS_H_
#define SHAKEDOWN_REPORTS_RESULTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shakedown {

enum class Verdict {
  kPass,
  kFail,   // the target did something the vector or an invariant forbids
  kError,  // the vector could not be run (bad vector, target failed to start, harness bug)
  // The vector's premise does not hold for this target (it needs a protocol version the
  // target does not enable): not run, reported apart from pass and fail, never failing a run.
  kNotApplicable,
  // Failed as the target's deviation ledger says it does (a known deviation of that library
  // version, vectors/expectations/): reported apart, never failing a run.
  kExpectedFailure,
};

// "pass" | "fail" | "error" | "not_applicable" | "expected_failure"
std::string_view VerdictName(Verdict verdict);

// One line of a vector's trace: a record or message as it crossed the wire, decoded.
struct TraceEntry {
  enum class Kind { kSent, kReceived, kNote };
  Kind kind = Kind::kNote;
  int connection = 0;     // index into the vector's connections
  int step = -1;          // the step it belongs to, or -1
  std::string summary;    // "ClientHello(version=TLSv1.2, suites=[...])", "Alert(fatal, ...)"
  std::string hex;        // the bytes on the wire (may be truncated for long records)
  double at_ms = 0;       // since the vector started
};

// A transition the target took, for the state diagram: from the state before a message to
// the state after it, as named by the handshake table ("C:client_hello" ...).
// The diagram places a transition on the legal table by its step: `label` when it is a
// FlowStep::ToString() name ("C:client_hello", "S:change_cipher_spec"), else `to`. Each
// connection's transitions, in order, start at the table's root.
struct Transition {
  std::string from;
  std::string to;
  std::string label;
  bool legal = true;  // false: outside the legal table (drawn in red)
  int connection = 0;  // index into the vector's connections (resumption: one path each)
};

// How one connection of a vector ended, as the peer saw it: what the differential fuzzer
// compares between targets (harness/fuzz/differential.h), where the RFC leaves no room for two
// answers to the same bytes: one target going on where another refuses.
struct ConnectionEnd {
  // The peer verified the target's Finished (every handshake of the connection it began).
  bool completed = false;
  // The target's first fatal alert ("decode_error"), or "close" when it closed before the
  // peer completed; "" for neither.
  std::string refusal;
  // The step during which the refusal arrived (the number of steps: after the last one).
  int step = -1;
  // The last step during which the target went on: sent a handshake message, a
  // ChangeCipherSpec or application data (-1: never).
  int last_progress_step = -1;
};

struct VectorResult {
  std::string id;
  std::string title;
  std::string topic;
  std::string file;
  std::vector<std::string> refs;
  Verdict verdict = Verdict::kPass;
  // For kFail / kError: where and why.
  int failed_connection = -1;
  int failed_step = -1;
  // The expectation or invariant violated, by its stable name: "expect: alert",
  // "invariant: after fatal alert" (harness/runner/runner.h lists them).
  std::string rule;
  std::string message;  // human-readable detail: expected vs observed
  std::vector<TraceEntry> trace;
  std::vector<Transition> transitions;
  double duration_ms = 0;
  // The vector's equivalence family ("" for none), and what the target answered the peer's
  // last send with: "Alert(fatal, bad_record_mac), then close", "ServerHello", "close",
  // "nothing". Families compare it (harness/runner/run_all.cc).
  std::string equivalence;
  std::string response;
  // One per connection played (a vector stops early once a connection failed or was refused).
  std::vector<ConnectionEnd> ends;
  // kExpectedFailure (and a ledgered vector that passed): the ledger entry's account of the
  // deviation, "<RFC text it deviates from> (ledger FILE)".
  std::string ledger;
};

struct RunResult {
  std::string target;       // "reference", "tcp:127.0.0.1:4433", "exec:..."
  std::string started_at;   // ISO 8601 UTC
  std::string command_line;
  double duration_ms = 0;
  std::vector<VectorResult> vectors;

  int Count(Verdict verdict) const;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_RESULTS_H_
