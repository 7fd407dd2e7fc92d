// The run-wide half of runner.h: many vectors on `jobs` worker threads with results in vector
// order, the results of vectors that cannot run, and the run's PKI. runner.cc plays one vector.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/crypto/rng.h"
#include "harness/runner/runner.h"

namespace shakedown {

using Clock = std::chrono::steady_clock;

VectorResult LoadErrorResult(const LoadedVector& vector) {
  VectorResult r;
  r.id = vector.file;
  r.title = "(does not load)";
  r.file = vector.file;
  r.topic = TopicForPath(vector.file);
  r.verdict = Verdict::kError;
  r.rule = kRuleLoad;
  r.message = vector.error ? vector.error->ToString() : "no scenario";
  return r;
}

namespace {

// Runs `count` jobs on options.jobs workers; `run(worker_target, i)` makes result i.
RunResult RunIndexed(size_t count, const TargetFactory& factory, const RunOptions& options,
                     const ResultCallback& on_result,
                     const std::function<VectorResult(Target*, const Status&, size_t)>& run) {
  Clock::time_point start = Clock::now();
  RunResult out;
  std::vector<std::optional<VectorResult>> results(count);
  std::mutex mu;
  size_t emitted = 0;
  std::atomic<size_t> next{0};
  std::string description;

  auto worker = [&](int w) {
    Result<std::unique_ptr<Target>> target = factory(w);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (description.empty() && target.ok()) description = (*target)->describe();
    }
    Status target_status = target.ok() ? Status::Ok() : target.status();
    Target* t = target.ok() ? target->get() : nullptr;
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= count) break;
      VectorResult r = run(t, target_status, i);
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(r);
      while (emitted < count && results[emitted]) {
        if (on_result) on_result(*results[emitted]);
        ++emitted;
      }
    }
  };

  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(std::max<size_t>(count, 1))));
  if (jobs == 1) {
    worker(0);
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < jobs; ++w) threads.emplace_back(worker, w);
    for (std::thread& t : threads) t.join();
  }
  out.target = description;
  for (std::optional<VectorResult>& r : results) out.vectors.push_back(std::move(*r));
  out.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return out;
}

VectorResult TargetErrorResult(const Scenario& s, const Status& status) {
  VectorResult r;
  r.id = s.id;
  r.title = s.title;
  r.topic = s.topic;
  r.file = s.source;
  r.refs = s.refs;
  r.verdict = Verdict::kError;
  r.rule = kRuleConnect;
  r.message = "the target could not be set up: " + status.message();
  return r;
}

}  // namespace

RunResult RunAll(const TreeLoad& load, const TargetFactory& factory, const RunOptions& options,
                 const ResultCallback& on_result) {
  return RunIndexed(load.vectors.size(), factory, options, on_result,
                    [&](Target* target, const Status& status, size_t i) {
                      const LoadedVector& v = load.vectors[i];
                      if (!v.ok()) return LoadErrorResult(v);
                      if (target == nullptr) return TargetErrorResult(*v.scenario, status);
                      return RunVector(*v.scenario, *target, options);
                    });
}

RunResult RunScenarios(const std::vector<Scenario>& scenarios, const TargetFactory& factory,
                       const RunOptions& options, const ResultCallback& on_result) {
  return RunIndexed(scenarios.size(), factory, options, on_result,
                    [&](Target* target, const Status& status, size_t i) {
                      if (target == nullptr) return TargetErrorResult(scenarios[i], status);
                      return RunVector(scenarios[i], *target, options);
                    });
}

Result<std::shared_ptr<const TestPki>> MakeRunPki(uint64_t seed) {
  DeterministicRng rng(seed ^ 0x706b690000000000ull);
  Result<TestPki> pki = GenerateTestPki(rng);
  if (!pki.ok()) return pki.status();
  return std::shared_ptr<const TestPki>(new TestPki(std::move(pki).value()));
}

}  // namespace shakedown
