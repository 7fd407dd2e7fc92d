// Shrinks a failing scenario while it keeps failing the same way (delta debugging over
// connections, steps and each step's deviations, then bytes), so that a fuzzer's finding
// becomes the small scenario a maintainer reads. Every candidate it tries is loadable.
#ifndef SHAKEDOWN_HARNESS_FUZZ_MINIMIZER_H_
#define SHAKEDOWN_HARNESS_FUZZ_MINIMIZER_H_

#include <functional>

#include "harness/scenario/scenario.h"

namespace shakedown {

struct MinimizeStats {
  int runs = 0;  // how often `still_fails` ran
  size_t steps_before = 0;
  size_t steps_after = 0;
  bool budget_exhausted = false;
};

// `still_fails(candidate)`: true when the candidate shows the same verdict (the same rule, or
// the same crash). Tries at most `max_runs` candidates. Returns the smallest scenario found.
Scenario MinimizeScenario(const Scenario& scenario,
                          const std::function<bool(const Scenario&)>& still_fails,
                          MinimizeStats* stats = nullptr, int max_runs = 3000);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_MINIMIZER_H_
