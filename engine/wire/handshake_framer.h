// Handshake message reassembly (RFC 5246 6.2.1, 7.4): handshake messages may be
// fragmented across records and several may be coalesced into one record. The framer takes
// the fragments of consecutive handshake records and yields whole messages; the helpers at
// the end split and rebuild handshake streams for tests.
#ifndef SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_FRAMER_H_
#define SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/record.h"
#include "engine/wire/registry.h"

namespace shakedown {

// RFC 5246 7.4: struct { HandshakeType msg_type; uint24 length; body } Handshake.
inline constexpr size_t kHandshakeHeaderLength = 4;
inline constexpr size_t kMaxHandshakeBodyLength = (1u << 24) - 1;

// The body length a handshake header declares (its uint24); `header` holds at least
// kHandshakeHeaderLength bytes.
inline size_t DeclaredBodyLength(ByteView header) {
  return (size_t{header[1]} << 16) | (size_t{header[2]} << 8) | header[3];
}

// One complete handshake message. `encoded` is exactly the bytes that go into the
// transcript hash (header + body); the type stays a raw byte so unknown types reach the
// state machine (unexpected_message there, RFC 5246 7.4).
struct HandshakeMessage {
  uint8_t type = 0;
  Bytes encoded;

  // Builds the encoding; internal_error if the body exceeds 2^24-1 bytes.
  static Result<HandshakeMessage> Make(uint8_t type, ByteView body);
  static Result<HandshakeMessage> Make(HandshakeType type, ByteView body) {
    return Make(static_cast<uint8_t>(type), body);
  }

  ByteView body() const { return ByteView(encoded).subview(kHandshakeHeaderLength); }
  bool is(HandshakeType t) const { return type == static_cast<uint8_t>(t); }
};

class HandshakeFramer {
 public:
  // 2^17: comfortably above real certificate chains, far below the 2^24-1 the length
  // field allows. Configurable because a long chain can legitimately exceed it.
  static constexpr size_t kDefaultMaxMessageLength = 1u << 17;

  explicit HandshakeFramer(size_t max_body_length = kDefaultMaxMessageLength)
      : max_body_length_(max_body_length) {}

  // Adds the fragment of one handshake record. Complete messages are queued for Next().
  // A declared body length over the maximum fails as soon as the 4-byte header is seen,
  // before anything is reserved for the body. The alert is illegal_parameter: RFC 5246
  // names none for an over-long message (it is well-formed, just over local policy), and
  // OpenSSL, BoringSSL and LibreSSL all send illegal_parameter (SSL_R_EXCESSIVE_MESSAGE_SIZE);
  // decode_error is the other answer seen in practice.
  // Zero-length fragments are accepted and change nothing (IsForbiddenEmptyFragment lets
  // the state machine reject them if it wants to). After an error the framer is dead:
  // every later call returns the same Status.
  Status AddFragment(ByteView fragment);

  // The oldest complete message, if any.
  std::optional<HandshakeMessage> Next();

  // Bytes of an incomplete message are buffered. The state machine must reject any
  // non-handshake record (including ChangeCipherSpec) while this holds (checklist row 5;
  // unexpected_message), and a partial message at end of stream is a truncation.
  bool has_partial_message() const { return !partial_.empty(); }
  // Complete messages not yet taken by Next().
  size_t queued_messages() const { return complete_.size(); }
  // Either of the above: handshake bytes received but not yet processed.
  bool has_unprocessed_data() const { return has_partial_message() || !complete_.empty(); }

  // Call when the read keys change (on ChangeCipherSpec). A handshake message must not
  // straddle a key change, and handshake data received under the old keys must all have
  // been processed before it: otherwise unexpected_message (BoringSSL does the same,
  // SSL_R_EXCESS_HANDSHAKE_DATA; attacks.md row 10, FragmentAcrossChangeCipherSpec).
  Status OnKeyChange();

  size_t max_body_length() const { return max_body_length_; }
  // Bytes held for the incomplete message and what was reserved for it (tests check that a
  // hostile length reserves nothing).
  size_t partial_bytes() const { return partial_.size(); }
  size_t partial_capacity() const { return partial_.capacity(); }
  const Status& status() const { return error_; }

 private:
  size_t max_body_length_;
  Bytes partial_;  // header and body so far of the incomplete message
  size_t partial_total_ = 0;  // header + declared body, once the header is complete
  std::deque<HandshakeMessage> complete_;
  Status error_;
};

// Parses back-to-back messages from one byte string (e.g. the concatenated fragments of a
// flight). A trailing incomplete message is a decode_error.
Result<std::vector<HandshakeMessage>> ParseHandshakeMessages(
    ByteView data, size_t max_body_length = HandshakeFramer::kDefaultMaxMessageLength);

// The concatenated encodings (messages coalesced into one byte stream).
Bytes ConcatHandshakeMessages(const std::vector<HandshakeMessage>& messages);

// Coalesces `messages` and cuts the stream into handshake records of at most
// `max_fragment` bytes: max_fragment = 1 gives the byte-by-byte fragmentation of checklist
// row 5; a large value coalesces a whole flight into one record. No messages give one
// zero-length handshake record (a deliberate RFC 5246 6.2.1 violation for tests).
Result<std::vector<Record>> HandshakeRecords(const std::vector<HandshakeMessage>& messages,
                                             uint16_t version,
                                             size_t max_fragment = kMaxPlaintextLength);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_FRAMER_H_
