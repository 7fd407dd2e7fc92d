#include "engine/wire/heartbeat.h"

#include <algorithm>
#include <utility>

#include "engine/base/reader.h"

namespace shakedown {

HeartbeatMessage HeartbeatMessage::Make(HeartbeatMessageType type, Bytes payload, Bytes padding) {
  HeartbeatMessage m;
  m.type = static_cast<uint8_t>(type);
  m.payload_length = static_cast<uint16_t>(payload.size());
  m.payload = std::move(payload);
  m.padding = std::move(padding);
  return m;
}

Result<HeartbeatMessage> HeartbeatMessage::Parse(ByteView body) {
  Reader r(body);
  HeartbeatMessage m;
  SD_RETURN_IF_ERROR(r.U8("HeartbeatMessage.type", &m.type));
  SD_RETURN_IF_ERROR(r.U16("HeartbeatMessage.payload_length", &m.payload_length));
  const ByteView rest = body.subview(kHeaderLength);
  // RFC 6520 4: "If the payload_length of a received HeartbeatMessage is too large, the
  // received HeartbeatMessage MUST be discarded silently": kept, for the receiver to drop.
  const size_t n = std::min<size_t>(m.payload_length, rest.size());
  m.payload = rest.subview(0, n).ToBytes();
  m.padding = rest.subview(n).ToBytes();
  return m;
}

void HeartbeatMessage::Serialize(Writer& out) const {
  out.U8(type);
  out.U16(payload_length);
  out.Raw(payload);
  out.Raw(padding);
}

std::string HeartbeatMessage::Describe() const {
  std::string name = type == static_cast<uint8_t>(HeartbeatMessageType::kRequest) ? "request"
                     : type == static_cast<uint8_t>(HeartbeatMessageType::kResponse)
                         ? "response"
                         : "type " + std::to_string(type);
  std::string out = "Heartbeat(" + name + ", payload_length=" + std::to_string(payload_length);
  if (too_large()) {
    out += ", holds " + std::to_string(payload.size()) + ": too large";
  } else {
    out += ", padding=" + std::to_string(padding.size());
  }
  return out + ")";
}

}  // namespace shakedown
