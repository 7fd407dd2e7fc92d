#include "harness/runner/net_target.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/subprocess.h"

namespace shakedown {
namespace {

constexpr size_t kReadChunk = 16 * 1024 + 2048 + 5;  // one maximal TLSCiphertext record
constexpr int kWriteTimeoutMs = 2000;
constexpr size_t kStderrLines = 5;
constexpr int kStartAttempts = 3;  // a free port can be taken before the server binds it
constexpr int kAcceptSliceMs = 50;
constexpr int kReapGraceMs = 50;
constexpr int kClientExitGraceMs = 1000;  // to exit on its own when a later connection follows

// How a target process ended, for the vector that saw it happen.
std::string DeathMessage(Subprocess& process, const ExitStatus& status) {
  std::string out = "target died: " + status.ToString();
  std::string err = LastLines(process.Stderr(), kStderrLines);
  if (!err.empty()) out += "; last stderr lines:\n" + err;
  return out;
}

// A crash is a signal; a server also must not exit at all while it is being tested, but a
// client reports a failed handshake with an exit code.
bool IsDeath(const ExitStatus& status, bool server) {
  if (!status.exited) return true;
  return server && status.code != 0;
}

class SocketConnection final : public TargetConnection {
 public:
  // `process` (may be null) is the server process to check for death; `owned` a client process this
  // connection started (killed on Close, after `exit_grace_ms` to exit by itself: a client that
  // stores its session for the vector's next connection must finish).
  SocketConnection(Fd fd, Subprocess* process, std::unique_ptr<Subprocess> owned, bool server,
                   int exit_grace_ms = 0)
      : fd_(std::move(fd)),
        process_(process),
        owned_(std::move(owned)),
        server_(server),
        exit_grace_ms_(exit_grace_ms) {
    if (owned_) process_ = owned_.get();
  }
  ~SocketConnection() override { Close(); }

  Status Write(ByteView data) override {
    if (!fd_.valid()) return InternalError("write: connection closed");
    return WriteAll(fd_.get(), data, Deadline::AfterMs(kWriteTimeoutMs));
  }

  ReadResult Read(Deadline deadline) override {
    ReadResult r;
    if (!fd_.valid()) {
      r.kind = ReadResult::Kind::kEof;
      return r;
    }
    uint8_t buffer[kReadChunk];
    IoResult<size_t> n = ReadSome(fd_.get(), buffer, sizeof(buffer), deadline);
    if (!n.ok()) {
      if (n.timed_out()) return r;  // kSilent
      r.kind = ReadResult::Kind::kEof;
      r.error = n.status().message();
      return r;
    }
    if (*n == 0) {
      r.kind = ReadResult::Kind::kEof;
      return r;
    }
    r.kind = ReadResult::Kind::kData;
    r.data.assign(buffer, buffer + *n);
    return r;
  }

  Status CloseWrite() override {
    if (!fd_.valid()) return InternalError("close: connection closed");
    if (::shutdown(fd_.get(), SHUT_WR) != 0) {
      return InternalError(std::string("shutdown(SHUT_WR): ") + std::strerror(errno));
    }
    return Status::Ok();
  }

  void Close() override {
    fd_.reset();
    if (owned_) {
      if (exit_grace_ms_ > 0) (void)owned_->Wait(Deadline::AfterMs(exit_grace_ms_));
      // A client that is still running after the script ended has done nothing wrong.
      if (!death_ && !owned_->running()) Died();
      owned_->Kill(100);
    }
  }

  std::optional<std::string> Died() override {
    if (death_) return death_;
    if (process_ == nullptr || process_->running()) return std::nullopt;
    ExitStatus status = process_->Kill(0);  // reaped already: returns how it ended
    if (IsDeath(status, server_)) death_ = DeathMessage(*process_, status);
    return death_;
  }

 private:
  Fd fd_;
  Subprocess* process_;
  std::unique_ptr<Subprocess> owned_;
  bool server_;
  int exit_grace_ms_;
  std::optional<std::string> death_;
};

Result<Fd> AcceptWhileRunning(const TcpListener& listener, Subprocess* process,
                              Deadline deadline) {
  while (true) {
    Deadline slice = deadline.Min(Deadline::AfterMs(kAcceptSliceMs));
    IoResult<Fd> fd = AcceptTcp(listener, slice);
    if (fd.ok()) return std::move(fd).value();
    if (!fd.timed_out()) return fd.status();
    if (process != nullptr && !process->running()) {
      return InternalError("the client target exited before connecting:\n" +
                           process->Describe(2000));
    }
    if (deadline.expired()) {
      return InternalError("no client connected to port " + std::to_string(listener.port) +
                           " in time");
    }
  }
}

class TcpTarget final : public Target {
 public:
  TcpTarget(std::string host, uint16_t port, const TargetResources& resources)
      : host_(std::move(host)), port_(port), resources_(resources) {}

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t) override {
    Deadline deadline = Deadline::AfterMs(resources_.connect_timeout_ms);
    if (scenario.role == Side::kServer) {
      IoResult<Fd> fd = ConnectTcp(host_, port_, deadline);
      if (!fd.ok()) return InternalError("connecting to the target: " + fd.status().message());
      return std::unique_ptr<TargetConnection>(
          new SocketConnection(std::move(fd).value(), nullptr, nullptr, true));
    }
    if (!listener_) {
      std::string address = host_.empty() ? "127.0.0.1" : host_;
      Result<TcpListener> l = ListenTcp(address, port_);
      if (!l.ok()) return InternalError("listening for the client target: " + l.status().message());
      listener_ = std::move(l).value();
    }
    Result<Fd> fd = AcceptWhileRunning(*listener_, nullptr, deadline);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<TargetConnection>(
        new SocketConnection(std::move(fd).value(), nullptr, nullptr, false));
  }

