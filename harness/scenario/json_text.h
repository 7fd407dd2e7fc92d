// How the loader names places and values in its messages: RFC 6901 pointers, quoted and
// shortened values, one-line sanitised parser text; and the "0xNNNN" number form that
// vectors use for values without a registered name.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_JSON_TEXT_H_
#define SHAKEDOWN_HARNESS_SCENARIO_JSON_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shakedown {

// RFC 6901 escaping; control characters are also shown as \u00XX so that a path in a
// message stays on one line.
std::string EscapePointer(std::string_view key);
// `path` + "/" + the escaped key or the index.
std::string Child(const std::string& path, std::string_view key);
std::string Child(const std::string& path, size_t index);

// A JSON-quoted rendering of a string for messages, shortened when long.
std::string Quote(std::string_view s);
// A parser's message, which may echo raw input: one line of printable ASCII, bounded.
std::string Sanitize(std::string_view text);
// A value as written in the document, for messages.
std::string Show(const nlohmann::json& j);
// "a string", "an array", "a non-integer number", ...
std::string TypeName(const nlohmann::json& j);
// "a, b, c".
std::string Join(const std::vector<std::string_view>& items);

// "0x" and four lower-case hex digits.
std::string Hex16(uint64_t value);
// "0x" + 1..4 hex digits; nullopt otherwise.
std::optional<uint16_t> ParseHexNumber(std::string_view text);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_JSON_TEXT_H_
