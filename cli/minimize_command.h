// `shakedown minimize`: shrinks a fuzz finding (or any scenario that fails an invariant) to the
// smallest scenario that still fails the same invariant against the reference engine; or, with
// --against TARGET, a differential finding to the smallest scenario on which TARGET still
// differs from the reference the same way (harness/fuzz/differential.h).
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
  // A target spec ("openssl", "gnutls:server", ...): keep the difference from the reference
  // that the input shows against it, instead of a failed invariant of the reference.
  std::string against;
};

// 0: minimized and written; 1: the input does not fail any invariant, or (--against) shows no
// difference (nothing to minimize);
// 2: it does not load, or the output cannot be written.
int RunMinimize(const MinimizeOptions& options);
Command AddMinimizeCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_MINIMIZE_COMMAND_H_
