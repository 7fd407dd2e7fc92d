#include "harness/scenario/json_reader.h"

#include <algorithm>
#include <utility>

#include "harness/scenario/hints.h"
#include "harness/scenario/json_text.h"

namespace shakedown {
namespace {

// An xor may reach past the end of a whole handshake message, header included.
constexpr int64_t kMaxXorOffset = (1 << 24) + 3;

}  // namespace

bool JsonReader::CheckKeys(const Json& j, const std::string& path, KeySetId id,
                           std::string_view what) {
  if (!j.is_object()) {
    return Fail(path, std::string(what) + " must be an object, got " + TypeName(j));
  }
  const std::vector<std::string_view>& allowed = Keys(id);
  for (const auto& item : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    return Fail(Child(path, item.key()), "unknown key " + Quote(item.key()) + " in " +
                                             std::string(what) + Suggest(item.key(), allowed) +
                                             "; allowed: " + Join(allowed));
  }
  return true;
}

bool JsonReader::Require(const Json& j, const std::string& path, std::string_view key) {
  if (j.contains(std::string(key))) return true;
  return Fail(path, "missing key " + Quote(key));
}

bool JsonReader::GetString(const Json& j, const std::string& path, std::string* out) {
  if (!j.is_string()) return Fail(path, "expected a string, got " + TypeName(j));
  *out = j.get<std::string>();
  return true;
}

bool JsonReader::GetBool(const Json& j, const std::string& path, bool* out) {
  if (!j.is_boolean()) return Fail(path, "expected true or false, got " + TypeName(j));
  *out = j.get<bool>();
  return true;
}

bool JsonReader::GetUint(const Json& j, const std::string& path, uint64_t min, uint64_t max,
                         uint64_t* out) {
  std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (j.is_number_unsigned()) {
    uint64_t v = j.get<uint64_t>();
    if (v < min || v > max) return Fail(path, std::to_string(v) + " is out of range " + range);
    *out = v;
    return true;
  }
  if (j.is_number_integer()) {  // negative
    return Fail(path, std::to_string(j.get<int64_t>()) + " is out of range " + range);
  }
  return Fail(path, "expected an integer " + range + ", got " + TypeName(j) +
                        (j.is_number_float() ? " " + Show(j) : ""));
}

bool JsonReader::GetInt(const Json& j, const std::string& path, int64_t min, int64_t max,
                        int64_t* out) {
  std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (j.is_number_unsigned()) {
    uint64_t v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(max)) {
      return Fail(path, std::to_string(v) + " is out of range " + range);
    }
    *out = static_cast<int64_t>(v);
    return true;
  }
  if (j.is_number_integer()) {
    int64_t v = j.get<int64_t>();
    if (v < min || v > max) return Fail(path, std::to_string(v) + " is out of range " + range);
    *out = v;
    return true;
  }
  return Fail(path, "expected an integer " + range + ", got " + TypeName(j));
}

bool JsonReader::GetHex(const Json& j, const std::string& path, Bytes* out) {
  if (!j.is_string()) return Fail(path, "expected a hex string, got " + TypeName(j));
  const std::string& text = j.get_ref<const std::string&>();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) {
      return Fail(path, "not a hex digit: " + Quote(std::string(1, c)) + " at offset " +
                            std::to_string(i) + " (hex is written without spaces or 0x)");
    }
  }
  if (text.size() % 2 != 0) {
    return Fail(path, "odd number of hex digits (" + std::to_string(text.size()) + ")");
  }
  *out = *FromHex(text);
  return true;
}

bool JsonReader::GetChoice(const Json& j, const std::string& path,
                           const std::vector<std::string_view>& choices, std::string* out) {
  std::string value;
  if (!GetString(j, path, &value)) return false;
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    return Fail(path, "unknown value " + Quote(value) + Suggest(value, choices) +
                          "; allowed: " + Join(choices));
  }
  *out = value;
  return true;
}

