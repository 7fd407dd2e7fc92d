// The run-wide half of runner.h: many vectors on `jobs` worker threads with results in vector
// order, the results of vectors that cannot run, and the run's PKI. runner.cc plays one vector.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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

// One result row per equivalence family: every member must have got the same response
// (Scenario::equivalence). Members' own verdicts are theirs; this row judges only sameness.
std::vector<VectorResult> FamilyResults(const RunResult& run) {
  std::map<std::string, std::vector<const VectorResult*>> families;
  for (const VectorResult& v : run.vectors) {
    if (!v.equivalence.empty()) families[v.equivalence].push_back(&v);
  }
  std::vector<VectorResult> out;
  for (const auto& [name, members] : families) {
    VectorResult r;
    r.id = "equivalence." + name;
    r.title = "The " + std::to_string(members.size()) + " vectors of family " + name +
              " get the same response";
    r.topic = members.front()->topic;
    std::set<std::string> refs;
    for (const VectorResult* m : members) refs.insert(m->refs.begin(), m->refs.end());
    r.refs.assign(refs.begin(), refs.end());
    std::map<std::string, std::vector<std::string>> by_response;
    for (const VectorResult* m : members) {
      by_response[m->response].push_back(m->id);
      TraceEntry e;
      e.summary = m->id + ": " + (m->response.empty() ? "(no response recorded)" : m->response);
      r.trace.push_back(std::move(e));
    }
    TraceEntry timing;
    timing.summary = "timing: not compared (no timing class is measured yet)";
    r.trace.push_back(std::move(timing));
    const auto not_run = std::find_if(members.begin(), members.end(), [](const VectorResult* m) {
      return m->verdict == Verdict::kError || m->verdict == Verdict::kNotApplicable;
    });
    if (members.size() < 2) {
      // A profile or the paths given left the others out (the committed suite has none of
      // one: runner_test runs it whole).
      r.verdict = Verdict::kNotApplicable;
      r.rule = kRuleEquivalence;
      r.message = "only " + members.front()->id + " of the family ran here: nothing to compare";
    } else if (not_run != members.end()) {
      r.verdict = (*not_run)->verdict;
      r.rule = (*not_run)->verdict == Verdict::kError ? kRuleVector : kRulePremise;
      r.message = (*not_run)->id + " did not run (" + std::string(VerdictName((*not_run)->verdict)) +
                  "), so the family cannot be compared";
    } else if (by_response.size() == 1 && !by_response.begin()->first.empty()) {
      r.message = "all answered: " + by_response.begin()->first;
    } else {
      r.verdict = Verdict::kFail;
      r.rule = kRuleEquivalence;
      std::string detail;
      for (const auto& [response, ids] : by_response) {
        std::string list;
        for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
        detail += (detail.empty() ? "" : "; ") +
                  (response.empty() ? std::string("(none recorded)") : response) + ": " + list;
      }
      r.message = "the target answered the family's vectors differently, which tells them "
                  "apart: " + detail;
    }
    out.push_back(std::move(r));
  }
  return out;
}

void AppendFamilies(RunResult* run, const ResultCallback& on_result) {
  for (VectorResult& r : FamilyResults(*run)) {
    if (on_result) on_result(r);
    run->vectors.push_back(std::move(r));
  }
}

}  // namespace

RunResult RunAll(const TreeLoad& load, const TargetFactory& factory, const RunOptions& options,
                 const ResultCallback& on_result) {
  RunResult run = RunIndexed(load.vectors.size(), factory, options, on_result,
                             [&](Target* target, const Status& status, size_t i) {
                               const LoadedVector& v = load.vectors[i];
                               if (!v.ok()) return LoadErrorResult(v);
                               if (target == nullptr) return TargetErrorResult(*v.scenario, status);
                               return RunVector(*v.scenario, *target, options);
                             });
  AppendFamilies(&run, on_result);
  return run;
}

RunResult RunScenarios(const std::vector<Scenario>& scenarios, const TargetFactory& factory,
                       const RunOptions& options, const ResultCallback& on_result) {
  RunResult run = RunIndexed(scenarios.size(), factory, options, on_result,
                             [&](Target* target, const Status& status, size_t i) {
                               if (target == nullptr) return TargetErrorResult(scenarios[i], status);
                               return RunVector(scenarios[i], *target, options);
                             });
  AppendFamilies(&run, on_result);
  return run;
}

Result<std::shared_ptr<const TestPki>> MakeRunPki(uint64_t seed) {
  DeterministicRng rng(seed ^ 0x706b690000000000ull);
  Result<TestPki> pki = GenerateTestPki(rng);
  if (!pki.ok()) return pki.status();
  return std::shared_ptr<const TestPki>(new TestPki(std::move(pki).value()));
}

Result<TargetResources> MakeRunResourcesWithPem(uint64_t seed, const std::string& prefix) {
  TargetResources resources;
  SD_ASSIGN_OR_RETURN(resources.pki, MakeRunPki(seed));
  SD_ASSIGN_OR_RETURN(resources.pem, WritePkiPemToTempDir(*resources.pki, prefix));
  resources.seed = seed;
  return resources;
}

}  // namespace shakedown
