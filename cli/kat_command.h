// `shakedown kat`: the engine's key schedule against the known-answer vectors (harness/kat.h).
#ifndef SHAKEDOWN_CLI_KAT_COMMAND_H_
#define SHAKEDOWN_CLI_KAT_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"

namespace shakedown {

struct KatOptions {
  // JSON files in the format of vectors/kat/; empty: the repository's two files.
  std::vector<std::string> files;
  bool verbose = false;  // also print passing checks
};

int RunKat(const KatOptions& options);
Command AddKatCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_KAT_COMMAND_H_
