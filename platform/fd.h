// File descriptors: an owning handle, and reads, writes and waits bounded by a Deadline.
// These work on any descriptor (sockets, pipes); harness/net/socket.h adds TCP.
#ifndef SHAKEDOWN_PLATFORM_FD_H_
#define SHAKEDOWN_PLATFORM_FD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "platform/deadline.h"
#include "platform/io_status.h"

namespace shakedown {

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

// internal_error "<what>: <strerror(err)>".
Status ErrnoStatus(const std::string& what, int err);
// Sets O_NONBLOCK.
Status MakeNonBlocking(int fd);

// Waits until `fd` has one of `events` (poll(2) flags) and returns the revents. A timeout
// names `what` ("timed out reading").
IoResult<short> WaitForFd(int fd, short events, Deadline deadline, const std::string& what);

// Reads what is available (at most `capacity` bytes), waiting until the deadline for
// something to arrive. Returns 0 at end of stream (a connection reset counts as one).
IoResult<size_t> ReadSome(int fd, uint8_t* buffer, size_t capacity, Deadline deadline);
// Writes all of `data`, waiting for buffer space until the deadline. Never raises SIGPIPE
// on a socket.
IoStatus WriteAll(int fd, ByteView data, Deadline deadline);
inline IoStatus WriteAll(int fd, std::string_view data, Deadline deadline) {
  return WriteAll(fd, ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
                  deadline);
}

}  // namespace shakedown

#endif  // SHAKEDOWN_PLATFORM_FD_H_