bool JsonReader::GetRegistryValue(const Json& j, const std::string& path, Registry registry,
                                  uint64_t max, uint64_t* out) {
  const std::string label(RegistryLabel(registry));
  if (j.is_string()) {
    const std::string& text = j.get_ref<const std::string&>();
    if (text.substr(0, 2) == "0x") {
      std::optional<uint16_t> v = ParseHexNumber(text);
      if (!v || *v > max) {
        return Fail(path, "bad " + label + " number " + Quote(text) + ": write \"0x\" and 1-" +
                              (max > 0xff ? "4" : "2") + " hex digits, at most " + Hex16(max));
      }
      *out = *v;
      return true;
    }
    std::optional<uint16_t> v = ValueOf(registry, text);
    if (!v) {
      return Fail(path, "unknown " + label + " " + Quote(text) +
                            Suggest(text, RegistryNames(registry)) +
                            "; use an IANA name or a number");
    }
    *out = *v;
    return true;
  }
  if (j.is_number()) return GetUint(j, path, 0, max, out);
  return Fail(path, "expected a " + label + " name or number, got " + TypeName(j));
}

bool JsonReader::GetRegistryList(const Json& j, const std::string& path, Registry registry,
                                 bool allow_empty, std::vector<uint64_t>* out) {
  if (!j.is_array()) return Fail(path, "expected an array, got " + TypeName(j));
  if (j.empty() && !allow_empty) {
    return Fail(path, "the list is empty; leave the key out for the defaults");
  }
  out->clear();
  for (size_t i = 0; i < j.size(); ++i) {
    uint64_t v = 0;
    if (!GetRegistryValue(j[i], Child(path, i), registry, 0xffff, &v)) return false;
    out->push_back(v);
  }
  return true;
}

bool JsonReader::GetVersion(const Json& j, const std::string& path, uint64_t* out) {
  if (!j.is_string()) {
    return Fail(path, "expected a version such as \"TLSv1.2\" or \"0x0303\", got " + TypeName(j));
  }
  const std::string& text = j.get_ref<const std::string&>();
  if (std::optional<uint16_t> v = ValueOf(Registry::kProtocolVersion, text)) {
    *out = *v;
    return true;
  }
  if (std::optional<uint16_t> v = ParseHexNumber(text)) {
    *out = *v;
    return true;
  }
  return Fail(path, "unknown protocol version " + Quote(text) +
                        Suggest(text, RegistryNames(Registry::kProtocolVersion)) +
                        "; write a name (SSLv3, TLSv1.0 .. TLSv1.3) or \"0x\" and 1-4 hex digits");
}

bool JsonReader::GetBytesXor(const Json& j, const std::string& path, BytesXor* out) {
  if (!CheckKeys(j, path, kBytesXorKeys, "an xor")) return false;
  if (!Require(j, path, "hex")) return false;
  if (!GetHex(j["hex"], Child(path, "hex"), &out->mask)) return false;
  if (out->mask.empty()) return Fail(Child(path, "hex"), "the xor mask is empty");
  out->at = 0;
  if (j.contains("at") &&
      !GetInt(j["at"], Child(path, "at"), -kMaxXorOffset, kMaxXorOffset, &out->at)) {
    return false;
  }
  return true;
}

bool JsonReader::GetXorValue(const Json& j, const std::string& path, FieldValue* out) {
  if (!CheckKeys(j, path, kXorValueKeys, "a field value")) return false;
  if (!Require(j, path, "xor")) return false;
  BytesXor x;
  if (!GetBytesXor(j["xor"], Child(path, "xor"), &x)) return false;
  out->value = std::move(x);
  return true;
}

