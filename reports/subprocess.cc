#include "reports/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace shakedown {
namespace {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// A socketpair rather than a pipe for stdin: send(MSG_NOSIGNAL) reports a child that exits
// early as EPIPE instead of raising SIGPIPE in this process.
bool MakeChannel(Fd* ours, Fd* theirs, bool socket) {
  int fds[2];
  if (socket) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
    ours->Reset(fds[0]);
    theirs->Reset(fds[1]);
  } else {
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    ours->Reset(fds[0]);  // read end
    theirs->Reset(fds[1]);
  }
  return ::fcntl(ours->get(), F_SETFL, ::fcntl(ours->get(), F_GETFL) | O_NONBLOCK) == 0;
}

}  // namespace

Result<std::string> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                  int timeout_ms, size_t max_output) {
  if (argv.empty()) return InternalError("RunSubprocess: empty argv");
  const std::string& name = argv[0];
  Fd in_ours, in_theirs, out_ours, out_theirs, err_ours, err_theirs;
  if (!MakeChannel(&in_ours, &in_theirs, true) || !MakeChannel(&out_ours, &out_theirs, false) ||
      !MakeChannel(&err_ours, &err_theirs, false)) {
    return InternalError(name + ": cannot create pipes: " + std::strerror(errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_theirs.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_theirs.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_theirs.get(), STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawn_error = ::posix_spawnp(&pid, name.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    return InternalError(name + ": cannot run: " + std::strerror(spawn_error));
  }
  in_theirs.Close();
  out_theirs.Close();
  err_theirs.Close();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string out, err;
  size_t sent = 0;
  if (input.empty()) in_ours.Close();
  bool timed_out = false, too_much = false;
  while (out_ours.get() >= 0 || err_ours.get() >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (in_ours.get() >= 0) fds[n++] = {in_ours.get(), POLLOUT, 0};
    if (out_ours.get() >= 0) fds[n++] = {out_ours.get(), POLLIN, 0};
    if (err_ours.get() >= 0) fds[n++] = {err_ours.get(), POLLIN, 0};
    const int ready = ::poll(fds, n, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_ours.get()) {
        const ssize_t w = ::send(in_ours.get(), input.data() + sent, input.size() - sent,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) sent += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == input.size()) {
          in_ours.Close();  // EOF for the child (or it stopped reading)
        }
        continue;
      }
      Fd& fd = fds[i].fd == out_ours.get() ? out_ours : err_ours;
      std::string& sink = &fd == &out_ours ? out : err;
      char buf[65536];
      const ssize_t r = ::read(fd.get(), buf, sizeof(buf));
      if (r > 0) {
        // Keep only the start of stderr: it is for the error message.
        if (&sink == &err && err.size() > 4096) continue;
        sink.append(buf, static_cast<size_t>(r));
        if (out.size() > max_output) {
          too_much = true;
          break;
        }
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        fd.Close();
      }
    }
    if (too_much) break;
  }
  in_ours.Close();
  out_ours.Close();
  err_ours.Close();

  int status = 0;
  if (timed_out || too_much) {
    ::kill(pid, SIGKILL);  // only the child we started
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return InternalError(name + (timed_out ? ": timed out after " + std::to_string(timeout_ms) + " ms"
                                           : ": more than " + std::to_string(max_output) +
                                                 " bytes of output"));
  }
  // Both output channels are closed: the child has exited or closed them; a child that
  // closed them and kept running is still bounded by the deadline.
  while (true) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return InternalError(name + ": waitpid failed");
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return InternalError(name + ": timed out after " + std::to_string(timeout_ms) + " ms");
    }
    ::usleep(1000);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;
  std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && err.empty()) why += " (not found?)";
  if (!err.empty()) why += ": " + err.substr(0, 500);
  return InternalError(name + ": " + why);
}

}  // namespace shakedown
