// `shakedown minimize`: shrinks a fuzz finding (or any scenario that fails an invariant) to the
// smallest scenario that still fails the same invariant against the reference engine.
#ifndef SHAKEDOWN_CLI_MINIMIZE_COMMAND_H_
#define SHAKEDOWN_CLI_MINIMIZE_COMMAND_H_

#include <cstdint>
#include <string>

#include "cli/command.h"

namespace shakedown {

struct MinimizeOptions {
  std::string file;   // a crash-* reproducer, a .cbor input or a .json vector
  std::string out;    // empty: FILE.min.json
  uint64_t seed = 1;  // as the fuzzer's (the PKI and the peer's randomness)
  int max_runs = 3000;
};

// 0: minimized and written; 1: the input does not fail any invariant (nothing to minimize);
// 2: it does not load, or the output cannot be written.
int RunMinimize(const MinimizeOptions& options);
Command AddMinimizeCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_MINIMIZE_COMMAND_H_
