// A bounded byte reader for the RFC 5246 presentation language (section 4): big-endian
// integers and length-prefixed vectors with <floor..ceiling> bounds. It never reads past
// its view, never allocates, and reports every failure as a Status naming the field.
#ifndef SHAKEDOWN_ENGINE_BASE_READER_H_
#define SHAKEDOWN_ENGINE_BASE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"

namespace shakedown {

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  Reader() = default;

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  size_t offset() const { return pos_; }

  // Fixed-width big-endian integers (uint8, uint16, uint24, uint32). On failure the
  // output is untouched and the reader does not advance; the Status is decode_error.
  Status U8(std::string_view field, uint8_t* out);
  Status U16(std::string_view field, uint16_t* out);
  Status U24(std::string_view field, uint32_t* out);
  Status U32(std::string_view field, uint32_t* out);

  // Exactly `n` bytes (opaque field[n]).
  Status Fixed(std::string_view field, size_t n, ByteView* out);

  // A vector `T field<min..max>` whose length prefix has `prefix_bytes` bytes (1, 2 or 3).
  // The length must lie in [min, max] and be a multiple of `element_size`
  // (RFC 5246 4.3), and fit in what remains; otherwise decode_error naming the field.
  Status VectorBytes(std::string_view field, int prefix_bytes, size_t min, size_t max,
                     ByteView* out, size_t element_size = 1);
  // The same, returning a reader over the vector's body (for vectors of structs).
  Status Vector(std::string_view field, int prefix_bytes, size_t min, size_t max, Reader* out,
                size_t element_size = 1);

  // `T field<min..max>` where T is a 16-bit code point (cipher suites, groups, signature
  // schemes): a 2-byte length prefix, an even length, each element cast to T.
  template <typename T>
  Status U16List(std::string_view field, size_t min, size_t max, std::vector<T>* out) {
    Reader list;
    SD_RETURN_IF_ERROR(Vector(field, 2, min, max, &list, 2));
    out->clear();
    out->reserve(list.remaining() / 2);
    while (!list.empty()) {
      uint16_t v = 0;
      SD_RETURN_IF_ERROR(list.U16(field, &v));
      out->push_back(static_cast<T>(v));
    }
    return Status::Ok();
  }

  // Everything left, consumed.
  ByteView Rest();

  // decode_error unless every byte was consumed ("must be fully consumed").
  Status ExpectEnd(std::string_view field) const;

 private:
  Status Need(std::string_view field, size_t n) const;
  uint32_t TakeBigEndian(size_t n);

  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_READER_H_
