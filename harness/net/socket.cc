#include "harness/net/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace shakedown {
namespace {

void SetNoDelay(int fd) {
  int one = 1;
  // Not fatal: a Unix socket or a kernel without the option still works, just slower.
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string FormatAddress(const sockaddr* addr) {
  char host[INET6_ADDRSTRLEN] = {0};
  uint16_t port = 0;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "unknown";
}

}  // namespace

Result<TcpListener> ListenTcp(const std::string& address, uint16_t port, int backlog) {
  sockaddr_storage storage = {};
  socklen_t length = 0;
  auto* in = reinterpret_cast<sockaddr_in*>(&storage);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, address.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    return InternalError("listen: '" + address + "' is not an IPv4 or IPv6 address");
  }
  Fd fd(socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("socket", errno);
  int one = 1;
  (void)setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  std::string where = address + ":" + std::to_string(port);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    return ErrnoStatus("bind " + where, errno);
  }
  if (listen(fd.get(), backlog) != 0) return ErrnoStatus("listen " + where, errno);
  SD_RETURN_IF_ERROR(MakeNonBlocking(fd.get()));
  sockaddr_storage bound = {};
  socklen_t bound_length = sizeof(bound);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) {
    return ErrnoStatus("getsockname", errno);
  }
  TcpListener listener;
  listener.port = bound.ss_family == AF_INET
                      ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                      : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  listener.address = address;
  listener.fd = std::move(fd);
  return listener;
}

IoResult<Fd> AcceptTcp(const TcpListener& listener, Deadline deadline, std::string* peer_out) {
  std::string what = "accepting on port " + std::to_string(listener.port);
  while (true) {
    sockaddr_storage peer = {};
    socklen_t length = sizeof(peer);
    int fd = accept4(listener.fd.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      SetNoDelay(fd);
      if (peer_out) *peer_out = FormatAddress(reinterpret_cast<sockaddr*>(&peer));
      return Fd(fd);
    }
    // A connection reset while queued (ECONNABORTED) is the peer's business: keep waiting.
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
      return IoStatus::Failed(ErrnoStatus(what, errno));
    }
    SD_ASSIGN_OR_RETURN(short revents, WaitForFd(listener.fd.get(), POLLIN, deadline, what));
    (void)revents;
  }
}

IoResult<Fd> ConnectTcp(const std::string& host, uint16_t port, Deadline deadline) {
  std::string where = host + ":" + std::to_string(port);
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses);
  if (rc != 0) return IoStatus::Failed(InternalError("resolving " + where + ": " + gai_strerror(rc)));
  IoStatus last = IoStatus::Failed(InternalError("connecting to " + where + ": no address"));
  for (addrinfo* ai = addresses; ai != nullptr; ai = ai->ai_next) {
    Fd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 ai->ai_protocol));
    if (!fd.valid()) {
      last = IoStatus::Failed(ErrnoStatus("socket", errno));
      continue;
    }
    std::string what = "connecting to " + FormatAddress(ai->ai_addr);
    if (connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS && errno != EINTR) {
        last = IoStatus::Failed(ErrnoStatus(what, errno));
        continue;
      }
      IoResult<short> revents = WaitForFd(fd.get(), POLLOUT, deadline, what);
      if (!revents.ok()) {
        last = revents.status();
        if (last.timed_out()) break;  // the deadline is shared: no time for other addresses
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        last = IoStatus::Failed(ErrnoStatus(what, err));
        continue;
      }
    }
    SetNoDelay(fd.get());
    freeaddrinfo(addresses);
    return fd;
  }
  freeaddrinfo(addresses);
  return last;
}

Result<uint16_t> PickFreePort() {
  SD_ASSIGN_OR_RETURN(TcpListener listener, ListenTcp("127.0.0.1", 0, 1));
  return listener.port;
}

std::optional<std::set<std::string>> ListeningSocketInodes(uint16_t port) {
  bool readable = false;
  std::set<std::string> inodes;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(path);
    if (!in) continue;
    readable = true;
    std::string line;
    std::getline(in, line);  // header
    // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...":
    // local_address is HEXADDR:HEXPORT; st 0A is LISTEN.
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string f[10];
      bool complete = true;
      for (std::string& field : f) {
        if (!(fields >> field)) complete = false;
      }
      if (!complete || f[3] != "0A") continue;
      size_t colon = f[1].rfind(':');
      if (colon == std::string::npos) continue;
      if (std::strtoul(f[1].c_str() + colon + 1, nullptr, 16) == port) inodes.insert(f[9]);
    }
  }
  if (!readable) return std::nullopt;
  return inodes;
}

bool IsListening(uint16_t port) {
  std::optional<std::set<std::string>> inodes = ListeningSocketInodes(port);
  if (inodes) return !inodes->empty();
  IoResult<Fd> fd = ConnectTcp("127.0.0.1", port, Deadline::AfterMs(200));
  return fd.ok();
}

IoStatus WaitForListening(Subprocess& process, uint16_t port, Deadline deadline) {
  while (true) {
    if (!process.running()) {
      return IoStatus::Failed(InternalError("peer exited before listening on port " +
                                            std::to_string(port) + "\n" + process.Describe()));
    }
    // The listener must belong to this child's group: another process may hold the port.
    std::optional<std::set<std::string>> inodes = ListeningSocketInodes(port);
    if (inodes ? !inodes->empty() && process.GroupHoldsSocket(*inodes) : IsListening(port)) {
      return IoStatus::Ok();
    }
    if (deadline.expired()) {
      return IoStatus::TimedOut("waiting for the peer to listen on port " + std::to_string(port) +
                                "\n" + process.Describe());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<HostPort> ParseHostPort(std::string_view text) {
  std::string quoted = "'" + std::string(text) + "'";
  HostPort out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InternalError(quoted + " is not [ADDRESS]:PORT");
    }
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return InternalError(quoted + " is not HOST:PORT (write IPv6 addresses as [ADDRESS]:PORT)");
    }
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (out.host.empty()) return InternalError(quoted + ": empty host");
  if (port.empty() || port.size() > 5) return InternalError(quoted + ": bad port");
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return InternalError(quoted + ": bad port");
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return InternalError(quoted + ": port out of range");
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace shakedown
