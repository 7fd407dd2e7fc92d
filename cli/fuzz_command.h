// `shakedown fuzz`: the fuzzers, through tools/fuzz (which builds the clang/libFuzzer
// configuration the CLI itself is not built with, seeds the corpora and runs libFuzzer).
#ifndef SHAKEDOWN_CLI_FUZZ_COMMAND_H_
#define SHAKEDOWN_CLI_FUZZ_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"

namespace shakedown {

struct FuzzOptions {
  std::vector<std::string> targets;  // reference-server, reference-client, record, ..., all
  int seconds = 60;
  int jobs = 1;
  std::string corpus;    // empty: out/fuzz/<target>/corpus
  std::string findings;  // empty: out/fuzz/<target>/findings
  bool bench = false;    // a throughput table (`shakedown bench fuzz`, tools/fuzz --bench)
  bool no_sanitizers = false;  // the fuzz-fast configuration (tools/fuzz --no-sanitizers)
};

// Runs tools/fuzz with the options and returns its exit code (0 no finding, 1 findings,
// 2 usage or build error).
// Runs a script of the repository (tools/...) with `args`, waits, and returns its exit code
// (2 if it cannot be started or does not exit normally).
int RunRepoScript(const std::string& relative_path, std::vector<std::string> args);
int RunFuzz(const FuzzOptions& options);
Command AddFuzzCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_FUZZ_COMMAND_H_
