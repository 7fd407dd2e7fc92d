// `shakedown export`: a fuzz finding (a crash-* reproducer, a .cbor input, or the JSON that
// `shakedown minimize` wrote) becomes a regression vector under vectors/regressions/, which the
// normal suite runs. The vector says "judge": "invariants" (docs/SCENARIOS.md): its expect
// steps were mutated with the rest, so the suite judges it as the fuzzer did, by the
// invariants alone.
#ifndef SHAKEDOWN_CLI_EXPORT_COMMAND_H_
#define SHAKEDOWN_CLI_EXPORT_COMMAND_H_

#include <cstdint>
#include <string>

#include "cli/command.h"
#include "harness/runner/target.h"

namespace shakedown {

struct ExportOptions {
  std::string file;      // the finding
  std::string out;       // the regressions directory; empty: RepoPath("vectors/regressions")
  std::string id;        // empty: regressions.<role>.<rule>-<8 hex of the scenario's SHA-256>
  std::string note;      // appended to the notes (e.g. which seeded bug it catches)
  bool force = false;    // overwrite an existing file
  uint64_t seed = 1;     // as the fuzzer's (the PKI and the peer's randomness)
};

// Writes `<out>/<role>/<what>.json` for the id `regressions.<role>.<what>`, after running the
// vector once against the reference engine and printing whether it fails there now (a
// regression for a bug not yet fixed) or passes (a bug already fixed, or a finding that does
// not reproduce). Exit codes: 0 written (whatever the run said); 2 the input does not load or
// cannot be played, a bad --id, an existing file without --force, a write that fails or a
// written file that does not load back to the same scenario.
int RunExport(const ExportOptions& options);
// The same, with the vector run against `target` instead of the reference engine (tests: a
// target with a known bug). Its run uses the PKI of options.seed.
int RunExport(const ExportOptions& options, Target& target);

Command AddExportCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_EXPORT_COMMAND_H_
