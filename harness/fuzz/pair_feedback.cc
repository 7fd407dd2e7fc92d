#include "harness/fuzz/pair_feedback.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
constexpr size_t kMaxPairs = 8192;
// libFuzzer clears these before each input and reads them after it.
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t g_pair_counters[kMaxPairs];
}  // namespace

namespace shakedown {

PairFeedback::PairFeedback(const TablePairs& pairs, const char* who)
    : pairs_(pairs), seen_(pairs.size()) {
  if (pairs.size() > kMaxPairs) {
    std::fprintf(stderr, "%s: %zu table pairs exceed the %zu counters\n", who, pairs.size(),
                 kMaxPairs);
    std::abort();
  }
}

void PairFeedback::Count(const std::vector<size_t>& reached) {
  bool grew = false;
  for (size_t p : reached) {
    if (g_pair_counters[p] < 255) ++g_pair_counters[p];
    if (!seen_[p]) {
      seen_[p] = true;
      ++(pairs_.IsLegal(p) ? legal_seen_ : probes_seen_);
      grew = true;
    }
  }
  if (grew) Print("now");
}

void PairFeedback::Print(const char* when) const {
  std::fprintf(stderr, "#pairs %s: %zu of %zu legal (state, message) pairs, %zu out-of-order\n",
               when, legal_seen_, pairs_.legal_total(), probes_seen_);
}

}  // namespace shakedown
