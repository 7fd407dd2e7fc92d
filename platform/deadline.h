// A point in time on the monotonic clock after which a wait gives up. Every wait in
// platform/ and harness/net/ ends at one, so a silent peer or a stuck child is an error,
// never a hang.
#ifndef SHAKEDOWN_PLATFORM_DEADLINE_H_
#define SHAKEDOWN_PLATFORM_DEADLINE_H_

#include <chrono>
#include <cstdint>

namespace shakedown {

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

}  // namespace shakedown

#endif  // SHAKEDOWN_PLATFORM_DEADLINE_H_
