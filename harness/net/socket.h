// Small POSIX TCP helpers for tests and the CLI: loopback listeners (port 0 picks a free
// port), connect/accept with timeouts, and reads/writes bounded by a deadline. Every wait
// here ends at a Deadline, so a silent or misbehaving peer produces an error, never a hang.
// Errors are Status values with internal_error and a message naming the operation.
#ifndef SHAKEDOWN_HARNESS_NET_SOCKET_H_
#define SHAKEDOWN_HARNESS_NET_SOCKET_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/status.h"

namespace shakedown {

// A point in time on the monotonic clock after which a wait gives up.
class Deadline {
 public:
  static Deadline After(std::chrono::milliseconds duration) {
    return Deadline(std::chrono::steady_clock::now() + duration);
  }
  static Deadline AfterMs(int64_t ms) { return After(std::chrono::milliseconds(ms)); }

  bool expired() const { return std::chrono::steady_clock::now() >= when_; }
  std::chrono::milliseconds remaining() const;
  // Milliseconds left for poll(): rounded up, at least 0, at most `cap_ms`.
  int PollTimeoutMs(int cap_ms = 1 << 30) const;
  // The earlier of this deadline and `other`.
  Deadline Min(Deadline other) const { return other.when_ < when_ ? other : *this; }
  std::chrono::steady_clock::time_point when() const { return when_; }

 private:
  explicit Deadline(std::chrono::steady_clock::time_point when) : when_(when) {}
  std::chrono::steady_clock::time_point when_;
};

// Timeouts are errors whose message starts with this, so callers can tell them apart.
inline constexpr std::string_view kTimedOut = "timed out";
bool IsTimeout(const Status& status);

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct TcpListener {
  Fd fd;              // non-blocking, listening
  std::string address;
  uint16_t port = 0;  // the bound port (the kernel's choice when 0 was asked for)
};

// Listens on `address` (an IPv4 or IPv6 literal; default loopback) and `port` (0: any free
// port). SO_REUSEADDR is set so a restarted server can rebind at once.
Result<TcpListener> ListenTcp(const std::string& address = "127.0.0.1", uint16_t port = 0,
                              int backlog = 64);

// Accepts one connection. The returned socket is non-blocking with TCP_NODELAY;
// `peer_out` (optional) receives "address:port".
Result<Fd> AcceptTcp(const TcpListener& listener, Deadline deadline,
                     std::string* peer_out = nullptr);

// Connects to host (a name or a literal) and port, trying each resolved address until one
// answers. Non-blocking with TCP_NODELAY, like AcceptTcp's sockets.
Result<Fd> ConnectTcp(const std::string& host, uint16_t port, Deadline deadline);

// Reads what is available (at most `capacity` bytes), waiting until the deadline for
// something to arrive. Returns 0 at end of stream.
Result<size_t> ReadSome(int fd, uint8_t* buffer, size_t capacity, Deadline deadline);
// Writes all of `data`, waiting for buffer space until the deadline. Never raises SIGPIPE.
Status WriteAll(int fd, ByteView data, Deadline deadline);
inline Status WriteAll(int fd, std::string_view data, Deadline deadline) {
  return WriteAll(fd, ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
                  deadline);
}

// A port that was free a moment ago on 127.0.0.1 (bind to 0, read it back, close). Another
// process may take it before the caller does; callers that start external servers retry.
Result<uint16_t> PickFreePort();

// Whether some socket is in the LISTEN state on `port` (any local address), read from
// /proc/net/tcp and /proc/net/tcp6, so checking makes no connection the server would see.
// Without /proc it falls back to a connect() to 127.0.0.1.
bool IsListening(uint16_t port);
// The inodes of the sockets listening on `port` (as in /proc/PID/fd's "socket:[INODE]");
// nullopt when /proc/net/tcp cannot be read.
std::optional<std::set<std::string>> ListeningSocketInodes(uint16_t port);

// "host:port", "[v6]:port". Errors name the input.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_NET_SOCKET_H_
