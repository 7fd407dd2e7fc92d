// The (state, incoming message) pairs of the legal table as libFuzzer feedback: one extra
// counter per pair (the `__libfuzzer_extra_counters` section), so an input that reaches a new
// pair is new coverage even when it hits no new edge; and the `#pairs` lines tools/fuzz reads.
// One per fuzz binary (fuzzers/scenario_fuzzer.cc, fuzzers/differential_fuzzer.cc,
// harness/fuzz/library_fuzz_main.cc). --config=fuzz binaries only: the counters mean nothing
// without libFuzzer.
#ifndef SHAKEDOWN_HARNESS_FUZZ_PAIR_FEEDBACK_H_
#define SHAKEDOWN_HARNESS_FUZZ_PAIR_FEEDBACK_H_

#include <cstddef>
#include <vector>

#include "harness/fuzz/table_pairs.h"

namespace shakedown {

class PairFeedback {
 public:
  // Aborts (naming `who`) when the table has more pairs than there are counters.
  PairFeedback(const TablePairs& pairs, const char* who);

  // One input's pairs (FuzzOutcome::pairs): bumps their counters and prints "#pairs now: ..."
  // when one is reached for the first time in this process.
  void Count(const std::vector<size_t>& reached);
  // "#pairs <when>: N of M legal (state, message) pairs, K out-of-order".
  void Print(const char* when) const;

 private:
  const TablePairs& pairs_;
  std::vector<bool> seen_;
  size_t legal_seen_ = 0, probes_seen_ = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_PAIR_FEEDBACK_H_
