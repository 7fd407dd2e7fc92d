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
};

int RunSuite(const SuiteRunOptions& options);
Command AddRunCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_RUN_COMMAND_H_