bool JsonReader::GetFieldValue(const FieldSpec& spec, const Json& j, const std::string& path,
                               bool in_check, FieldValue* out) {
  uint64_t number = 0;
  Bytes bytes;
  switch (spec.type) {
    case FieldType::kVersion:
      if (!GetVersion(j, path, &number)) return false;
      out->value = number;
      return true;
    case FieldType::kRandom:
      if (!GetHex(j, path, &bytes)) return false;
      if (bytes.size() != 32) {
        return Fail(path, "a random is 32 bytes (64 hex digits), got " +
                              std::to_string(bytes.size()) + " bytes");
      }
      out->value = std::move(bytes);
      return true;
    case FieldType::kBytes:
      if (j.is_object()) {
        if (in_check) return Fail(path, "a check compares values; xor is a send deviation");
        return GetXorValue(j, path, out);
      }
      if (!GetHex(j, path, &bytes)) return false;
      out->value = std::move(bytes);
      return true;
    case FieldType::kU8:
    case FieldType::kU16:
    case FieldType::kU32: {
      uint64_t max = spec.type == FieldType::kU8    ? 0xff
                     : spec.type == FieldType::kU16 ? 0xffff
                                                    : 0xffffffff;
      if (!GetUint(j, path, 0, max, &number)) return false;
      out->value = number;
      return true;
    }
    case FieldType::kSuite:
    case FieldType::kGroup:
    case FieldType::kScheme:
    case FieldType::kAlertName: {
      Registry registry = spec.type == FieldType::kSuite    ? Registry::kCipherSuite
                          : spec.type == FieldType::kGroup  ? Registry::kNamedGroup
                          : spec.type == FieldType::kScheme ? Registry::kSignatureScheme
                                                            : Registry::kAlertDescription;
      uint64_t max = spec.type == FieldType::kAlertName ? 0xff : 0xffff;
      if (!GetRegistryValue(j, path, registry, max, &number)) return false;
      out->value = number;
      return true;
    }
    case FieldType::kSuiteList:
    case FieldType::kSchemeList: {
      std::vector<uint64_t> list;
      Registry registry =
          spec.type == FieldType::kSuiteList ? Registry::kCipherSuite : Registry::kSignatureScheme;
      if (!GetRegistryList(j, path, registry, /*allow_empty=*/true, &list)) return false;
      out->value = std::move(list);
      return true;
    }
    case FieldType::kU8List: {
      if (!j.is_array()) return Fail(path, "expected an array of 0..255, got " + TypeName(j));
      std::vector<uint64_t> list;
      for (size_t i = 0; i < j.size(); ++i) {
        if (!GetUint(j[i], Child(path, i), 0, 0xff, &number)) return false;
        list.push_back(number);
      }
      out->value = std::move(list);
      return true;
    }
    case FieldType::kBytesList: {
      if (!j.is_array()) return Fail(path, "expected an array of hex strings, got " + TypeName(j));
      std::vector<Bytes> list;
      for (size_t i = 0; i < j.size(); ++i) {
        if (!GetHex(j[i], Child(path, i), &bytes)) return false;
        list.push_back(std::move(bytes));
      }
      out->value = std::move(list);
      return true;
    }
    case FieldType::kAlertLevel:
      if (j.is_string()) {
        std::string level;
        if (!GetChoice(j, path, {"warning", "fatal"}, &level)) return false;
        out->value = uint64_t{level == "warning" ? 1u : 2u};
        return true;
      }
      if (!j.is_number()) {
        return Fail(path, "expected \"warning\", \"fatal\" or a number, got " + TypeName(j));
      }
      if (!GetUint(j, path, 0, 0xff, &number)) return false;
      out->value = number;
      return true;
    case FieldType::kExtension:
      if (j.is_null()) {
        out->value = std::monostate();
        return true;
      }
      // Not on the whole block ("extensions"), whose value is a list the peer re-parses.
      if (j.is_object() && !in_check && spec.field != "extensions") {
        // Flips bits of the body the peer would have sent (a renegotiation_info's verify_data).
        return GetXorValue(j, path, out);
      }
      if (!j.is_string()) {
        const bool xor_allowed = !in_check && spec.field != "extensions";
        return Fail(path, std::string("expected a hex body") + (xor_allowed ? ", an xor" : "") +
                              " or null, got " + TypeName(j));
      }
      if (!GetHex(j, path, &bytes)) return false;
      out->value = std::move(bytes);
      return true;
  }
  return Fail(path, "internal: unhandled field type");
}

