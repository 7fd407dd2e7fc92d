#include "cli/replay_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/run_setup.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "reports/results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

constexpr size_t kHexPerLine = 64;  // hex digits per line

std::string StepHeader(const Scenario& s, int connection, int step) {
  if (connection < 0 || static_cast<size_t>(connection) >= s.connections.size()) return "";
  const std::vector<Step>& steps = s.connections[connection].steps;
  if (step < 0 || static_cast<size_t>(step) >= steps.size()) return "";
  return DescribeStep(steps[step]);
}

void PrintHex(const std::string& hex) {
  for (size_t i = 0; i < hex.size(); i += kHexPerLine) {
    std::cout << "        " << hex.substr(i, kHexPerLine) << "\n";
  }
}



}  // namespace

int RunReplay(const ReplayOptions& options) {
  bool fuzz_input = false;
  Result<Scenario> scenario = LoadVectorOrFuzzInput(options.file, &fuzz_input);
  if (!scenario.ok()) {
    std::cerr << "shakedown replay: " << scenario.status().message() << "\n";
    return kExitUsage;
  }
  RunSetup setup;
  Status init = setup.Init(options.target, 1);
  if (!init.ok()) {
    std::cerr << "shakedown replay: " << init.message() << "\n";
    return kExitUsage;
  }
  Result<std::unique_ptr<Target>> target = setup.factory()(0);
  if (!target.ok()) {
    std::cerr << "shakedown replay: " << target.status().message() << "\n";
    return kExitUsage;
  }
  const Scenario& s = *scenario;
  std::cout << s.id << ": " << TerminalText(s.title, 200) << "\n"
            << "  role: target is the " << (s.role == Side::kServer ? "server" : "client")
            << "; target: " << (*target)->describe() << "\n  refs:";
  for (const std::string& r : s.refs) std::cout << " " << TerminalText(r, 80);
  std::cout << "\n";
  if (!s.notes.empty()) std::cout << "  notes: " << TerminalText(s.notes, 2000) << "\n";

  RunOptions run = setup.options();
  // A fuzz input's expectations were mutated with the rest: only the invariants judge it,
  // as they did when the fuzzer ran it.
  run.judge_expectations = !(fuzz_input || options.invariants_only);
  if (!run.judge_expectations) {
    std::cout << "  judged by the invariants only (" << (fuzz_input ? "a fuzz input" : "--invariants-only")
              << "); the scenario as JSON:\n" << SerializeScenarioJson(s);
  }
  VectorResult r = RunVector(s, **target, run);
  int connection = -1;
  int step = -2;
  for (const TraceEntry& t : r.trace) {
    if (t.connection != connection) {
      connection = t.connection;
      step = -2;
      std::cout << "\nconnection " << connection << "\n";
    }
    if (t.step != step) {
      step = t.step;
      std::string header = StepHeader(s, connection, step);
      if (!header.empty()) std::cout << "  step " << step << ": " << header << "\n";
    }
    const char* arrow = t.kind == TraceEntry::Kind::kSent       ? "->"
                        : t.kind == TraceEntry::Kind::kReceived ? "<-"
                                                                : " #";
    char at[32];
    std::snprintf(at, sizeof(at), "%8.2f ms", t.at_ms);
    std::cout << "    " << at << " " << arrow << " " << TerminalText(t.summary, 4000) << "\n";
    if (!options.no_hex && !t.hex.empty()) PrintHex(t.hex);
  }
  std::cout << "\n" << VerdictName(r.verdict);
  if (r.verdict != Verdict::kPass) {
    std::cout << " at connection " << r.failed_connection << ", step " << r.failed_step << ": "
              << r.rule << "\n  " << TerminalText(r.message, 4000);
  }
  char took[32];
  std::snprintf(took, sizeof(took), "%.2f", r.duration_ms);
  std::cout << " (" << took << " ms)\n";
  if (r.verdict == Verdict::kPass) return kExitOk;
  return r.verdict == Verdict::kFail ? kExitFailed : kExitUsage;
}

Command AddReplayCommand(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Run one vector (.json, or a fuzz input: a .cbor seed or a crash-* reproducer) and print "
      "its full decoded trace step "
      "by step, each expectation, and the verdict. Exit codes: 0 passed, 1 failed, 2 usage "
      "error or a vector that does not load or cannot run.");
  AddTargetOptions(cmd, &options->target);
  cmd->add_option("file", options->file, "The vector")->required();
  cmd->add_flag("--no-hex", options->no_hex, "Decoded summaries only, without the wire bytes");
  cmd->add_flag("--invariants-only", options->invariants_only,
                "Judge by the invariants alone, as the fuzzers do (always so for a fuzz input)");

  return {cmd, [options] { return RunReplay(*options); }};
}


}  // namespace shakedown
