// The wire layout of the handshake messages the peer sends, field by field (RFC 5246 7.4,
// RFC 8422 5.4 and 5.7, RFC 5077 3.3): enough to find every field boundary and length prefix in
// a message the peer has encoded, so that a `malform` step breaks exactly one field and nothing
// else. The handshake header's length is the only length fixed up afterwards: the target reads a
// whole message whose inside is wrong (checklist 22), not a fragment it must wait for.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_MESSAGE_SHAPES_H_
#define SHAKEDOWN_HARNESS_SCENARIO_MESSAGE_SHAPES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// One field of a message body, in order.
struct FieldShape {
  std::string name;          // as in the field catalogue where the field is there too
  size_t length_bytes = 0;   // 0: a fixed-size field of `fixed` bytes; else a vector's prefix
  size_t fixed = 0;
  size_t floor = 0;          // a vector's bounds <floor..ceiling> in bytes (RFC 5246 4.3)
  size_t ceiling = 0;
  // A vector of items: extension entries (type, extension_data<0..2^16-1>), or opaque vectors
  // with a prefix of `item_length_bytes` (certificates, distinguished names).
  enum class Items { kNone, kExtensions, kVectors } items = Items::kNone;
  size_t item_length_bytes = 0;
  bool optional = false;     // may be absent at the end of the body (the hellos' extensions)
};

// The fields of `message`'s body when the connection's key exchange is `kex` (it decides the
// key exchange messages' layout). Empty for bodies with no field (HelloRequest,
// ServerHelloDone) and for messages that are not handshake messages.
std::vector<FieldShape> MessageShape(MessageName message, KeyExchange kex);

// Every field name a `malform` step may name for `message`, whatever the key exchange; item
// fields are given as patterns ("extensions.<name>", "certificate_list.<index>").
std::vector<std::string> MalformFieldNames(MessageName message);

// A located field of one encoded body: the field itself, or one item of a vector of items
// ("extensions.supported_groups", "certificate_list.0").
struct FieldSpan {
  std::string name;
  size_t start = 0;          // first byte of the field (an item: its first byte, the type)
  size_t prefix_at = 0;      // its length prefix (vectors)
  size_t length_bytes = 0;   // 0: fixed size
  size_t content_at = 0;
  size_t content_size = 0;
  size_t floor = 0;
  size_t ceiling = 0;
};

// The spans of `body` (without the 4-byte handshake header) laid out as `shape`; an error
// names the field where the body stops matching.
Result<std::vector<FieldSpan>> LocateFields(const std::vector<FieldShape>& shape, ByteView body);

// Checked when a vector loads: `m.field` exists for `message` (under some key exchange) and
// `m.edit` applies to that kind of field. The error says why not.
Status ValidateMalformation(MessageName message, const Malformation& m);

// `encoded` (a handshake message, 4-byte header included) with `m` applied and the header's
// length set to the new body size.
Result<Bytes> ApplyMalformation(MessageName message, KeyExchange kex, const Malformation& m,
                                ByteView encoded);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_MESSAGE_SHAPES_H_
