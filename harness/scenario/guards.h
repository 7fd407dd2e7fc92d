// The structural guards every input passes before the parser sees it: a bounded file size,
// a bounded nesting depth (checked without recursion, before nlohmann's recursive readers
// run), no duplicate keys (nlohmann would keep the last silently), valid JSON or CBOR, and
// parser messages reduced to one bounded line of printable text.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_GUARDS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_GUARDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "harness/scenario/load_error.h"

namespace shakedown {

// The language nests 8 deep; more is never a vector.
constexpr int kMaxNesting = 32;
constexpr uint64_t kMaxFileSize = 4u << 20;

// Nesting depth of a JSON text (brackets outside strings); stops counting past `limit`.
int JsonNesting(std::string_view text, int limit);
// Nesting depth of a CBOR item, walked without recursion; stops counting past `limit`.
// Malformed input returns 0: the real reader reports it.
int CborNesting(ByteView in, int limit);

// Parses `text` into *doc, or returns the error (file = source_name, the duplicate key's
// path if there is one).
std::optional<LoadError> ParseGuardedJson(std::string_view text, const std::string& source_name,
                                          nlohmann::json* doc);
// The same for CBOR (RFC 8949); text strings must also be valid UTF-8.
std::optional<LoadError> ParseGuardedCbor(ByteView cbor, const std::string& source_name,
                                          nlohmann::json* doc);

// Reads a vector file of at most kMaxFileSize bytes into *text, or returns the error.
std::optional<LoadError> ReadVectorText(const std::string& path, std::string* text);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_GUARDS_H_
