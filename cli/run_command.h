// `shakedown run`: scenario vectors against a target with the scripted peer on the other
// side; one line per vector, a summary, and optionally the reports (reports/).
#ifndef SHAKEDOWN_CLI_RUN_COMMAND_H_
#define SHAKEDOWN_CLI_RUN_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/run_setup.h"

namespace shakedown {

struct SuiteRunOptions {
  TargetOptions target;
  std::string report;  // directory for junit.xml, results.json, report.html; empty: none
  int jobs = 1;
  bool no_progress = false;
  std::string role;  // "server" or "client": only the vectors where the target plays it
  std::vector<std::string> profile;  // KEY=VALUE constraints on the vectors' target block
  std::vector<std::string> paths;    // files or directories; empty: DefaultVectorPaths()
  bool invariants_only = false;      // judge as the fuzzers do: the invariants, not the steps
  // A deviation ledger to apply (harness/ledger). Empty: an in-process library's shipped
  // ledger for its version (vectors/expectations/<library>-<major.minor>.json) when there is
  // one, unless no_ledger.
  std::string ledger;
  bool no_ledger = false;
};

// What PlaySuite leaves: the results (ledger applied) and the exit status they call for.
struct SuiteOutcome {
  RunResult result;
  int status = 0;      // kExitOk, kExitFailed, kExitUsage
  std::string ledger;  // the ledger applied ("" for none)
};

// Loads the vectors `options` select, plays them against the target `setup` was initialised
// for (console lines as it goes), applies the ledger and prints the summary. Errors: usage
// (a bad --profile, an unreadable ledger); the caller exits 2.
Result<SuiteOutcome> PlaySuite(const SuiteRunOptions& options, const RunSetup& setup);

int RunSuite(const SuiteRunOptions& options);
Command AddRunCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_RUN_COMMAND_H_
