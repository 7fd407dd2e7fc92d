// `shakedown bench suite`: the conformance suite per in-process library target (vectors/s),
// next to the same library's own CLI through exec: on the same vectors, with the issue's
// goals (in process >= 10x exec in server role, >= 50x in client role). docs/BENCHMARKS.md.
#ifndef SHAKEDOWN_CLI_BENCH_SUITE_H_
#define SHAKEDOWN_CLI_BENCH_SUITE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"

namespace CLI {
class App;
}

namespace shakedown {

struct BenchSuiteOptions {
  // Comma-separated lists, as typed.
  std::vector<std::string> libraries = {"openssl,gnutls,botan,wolfssl,mbedtls"};
  std::vector<std::string> roles = {"server,client"};
  // How many vectors of the exec command line's profile are timed through exec: (and again
  // in process, for the ratio); 0: all of them.
  int exec_sample = 0;
  int jobs = 1;
  int timeout_ms = 2000;           // as `run --timeout-ms`: how long an exec target is waited for
  bool no_whole_suite = false;     // skip the in-process whole-suite pass (only the ratio)
  std::string json;                // also write the results as JSON here
  std::vector<std::string> paths;  // vector files or directories; empty: DefaultVectorPaths()
};

// Verdict counts of one timed run.
struct TimedRun {
  bool made = false;  // false: the run could not be made (see `error`)
  std::string error;
  size_t vectors = 0;
  double seconds = 0;  // wall time of the runner (loading and the PKI excluded)
  int pass = 0, fail = 0, error_count = 0, not_applicable = 0;
  double median_ms = 0;  // of the vectors' own durations

  double VectorsPerSecond() const { return seconds > 0 ? vectors / seconds : 0; }
};

// One library in one role.
struct SuiteBenchRow {
  std::string library;
  std::string role;            // "server" or "client"
  TimedRun whole;              // the whole suite of that role, in process (made=false when skipped)
  size_t profile_vectors = 0;  // vectors of the role in the exec command line's profile
  TimedRun same_in_process;    // the compared set, in process
  TimedRun same_exec;          // the compared set, through exec:
  std::string exec_command;    // "" when the library has no CLI
  std::string no_exec_reason;  // why there is no exec row ("no exec: command (no CLI in Debian)")
};

// The goal for a role: 10 (server) or 50 (client).
double GoalRatio(const std::string& role);

// A deterministic, evenly spread sample: indices i * total / n (i < n) of [0, total); all of
// them when n is 0 or n >= total.
std::vector<size_t> SampleEvenly(size_t total, size_t n);

// In-process vectors/s over exec vectors/s on the same set; nullopt without both runs.
std::optional<double> Ratio(const SuiteBenchRow& row);

// The documented command line (docs/TARGETS.md, "Command lines that work") for `library` in
// `role` with the default target profile, or nullopt when Debian ships no CLI for it.
// `botan_policy` is the path of the Botan policy file (BotanPolicyText()).
std::optional<std::string> ExecCommandFor(const std::string& library, const std::string& role,
                                          const std::string& botan_policy);
std::string BotanPolicyText();

// The table the command prints: one line per row, then the verdict counts and wall times.
std::string FormatSuiteBenchTable(const std::vector<SuiteBenchRow>& rows);

int RunBenchSuite(const BenchSuiteOptions& options);

// Registers `bench suite` under `bench`, filling `options`.
CLI::App* AddBenchSuiteCommand(CLI::App* bench, BenchSuiteOptions* options);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_BENCH_SUITE_H_
