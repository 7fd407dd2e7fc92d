#include "cli/bench_command.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/handshake_bench.h"
#include "cli/bench_suite.h"
#include "cli/command.h"
#include "cli/fuzz_command.h"

namespace shakedown {

int RunBench(const BenchOptions& options) {
  BenchRequest request;
  request.seconds = options.seconds;
  request.rounds = options.rounds;
  for (const std::string& name : SplitCommas(options.stacks)) {
    if (FindBenchStack(name) == nullptr) {
      std::cerr << "shakedown bench handshake: unknown stack '" << name << "'\n";
      return kExitUsage;
    }
    request.stacks.push_back(name);
  }
  for (const std::string& name : SplitCommas(options.suites)) {
    std::optional<BenchSuite> suite = SuiteFromShortName(name);
    if (!suite) {
      std::cerr << "shakedown bench handshake: unknown suite '" << name << "'\n";
      return kExitUsage;
    }
    request.suites.push_back(*suite);
  }
  request.modes.clear();
  for (const std::string& name : SplitCommas(options.modes)) {
    if (name == "full") {
      request.modes.push_back(HandshakeMode::kFull);
    } else if (name == "resumed") {
      request.modes.push_back(HandshakeMode::kResumed);
    } else {
      std::cerr << "shakedown bench handshake: unknown mode '" << name << "'\n";
      return kExitUsage;
    }
  }
  if (request.stacks.empty() || request.suites.empty() || request.modes.empty()) {
    std::cerr << "shakedown bench handshake: nothing to measure\n";
    return kExitUsage;
  }

  std::cerr << "Generating the RSA-2048 server credential...\n";
  Result<BenchFixture> fixture = MakeBenchFixture();
  if (!fixture.ok()) {
    std::cerr << "shakedown bench handshake: " << fixture.status().ToString() << "\n";
    return kExitFailed;
  }
  BenchReport report = RunHandshakeBench(*fixture, request, &std::cerr);
  report.command = CommandLine();
  std::cout << FormatBenchReport(report);
  if (!options.json.empty()) {
    std::ofstream out(options.json);
    out << BenchReportToJson(report).dump(2) << "\n";
    if (!out) {
      std::cerr << "shakedown bench handshake: cannot write " << options.json << "\n";
      return kExitUsage;
    }
  }
  return report.any_error() ? kExitFailed : kExitOk;
}

Command AddBenchCommand(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks.");
  bench->require_subcommand(1);
  CLI::App* handshake = bench->add_subcommand(
      "handshake",
      "Full and resumed TLS 1.2 handshakes per second between a client and a server of one "
      "stack, in memory on one thread: the reference engine, Botan's TLS, OpenSSL (memory "
      "BIOs), and the public-key floor (only the public-key operations of a handshake, with "
      "Botan's primitives). Prints a table per suite with ratios and a verdict per target "
      "(full >= 90% of the floor; resumed faster than OpenSSL). Exit code 1 if a handshake "
      "failed.");
  handshake
      ->add_option("--seconds", options->seconds,
                   "CPU seconds per measurement, split over the rounds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  handshake
      ->add_option("--rounds", options->rounds,
                   "Rounds; stacks take turns within a round and the best round counts")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  handshake
      ->add_option("--stacks", options->stacks,
                   "Comma-separated: reference, botan, openssl, floor")
      ->capture_default_str();
  handshake
      ->add_option("--suites", options->suites,
                   "Comma-separated: ecdhe_rsa (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, x25519), "
                   "rsa (TLS_RSA_WITH_AES_128_GCM_SHA256), dhe_rsa "
                   "(TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ffdhe2048; OpenSSL: its own "
                   "2048-bit group), ecdhe_ecdsa (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
                   "x25519, ECDSA P-256 certificate)")
      ->capture_default_str();
  handshake->add_option("--modes", options->modes, "Comma-separated: full, resumed")
      ->capture_default_str();
  handshake->add_option("--json", options->json, "Also write the results as JSON to this file");

  auto fuzz_options = std::make_shared<FuzzOptions>();
  fuzz_options->bench = true;
  fuzz_options->targets = {"reference-server", "reference-client", "mitm", "connection"};
  CLI::App* fuzz = bench->add_subcommand(
      "fuzz",
      "Fuzzing throughput: the scenario fuzzers (reference-server, reference-client), mitm and "
      "the byte-level connection fuzzer, each on one core for --seconds from its generated "
      "seeds (fresh corpora), under ASan+UBSan as CI fuzzes; a table of execs/s with each "
      "target's ratio to connection (runs tools/fuzz --bench, building the fuzz configuration "
      "if needed). Exit codes as for `fuzz`: 1 if a target found something.");
  fuzz->add_option("--seconds", fuzz_options->seconds, "How long each target runs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  fuzz->add_option("--targets", fuzz_options->targets, "Which targets (default: the four above)")
      ->delimiter(',');
  fuzz->add_flag("--no-sanitizers", fuzz_options->no_sanitizers,
                 "Measure the fuzz-fast configuration (no ASan/UBSan, -O2) instead");

  CLI::App* bugs = bench->add_subcommand(
      "bugs",
      "Seeded bugs (bench/mutants/NN-name.patch): builds each mutant of the reference engine in "
      "a temporary work tree and reports whether the conformance suite catches it (which "
      "vectors) and the scenario fuzzer's time to first detection from the generated seeds "
      "(median of --fuzz-seeds runs, each capped at --fuzz-cap seconds). Runs tools/mutants "
      "--fuzz; results in out/mutants/results.json. Exit code 1 if a mutant escapes either.");
  bugs->prefix_command();
  bugs->footer(
      "Every option goes to tools/mutants, e.g. shakedown bench bugs --only 02 --fuzz-cap 60 "
      "--fuzz-seeds 5 --no-suite; tools/mutants --help lists them.");

  auto suite_options = std::make_shared<BenchSuiteOptions>();
  CLI::App* suite = AddBenchSuiteCommand(bench, suite_options.get());

  return {bench, [options, fuzz_options, fuzz, bugs, suite_options, suite] {
            if (fuzz->parsed()) return RunFuzz(*fuzz_options);
            if (suite->parsed()) return RunBenchSuite(*suite_options);
            if (bugs->parsed()) {
              std::vector<std::string> args = {"--fuzz"};
              for (const std::string& extra : bugs->remaining()) args.push_back(extra);
              return RunRepoScript("tools/mutants", args);
            }
            return RunBench(*options);
          }};
}

}  // namespace shakedown
