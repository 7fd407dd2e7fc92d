#include "engine/base/writer.h"

#include <string>

namespace shakedown {

void Writer::U16(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::U24(uint32_t v) {
  if (v > 0xffffff && status_.ok()) {
    status_ = InternalError("uint24 value " + std::to_string(v) + " does not fit in 3 bytes");
  }
  out_.push_back(static_cast<uint8_t>(v >> 16));
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::U32(uint32_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 24));
  U24(v & 0xffffff);
}

// The handle encodes the prefix width in its low 2 bits and the prefix offset above them.
size_t Writer::OpenVector(int prefix_bytes) {
  assert(prefix_bytes >= 1 && prefix_bytes <= 3);
  size_t handle = (out_.size() << 2) | static_cast<size_t>(prefix_bytes);
  out_.insert(out_.end(), static_cast<size_t>(prefix_bytes), 0);
  return handle;
}

void Writer::CloseVector(size_t handle) {
  const size_t width = handle & 3;
  const size_t at = handle >> 2;
  const size_t length = out_.size() - at - width;
  const size_t limit = (size_t{1} << (8 * width)) - 1;
  if (length > limit && status_.ok()) {
    status_ = InternalError("vector of " + std::to_string(length) + " bytes exceeds its " +
                            std::to_string(width) + "-byte length prefix");
  }
  for (size_t i = 0; i < width; ++i) {
    out_[at + i] = static_cast<uint8_t>(length >> (8 * (width - 1 - i)));
  }
}

}  // namespace shakedown
