// A byte writer for the RFC 5246 presentation language: big-endian integers and
// length-prefixed vectors whose prefixes are back-filled when the vector is closed.
#ifndef SHAKEDOWN_ENGINE_BASE_WRITER_H_
#define SHAKEDOWN_ENGINE_BASE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"

namespace shakedown {

class Writer {
 public:
  Writer() = default;
  explicit Writer(Bytes initial) : out_(std::move(initial)) {}

  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v);
  void U24(uint32_t v);  // the top byte of v must be zero; otherwise status() fails
  void U32(uint32_t v);
  void Raw(ByteView bytes) { Append(out_, bytes); }

  // Opens a vector with a `prefix_bytes`-byte length prefix (1, 2 or 3); CloseVector
  // back-fills it. Vectors nest. A body longer than the prefix can express makes
  // status() fail (internal_error): serialising never silently truncates.
  size_t OpenVector(int prefix_bytes);
  void CloseVector(size_t handle);

  // OpenVector + body() + CloseVector.
  template <typename Body>
  void Vector(int prefix_bytes, Body&& body) {
    size_t h = OpenVector(prefix_bytes);
    body();
    CloseVector(h);
  }
  // A vector holding exactly `bytes`.
  void VectorBytes(int prefix_bytes, ByteView bytes) {
    Vector(prefix_bytes, [&] { Raw(bytes); });
  }

  // A list of 16-bit code points with a 2-byte length prefix (the inverse of Reader::U16List).
  template <typename T>
  void U16List(const std::vector<T>& list) {
    Vector(2, [&] {
      for (T v : list) U16(static_cast<uint16_t>(v));
    });
  }

  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }
  const Status& status() const { return status_; }

 private:
  Bytes out_;
  Status status_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_WRITER_H_
