#include "harness/fuzz/minimizer.h"

#include <utility>
#include <vector>

#include "harness/fuzz/scenario_mutator.h"

namespace shakedown {
namespace {

size_t StepCount(const Scenario& s) {
  size_t n = 0;
  for (const ConnectionScript& c : s.connections) n += c.steps.size();
  return n;
}

class Shrinker {
 public:
  Shrinker(const std::function<bool(const Scenario&)>& still_fails, int max_runs)
      : still_fails_(still_fails), max_runs_(max_runs) {}

  // Keeps `candidate` in *best when it is loadable and still fails.
  bool Try(Scenario candidate, Scenario* best) {
    if (runs_ >= max_runs_ || candidate == *best || !checker_.Loadable(candidate)) return false;
    ++runs_;
    if (!still_fails_(candidate)) return false;
    *best = std::move(candidate);
    return true;
  }

  // One pass of every reduction; true if anything shrank.
  bool Pass(Scenario* best) {
    bool shrank = false;
    // Whole connections, last first (a later one may resume an earlier one).
    for (size_t i = best->connections.size(); i-- > 0 && best->connections.size() > 1;) {
      Scenario c = *best;
      c.connections.erase(c.connections.begin() + i);
      shrank |= Try(std::move(c), best);
    }
    for (size_t ci = 0; ci < best->connections.size(); ++ci) {
      // Runs of steps, halving (ddmin), then single steps.
      for (size_t chunk = best->connections[ci].steps.size() / 2; chunk >= 1; chunk /= 2) {
        for (size_t start = 0; start + chunk <= best->connections[ci].steps.size();) {
          Scenario c = *best;
          auto& steps = c.connections[ci].steps;
          steps.erase(steps.begin() + start, steps.begin() + start + chunk);
          if (!steps.empty() && Try(std::move(c), best)) {
            shrank = true;
          } else {
            start += chunk;
          }
        }
      }
      // Each send step's deviations, one at a time.
      for (size_t si = 0; si < best->connections[ci].steps.size(); ++si) {
        if (!std::holds_alternative<SendStep>(best->connections[ci].steps[si].action)) continue;
        auto send_of = [&](Scenario& c) -> SendStep& {
          return std::get<SendStep>(c.connections[ci].steps[si].action);
        };
        for (size_t e = send_of(*best).set.size(); e-- > 0;) {
          Scenario c = *best;
          send_of(c).set.erase(send_of(c).set.begin() + e);
          shrank |= Try(std::move(c), best);
        }
        {
          Scenario c = *best;
          send_of(c).corrupt = Corruption();
          shrank |= Try(std::move(c), best);
        }
        {
          Scenario c = *best;
          send_of(c).record = RecordOptions();
          shrank |= Try(std::move(c), best);
        }
        if (send_of(*best).repeat > 1) {
          Scenario c = *best;
          send_of(c).repeat = 1;
          shrank |= Try(std::move(c), best);
        }
        // Bytes: halve a raw payload while it still fails.
        while (send_of(*best).raw.size() > 1) {
          Scenario c = *best;
          send_of(c).raw.resize(send_of(c).raw.size() / 2);
          if (!Try(std::move(c), best)) break;
          shrank = true;
        }
      }
    }
    {
      Scenario c = *best;
      c.peer = PeerConfig();
      shrank |= Try(std::move(c), best);
    }
    return shrank;
  }

  int runs() const { return runs_; }
  bool exhausted() const { return runs_ >= max_runs_; }

 private:
  const std::function<bool(const Scenario&)>& still_fails_;
  int max_runs_;
  int runs_ = 0;
  // Only for Loadable(); limits far above any vector's, since candidates only shrink.
  ScenarioMutator checker_{nullptr, MutatorLimits::Loose()};
};

}  // namespace

Scenario MinimizeScenario(const Scenario& scenario,
                          const std::function<bool(const Scenario&)>& still_fails,
                          MinimizeStats* stats, int max_runs) {
  Shrinker shrinker(still_fails, max_runs);
  Scenario best = scenario;
  while (shrinker.Pass(&best) && !shrinker.exhausted()) {
  }
  if (stats != nullptr) {
    stats->runs = shrinker.runs();
    stats->steps_before = StepCount(scenario);
    stats->steps_after = StepCount(best);
    stats->budget_exhausted = shrinker.exhausted();
  }
  return best;
}

}  // namespace shakedown
