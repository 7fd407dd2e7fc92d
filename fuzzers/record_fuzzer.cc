// libFuzzer target for record framing and handshake reassembly (engine/wire/record.h,
// handshake_framer.h).
//
// Input: byte 0 is a control byte (chunking seed, whether a ChangeCipherSpec switches the
// reader to the ciphertext limit, a small or the default handshake message limit); the
// rest is the byte stream as it would arrive from a socket, fed in chunks whose sizes are
// derived from the control byte. Invariants (trap on violation):
// - every record re-serializes to exactly the bytes the reader consumed for it;
// - the reader never holds more than one maximum-size record plus its header;
// - with no protection switch, the incremental reader agrees with one-shot ParseRecords;
// - every handshake message re-encodes (type + uint24 length + body) to its bytes, and the
//   messages plus the pending partial message are exactly the handshake stream fed in;
// - the framer never reserves more than one maximum-size message.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/record.h"

namespace shakedown {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void Run(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const uint8_t control = data[0];
  const ByteView input(data + 1, size - 1);
  const bool protect_after_ccs = control & 0x40;
  const size_t max_body = (control & 0x80) ? 64 : HandshakeFramer::kDefaultMaxMessageLength;
  uint32_t chunk_state = control * 2654435761u + 1;
  auto next_chunk = [&]() -> size_t {
    chunk_state = chunk_state * 1103515245u + 12345u;
    const uint32_t r = chunk_state >> 16;
    // Mostly small chunks, sometimes large ones.
    return (r & 1) ? 1 + (r >> 1) % 8 : 1 + (r >> 1) % 4096;
  };

  RecordReader reader;
  HandshakeFramer framer(max_body);
  bool framer_dead = false;
  Bytes consumed_for_record;  // bytes the reader took for the record in progress
  std::vector<Record> records;
  Bytes handshake_in;   // every handshake fragment given to the framer, before it failed
  Bytes handshake_out;  // every complete message's encoding

  size_t pos = 0;
  bool reader_failed = false;
  while (pos < input.size() && !reader_failed) {
    ByteView chunk = input.subview(pos, next_chunk());
    pos += chunk.size();
    while (!chunk.empty()) {
      auto n = reader.Feed(chunk);
      if (!n.ok()) {
        Check(!reader.status().ok());
        reader_failed = true;
        break;
      }
      Append(consumed_for_record, chunk.subview(0, *n));
      chunk = chunk.subview(*n);
      Check(reader.buffer_capacity() <= kRecordHeaderLength + kMaxCiphertextLength);
      std::optional<Record> record = reader.Next();
      if (!record) {
        Check(chunk.empty());  // Feed only stops early when a record is complete
        continue;
      }
      auto encoded = SerializeRecord(*record);
      Check(encoded.ok() && *encoded == consumed_for_record);
      Check(record->fragment.size() <= reader.max_fragment_length());
      consumed_for_record.clear();

      if (record->is(ContentType::kHandshake) && !framer_dead) {
        Status s = framer.AddFragment(record->fragment);
        if (!s.ok()) {
          framer_dead = true;
        } else {
          Append(handshake_in, record->fragment);
        }
        while (std::optional<HandshakeMessage> m = framer.Next()) {
          const ByteView body = m->body();
          Check(m->encoded.size() == kHandshakeHeaderLength + body.size());
          Check(body.size() <= max_body);
          auto again = HandshakeMessage::Make(m->type, body);
          Check(again.ok() && again->encoded == m->encoded);
          Append(handshake_out, m->encoded);
        }
        Check(framer.partial_capacity() <= kHandshakeHeaderLength + max_body);
      } else if (record->is(ContentType::kChangeCipherSpec) && protect_after_ccs) {
        reader.set_protected(true);
        if (!framer_dead && !framer.OnKeyChange().ok()) framer_dead = true;
      }
      records.push_back(std::move(*record));
    }
  }

  if (!framer_dead) {
    // Messages + pending partial message == the handshake stream.
    Check(handshake_out.size() + framer.partial_bytes() == handshake_in.size());
    Check(ByteView(handshake_in).subview(0, handshake_out.size()) == ByteView(handshake_out));
  }

  if (!protect_after_ccs) {
    auto whole = ParseRecords(input);
    if (!reader_failed && !reader.has_partial_record()) {
      Check(whole.ok() && *whole == records);
    } else {
      Check(!whole.ok());
    }
  }
}

}  // namespace
}  // namespace shakedown

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  shakedown::Run(data, size);
  return 0;
}
