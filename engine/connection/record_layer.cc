#include "engine/connection/record_layer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/wire/handshake_framer.h"

namespace shakedown {
namespace {

Status UnexpectedMessage(std::string message) {
  return Status::Error(AlertDescription::kUnexpectedMessage, std::move(message));
}

std::string VersionText(uint16_t v) {
  return Describe(Registry::kProtocolVersion, v);
}

}  // namespace

RecordLayer::RecordLayer(size_t max_handshake_message_length)
    : framer_(std::make_unique<HandshakeFramer>(max_handshake_message_length)) {}

RecordLayer::~RecordLayer() = default;

Result<std::optional<Inbound>> RecordLayer::Next(ByteView* input) {
  while (true) {
    if (std::optional<HandshakeMessage> m = framer_->Next()) {
      Inbound in;
      in.kind = Inbound::Kind::kHandshake;
      in.handshake_type = m->type;
      in.data = std::move(m->encoded);
      return std::optional<Inbound>(std::move(in));
    }
    if (std::optional<Record> record = reader_.Next()) {
      SD_ASSIGN_OR_RETURN(std::optional<Inbound> unit, HandleRecord(std::move(*record)));
      if (unit.has_value()) return unit;
      continue;
    }
    if (input->empty()) return std::optional<Inbound>();
    SD_ASSIGN_OR_RETURN(size_t consumed, reader_.Feed(*input));
    *input = input->subview(consumed);
  }
}

Result<std::optional<Inbound>> RecordLayer::HandleRecord(Record record) {
  // RFC 5246 6: "If a TLS implementation receives an unexpected record type, it MUST send an
  // unexpected_message alert" (checklist 1); heartbeat is one until both hellos carried the
  // extension (RFC 6520 2). Checked before decrypting: the answer is the same whatever the
  // record holds.
  std::optional<ContentType> type = record.content_type();
  if (!type.has_value() || (*type == ContentType::kHeartbeat && !heartbeat_)) {
    return UnexpectedMessage("record of content type " + std::to_string(record.type) +
                             " (RFC 5246 6)");
  }
  // RFC 5246 App. E.1: after the hellos both sides use the negotiated version in every record.
  if (expected_version_.has_value() && record.version != *expected_version_) {
    return Status::Error(AlertDescription::kProtocolVersion,
                         "record version " + VersionText(record.version) + ", negotiated " +
                             VersionText(*expected_version_));
  }
  Bytes plaintext;
  if (read_ != nullptr) {
    SD_ASSIGN_OR_RETURN(plaintext, read_->Open(*type, static_cast<ProtocolVersion>(record.version),
                                               record.fragment));
  } else {
    plaintext = std::move(record.fragment);
  }
  // checklist 5: a handshake message fragmented across records must not be interleaved with
  // a record of another type (tlsfuzzer test_interleaved_CKE_with_CCS: unexpected_message).
  if (*type != ContentType::kHandshake && framer_->has_partial_message()) {
    return UnexpectedMessage(Describe(*type) +
                             " record inside a fragmented handshake message (RFC 5246 6.2.1)");
  }
  // RFC 6066 4 / RFC 8449 4: "A TLS endpoint that receives a record larger than its advertised
  // limit MUST generate a fatal "record_overflow" alert". The reader refused longer
  // ciphertexts; this is the exact plaintext bound.
  if (plaintext.size() > read_limit()) {
    return Status::Error(AlertDescription::kRecordOverflow,
                         "record of " + std::to_string(plaintext.size()) +
                             " plaintext bytes exceeds the negotiated limit of " +
                             std::to_string(read_limit()) + " (RFC 6066 4, RFC 8449 4)");
  }
  Inbound unit;
  unit.data = std::move(plaintext);
  switch (*type) {
    case ContentType::kHandshake:
      // RFC 5246 6.2.1: "Implementations MUST NOT send zero-length fragments of Handshake".
      if (unit.data.empty()) {
        return UnexpectedMessage("zero-length handshake record (RFC 5246 6.2.1)");
      }
      SD_RETURN_IF_ERROR(framer_->AddFragment(unit.data));
      return std::optional<Inbound>();
    case ContentType::kChangeCipherSpec:
      unit.kind = Inbound::Kind::kChangeCipherSpec;
      break;
    case ContentType::kAlert:
      unit.kind = Inbound::Kind::kAlert;
      break;
    case ContentType::kApplicationData:
      unit.kind = Inbound::Kind::kApplicationData;
      break;
    case ContentType::kHeartbeat:
      unit.kind = Inbound::Kind::kHeartbeat;
      break;
  }
  return std::optional<Inbound>(std::move(unit));
}

Status RecordLayer::ChangeReadCipher(std::unique_ptr<RecordProtection> protection) {
  if (protection == nullptr) return InternalError("ChangeCipherSpec: no read keys");
  SD_RETURN_IF_ERROR(framer_->OnKeyChange());
  read_ = std::move(protection);
  read_size_limit_ = pending_read_size_limit_;
  reader_.set_protected(true);
  reader_.set_plaintext_limit(read_limit());
  return Status::Ok();
}

void RecordLayer::set_max_fragment_length(size_t length) {
  max_fragment_length_ = length;
  reader_.set_plaintext_limit(read_limit());
}

void RecordLayer::set_pending_record_size_limits(size_t read, size_t write) {
  pending_read_size_limit_ = read;
  pending_write_size_limit_ = write;
}

size_t RecordLayer::read_limit() const {
  // RFC 8449 4: "Unprotected messages are not subject to this limit."
  return std::min(max_fragment_length_, read_ != nullptr ? read_size_limit_ : kMaxPlaintextLength);
}

size_t RecordLayer::write_limit() const {
  return std::min(max_fragment_length_,
                  write_ != nullptr ? write_size_limit_ : kMaxPlaintextLength);
}

void RecordLayer::QueueHandshake(ByteView message) { Append(pending_handshake_, message); }

Status RecordLayer::Flush() {
  if (pending_handshake_.empty()) return Status::Ok();
  Bytes flight = std::move(pending_handshake_);
  pending_handshake_.clear();
  return WriteRecord(ContentType::kHandshake, flight);
}

Status RecordLayer::WriteRecord(uint8_t type, ByteView payload) {
  if (type != static_cast<uint8_t>(ContentType::kHandshake)) SD_RETURN_IF_ERROR(Flush());
  size_t offset = 0;
  do {
    // RFC 5246 6.2.1: TLSPlaintext.length MUST NOT exceed 2^14 (checklist 2a); RFC 6066 4 and
    // RFC 8449 4: nor the negotiated limit.
    const size_t n = std::min(write_limit(), payload.size() - offset);
    const ByteView chunk = payload.subview(offset, n);
    Record record(type, record_version_, Bytes());
    if (write_ != nullptr) {
      SD_ASSIGN_OR_RETURN(record.fragment,
                          write_->Seal(static_cast<ContentType>(type),
                                       static_cast<ProtocolVersion>(record_version_), chunk));
    } else {
      record.fragment = chunk.ToBytes();
    }
    SD_RETURN_IF_ERROR(AppendRecord(record, &output_));
    offset += n;
  } while (offset < payload.size());
  return Status::Ok();
}

Status RecordLayer::ChangeWriteCipher(std::unique_ptr<RecordProtection> protection) {
  if (protection == nullptr) return InternalError("ChangeCipherSpec: no write keys");
  SD_RETURN_IF_ERROR(Flush());
  write_ = std::move(protection);
  write_size_limit_ = pending_write_size_limit_;
  return Status::Ok();
}

Bytes RecordLayer::TakeOutput() {
  Bytes out = std::move(output_);
  output_.clear();
  return out;
}

}  // namespace shakedown
