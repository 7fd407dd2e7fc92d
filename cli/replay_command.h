// `shakedown replay`: one vector (.json, or a .cbor fuzz input) with its full decoded trace,
// each expectation and the verdict.
#ifndef SHAKEDOWN_CLI_REPLAY_COMMAND_H_
#define SHAKEDOWN_CLI_REPLAY_COMMAND_H_

#include <string>

#include "cli/command.h"
#include "cli/run_setup.h"

namespace shakedown {

struct ReplayOptions {
  TargetOptions target;
  std::string file;
  bool no_hex = false;  // decoded summaries only
  bool invariants_only = false;  // as the fuzzers judge (always so for a fuzz input)
};

int RunReplay(const ReplayOptions& options);
Command AddReplayCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_REPLAY_COMMAND_H_
