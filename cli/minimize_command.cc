#include "cli/minimize_command.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/run_setup.h"
#include "harness/fuzz/minimizer.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/scenario/loader.h"

namespace shakedown {

int RunMinimize(const MinimizeOptions& options) {
  bool fuzz_input = false;
  Result<Scenario> scenario = LoadVectorOrFuzzInput(options.file, &fuzz_input);
  if (!scenario.ok()) {
    std::cerr << "shakedown minimize: " << scenario.status().message() << "\n";
    return kExitUsage;
  }
  ScenarioFuzzTarget::Options fo;
  fo.role = scenario->role;
  fo.seed = options.seed;
  // A hand-written vector may be larger than what the fuzzers generate.
  fo.limits = MutatorLimits::Loose();
  Result<std::unique_ptr<ScenarioFuzzTarget>> target = ScenarioFuzzTarget::Create(fo);
  if (!target.ok()) {
    std::cerr << "shakedown minimize: " << target.status().message() << "\n";
    return kExitUsage;
  }
  FuzzOutcome first = (*target)->RunScenario(*scenario);
  if (first.kind != FuzzOutcome::Kind::kFinding) {
    std::cout << options.file << ": does not reproduce — "
              << (first.kind == FuzzOutcome::Kind::kSkipped ? "cannot run: " + first.why_skipped
                                                            : "no invariant fails")
              << " (judged by the invariants, seed " << options.seed << ")\n";
    return kExitFailed;
  }
  const std::string rule = first.result.rule;
  std::cout << "minimizing: " << rule << "\n  " << first.result.message << "\n";
  MinimizeStats stats;
  const Scenario small = MinimizeScenario(
      *scenario,
      [&](const Scenario& candidate) {
        FuzzOutcome o = (*target)->RunScenario(candidate);
        return o.kind == FuzzOutcome::Kind::kFinding && o.result.rule == rule;
      },
      &stats, options.max_runs);
  const std::string out = options.out.empty() ? options.file + ".min.json" : options.out;
  const std::string json = SerializeScenarioJson(small);
  std::ofstream file(out);
  file << json;
  if (!file) {
    std::cerr << "shakedown minimize: " << out << ": cannot write\n";
    return kExitUsage;
  }
  std::cout << json << "\n"
            << stats.steps_before << " steps -> " << stats.steps_after << " steps in " << stats.runs
            << " runs" << (stats.budget_exhausted ? " (the run budget ran out: --max-runs)" : "")
            << "\n"
            << "written to " << out << "; replay it with:\n  ./shakedown replay --invariants-only "
            << out << "\n";
  return kExitOk;
}

Command AddMinimizeCommand(CLI::App& app) {
  auto options = std::make_shared<MinimizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "minimize",
      "Shrink a fuzz finding (a crash-* reproducer, a .cbor input) or a failing vector to the "
      "smallest scenario that still fails the same invariant against the reference engine: "
      "connections, steps, then each step's deviations, then bytes. Writes it as JSON. Exit "
      "codes: 0 minimized, 1 it does not reproduce, 2 it does not load.");
  cmd->add_option("file", options->file, "The finding")->required();
  cmd->add_option("--out", options->out, "Where to write the result (default FILE.min.json)");
  cmd->add_option("--seed", options->seed, "The run seed (as the fuzzer's: 1)");
  cmd->add_option("--max-runs", options->max_runs, "Candidates to try at most")
      ->check(CLI::PositiveNumber);
  return {cmd, [options] { return RunMinimize(*options); }};
}

}  // namespace shakedown