std::string NormalizeField(const std::string& field) {
  constexpr std::string_view kPrefix = "extensions.";
  if (field.compare(0, kPrefix.size(), kPrefix) != 0) return field;
  std::optional<uint16_t> number = ParseHexNumber(std::string_view(field).substr(kPrefix.size()));
  if (!number) return field;
  if (std::optional<std::string_view> name = NameOf(Registry::kExtensionType, *number)) {
    return std::string(kPrefix) + std::string(*name);
  }
  return std::string(kPrefix) + Hex16(*number);
}

namespace {

std::vector<std::string_view> FieldNamesOf(MessageName message) {
  std::vector<std::string_view> names;
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (spec.message == message) names.push_back(spec.field);
  }
  return names;
}

}  // namespace

bool JsonReader::GetEdits(MessageName message, const Json& j, const std::string& path,
                          bool in_check, std::vector<FieldEdit>* out) {
  const std::string message_name(MessageNameString(message));
  if (!j.is_object()) {
    return Fail(path, "expected an object of field: value, got " + TypeName(j));
  }
  if (j.empty()) return Fail(path, "no fields (leave the key out)");
  std::vector<std::string_view> names = FieldNamesOf(message);
  for (const auto& item : j.items()) {
    const std::string item_path = Child(path, item.key());
    std::string field = NormalizeField(item.key());
    const FieldSpec* spec = FindField(message, field);
    if (spec == nullptr) {
      if (names.empty()) return Fail(item_path, message_name + " has no fields");
      std::vector<std::string_view> shown;
      for (std::string_view n : names) {
        if (n.substr(0, 11) != "extensions." || n == "extensions.0xNNNN") shown.push_back(n);
      }
      std::string listing = Join(shown);
      if (shown.size() != names.size()) {
        listing += " (and extensions.<IANA extension name>)";
      }
      return Fail(item_path, "unknown field " + Quote(item.key()) + " for " + message_name +
                                 Suggest(item.key(), names) + "; fields: " + listing);
    }
    FieldEdit edit;
    edit.field = field;
    if (!GetFieldValue(*spec, item.value(), item_path, in_check, &edit.value)) return false;
    for (const FieldEdit& other : *out) {
      if (other.field == field) {
        return Fail(item_path, "field " + Quote(field) + " is given twice (as " +
                                   Quote(item.key()) + " and by another spelling)");
      }
    }
    out->push_back(std::move(edit));
  }
  // The whole block and one of its extensions at once would be two answers to one question.
  bool whole_block = false;
  bool one_extension = false;
  for (const FieldEdit& edit : *out) {
    whole_block |= edit.field == "extensions";
    one_extension |= edit.field.compare(0, 11, "extensions.") == 0;
  }
  if (whole_block && one_extension) {
    return Fail(Child(path, "extensions"),
                "\"extensions\" replaces the whole block; it cannot be combined with "
                "\"extensions.<name>\" in the same step");
  }
  std::sort(out->begin(), out->end(),
            [](const FieldEdit& a, const FieldEdit& b) { return a.field < b.field; });
  return true;
}

bool JsonReader::GetMessage(const Json& j, const std::string& path, MessageName* out) {
  std::string name;
  if (!GetString(j, path, &name)) return false;
  std::optional<MessageName> m = ParseMessageName(name);
  if (!m) {
    return Fail(path, "unknown message " + Quote(name) + Suggest(name, MessageNames()) +
                          "; messages: " + Join(MessageNames()));
  }
  *out = *m;
  return true;
}

}  // namespace shakedown
