#include "platform/fd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace shakedown {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void Fd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

Status ErrnoStatus(const std::string& what, int err) {
  return InternalError(what + ": " + std::strerror(err));
}

Status MakeNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return ErrnoStatus("fcntl(O_NONBLOCK)", errno);
  }
  return Status::Ok();
}

IoResult<short> WaitForFd(int fd, short events, Deadline deadline, const std::string& what) {
  while (true) {
    pollfd p = {fd, events, 0};
    int n = poll(&p, 1, deadline.PollTimeoutMs());
    if (n > 0) return p.revents;
    if (n < 0 && errno != EINTR) return IoStatus::Failed(ErrnoStatus("poll while " + what, errno));
    if (n == 0 && deadline.expired()) return IoStatus::TimedOut(what);
  }
}

IoResult<size_t> ReadSome(int fd, uint8_t* buffer, size_t capacity, Deadline deadline) {
  while (true) {
    ssize_t n = read(fd, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == ECONNRESET) return size_t{0};  // an abortive close still ends the stream
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return IoStatus::Failed(ErrnoStatus("read", errno));
    }
    SD_ASSIGN_OR_RETURN(short revents, WaitForFd(fd, POLLIN, deadline, "reading"));
    (void)revents;
  }
}

IoStatus WriteAll(int fd, ByteView data, Deadline deadline) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return IoStatus::Failed(ErrnoStatus("write", errno));
    }
    SD_ASSIGN_OR_RETURN(short revents, WaitForFd(fd, POLLOUT, deadline, "writing"));
    if (revents & (POLLERR | POLLHUP)) {
      // The next send() reports the precise error (EPIPE, ECONNRESET).
      n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n < 0) return IoStatus::Failed(ErrnoStatus("write", errno));
      done += static_cast<size_t>(n);
    }
  }
  return IoStatus::Ok();
}

}  // namespace shakedown
