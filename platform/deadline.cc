#include "platform/deadline.h"

namespace shakedown {

std::chrono::milliseconds Deadline::remaining() const {
  auto left = when_ - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(left);
}

int Deadline::PollTimeoutMs(int cap_ms) const {
  int64_t ms = remaining().count();
  return static_cast<int>(ms < cap_ms ? ms : cap_ms);
}

}  // namespace shakedown
