#include "engine/wire/handshake_framer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/base/writer.h"

namespace shakedown {

Result<HandshakeMessage> HandshakeMessage::Make(uint8_t type, ByteView body) {
  if (body.size() > kMaxHandshakeBodyLength) {
    return InternalError("Handshake.length: body of " + std::to_string(body.size()) +
                         " bytes does not fit the 24-bit length field");
  }
  Writer w;
  w.U8(type);
  w.VectorBytes(3, body);
  SD_RETURN_IF_ERROR(w.status());
  HandshakeMessage m;
  m.type = type;
  m.encoded = w.Take();
  return m;
}

Status HandshakeFramer::AddFragment(ByteView fragment) {
  if (!error_.ok()) return error_;
  while (!fragment.empty()) {
    if (partial_.size() < kHandshakeHeaderLength) {
      const size_t n = std::min(kHandshakeHeaderLength - partial_.size(), fragment.size());
      Append(partial_, fragment.subview(0, n));
      fragment = fragment.subview(n);
      if (partial_.size() < kHandshakeHeaderLength) break;
      const size_t length = static_cast<size_t>(partial_[1]) << 16 |
                            static_cast<size_t>(partial_[2]) << 8 | partial_[3];
      if (length > max_body_length_) {
        error_ = IllegalParameter("Handshake.length: " + std::to_string(length) + " (" +
                                  Describe(Registry::kHandshakeType, partial_[0]) +
                                  ") exceeds the " + std::to_string(max_body_length_) +
                                  "-byte message limit");
        partial_ = Bytes();  // release the header too
        return error_;
      }
      partial_total_ = kHandshakeHeaderLength + length;
      // Bounded by max_body_length_, checked just above.
      partial_.reserve(partial_total_);
    }
    const size_t n = std::min(partial_total_ - partial_.size(), fragment.size());
    Append(partial_, fragment.subview(0, n));
    fragment = fragment.subview(n);
    if (partial_.size() == partial_total_) {
      HandshakeMessage m;
      m.type = partial_[0];
      m.encoded = std::move(partial_);
      complete_.push_back(std::move(m));
      partial_ = Bytes();
      partial_total_ = 0;
    }
  }
  return Status::Ok();
}

std::optional<HandshakeMessage> HandshakeFramer::Next() {
  if (complete_.empty()) return std::nullopt;
  HandshakeMessage m = std::move(complete_.front());
  complete_.pop_front();
  return m;
}

Status HandshakeFramer::OnKeyChange() {
  if (!error_.ok()) return error_;
  if (has_partial_message()) {
    error_ = Status::Error(AlertDescription::kUnexpectedMessage,
                           "Handshake: " + std::to_string(partial_.size()) +
                               " byte(s) of an incomplete handshake message pending at a key "
                               "change (RFC 5246 6.2.1)");
  } else if (!complete_.empty()) {
    error_ = Status::Error(AlertDescription::kUnexpectedMessage,
                           "Handshake: " + std::to_string(complete_.size()) +
                               " unprocessed handshake message(s) pending at a key change");
  }
  return error_;
}

Result<std::vector<HandshakeMessage>> ParseHandshakeMessages(ByteView data,
                                                             size_t max_body_length) {
  HandshakeFramer framer(max_body_length);
  SD_RETURN_IF_ERROR(framer.AddFragment(data));
  std::vector<HandshakeMessage> out;
  while (std::optional<HandshakeMessage> m = framer.Next()) out.push_back(std::move(*m));
  if (framer.has_partial_message()) {
    return DecodeError("Handshake: truncated, " + std::to_string(framer.partial_bytes()) +
                       " byte(s) of an incomplete message after " + std::to_string(out.size()) +
                       " complete one(s)");
  }
  return out;
}

Bytes ConcatHandshakeMessages(const std::vector<HandshakeMessage>& messages) {
  Bytes out;
  for (const HandshakeMessage& m : messages) Append(out, m.encoded);
  return out;
}

Result<std::vector<Record>> HandshakeRecords(const std::vector<HandshakeMessage>& messages,
                                             uint16_t version, size_t max_fragment) {
  return SplitIntoRecords(static_cast<uint8_t>(ContentType::kHandshake), version,
                          ConcatHandshakeMessages(messages), max_fragment);
}

}  // namespace shakedown
