#include "engine/base/reader.h"

#include <string>

namespace shakedown {

Status Reader::Need(std::string_view field, size_t n) const {
  if (remaining() >= n) return Status::Ok();
  return DecodeError(std::string(field) + ": needs " + std::to_string(n) + " byte(s) at offset " +
                     std::to_string(pos_) + ", " + std::to_string(remaining()) + " left");
}

uint32_t Reader::TakeBigEndian(size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += n;
  return v;
}

Status Reader::U8(std::string_view field, uint8_t* out) {
  SD_RETURN_IF_ERROR(Need(field, 1));
  *out = static_cast<uint8_t>(TakeBigEndian(1));
  return Status::Ok();
}

Status Reader::U16(std::string_view field, uint16_t* out) {
  SD_RETURN_IF_ERROR(Need(field, 2));
  *out = static_cast<uint16_t>(TakeBigEndian(2));
  return Status::Ok();
}

Status Reader::U24(std::string_view field, uint32_t* out) {
  SD_RETURN_IF_ERROR(Need(field, 3));
  *out = TakeBigEndian(3);
  return Status::Ok();
}

Status Reader::U32(std::string_view field, uint32_t* out) {
  SD_RETURN_IF_ERROR(Need(field, 4));
  *out = TakeBigEndian(4);
  return Status::Ok();
}

Status Reader::Fixed(std::string_view field, size_t n, ByteView* out) {
  SD_RETURN_IF_ERROR(Need(field, n));
  *out = data_.subview(pos_, n);
  pos_ += n;
  return Status::Ok();
}

Status Reader::VectorBytes(std::string_view field, int prefix_bytes, size_t min, size_t max,
                           ByteView* out, size_t element_size) {
  assert(prefix_bytes >= 1 && prefix_bytes <= 3);
  const size_t start = pos_;
  SD_RETURN_IF_ERROR(Need(std::string(field) + " length", static_cast<size_t>(prefix_bytes)));
  const size_t length = TakeBigEndian(static_cast<size_t>(prefix_bytes));
  auto fail = [&](const std::string& why) {
    pos_ = start;
    return DecodeError(std::string(field) + ": " + why);
  };
  if (length < min || length > max) {
    return fail("length " + std::to_string(length) + " outside <" + std::to_string(min) + ".." +
                std::to_string(max) + ">");
  }
  if (element_size > 1 && length % element_size != 0) {
    return fail("length " + std::to_string(length) + " is not a multiple of " +
                std::to_string(element_size));
  }
  if (length > remaining()) {
    return fail("length " + std::to_string(length) + " exceeds the " +
                std::to_string(remaining()) + " byte(s) left");
  }
  *out = data_.subview(pos_, length);
  pos_ += length;
  return Status::Ok();
}

Status Reader::Vector(std::string_view field, int prefix_bytes, size_t min, size_t max,
                      Reader* out, size_t element_size) {
  ByteView body;
  SD_RETURN_IF_ERROR(VectorBytes(field, prefix_bytes, min, max, &body, element_size));
  *out = Reader(body);
  return Status::Ok();
}

ByteView Reader::Rest() {
  ByteView rest = data_.subview(pos_);
  pos_ = data_.size();
  return rest;
}

Status Reader::ExpectEnd(std::string_view field) const {
  if (empty()) return Status::Ok();
  return DecodeError(std::string(field) + ": " + std::to_string(remaining()) +
                     " trailing byte(s) at offset " + std::to_string(pos_));
}

}  // namespace shakedown
