// Byte buffers and non-owning views, plus hex helpers used across the engine and tests.
#ifndef SHAKEDOWN_ENGINE_BASE_BYTES_H_
#define SHAKEDOWN_ENGINE_BASE_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shakedown {

using Bytes = std::vector<uint8_t>;

// A non-owning view of contiguous bytes (C++17 has no std::span).
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  ByteView(const Bytes& bytes) : data_(bytes.data()), size_(bytes.size()) {}  // NOLINT: implicit by design

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }

  // Bytes [pos, pos+n), clamped to the view.
  ByteView subview(size_t pos, size_t n = static_cast<size_t>(-1)) const;
  Bytes ToBytes() const { return Bytes(begin(), end()); }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

bool operator==(ByteView a, ByteView b);
inline bool operator!=(ByteView a, ByteView b) { return !(a == b); }

// Lower-case hex, no separators.
std::string ToHex(ByteView bytes);
// Parses hex (either case, no separators); nullopt on odd length or a non-hex digit.
std::optional<Bytes> FromHex(std::string_view hex);

// Appends `tail` to `out`.
void Append(Bytes& out, ByteView tail);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_BYTES_H_
