// The Heartbeat protocol (RFC 6520) on a connection that negotiated it: the record layer
// delivers content type 24 only then (record_layer.cc); everything else is here.
//
// What the engine does with each HeartbeatMessage, and the RFC text that decides it:
// - a request whose payload_length is larger than the message holds, or that leaves less than
//   16 bytes of padding: dropped. RFC 6520 4: "If the payload_length of a received
//   HeartbeatMessage is too large, the received HeartbeatMessage MUST be discarded silently",
//   and "The padding_length MUST be at least 16", so a payload_length that leaves less is
//   larger than a well-formed message can have (OpenSSL's Heartbleed fix checks the same
//   1 + 2 + payload_length + 16 <= length).
// - a request during a handshake (before the first completes, or in a renegotiation): dropped.
//   RFC 6520 3: "The receiving peer SHOULD discard the message silently, if it arrives during
//   the handshake."
// - a request when we said peer_not_allowed_to_send: dropped. RFC 6520 2: the endpoint
//   "SHOULD drop the message silently and MAY send an unexpected_message Alert message".
// - any other request: answered. RFC 6520 4: "the receiver MUST send a corresponding
//   HeartbeatResponse message carrying an exact copy of the payload", with "random padding of
//   at least 16 bytes" (exactly 16 here), under the current write protection.
// - a response: the kHeartbeatResponse event if it carries the payload of our request in
//   flight; otherwise dropped (RFC 6520 4: "If a received HeartbeatResponse message does not
//   contain the expected payload, the message MUST be discarded silently").
// - an unknown type, or a message too short for its header: dropped (RFC 6520 defines no
//   answer; a message without a payload_length has one too large for it).
#include "engine/wire/heartbeat.h"

#include <utility>

#include "engine/connection/connection_internal.h"
#include "engine/wire/extensions.h"

namespace shakedown {

Status ConnectionBase::ProcessHeartbeat(ByteView body) {
  Result<HeartbeatMessage> parsed = HeartbeatMessage::Parse(body);
  if (!parsed.ok() || !parsed->well_formed()) return Status::Ok();
  const HeartbeatMessage& m = *parsed;
  if (m.type == static_cast<uint8_t>(HeartbeatMessageType::kResponse)) {
    if (heartbeat_in_flight_.has_value() && m.payload == *heartbeat_in_flight_) {
      heartbeat_in_flight_.reset();
      Event event;
      event.type = EventType::kHeartbeatResponse;
      event.data = m.payload;
      events_.push_back(std::move(event));
    }
    return Status::Ok();
  }
  if (m.type != static_cast<uint8_t>(HeartbeatMessageType::kRequest)) return Status::Ok();
  if (!handshake_complete_ || renegotiating_) return Status::Ok();
  if (config_.heartbeat != HeartbeatMode::kPeerAllowedToSend) return Status::Ok();
  // The response is no longer than the request (same payload, padding 16 <= the request's),
  // so it stays within RFC 6520 4's 2^14.
  HeartbeatMessage response = HeartbeatMessage::Make(HeartbeatMessageType::kResponse, m.payload,
                                                     RandomBytes(HeartbeatMessage::kMinPadding));
  SD_ASSIGN_OR_RETURN(Bytes encoded, SerializeToBytes(response));
  return records_.WriteRecord(ContentType::kHeartbeat, encoded);
}

Status ConnectionBase::SendHeartbeatRequest(ByteView payload) {
  if (dead_) return InternalError("SendHeartbeatRequest: the connection is closed");
  if (!handshake_complete_ || renegotiating_) {
    // RFC 6520 3: "a HeartbeatRequest message SHOULD NOT be sent during handshakes".
    return InternalError("SendHeartbeatRequest: a handshake is under way");
  }
  if (negotiated_.peer_heartbeat != HeartbeatMode::kPeerAllowedToSend) {
    // RFC 6520 2: "HeartbeatRequest messages MUST NOT be sent to a peer indicating
    // peer_not_allowed_to_send" (nor to one that did not negotiate Heartbeat).
    return InternalError("SendHeartbeatRequest: the peer does not allow heartbeat requests");
  }
  if (heartbeat_in_flight_.has_value()) {
    // RFC 6520 3: "There MUST NOT be more than one HeartbeatRequest message in flight".
    return InternalError("SendHeartbeatRequest: a request is in flight");
  }
  HeartbeatMessage request =
      HeartbeatMessage::Make(HeartbeatMessageType::kRequest, payload.ToBytes(),
                             RandomBytes(HeartbeatMessage::kMinPadding));
  if (payload.size() > 0xffff || request.encoded_length() > HeartbeatMessage::kMaxLength) {
    return InternalError("SendHeartbeatRequest: the message would exceed 2^14 bytes (RFC 6520 4)");
  }
  SD_ASSIGN_OR_RETURN(Bytes encoded, SerializeToBytes(request));
  SD_RETURN_IF_ERROR(records_.WriteRecord(ContentType::kHeartbeat, encoded));
  heartbeat_in_flight_ = payload.ToBytes();
  return Status::Ok();
}

}  // namespace shakedown
