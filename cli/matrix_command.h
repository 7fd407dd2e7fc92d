// `shakedown matrix`: the suite against the reference and every in-process library, both
// roles, ledgers applied; one matrix report (reports/matrix_report.h) and a report folder per
// implementation. `shakedown ledger`: a ledger written from a run, for a person to review.
// `shakedown targets`: the targets of this build, with versions and shipped ledgers.
#ifndef SHAKEDOWN_CLI_MATRIX_COMMAND_H_
#define SHAKEDOWN_CLI_MATRIX_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/run_command.h"

namespace shakedown {

struct MatrixOptions {
  std::vector<std::string> targets;  // empty: reference + every library of this build
  std::string report;                // directory; empty: none
  std::string markdown;              // write the Markdown summary here (docs/MATRIX.md)
  std::string check_markdown;        // compare the summary with this file; exit 1 if stale
  int jobs = 1;
  uint64_t seed = 1;
  bool isolate = false;              // each library in worker processes (--isolate of run)
  std::vector<std::string> paths;    // empty: the default vector tree
};
int RunMatrix(const MatrixOptions& options);

struct LedgerOptions {
  SuiteRunOptions suite;  // --target and the vector selection; no ledger is applied
  std::string out;        // default for a library: vectors/expectations/<lib>-<mm>.json
};
int RunLedger(const LedgerOptions& options);

int RunTargets();

Command AddMatrixCommand(CLI::App& app);
Command AddLedgerCommand(CLI::App& app);
Command AddTargetsCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_MATRIX_COMMAND_H_
