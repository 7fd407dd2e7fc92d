// The connection's record layer (RFC 5246 6): bytes in -> records -> (decrypted once the
// peer's ChangeCipherSpec was processed) -> whole handshake messages, ChangeCipherSpec,
// alert and application-data bodies; and the way out: handshake messages coalesced into
// records of at most 2^14 bytes (or the negotiated limit), protected with the current write
// state.
//
// It enforces what belongs to records, before any state-machine logic: unknown content types
// (checklist 1), record versions once negotiated, no other content type inside a fragmented
// handshake message (checklist 5), no zero-length handshake fragments (RFC 5246 6.2.1), the
// length limits (RecordReader, checklists 2 and 3; the negotiated max_fragment_length and
// record_size_limit), and record protection (checklists 7-10).
#ifndef SHAKEDOWN_ENGINE_CONNECTION_RECORD_LAYER_H_
#define SHAKEDOWN_ENGINE_CONNECTION_RECORD_LAYER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/record_protection.h"
#include "engine/wire/record.h"
#include "engine/wire/registry.h"

namespace shakedown {

class HandshakeFramer;  // handshake_framer.h

// One unit of input for the state machine.
struct Inbound {
  enum class Kind { kHandshake, kChangeCipherSpec, kAlert, kApplicationData, kHeartbeat };
  Kind kind = Kind::kHandshake;
  uint8_t handshake_type = 0;  // kHandshake: the raw msg_type byte
  // kHandshake: the whole message, 4-byte header included (what the transcript hashes).
  // Others: the record's (decrypted) fragment.
  Bytes data;
};

class RecordLayer {
 public:
  explicit RecordLayer(size_t max_handshake_message_length);
  ~RecordLayer();
  RecordLayer(const RecordLayer&) = delete;
  RecordLayer& operator=(const RecordLayer&) = delete;

  // ---- Input ----

  // Consumes bytes of `*input` until the next unit is complete, and returns it; nullopt when
  // `*input` ran out first (the partial record or message is kept for the next call). Every
  // error carries its alert; after one the caller must stop.
  Result<std::optional<Inbound>> Next(ByteView* input);

  // At the peer's ChangeCipherSpec: no handshake bytes may straddle the key change (checklist
  // 5; HandshakeFramer::OnKeyChange), then records are opened with `protection`.
  Status ChangeReadCipher(std::unique_ptr<RecordProtection> protection);
  bool read_protected() const { return read_ != nullptr; }

  // Once the version is negotiated every record must carry it (protocol_version otherwise).
  void set_expected_version(uint16_t version) { expected_version_ = version; }
  // RFC 6520 2: heartbeat records (content type 24) are delivered once both hellos carried the
  // extension; before, they are an unexpected record type like any other.
  void set_heartbeat(bool negotiated) { heartbeat_ = negotiated; }

  // ---- Negotiated record size limits ----

  // RFC 6066 4 max_fragment_length: from now on every record we write holds at most `length`
  // bytes of plaintext and a longer record read is record_overflow. 2^14: no limit.
  void set_max_fragment_length(size_t length);
  // RFC 8449 4 record_size_limit: the plaintext limits of protected records, read (the one we
  // advertised) and written (the peer's). "Records are subject to the limits that were set in
  // the handshake that produces the keys that are used to protect those records": each takes
  // effect at the next ChangeReadCipher / ChangeWriteCipher. 2^14: no limit.
  void set_pending_record_size_limits(size_t read, size_t write);

  // ---- Output ----

  void set_record_version(uint16_t version) { record_version_ = version; }
  // Appends a whole handshake message to the current flight; Flush() writes the flight.
  void QueueHandshake(ByteView message);
  Status Flush();
  // Drops handshake bytes not yet flushed (a flight abandoned because of an error).
  void DiscardPendingHandshake() { pending_handshake_.clear(); }
  // Flushes, then writes `payload` as records of `type` (at most 2^14 bytes each; an empty
  // payload gives one empty record) under the current write protection.
  Status WriteRecord(uint8_t type, ByteView payload);
  Status WriteRecord(ContentType type, ByteView payload) {
    return WriteRecord(static_cast<uint8_t>(type), payload);
  }
  // After writing our ChangeCipherSpec: protect every later record with `protection`.
  Status ChangeWriteCipher(std::unique_ptr<RecordProtection> protection);
  bool write_protected() const { return write_ != nullptr; }

  Bytes TakeOutput();
  bool has_output() const { return !output_.empty(); }

 private:
  Result<std::optional<Inbound>> HandleRecord(Record record);
  // The plaintext limits of the next record read / written.
  size_t read_limit() const;
  size_t write_limit() const;

  size_t max_fragment_length_ = kMaxPlaintextLength;
  size_t read_size_limit_ = kMaxPlaintextLength;  // protected records, in force
  size_t write_size_limit_ = kMaxPlaintextLength;
  size_t pending_read_size_limit_ = kMaxPlaintextLength;  // from the next key change
  size_t pending_write_size_limit_ = kMaxPlaintextLength;

  RecordReader reader_;
  std::unique_ptr<HandshakeFramer> framer_;
  std::unique_ptr<RecordProtection> read_;
  std::unique_ptr<RecordProtection> write_;
  std::optional<uint16_t> expected_version_;
  bool heartbeat_ = false;
  uint16_t record_version_ = static_cast<uint16_t>(ProtocolVersion::kTls12);
  Bytes pending_handshake_;
  Bytes output_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_RECORD_LAYER_H_
