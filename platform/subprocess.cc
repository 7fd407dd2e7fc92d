#include "platform/subprocess.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace shakedown {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Tail(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "[... " + std::to_string(text.size() - max_bytes) + " bytes cut ...]" +
         text.substr(text.size() - max_bytes);
}

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,+@%") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Result<std::string> MakeTempFile(const std::string& prefix) {
  std::string pattern = TempRoot() + "/" + prefix + ".XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  int fd = mkstemp(buffer.data());
  if (fd < 0) return ErrnoStatus("mkstemp " + pattern, errno);
  close(fd);
  return std::string(buffer.data());
}

// The processes in process group `pgid`, from /proc/*/stat.
std::vector<pid_t> GroupMembers(pid_t pgid) {
  std::vector<pid_t> members;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return members;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::string stat = ReadFileOrEmpty("/proc/" + std::string(entry->d_name) + "/stat");
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 1));
    std::string state;
    long ppid = 0, pgrp = 0;
    if (rest >> state >> ppid >> pgrp && pgrp == pgid) members.push_back(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return members;
}

// Whether a process of group `pgid` holds one of `inodes` open.
bool GroupHoldsSocketOf(pid_t pgid, const std::set<std::string>& inodes) {
  for (pid_t pid : GroupMembers(pgid)) {
    std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* fds = opendir(dir.c_str());
    if (fds == nullptr) continue;
    bool found = false;
    while (dirent* entry = readdir(fds)) {
      char target[128];
      ssize_t n = readlinkat(dirfd(fds), entry->d_name, target, sizeof(target) - 1);
      if (n <= 0) continue;
      target[n] = '\0';
      std::string link(target);  // "socket:[12345]"
      if (link.compare(0, 8, "socket:[") == 0 && link.back() == ']' &&
          inodes.count(link.substr(8, link.size() - 9))) {
        found = true;
        break;
      }
    }
    closedir(fds);
    if (found) return true;
  }
  return false;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return "exit code " + std::to_string(code);
  return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

std::string TempRoot() {
  for (const char* name : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

Result<std::string> MakeTempDir(const std::string& prefix) {
  std::string pattern = TempRoot() + "/" + prefix + ".XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) return ErrnoStatus("mkdtemp " + pattern, errno);
  return std::string(buffer.data());
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

std::optional<std::string> FindExecutable(const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto executable = [](const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    return executable(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  std::istringstream in(dirs);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(SubprocessOptions options) {
  if (options.argv.empty()) return InternalError("Subprocess: empty argv");
  std::optional<std::string> program = FindExecutable(options.argv[0]);
  if (!program) {
    return InternalError("Subprocess: program '" + options.argv[0] +
                         "' not found (PATH=" + (std::getenv("PATH") ? std::getenv("PATH") : "") +
                         ")");
  }
  std::unique_ptr<Subprocess> child(new Subprocess(std::move(options)));
  SubprocessOptions& opts = child->options_;
  for (std::string* path : {&opts.stdout_path, &opts.stderr_path}) {
    if (path->empty()) {
      SD_ASSIGN_OR_RETURN(*path, MakeTempFile("shakedown-subprocess"));
      child->temp_files_.push_back(*path);
    }
  }
  Fd out(open(opts.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!out.valid()) return ErrnoStatus("opening " + opts.stdout_path, errno);
  Fd err(open(opts.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!err.valid()) return ErrnoStatus("opening " + opts.stderr_path, errno);
  Fd in;
  if (opts.stdin_pipe) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      return ErrnoStatus("socketpair for stdin", errno);
    }
    in.reset(fds[0]);
    child->stdin_.reset(fds[1]);
    int flags = fcntl(fds[1], F_GETFL, 0);
    fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
  } else {
    in.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!in.valid()) return ErrnoStatus("opening /dev/null", errno);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.get(), 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors the parent opened without O_CLOEXEC (listening sockets, gtest's files) must
  // not keep a port or pipe alive in the peer.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  if (!opts.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, opts.working_directory.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so Kill() reaches whatever the tool forks; default signal
  // dispositions and an empty mask whatever the parent (gtest, a CLI handling SIGINT) uses.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> argv;
  for (std::string& arg : opts.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, program->c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoStatus("starting " + child->CommandLine(), rc);
  child->pid_ = pid;
  return child;
}

Subprocess::~Subprocess() {
  Kill();
  for (const std::string& path : temp_files_) unlink(path.c_str());
}

std::string Subprocess::CommandLine() const {
  std::string line;
  for (const std::string& arg : options_.argv) {
    if (!line.empty()) line += ' ';
    line += ShellQuote(arg);
  }
  return line;
}

IoStatus Subprocess::WriteStdin(std::string_view data, Deadline deadline) {
  if (!stdin_.valid()) {
    return IoStatus::Failed(InternalError("Subprocess: stdin is not a pipe (or was closed)"));
  }
  return WriteAll(stdin_.get(), data, deadline);
}

void Subprocess::CloseStdin() { stdin_.reset(); }

void Subprocess::Reap(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) {
    status.exited = true;
    status.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  }
  exit_ = status;
}

bool Subprocess::Poll() {
  if (exit_ || pid_ <= 0) return true;
  siginfo_t info = {};
  // WNOWAIT: while the leader is unreaped its pid, and so the group id, cannot be reused, so
  // signalling the group cannot hit an unrelated process.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno == ECHILD) {  // reaped elsewhere (e.g. a SIGCHLD handler set to SIG_IGN)
      exit_ = ExitStatus{};
      return true;
    }
    return false;
  }
  if (info.si_pid == 0) return false;
  kill(-pid_, SIGKILL);  // whatever the child left behind in its group
  int wait_status = 0;
  if (waitpid(pid_, &wait_status, 0) == pid_) {
    Reap(wait_status);
  } else {
    exit_ = ExitStatus{};
  }
  return true;
}

bool Subprocess::running() { return !Poll(); }

IoResult<ExitStatus> Subprocess::Wait(Deadline deadline) {
  while (!Poll()) {
    if (deadline.expired()) return IoStatus::TimedOut("waiting for " + CommandLine() + " to exit");
    std::this_thread::sleep_for(kPollInterval);
  }
  return *exit_;
}

ExitStatus Subprocess::Kill(int grace_ms) {
  if (Poll()) return *exit_;
  kill(-pid_, SIGTERM);
  Deadline grace = Deadline::AfterMs(grace_ms);
  while (!Poll() && !grace.expired()) std::this_thread::sleep_for(kPollInterval);
  if (Poll()) return *exit_;
  kill(-pid_, SIGKILL);
  // SIGKILL cannot be caught; only a process stuck in the kernel survives it for long.
  Deadline last = Deadline::AfterMs(10000);
  while (!Poll() && !last.expired()) std::this_thread::sleep_for(kPollInterval);
  if (!exit_) exit_ = ExitStatus{false, 0, SIGKILL};  // give up rather than hang
  return *exit_;
}

bool Subprocess::GroupHoldsSocket(const std::set<std::string>& inodes) const {
  return pid_ > 0 && GroupHoldsSocketOf(pid_, inodes);
}

std::string Subprocess::Stdout() const { return ReadFileOrEmpty(options_.stdout_path); }
std::string Subprocess::Stderr() const { return ReadFileOrEmpty(options_.stderr_path); }

size_t Subprocess::StdoutSize() const {
  struct stat st;
  if (stat(options_.stdout_path.c_str(), &st) != 0) return 0;
  return static_cast<size_t>(st.st_size);
}

std::string Subprocess::Describe(size_t max_bytes_per_stream) const {
  std::string out = "command: " + CommandLine() + "\n";
  out += exit_ ? "ended: " + exit_->ToString() + "\n" : "still running\n";
  out += "--- stdout ---\n" + Tail(Stdout(), max_bytes_per_stream) + "\n";
  out += "--- stderr ---\n" + Tail(Stderr(), max_bytes_per_stream) + "\n";
  return out;
}

Result<std::string> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                  int timeout_ms, size_t max_output) {
  if (argv.empty()) return InternalError("RunSubprocess: empty argv");
  const std::string& name = argv[0];
  SubprocessOptions options;
  options.argv = argv;
  options.stdin_pipe = !input.empty();
  Result<std::unique_ptr<Subprocess>> started = Subprocess::Start(std::move(options));
  if (!started.ok()) return InternalError(name + ": cannot run: " + started.status().message());
  Subprocess& child = **started;
  const Deadline deadline = Deadline::AfterMs(timeout_ms);
  const std::string timed_out = name + ": timed out after " + std::to_string(timeout_ms) + " ms";
  const std::string too_much = name + ": more than " + std::to_string(max_output) +
                               " bytes of output";

  // Output goes to a file, so writing all of stdin first cannot deadlock.
  if (!input.empty()) {
    IoStatus wrote = child.WriteStdin(input, deadline);
    if (wrote.timed_out()) {
      child.Kill(/*grace_ms=*/0);
      return InternalError(timed_out);
    }
    // Any other failure means the child stopped reading; how it ended says why.
    child.CloseStdin();
  }
  ExitStatus ended;
  while (true) {
    IoResult<ExitStatus> waited = child.Wait(Deadline::After(kPollInterval).Min(deadline));
    if (waited.ok()) {
      ended = *waited;
      break;
    }
    if (child.StdoutSize() > max_output) {
      child.Kill(/*grace_ms=*/0);
      return InternalError(too_much);
    }
    if (deadline.expired()) {
      child.Kill(/*grace_ms=*/0);
      return InternalError(timed_out);
    }
  }
  if (child.StdoutSize() > max_output) return InternalError(too_much);
  if (ended.success()) return child.Stdout();
  std::string why = ended.exited ? "exit status " + std::to_string(ended.code)
                                 : "killed by signal " + std::to_string(ended.signal);
  const std::string err = child.Stderr();
  if (ended.exited && ended.code == 127 && err.empty()) why += " (not found?)";
  if (!err.empty()) why += ": " + err.substr(0, 500);
  return InternalError(name + ": " + why);
}

}  // namespace shakedown