  std::string describe() const override {
    return "tcp:" + (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" +
           std::to_string(port_);
  }

 private:
  std::string host_;
  uint16_t port_;
  TargetResources resources_;
  std::optional<TcpListener> listener_;
};

class ExecTarget final : public Target {
 public:
  ExecTarget(std::string command, const TargetResources& resources)
      : command_(std::move(command)), resources_(resources) {
    // One {session} file per target instance (each worker has its own).
    static std::atomic<uint64_t> instances{0};
    session_file_ = (resources_.pem.dir.empty() ? std::string("/tmp") : resources_.pem.dir) +
                    "/session-" + std::to_string(getpid()) + "-" +
                    std::to_string(instances.fetch_add(1));
  }
  ~ExecTarget() override {
    if (server_) server_->Kill();
    std::remove(session_file_.c_str());
  }

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t index) override {
    Deadline deadline = Deadline::AfterMs(resources_.connect_timeout_ms);
    if (scenario.role == Side::kServer) {
      SD_RETURN_IF_ERROR(EnsureServer());
      IoResult<Fd> fd = ConnectTcp("127.0.0.1", server_port_, deadline);
      if (!fd.ok()) {
        return InternalError("connecting to the target: " + fd.status().message() + "\n" +
                             server_->Describe(2000));
      }
      return std::unique_ptr<TargetConnection>(
          new SocketConnection(std::move(fd).value(), server_.get(), nullptr, true));
    }
    if (!listener_) {
      Result<TcpListener> l = ListenTcp("127.0.0.1", 0);
      if (!l.ok()) return InternalError("listening for the client target: " + l.status().message());
      listener_ = std::move(l).value();
    }
    // As the reference keeps it: the session of the vector's previous connection, offered only by a
    // connection the vector resumes.
    bool resume =
        index > 0 && index < scenario.connections.size() && scenario.connections[index].resume;
    if (!resume) std::remove(session_file_.c_str());
    SD_ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> client, Start(listener_->port));
    Result<Fd> fd = AcceptWhileRunning(*listener_, client.get(), deadline);
    if (!fd.ok()) return fd.status();
    // A later connection of the vector may resume what this client stores as it exits.
    int grace = index + 1 < scenario.connections.size() ? kClientExitGraceMs : 0;
    return std::unique_ptr<TargetConnection>(
        new SocketConnection(std::move(fd).value(), nullptr, std::move(client), false, grace));
  }

  std::optional<std::string> AfterVector(bool hung, bool failed) override {
    if (!server_) return std::nullopt;
    // A crash closes the sockets a moment before the process can be reaped.
    if (failed) (void)server_->Wait(Deadline::AfterMs(kReapGraceMs));
    std::optional<std::string> death;
    if (!server_->running()) {
      ExitStatus status = server_->Kill(0);
      if (IsDeath(status, true)) death = DeathMessage(*server_, status);
      server_.reset();
    } else if (hung) {
      // A target stuck on one connection would stall every later vector: start afresh.
      server_->Kill();
      server_.reset();
    }
    return death;
  }

  std::string describe() const override { return "exec:" + command_; }

 private:
  Result<std::unique_ptr<Subprocess>> Start(uint16_t port) {
    SD_ASSIGN_OR_RETURN(std::string line,
                        ExpandCommand(command_, port, resources_.pem, session_file_));
    SubprocessOptions options;
    // exec: the shell becomes the target, so its exit status and signals are the target's.
    options.argv = {"/bin/sh", "-c", "exec " + line};
    // An open, never-written stdin: s_server, gnutls-cli and botan take end-of-file on stdin
    // as "quit" and would close every connection right after its handshake.
    options.stdin_pipe = true;
    Result<std::unique_ptr<Subprocess>> p = Subprocess::Start(std::move(options));
    if (!p.ok()) return InternalError("starting the target: " + p.status().message());
    return p;
  }

  Status EnsureServer() {
    if (server_ && server_->running()) return Status::Ok();
    server_.reset();
    Status last;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
      Result<uint16_t> port = PickFreePort();
      if (!port.ok()) return port.status();
      Result<std::unique_ptr<Subprocess>> p = Start(*port);
      if (!p.ok()) return p.status();
      IoStatus s = WaitForListening(**p, *port, Deadline::AfterMs(resources_.start_timeout_ms));
      if (s.ok()) {
        server_ = std::move(p).value();
        server_port_ = *port;
        return Status::Ok();
      }
      last = InternalError("the target did not start listening: " + s.message());
    }
    return last;
  }

  std::string command_;
  TargetResources resources_;
  std::string session_file_;  // {session}
  std::unique_ptr<Subprocess> server_;
  uint16_t server_port_ = 0;
  std::optional<TcpListener> listener_;
};

}  // namespace

std::string LastLines(const std::string& text, size_t lines) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  size_t start = end;
  size_t seen = 0;
  while (start > 0) {
    if (text[start - 1] == '\n' && ++seen == lines) break;
    --start;
  }
  return text.substr(start, end - start);
}

std::unique_ptr<Target> MakeTcpTarget(const std::string& host, uint16_t port,
                                      const TargetResources& resources) {
  return std::make_unique<TcpTarget>(host, port, resources);
}

std::unique_ptr<Target> MakeExecTarget(const std::string& command,
                                       const TargetResources& resources) {
  return std::make_unique<ExecTarget>(command, resources);
}

}  // namespace shakedown
