// Small POSIX TCP helpers for tests and the CLI: loopback listeners (port 0 picks a free
// port), connect/accept with timeouts; reads and writes bounded by a deadline are
// platform/fd.h's. Every wait here ends at a Deadline, so a silent or misbehaving peer
// produces an error, never a hang. Errors are internal_error naming the operation; a wait
// that reached its deadline is IoStatus::timed_out().
#ifndef SHAKEDOWN_HARNESS_NET_SOCKET_H_
#define SHAKEDOWN_HARNESS_NET_SOCKET_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "platform/deadline.h"
#include "platform/fd.h"
#include "platform/io_status.h"
#include "platform/subprocess.h"

namespace shakedown {

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
IoResult<Fd> AcceptTcp(const TcpListener& listener, Deadline deadline,
                       std::string* peer_out = nullptr);

// Connects to host (a name or a literal) and port, trying each resolved address until one
// answers. Non-blocking with TCP_NODELAY, like AcceptTcp's sockets.
IoResult<Fd> ConnectTcp(const std::string& host, uint16_t port, Deadline deadline);

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

// Waits until `process` (or a process of its group: another process may hold the port)
// listens on `port`, failing early if it exits first. Errors name the command and include
// its stderr.
IoStatus WaitForListening(Subprocess& process, uint16_t port, Deadline deadline);

// "host:port", "[v6]:port". Errors name the input.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_NET_SOCKET_H_
