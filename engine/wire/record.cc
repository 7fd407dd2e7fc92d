#include "engine/wire/record.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/base/reader.h"
#include "engine/base/writer.h"

namespace shakedown {

namespace {

std::string Hex16(uint16_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kDigits[(v >> shift) & 0xf]);
  return out;
}

}  // namespace

std::optional<ContentType> Record::content_type() const {
  switch (static_cast<ContentType>(type)) {
    case ContentType::kChangeCipherSpec:
    case ContentType::kAlert:
    case ContentType::kHandshake:
    case ContentType::kApplicationData:
    case ContentType::kHeartbeat:
      return static_cast<ContentType>(type);
  }
  return std::nullopt;
}

bool operator==(const Record& a, const Record& b) {
  return a.type == b.type && a.version == b.version && a.fragment == b.fragment;
}

bool IsForbiddenEmptyFragment(const Record& record) {
  return record.fragment.empty() &&
         (record.is(ContentType::kHandshake) || record.is(ContentType::kAlert) ||
          record.is(ContentType::kChangeCipherSpec));
}

Status AppendRecord(const Record& record, Bytes* out) {
  if (record.fragment.size() > kMaxEncodableFragmentLength) {
    return InternalError("record.length: fragment of " + std::to_string(record.fragment.size()) +
                         " bytes does not fit the 16-bit length field");
  }
  Writer w(std::move(*out));
  w.U8(record.type);
  w.U16(record.version);
  w.VectorBytes(2, record.fragment);
  Status status = w.status();
  *out = w.Take();
  return status;
}

Result<Bytes> SerializeRecord(const Record& record) {
  Bytes out;
  out.reserve(kRecordHeaderLength + record.fragment.size());
  SD_RETURN_IF_ERROR(AppendRecord(record, &out));
  return out;
}

Result<Bytes> SerializeRecords(const std::vector<Record>& records) {
  Bytes out;
  for (size_t i = 0; i < records.size(); ++i) {
    SD_RETURN_IF_ERROR(AppendRecord(records[i], &out).WithContext("record " + std::to_string(i)));
  }
  return out;
}

Result<std::vector<Record>> SplitIntoRecords(uint8_t type, uint16_t version, ByteView payload,
                                             size_t max_fragment) {
  if (max_fragment == 0 || max_fragment > kMaxEncodableFragmentLength) {
    return InternalError("SplitIntoRecords: max_fragment " + std::to_string(max_fragment) +
                         " outside [1, 65535]");
  }
  std::vector<Record> records;
  size_t pos = 0;
  do {
    const size_t n = std::min(max_fragment, payload.size() - pos);
    records.emplace_back(type, version, payload.subview(pos, n).ToBytes());
    pos += n;
  } while (pos < payload.size());
  return records;
}

Status RecordReader::CheckHeader() {
  Reader r(ByteView(buffer_.data(), kRecordHeaderLength));
  uint8_t type = 0;
  uint16_t version = 0;
  uint16_t length = 0;
  // The header is complete, so these reads cannot fail.
  (void)r.U8("record.type", &type);
  (void)r.U16("record.version", &version);
  (void)r.U16("record.length", &length);
  // RFC 5246 App. E.1: any {03,XX} is acceptable at this layer (checklist row 6).
  if ((version >> 8) != 3 && !accept_any_version_) {
    return Status::Error(AlertDescription::kProtocolVersion,
                         "record.version: " + Hex16(version) +
                             " has a major version other than 3 (RFC 5246 App. E.1)");
  }
  // RFC 5246 6.2.1 / 6.2.3 (checklist rows 2, 3).
  if (length > max_fragment_length()) {
    return Status::Error(
        AlertDescription::kRecordOverflow,
        "record.length: " + std::to_string(length) + " exceeds the " +
            std::to_string(max_fragment_length()) + "-byte limit for " +
            (protected_ ? "TLSCiphertext (RFC 5246 6.2.3)" : "TLSPlaintext (RFC 5246 6.2.1)") +
            (plaintext_limit_ < kMaxPlaintextLength
                 ? " under the negotiated plaintext limit of " + std::to_string(plaintext_limit_)
                 : std::string()));
  }
  fragment_length_ = length;
  return Status::Ok();
}

Result<size_t> RecordReader::Feed(ByteView data) {
  if (!error_.ok()) return error_;
  if (record_ready_) return size_t{0};
  size_t consumed = 0;
  if (buffer_.size() < kRecordHeaderLength) {
    const size_t n = std::min(kRecordHeaderLength - buffer_.size(), data.size());
    Append(buffer_, data.subview(0, n));
    consumed += n;
    if (buffer_.size() < kRecordHeaderLength) return consumed;
  }
  // Checked on every Feed so that a set_protected() change after the header arrived counts.
  error_ = CheckHeader();
  if (!error_.ok()) return error_;
  const size_t total = kRecordHeaderLength + fragment_length_;
  // Bounded by the limit just checked: at most header + 2^14 + 2048.
  if (buffer_.capacity() < total) buffer_.reserve(total);
  const size_t n = std::min(total - buffer_.size(), data.size() - consumed);
  Append(buffer_, data.subview(consumed, n));
  consumed += n;
  record_ready_ = buffer_.size() == total;
  return consumed;
}

std::optional<Record> RecordReader::Next() {
  if (!record_ready_) return std::nullopt;
  Record record;
  record.type = buffer_[0];
  record.version = static_cast<uint16_t>(buffer_[1] << 8 | buffer_[2]);
  record.fragment.assign(buffer_.begin() + kRecordHeaderLength, buffer_.end());
  buffer_.clear();
  record_ready_ = false;
  fragment_length_ = 0;
  return record;
}

Result<std::vector<Record>> ParseRecords(ByteView data, bool is_protected) {
  RecordReader reader;
  reader.set_protected(is_protected);
  std::vector<Record> records;
  while (!data.empty()) {
    auto consumed = reader.Feed(data);
    if (!consumed.ok()) {
      return consumed.status().WithContext("record " + std::to_string(records.size()));
    }
    data = data.subview(*consumed);
    if (std::optional<Record> r = reader.Next()) records.push_back(std::move(*r));
  }
  if (reader.has_partial_record()) {
    return DecodeError("record " + std::to_string(records.size()) + ": truncated, " +
                       std::to_string(reader.partial_bytes()) + " byte(s) of an incomplete record");
  }
  return records;
}

}  // namespace shakedown
