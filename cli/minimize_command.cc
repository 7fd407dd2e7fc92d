#include "cli/minimize_command.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/run_setup.h"
#include "harness/fuzz/differential.h"
#include "harness/fuzz/minimizer.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/scenario/loader.h"

namespace shakedown {

namespace {

std::string OutPath(const MinimizeOptions& options) {
  return options.out.empty() ? options.file + ".min.json" : options.out;
}

int WriteMinimized(const MinimizeOptions& options, const Scenario& small,
                   const MinimizeStats& stats, const std::string& replay) {
  const std::string out = OutPath(options);
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
            << "written to " << out << "; replay it with:\n  " << replay << "\n";
  return kExitOk;
}

// --against: the reference and the target, each input compared; a candidate still fails when
// it shows a difference with the first run's signature.
int MinimizeDifference(const MinimizeOptions& options, const Scenario& scenario,
                       ScenarioFuzzTarget::Options fo) {
  TargetOptions to;
  to.target = options.against;
  to.seed = options.seed;
  RunSetup setup;
  Status init = setup.Init(to, 1);
  if (!init.ok()) {
    std::cerr << "shakedown minimize: --against: " << init.message() << "\n";
    return kExitUsage;
  }
  Result<std::unique_ptr<Target>> other = setup.factory()(0);
  if (!other.ok()) {
    std::cerr << "shakedown minimize: --against: " << other.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<DifferentialFuzzTarget::Other> others;
  others.push_back({options.against, std::move(other).value()});
  fo.timeout_ms = setup.options().timeout_ms;
  Result<std::unique_ptr<DifferentialFuzzTarget>> diff =
      DifferentialFuzzTarget::Create(fo, std::move(others));
  if (!diff.ok()) {
    std::cerr << "shakedown minimize: " << diff.status().message() << "\n";
    return kExitUsage;
  }
  DifferentialOutcome first = (*diff)->RunScenario(scenario);
  if (first.differences.empty()) {
    std::cout << options.file << ": does not reproduce — "
              << (first.reference.kind == FuzzOutcome::Kind::kSkipped
                      ? "cannot run: " + first.reference.why_skipped
                  : first.compared.empty()
                      ? options.against + " cannot play it"
                      : options.against + " does not differ from the reference")
              << " (seed " << options.seed << ")\n";
    return kExitFailed;
  }
  const std::string signature = first.differences.front().signature;
  std::cout << "minimizing: " << signature << "\n  " << first.differences.front().detail << "\n";
  MinimizeStats stats;
  const Scenario small = MinimizeScenario(
      scenario,
      [&](const Scenario& candidate) {
        for (const Difference& d : (*diff)->RunScenario(candidate).differences) {
          if (d.signature == signature) return true;
        }
        return false;
      },
      &stats, options.max_runs);
  return WriteMinimized(options, small, stats,
                        "./shakedown replay --invariants-only --target " + options.against + " " +
                            OutPath(options) + "   (and --target reference)");
}

}  // namespace

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
  if (!options.against.empty()) return MinimizeDifference(options, *scenario, fo);
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
  return WriteMinimized(options, small, stats,
                        "./shakedown replay --invariants-only " + OutPath(options));
}

Command AddMinimizeCommand(CLI::App& app) {
  auto options = std::make_shared<MinimizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "minimize",
      "Shrink a fuzz finding (a crash-* reproducer, a .cbor input) or a failing vector to the "
      "smallest scenario that still fails the same invariant against the reference engine: "
      "connections, steps, then each step's deviations, then bytes. Writes it as JSON. Exit "
      "codes: 0 minimized, 1 it does not reproduce, 2 it does not load. With --against TARGET "
      "(a differential finding): the smallest scenario on which TARGET still differs from the "
      "reference the same way (completes what it refuses, or the reverse, or breaks an "
      "invariant it keeps).");
  cmd->add_option("file", options->file, "The finding")->required();
  cmd->add_option("--out", options->out, "Where to write the result (default FILE.min.json)");
  cmd->add_option("--seed", options->seed, "The run seed (as the fuzzer's: 1)");
  cmd->add_option("--against", options->against,
                  "Keep the difference from the reference shown against this target (openssl, "
                  "gnutls:server, ...; a differential fuzzer's finding)");
  cmd->add_option("--max-runs", options->max_runs, "Candidates to try at most")
      ->check(CLI::PositiveNumber);
  return {cmd, [options] { return RunMinimize(*options); }};
}

}  // namespace shakedown
