// Crash isolation for in-process library targets: the library runs in a worker process and
// the runner talks to it over a socket, so a library that aborts, segfaults or loops forever
// costs one vector ("target: died" / hung, with the worker's stderr), and the next vector gets
// a fresh worker. Selected with `--isolate` (cli/run_setup.cc).
//
// Data flow: runner -> IsolatedTarget (this process) -> frames over the worker's stdin
// socketpair -> ServeLibraryTarget (the worker: `shakedown __library-worker NAME SEED`) ->
// the library's own Target from MakeLibraryTarget. Every reply carries what the library wrote,
// whether it closed, its trace notes and what it negotiated, so the runner sees the same
// TargetConnection as in process.
//
// Frames: a 4-byte big-endian length, then a JSON object. Requests {"op": "connect", "index",
// "scenario": hex CBOR} | {"op": "write", "data": hex} | {"op": "close_write"} |
// {"op": "close"}; replies {"error"?, "out": hex, "eof", "notes": [...], "negotiated"?}.
#ifndef SHAKEDOWN_HARNESS_TARGETS_ISOLATED_ISOLATED_H_
#define SHAKEDOWN_HARNESS_TARGETS_ISOLATED_ISOLATED_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// The worker's side: serves `target` (MakeLibraryTarget of the library) on `fd` until the
// parent closes it. Returns the process exit code (0: the parent closed the channel).
int ServeLibraryTarget(Target& target, int fd);

struct IsolationOptions {
  // The worker's command line, e.g. {"/proc/self/exe", "__library-worker", "openssl", "1"}.
  std::vector<std::string> worker_argv;
  // A worker that does not answer one request within this long is hung: killed, and the
  // vector fails with rule "target: died" naming the hang.
  int reply_timeout_ms = 10000;
};

// `local` answers name, version and Unsupported in this process (no connection is made with
// it); connections run in the worker.
std::unique_ptr<Target> MakeIsolatedLibraryTarget(std::unique_ptr<Library> local,
                                                  IsolationOptions options);

// Negotiated <-> JSON text, as the frames carry it (exposed for tests).
std::string NegotiatedToJson(const Negotiated& n);
Result<Negotiated> NegotiatedFromJson(const std::string& text);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_ISOLATED_ISOLATED_H_
