// What `run` and `replay` share: the target options (--target, --timeout-ms, --seed) and
// the setup a run needs besides its vectors (target factory, test PKI, PEM files).
#ifndef SHAKEDOWN_CLI_RUN_SETUP_H_
#define SHAKEDOWN_CLI_RUN_SETUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/targets/registry.h"

namespace CLI {
class App;
}

namespace shakedown {

struct TargetOptions {
  // reference, tcp:HOST:PORT, exec:'COMMAND {port}' or an in-process library (openssl,
  // gnutls:server, ...)
  std::string target = "reference";
  int timeout_ms = 2000;             // how long each expectation waits for a network target
  int drain_ms = 50;                 // how long the last step's aftermath is read (network)
  std::string versions = "TLSv1.2";  // the versions the target enables, joined by '+'
  uint64_t seed = 1;                 // the test PKI and every random byte
  // An in-process library runs in a worker process (harness/targets/isolated): a crash or a
  // hang costs one vector, not the run.
  bool isolate = false;
};

// A vector (JSON text) or a fuzz input (anything else: canonical CBOR, as a .cbor seed or a
// crash-<sha1> reproducer libFuzzer wrote); `*fuzz_input` says which.
Result<Scenario> LoadVectorOrFuzzInput(const std::string& path, bool* fuzz_input);

// What `run` and `list` read when given no paths: vectors/conformance, and vectors/regressions
// (exported fuzz findings) when it holds any vector file; a missing or empty regressions
// directory is left out, not an error. Paths via RepoPath.
std::vector<std::string> DefaultVectorPaths();

// Registers --target, --timeout-ms and --seed on `app`, filling `o`.
void AddTargetOptions(CLI::App* app, TargetOptions* o);

// Everything a run needs besides the vectors; cleans up its PEM directory.
class RunSetup {
 public:
  RunSetup() = default;
  RunSetup(const RunSetup&) = delete;
  RunSetup& operator=(const RunSetup&) = delete;
  ~RunSetup();

  // Errors are usage errors (bad spec) or setup failures; both exit 2.
  Status Init(const TargetOptions& o, int jobs);

  TargetFactory factory() const;
  const RunOptions& options() const { return options_; }
  const TargetSpec& spec() const { return spec_; }
  // An in-process library's version text ("OpenSSL 3.0.19 ..."); "" for other targets.
  std::string LibraryVersion() const { return LibraryVersionText(spec_, resources_); }

 private:
  TargetSpec spec_;
  TargetResources resources_;
  RunOptions options_;
  std::string pem_dir_;
  bool isolate_ = false;
};

// `shakedown __library-worker NAME SEED` (hidden): serves the in-process library NAME on stdin
// for an isolated run's parent (harness/targets/isolated). Exit code 0 when the parent closes.
int RunLibraryWorker(const std::string& name, uint64_t seed);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_RUN_SETUP_H_
