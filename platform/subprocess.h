// Runs an external program (a peer TLS tool, Graphviz `dot`) in its own process group, with
// stdout and stderr captured to files and stdin from a pipe. Every wait is bounded;
// destruction kills the whole group and reaps the child, so a test that fails half-way
// leaves no stray peer and no zombie. The one subprocess implementation: harness/net and
// reports both use it.
#ifndef SHAKEDOWN_PLATFORM_SUBPROCESS_H_
#define SHAKEDOWN_PLATFORM_SUBPROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "platform/deadline.h"
#include "platform/fd.h"
#include "platform/io_status.h"

namespace shakedown {

struct SubprocessOptions {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no slash
  // Where stdout and stderr go. Empty: a temporary file (under $TEST_TMPDIR or /tmp) that
  // is removed when the Subprocess is destroyed.
  std::string stdout_path;
  std::string stderr_path;
  // Gives the child a pipe for stdin (WriteStdin/CloseStdin). Otherwise stdin is /dev/null.
  // The pipe is a socketpair, so writing to a child that quit is an error, not SIGPIPE.
  bool stdin_pipe = false;
  std::string working_directory;  // empty: inherit
};

// How a child ended.
struct ExitStatus {
  bool exited = false;  // exit() was called; `code` is valid
  int code = 0;
  int signal = 0;       // killed by this signal (when !exited)
  bool success() const { return exited && code == 0; }
  std::string ToString() const;  // "exit code 3", "killed by signal 9 (Killed)"
};

class Subprocess {
 public:
  // Spawns the child (posix_spawn, in a new process group). Errors: the program cannot be
  // found or started, an output file cannot be created.
  static Result<std::unique_ptr<Subprocess>> Start(SubprocessOptions options);

  // Kill(), then removes temporary output files.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // The command line, shell-quoted, for messages.
  std::string CommandLine() const;

  IoStatus WriteStdin(std::string_view data, Deadline deadline);
  void CloseStdin();
  // The parent's end of the stdin socketpair (non-blocking; -1 without stdin_pipe). A
  // socketpair is two-way: a child may answer on its stdin (harness/targets/isolated does).
  int stdin_socket() const { return stdin_.get(); }

  // Whether the child has not exited yet (it is reaped if it has).
  bool running();
  // Waits for the child to exit. Errors: timed out (the child keeps running).
  IoResult<ExitStatus> Wait(Deadline deadline);
  // SIGTERM to the whole process group, SIGKILL after `grace_ms` if anything remains, then
  // reaps. Idempotent. Returns how the child ended.
  ExitStatus Kill(int grace_ms = 500);

  // Whether a process of the child's group holds one of these sockets open (`inodes` as in
  // /proc/PID/fd's "socket:[INODE]"). harness/net's WaitForListening uses it to tell the
  // child's listener from another process's.
  bool GroupHoldsSocket(const std::set<std::string>& inodes) const;

  // What the child wrote so far.
  std::string Stdout() const;
  std::string Stderr() const;
  size_t StdoutSize() const;
  // "command: <line>\n<how it ended>\nstdout:\n...\nstderr:\n..." (each capped): for failure
  // messages.
  std::string Describe(size_t max_bytes_per_stream = 4000) const;

 private:
  explicit Subprocess(SubprocessOptions options) : options_(std::move(options)) {}
  // Checks for exit without blocking; on exit kills the rest of the group and reaps.
  bool Poll();
  void Reap(int wait_status);

  SubprocessOptions options_;
  pid_t pid_ = -1;
  Fd stdin_;
  std::optional<ExitStatus> exit_;
  std::vector<std::string> temp_files_;
};

// Runs argv[0] (looked up on PATH) with `input` on stdin; returns its stdout if it exits 0
// within `timeout_ms`. Otherwise (cannot run, killed after the timeout, non-zero exit, more
// than `max_output` bytes of output) an error naming the program: "<name>: cannot run: ...",
// "<name>: timed out after N ms", "<name>: exit status N: <start of stderr>".
Result<std::string> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                  int timeout_ms, size_t max_output = 256u << 20);

// $TEST_TMPDIR when set (Bazel tests), else $TMPDIR, else /tmp.
std::string TempRoot();
// Creates a fresh directory under TempRoot() named prefix.XXXXXX.
Result<std::string> MakeTempDir(const std::string& prefix);
// Removes a directory tree (best effort; for cleaning up MakeTempDir).
void RemoveTree(const std::string& path);
// The full path of an executable found on PATH (or `name` itself if it has a slash and is
// executable); nullopt if none.
std::optional<std::string> FindExecutable(const std::string& name);

}  // namespace shakedown

#endif  // SHAKEDOWN_PLATFORM_SUBPROCESS_H_
