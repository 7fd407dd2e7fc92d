#include "harness/scenario/json_text.h"

#include <cstdio>

namespace shakedown {

using Json = nlohmann::json;

std::string EscapePointer(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Child(const std::string& path, std::string_view key) {
  return path + "/" + EscapePointer(key);
}
std::string Child(const std::string& path, size_t index) {
  return path + "/" + std::to_string(index);
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string text(s.substr(0, kMax));
  std::string out = Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > kMax) out.insert(out.size() - 1, "...");
  return out;
}

std::string Sanitize(std::string_view text) {
  constexpr size_t kMax = 300;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

std::string Show(const Json& j) {
  if (j.is_string()) return Quote(j.get_ref<const std::string&>());
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 80) + "...";
  return text;
}

std::string TypeName(const Json& j) {
  if (j.is_number_float()) return "a non-integer number";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "a binary value";
}

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string Hex16(uint64_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(value));
  return buf;
}

std::optional<uint16_t> ParseHexNumber(std::string_view text) {
  if (text.size() < 3 || text.size() > 6 || text.substr(0, 2) != "0x") return std::nullopt;
  uint32_t value = 0;
  for (char c : text.substr(2)) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<uint32_t>(digit);
  }
  return static_cast<uint16_t>(value);
}

}  // namespace shakedown
