// The scripted peer's deviations that act on a message rather than on the connection: `set`
// edits on typed messages (the field names of scenario.h's FieldCatalogue) and `corrupt` on
// an encoding. Pure functions, so they are testable without a peer.
#ifndef SHAKEDOWN_HARNESS_PEER_FIELD_EDITS_H_
#define SHAKEDOWN_HARNESS_PEER_FIELD_EDITS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/handshake.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The message name of a handshake type; nullopt for types no step can name (the inverse of
// scenario.h's HandshakeTypeOf).
std::optional<MessageName> MessageNameOfType(HandshakeType type);

// Value helpers. Each fails (internal_error, naming the field) when the value has the wrong
// shape for the field.
Result<uint64_t> EditNumber(const FieldEdit& edit, uint64_t max);
// A kBytes value: the bytes given, or `current` with the xor applied. An xor that does not
// fit inside `current` is an error rather than silently shortened.
Result<Bytes> EditBytes(const FieldEdit& edit, ByteView current);
Result<std::vector<uint64_t>> EditNumberList(const FieldEdit& edit, uint64_t max);
Result<std::vector<Bytes>> EditBytesList(const FieldEdit& edit);

// XORs `x.mask` into `value` at `x.at` (negative: from the end).
Status ApplyXor(const BytesXor& x, Bytes* value, std::string_view field);

// Applies `edits` in order to `message`. Unknown fields are an error naming the field and
// the message. ClientKeyExchange's pre_master_secret.* and rsa_padding are not handled here
// (they act before the encryption; the peer consumes them) and are rejected if present.
Status ApplyFieldEdits(const std::vector<FieldEdit>& edits, TypedHandshake* message);
Status ApplyAlertEdits(const std::vector<FieldEdit>& edits, Alert* alert);

// The extension type named by "extensions.<IANA name>" or "extensions.0xNNNN"; nullopt if
// `field` is not of that form or names nothing.
std::optional<uint16_t> ExtensionFieldType(std::string_view field);

// xor, then truncate, then append, on the full encoding (handshake header included).
Status ApplyCorruption(const Corruption& corruption, Bytes* encoded);
bool HasCorruption(const Corruption& corruption);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_FIELD_EDITS_H_
