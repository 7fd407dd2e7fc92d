// The Heartbeat protocol's one message (RFC 6520 4), the body of a content-type-24 record:
//
//   struct {
//      HeartbeatMessageType type;
//      uint16 payload_length;
//      opaque payload[HeartbeatMessage.payload_length];
//      opaque padding[padding_length];
//   } HeartbeatMessage;
//
// padding_length is what the record leaves: "TLSPlaintext.length - payload_length - 3". A
// payload_length larger than the record holds is not a parse error: RFC 6520 4 says such a
// message "MUST be discarded silently", so Parse keeps it, marked too large, for the receiver
// to drop (and the Heartbleed bug is answering it).
#ifndef SHAKEDOWN_ENGINE_WIRE_HEARTBEAT_H_
#define SHAKEDOWN_ENGINE_WIRE_HEARTBEAT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/base/writer.h"

namespace shakedown {

// RFC 6520 3: enum { heartbeat_request(1), heartbeat_response(2), (255) }.
enum class HeartbeatMessageType : uint8_t { kRequest = 1, kResponse = 2 };

struct HeartbeatMessage {
  // RFC 6520 4: "The padding_length MUST be at least 16."
  static constexpr size_t kMinPadding = 16;
  // type and payload_length.
  static constexpr size_t kHeaderLength = 3;
  // RFC 6520 4: "The total length of a HeartbeatMessage MUST NOT exceed 2^14".
  static constexpr size_t kMaxLength = 1 << 14;

  uint8_t type = static_cast<uint8_t>(HeartbeatMessageType::kRequest);
  uint16_t payload_length = 0;  // as declared; Serialize writes it as it is
  Bytes payload;                // at most payload_length bytes: what the message holds of it
  Bytes padding;                // what follows the payload

  // A request with `payload` and `padding`, payload_length set to match.
  static HeartbeatMessage Make(HeartbeatMessageType type, Bytes payload, Bytes padding);
  // decode_error only when the message is too short for type and payload_length (3 bytes).
  // A payload_length past the end is kept: payload holds the bytes there are, padding is empty
  // and too_large() is true.
  static Result<HeartbeatMessage> Parse(ByteView body);
  // Writes type, payload_length, payload and padding as held, even when they disagree (the
  // scripted peer sends Heartbleed requests with it).
  void Serialize(Writer& out) const;
  std::string Describe() const;

  // payload_length is more than the message holds after its header.
  bool too_large() const { return payload.size() < payload_length; }
  // RFC 6520 4: a well-formed message has at least 16 bytes of padding after the payload.
  bool short_padding() const { return padding.size() < kMinPadding; }
  // What a receiver may answer: the whole declared payload is there and at least 16 bytes of
  // padding follow (1 + 2 + payload_length + 16 <= the record's length; the bound OpenSSL's
  // Heartbleed fix checks).
  bool well_formed() const { return !too_large() && !short_padding(); }
  size_t encoded_length() const { return kHeaderLength + payload.size() + padding.size(); }

  bool operator==(const HeartbeatMessage& o) const {
    return type == o.type && payload_length == o.payload_length && payload == o.payload &&
           padding == o.padding;
  }
  bool operator!=(const HeartbeatMessage& o) const { return !(*this == o); }
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_HEARTBEAT_H_
