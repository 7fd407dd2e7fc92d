#include "harness/scenario/loader.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/wire/registry.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;
namespace fs = std::filesystem;

// Limits that keep a vector (or a fuzz input) from asking the peer for absurd work.
constexpr uint64_t kMaxFileSize = 4u << 20;
constexpr uint64_t kMaxRepeat = 100000;            // alert floods (CVE-2016-8610) need thousands
constexpr uint64_t kMaxFragment = 0xffff;          // a record length is a uint16
constexpr uint64_t kMaxTruncate = (1u << 24) + 3;  // a whole handshake message
constexpr int64_t kMaxXorOffset = (1 << 24) + 3;
constexpr uint64_t kMaxSilenceMs = 60000;
constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxServerName = 255;
constexpr int kMaxNesting = 32;      // the language nests 8 deep; more is never a vector
constexpr uint64_t kMaxAttack = 37;  // rows of reference/attacks.md

// ---- The keys of every object: one list, read by the loader and by the schema test ----

enum KeySetId {
  kVectorKeys,
  kPeerKeys,
  kTargetKeys,
  kConnectionKeys,
  kSendStepKeys,
  kExpectStepKeys,
  kExpectationKeys,
  kCorruptKeys,
  kBytesXorKeys,
  kXorValueKeys,
};

const std::vector<KeySet>& KeySets() {
  // Indexed by KeySetId.
  static const std::vector<KeySet>* sets = new std::vector<KeySet>{
      {"vector",
       {"$schema", "id", "title", "refs", "target_role", "notes", "peer", "target", "steps",
        "connections"}},
      {"peer",
       {"cipher_suites", "groups", "signature_schemes", "certificate", "extended_master_secret",
        "renegotiation_info", "session_ticket", "server_name", "version"}},
      {"target",
       {"certificate", "client_auth", "cipher_suites", "session_tickets",
        "extended_master_secret"}},
      {"connection", {"resume", "steps"}},
      {"send_step",
       {"send", "comment", "set", "corrupt", "fragment", "coalesce", "record_type",
        "record_version", "protect", "corrupt_record", "repeat", "hex", "data"}},
      {"expect_step", {"expect", "comment"}},
      {"expectation",
       {"messages", "optional", "check", "alert", "level", "or_close", "silence_ms"}},
      {"corrupt", {"xor", "truncate", "append"}},
      {"bytes_xor", {"hex", "at"}},
      {"xor_value", {"xor"}},
  };
  return *sets;
}

const std::vector<std::string_view>& Keys(KeySetId id) { return KeySets()[id].keys; }

// rfc_checklist.md numbers its rows 1-58 and splits two: 36b is extra, 45 is 45a and 45b.
const std::vector<std::string_view>& ChecklistRowList() {
  // The views point into `storage`, which lives as long as the process.
  static std::vector<std::string>* storage = new std::vector<std::string>();
  static const std::vector<std::string_view>* rows = [] {
    for (int i = 1; i <= 58; ++i) {
      if (i == 45) {
        storage->push_back("45a");
        storage->push_back("45b");
        continue;
      }
      storage->push_back(std::to_string(i));
      if (i == 36) storage->push_back("36b");
    }
    return new std::vector<std::string_view>(storage->begin(), storage->end());
  }();
  return *rows;
}

// ---- Small helpers ----

// RFC 6901 escaping; control characters are also shown as \u00XX so that a path in a
// message stays on one line.
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

// A JSON-quoted rendering of a string for messages, shortened when long.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string text(s.substr(0, kMax));
  std::string out = Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > kMax) out.insert(out.size() - 1, "...");
  return out;
}

// A parser's message, which may echo raw input: one line of printable ASCII, bounded.
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

// A value as written in the document, for messages.
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

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Levenshtein distance, case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// " (did you mean "X"?)" for the closest candidate, if it is close enough to be a typo.
std::string Suggest(std::string_view bad, const std::vector<std::string_view>& candidates) {
  if (bad.empty() || bad.size() > 64) return "";
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(bad, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  size_t limit = std::max<size_t>(2, bad.size() / 3);
  if (best_distance > limit || best_distance >= bad.size()) return "";
  return " (did you mean " + Quote(best) + "?)";
}

std::vector<std::string_view> RegistryNames(Registry registry) {
  size_t n = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &n);
  std::vector<std::string_view> names;
  for (size_t i = 0; i < n; ++i) names.push_back(entries[i].name);
  return names;
}

std::vector<std::string_view> MessageNames() {
  std::vector<std::string_view> names;
  for (MessageName m : AllMessageNames()) names.push_back(MessageNameString(m));
  return names;
}

std::string Hex16(uint64_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(value));
  return buf;
}

// "0x" + 1..4 hex digits.
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

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "RFC5246", "RFC5246 7.4.1.2", "RFC5246 App. E.1", "checklist:17", "CVE-2014-0224",
// "attack:1". Empty when valid, else the reason.
std::string CheckRef(std::string_view ref) {
  if (ref.substr(0, 3) == "RFC") {
    std::string_view rest = ref.substr(3);
    size_t space = rest.find(' ');
    std::string_view number = rest.substr(0, space);
    if (!IsDigits(number) || number.size() > 5) return "an RFC ref is \"RFC<number> <section>\"";
    if (space == std::string_view::npos) return "";
    std::string_view section = rest.substr(space + 1);
    bool ok = !section.empty() && section.front() != ' ' && section.back() != ' ';
    for (char c : section) {
      bool allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     c == '.' || c == ' ';
      ok = ok && allowed;
    }
    if (!ok) return "an RFC section is letters, digits, dots and single spaces";
    return "";
  }
  if (ref.substr(0, 10) == "checklist:") {
    std::string_view row = ref.substr(10);
    const auto& rows = ChecklistRowList();
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) {
      return "rfc_checklist.md has no row " + Quote(row) + " (rows 1-58, 36b, 45a, 45b)";
    }
    return "";
  }
  if (ref.substr(0, 4) == "CVE-") {
    std::string_view rest = ref.substr(4);
    size_t dash = rest.find('-');
    if (dash != 4 || !IsDigits(rest.substr(0, 4)) || !IsDigits(rest.substr(5)) ||
        rest.size() - 5 < 4 || rest.size() - 5 > 7) {
      return "a CVE ref is \"CVE-YYYY-NNNN\"";
    }
    return "";
  }
  if (ref.substr(0, 7) == "attack:") {
    std::string_view n = ref.substr(7);
    if (!IsDigits(n) || n.size() > 3 || n.front() == '0' ||
        std::stoul(std::string(n)) > kMaxAttack) {
      return "attacks.md has rows 1-" + std::to_string(kMaxAttack);
    }
    return "";
  }
  return "a ref is \"RFC<number> <section>\", \"checklist:<row>\", \"CVE-YYYY-NNNN\" or "
         "\"attack:<row>\"";
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// Nesting depth of a JSON text (brackets outside strings); stops counting past `limit`.
int JsonNesting(std::string_view text, int limit) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

// Nesting depth of a CBOR item, walked without recursion (nlohmann's CBOR reader recurses,
// so a deep input must be refused before it gets there). Malformed input returns 0: the
// real reader reports it.
int CborNesting(ByteView in, int limit) {
  constexpr uint64_t kIndefinite = UINT64_MAX;
  std::vector<uint64_t> pending = {1};  // items still expected at each open level
  size_t pos = 0;
  int max_depth = 0;
  while (!pending.empty()) {
    if (pending.back() == 0) {
      pending.pop_back();
      continue;
    }
    if (pos >= in.size()) return 0;
    uint8_t initial = in[pos++];
    if (pending.back() == kIndefinite && initial == 0xff) {
      pending.pop_back();
      continue;
    }
    if (pending.back() != kIndefinite) --pending.back();
    const uint8_t major = initial >> 5;
    const uint8_t info = initial & 31;
    uint64_t argument = info;
    bool indefinite = false;
    if (info >= 24 && info <= 27) {
      size_t width = size_t{1} << (info - 24);
      if (in.size() - pos < width) return 0;
      argument = 0;
      for (size_t i = 0; i < width; ++i) argument = argument << 8 | in[pos++];
    } else if (info == 31) {
      indefinite = true;
    } else if (info > 27) {
      return 0;
    }
    uint64_t children = 0;
    switch (major) {
      case 2:
      case 3:
        if (indefinite) {
          children = kIndefinite;
        } else {
          if (in.size() - pos < argument) return 0;
          pos += argument;
          continue;
        }
        break;
      case 4:
        children = indefinite ? kIndefinite : argument;
        break;
      case 5:
        if (!indefinite && argument > UINT64_MAX / 4) return 0;
        children = indefinite ? kIndefinite : 2 * argument;
        break;
      case 6:  // a tag wraps the next item
        if (pending.back() != kIndefinite) ++pending.back();
        continue;
      default:
        continue;
    }
    if (children == 0) continue;
    if (children != kIndefinite && children > in.size() - pos) return 0;
    pending.push_back(children);
    max_depth = std::max(max_depth, static_cast<int>(pending.size()) - 1);
    if (max_depth > limit) return max_depth;
  }
  return max_depth;
}

// Finds the first duplicate key while nlohmann parses (it would keep the last silently).
class DuplicateKeyFinder {
 public:
  bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        stack_.push_back({event == Json::parse_event_t::array_start, 0, NextPath(), "", {}});
        break;
      case Json::parse_event_t::key: {
        Frame& top = stack_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second && !duplicate_) {
          duplicate_ = Child(top.path, top.key);
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack_.pop_back();
        ValueDone();
        break;
      case Json::parse_event_t::value:
        ValueDone();
        break;
    }
    return true;
  }
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool is_array;
    size_t index;
    std::string path;
    std::string key;
    std::set<std::string> keys;
  };
  std::string NextPath() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    return top.is_array ? Child(top.path, top.index) : Child(top.path, top.key);
  }
  void ValueDone() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().index;
  }
  std::vector<Frame> stack_;
  std::optional<std::string> duplicate_;
};

// ---- The validating parser ----

std::string_view RoleName(Side role) {
  return role == Side::kServer ? "server" : "client";
}

class VectorParser {
 public:
  explicit VectorParser(std::string file) : file_(std::move(file)) {}

  std::optional<Scenario> Parse(const Json& doc);
  const LoadError& error() const { return *error_; }

  bool Fail(const std::string& path, std::string reason) {
    if (!error_) error_ = LoadError{file_, path, std::move(reason)};
    return false;
  }

 private:
  bool CheckKeys(const Json& j, const std::string& path, KeySetId id, std::string_view what);
  bool Require(const Json& j, const std::string& path, std::string_view key);

  bool GetString(const Json& j, const std::string& path, std::string* out);
  bool GetBool(const Json& j, const std::string& path, bool* out);
  bool GetUint(const Json& j, const std::string& path, uint64_t min, uint64_t max, uint64_t* out);
  bool GetInt(const Json& j, const std::string& path, int64_t min, int64_t max, int64_t* out);
  bool GetHex(const Json& j, const std::string& path, Bytes* out);
  bool GetChoice(const Json& j, const std::string& path,
                 const std::vector<std::string_view>& choices, std::string* out);
  bool GetRegistryValue(const Json& j, const std::string& path, Registry registry, uint64_t max,
                        uint64_t* out);
  bool GetRegistryList(const Json& j, const std::string& path, Registry registry, bool allow_empty,
                       std::vector<uint64_t>* out);
  bool GetVersion(const Json& j, const std::string& path, uint64_t* out);
  bool GetBytesXor(const Json& j, const std::string& path, BytesXor* out);
  bool GetFieldValue(const FieldSpec& spec, const Json& j, const std::string& path, bool in_check,
                     FieldValue* out);
  bool GetEdits(MessageName message, const Json& j, const std::string& path, bool in_check,
                std::vector<FieldEdit>* out);
  bool GetMessage(const Json& j, const std::string& path, MessageName* out);

  bool ParsePeer(const Json& j, const std::string& path, PeerConfig* out);
  bool ParseTarget(const Json& j, const std::string& path, TargetConfig* out);
  bool ParseSteps(const Json& j, const std::string& path, std::vector<Step>* out);
  bool ParseStep(const Json& j, const std::string& path, Step* out);
  bool ParseSend(const Json& j, const std::string& path, SendStep* out);
  bool ParseExpect(const Json& j, const std::string& path, Expectation* out);
  bool ParseExpectedMessages(const Json& j, const std::string& path, std::vector<MessageName>* out);
  bool CheckOrder(const ConnectionScript& connection);

  std::string file_;
  std::optional<LoadError> error_;
  Side role_ = Side::kServer;
};

bool VectorParser::CheckKeys(const Json& j, const std::string& path, KeySetId id,
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

bool VectorParser::Require(const Json& j, const std::string& path, std::string_view key) {
  if (j.contains(std::string(key))) return true;
  return Fail(path, "missing key " + Quote(key));
}

bool VectorParser::GetString(const Json& j, const std::string& path, std::string* out) {
  if (!j.is_string()) return Fail(path, "expected a string, got " + TypeName(j));
  *out = j.get<std::string>();
  return true;
}

bool VectorParser::GetBool(const Json& j, const std::string& path, bool* out) {
  if (!j.is_boolean()) return Fail(path, "expected true or false, got " + TypeName(j));
  *out = j.get<bool>();
  return true;
}

bool VectorParser::GetUint(const Json& j, const std::string& path, uint64_t min, uint64_t max,
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

bool VectorParser::GetInt(const Json& j, const std::string& path, int64_t min, int64_t max,
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

bool VectorParser::GetHex(const Json& j, const std::string& path, Bytes* out) {
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

bool VectorParser::GetChoice(const Json& j, const std::string& path,
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

bool VectorParser::GetRegistryValue(const Json& j, const std::string& path, Registry registry,
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

bool VectorParser::GetRegistryList(const Json& j, const std::string& path, Registry registry,
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

bool VectorParser::GetVersion(const Json& j, const std::string& path, uint64_t* out) {
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

bool VectorParser::GetBytesXor(const Json& j, const std::string& path, BytesXor* out) {
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

bool VectorParser::GetFieldValue(const FieldSpec& spec, const Json& j, const std::string& path,
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
        if (!CheckKeys(j, path, kXorValueKeys, "a field value")) return false;
        if (!Require(j, path, "xor")) return false;
        BytesXor x;
        if (!GetBytesXor(j["xor"], Child(path, "xor"), &x)) return false;
        out->value = std::move(x);
        return true;
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
      if (!j.is_string()) return Fail(path, "expected a hex body or null, got " + TypeName(j));
      if (!GetHex(j, path, &bytes)) return false;
      out->value = std::move(bytes);
      return true;
  }
  return Fail(path, "internal: unhandled field type");
}

// "extensions.0x0017" -> "extensions.extended_master_secret"; "extensions.0x1A" ->
// "extensions.0x001a". Other names are returned as they are.
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

std::vector<std::string_view> FieldNamesOf(MessageName message) {
  std::vector<std::string_view> names;
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (spec.message == message) names.push_back(spec.field);
  }
  return names;
}

bool VectorParser::GetEdits(MessageName message, const Json& j, const std::string& path,
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

bool VectorParser::GetMessage(const Json& j, const std::string& path, MessageName* out) {
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

bool VectorParser::ParsePeer(const Json& j, const std::string& path, PeerConfig* out) {
  if (!CheckKeys(j, path, kPeerKeys, "peer")) return false;
  std::vector<uint64_t> list;
  if (j.contains("cipher_suites")) {
    if (!GetRegistryList(j["cipher_suites"], Child(path, "cipher_suites"), Registry::kCipherSuite,
                         false, &list)) {
      return false;
    }
    out->cipher_suites.assign(list.begin(), list.end());
  }
  if (j.contains("groups")) {
    if (!GetRegistryList(j["groups"], Child(path, "groups"), Registry::kNamedGroup, false, &list)) {
      return false;
    }
    out->groups.clear();
    for (uint64_t v : list) out->groups.push_back(static_cast<NamedGroup>(v));
  }
  if (j.contains("signature_schemes")) {
    if (!GetRegistryList(j["signature_schemes"], Child(path, "signature_schemes"),
                         Registry::kSignatureScheme, false, &list)) {
      return false;
    }
    out->signature_schemes.clear();
    for (uint64_t v : list) out->signature_schemes.push_back(static_cast<SignatureScheme>(v));
  }
  if (j.contains("certificate") && !GetChoice(j["certificate"], Child(path, "certificate"),
                                              {"rsa", "ecdsa", "none"}, &out->certificate)) {
    return false;
  }
  if (j.contains("extended_master_secret") &&
      !GetBool(j["extended_master_secret"], Child(path, "extended_master_secret"),
               &out->extended_master_secret)) {
    return false;
  }
  if (j.contains("renegotiation_info") &&
      !GetBool(j["renegotiation_info"], Child(path, "renegotiation_info"),
               &out->renegotiation_info)) {
    return false;
  }
  if (j.contains("session_ticket") &&
      !GetBool(j["session_ticket"], Child(path, "session_ticket"), &out->session_ticket)) {
    return false;
  }
  if (j.contains("server_name")) {
    if (!GetString(j["server_name"], Child(path, "server_name"), &out->server_name)) return false;
    if (out->server_name.size() > kMaxServerName) {
      return Fail(Child(path, "server_name"), "longer than 255 bytes");
    }
  }
  if (j.contains("version")) {
    uint64_t v = 0;
    if (!GetVersion(j["version"], Child(path, "version"), &v)) return false;
    out->version = static_cast<ProtocolVersion>(v);
  }
  return true;
}

bool VectorParser::ParseTarget(const Json& j, const std::string& path, TargetConfig* out) {
  if (!CheckKeys(j, path, kTargetKeys, "target")) return false;
  if (j.contains("certificate")) {
    if (!GetChoice(j["certificate"], Child(path, "certificate"), {"rsa", "ecdsa", "none"},
                   &out->certificate)) {
      return false;
    }
    if (out->certificate == "none" && role_ == Side::kServer) {
      return Fail(Child(path, "certificate"),
                  "a server target needs a certificate (\"rsa\" or \"ecdsa\"); \"none\" is for "
                  "client targets without a client certificate");
    }
  }
  if (j.contains("client_auth")) {
    if (!GetChoice(j["client_auth"], Child(path, "client_auth"), {"none", "optional", "required"},
                   &out->client_auth)) {
      return false;
    }
    if (out->client_auth != "none" && role_ == Side::kClient) {
      return Fail(Child(path, "client_auth"),
                  "client_auth configures a server target; for a client target, the peer "
                  "server sends CertificateRequest");
    }
  }
  if (j.contains("cipher_suites")) {
    std::vector<uint64_t> list;
    if (!GetRegistryList(j["cipher_suites"], Child(path, "cipher_suites"), Registry::kCipherSuite,
                         false, &list)) {
      return false;
    }
    out->cipher_suites.assign(list.begin(), list.end());
  }
  if (j.contains("session_tickets") &&
      !GetBool(j["session_tickets"], Child(path, "session_tickets"), &out->session_tickets)) {
    return false;
  }
  if (j.contains("extended_master_secret") &&
      !GetChoice(j["extended_master_secret"], Child(path, "extended_master_secret"),
                 {"enabled", "required", "disabled"}, &out->extended_master_secret)) {
    return false;
  }
  return true;
}

bool VectorParser::ParseSend(const Json& j, const std::string& path, SendStep* out) {
  if (!CheckKeys(j, path, kSendStepKeys, "a send step")) return false;
  if (!GetMessage(j["send"], Child(path, "send"), &out->message)) return false;
  const MessageName m = out->message;
  const std::string name(MessageNameString(m));

  if (m == MessageName::kRaw) {
    // Raw bytes go to the wire as they are: nothing to edit, frame or protect.
    for (std::string_view key : {"set", "corrupt", "fragment", "coalesce", "record_type",
                                 "record_version", "protect", "corrupt_record", "data"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), "Raw bytes are written to the wire as they are; " +
                                          Quote(key) +
                                          " does not apply (write the bytes you "
                                          "want in \"hex\")");
      }
    }
    if (!Require(j, path, "hex")) return false;
    if (!GetHex(j["hex"], Child(path, "hex"), &out->raw)) return false;
    if (out->raw.empty()) return Fail(Child(path, "hex"), "a Raw step sends at least one byte");
  } else if (m == MessageName::kApplicationData) {
    if (j.contains("hex") && j.contains("data")) {
      return Fail(path, "give the payload as \"data\" (text) or \"hex\", not both");
    }
    if (j.contains("hex") && !GetHex(j["hex"], Child(path, "hex"), &out->raw)) return false;
    if (j.contains("data")) {
      std::string text;
      if (!GetString(j["data"], Child(path, "data"), &text)) return false;
      out->raw.assign(text.begin(), text.end());
    }
  } else {
    for (std::string_view key : {"hex", "data"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), Quote(key) + " is only for Raw and ApplicationData; change " +
                                          name + " with \"set\" or \"corrupt\"");
      }
    }
  }

  if (j.contains("set") && !GetEdits(m, j["set"], Child(path, "set"), false, &out->set)) {
    return false;
  }
  if (m == MessageName::kAlert &&
      std::none_of(out->set.begin(), out->set.end(),
                   [](const FieldEdit& e) { return e.field == "description"; })) {
    return Fail(path,
                "an Alert send needs \"set\": {\"description\": ...} (and \"level\", "
                "fatal by default)");
  }

  if (j.contains("corrupt")) {
    const std::string cpath = Child(path, "corrupt");
    const Json& c = j["corrupt"];
    if (!CheckKeys(c, cpath, kCorruptKeys, "corrupt")) return false;
    if (c.empty()) return Fail(cpath, "corrupt needs at least one of xor, truncate, append");
    if (c.contains("xor")) {
      BytesXor x;
      if (!GetBytesXor(c["xor"], Child(cpath, "xor"), &x)) return false;
      out->corrupt.xor_bytes = std::move(x);
    }
    if (c.contains("truncate")) {
      uint64_t n = 0;
      if (!GetUint(c["truncate"], Child(cpath, "truncate"), 0, kMaxTruncate, &n)) return false;
      out->corrupt.truncate = static_cast<size_t>(n);
    }
    if (c.contains("append")) {
      if (!GetHex(c["append"], Child(cpath, "append"), &out->corrupt.append)) return false;
      if (out->corrupt.append.empty()) {
        return Fail(Child(cpath, "append"), "nothing to append (leave the key out)");
      }
    }
  }

  uint64_t n = 0;
  if (j.contains("fragment")) {
    if (!GetUint(j["fragment"], Child(path, "fragment"), 1, kMaxFragment, &n)) return false;
    out->record.fragment = static_cast<size_t>(n);
  }
  if (j.contains("coalesce") &&
      !GetBool(j["coalesce"], Child(path, "coalesce"), &out->record.coalesce_with_next)) {
    return false;
  }
  if (out->record.coalesce_with_next && out->record.fragment) {
    return Fail(Child(path, "coalesce"),
                "a step either fragments its message or coalesces it with the next, not both");
  }
  if (j.contains("record_type")) {
    if (!GetRegistryValue(j["record_type"], Child(path, "record_type"), Registry::kContentType,
                          0xff, &n)) {
      return false;
    }
    out->record.content_type = static_cast<uint8_t>(n);
  }
  if (j.contains("record_version")) {
    if (!GetVersion(j["record_version"], Child(path, "record_version"), &n)) return false;
    out->record.version = static_cast<uint16_t>(n);
  }
  if (j.contains("protect")) {
    bool protect = false;
    if (!GetBool(j["protect"], Child(path, "protect"), &protect)) return false;
    out->record.protect = protect;
  }
  if (j.contains("corrupt_record")) {
    const std::string cpath = Child(path, "corrupt_record");
    const Json& c = j["corrupt_record"];
    if (!CheckKeys(c, cpath, kXorValueKeys, "corrupt_record")) return false;
    if (!c.contains("xor")) return Fail(cpath, "corrupt_record needs \"xor\"");
    BytesXor x;
    if (!GetBytesXor(c["xor"], Child(cpath, "xor"), &x)) return false;
    out->record.corrupt_record = std::move(x);
  }
  if (j.contains("repeat")) {
    if (!GetUint(j["repeat"], Child(path, "repeat"), 1, kMaxRepeat, &n)) return false;
    out->repeat = static_cast<int>(n);
  }
  return true;
}

bool VectorParser::ParseExpectedMessages(const Json& j, const std::string& path,
                                         std::vector<MessageName>* out) {
  if (!j.is_array()) return Fail(path, "expected an array of message names, got " + TypeName(j));
  if (j.empty()) return Fail(path, "expects no message; list at least one");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string item_path = Child(path, i);
    MessageName m;
    if (!GetMessage(j[i], item_path, &m)) return false;
    if (m == MessageName::kRaw) {
      return Fail(item_path, "Raw is send-only: the peer decodes what the target sends");
    }
    if (m == MessageName::kAlert) {
      return Fail(item_path, "expect an alert with {\"alert\": [names]}, not as a message");
    }
    if (!SentBy(role_, m)) {
      return Fail(item_path, "a " + std::string(RoleName(role_)) + " never sends " +
                                 std::string(MessageNameString(m)) +
                                 " (RFC 5246 7.4): the target cannot be expected to");
    }
    out->push_back(m);
  }
  return true;
}

bool VectorParser::ParseExpect(const Json& j, const std::string& path, Expectation* out) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>() == "close") {
      out->close = true;
      return true;
    }
    std::string hint;
    if (ParseMessageName(j.get_ref<const std::string&>())) {
      hint = "; for one message write [" + Quote(j.get_ref<const std::string&>()) + "]";
    }
    return Fail(path, "unknown expectation " + Show(j) +
                          ": write \"close\", a list of messages, or an object" + hint);
  }
  if (j.is_array()) return ParseExpectedMessages(j, path, &out->messages);
  if (!CheckKeys(j, path, kExpectationKeys, "an expectation")) return false;

  const bool messages = j.contains("messages");
  const bool alert = j.contains("alert");
  const bool silence = j.contains("silence_ms");
  if (static_cast<int>(messages) + alert + silence != 1) {
    return Fail(path, messages + alert + silence == 0
                          ? "an expectation needs one of \"messages\", \"alert\", \"silence_ms\""
                          : "an expectation has exactly one of \"messages\", \"alert\", "
                            "\"silence_ms\"");
  }
  if (!messages && j.contains("optional")) {
    return Fail(Child(path, "optional"), "\"optional\" names some of \"messages\"");
  }
  if (!messages && j.contains("check")) {
    return Fail(Child(path, "check"), "\"check\" applies to the first of \"messages\"");
  }
  if (!alert) {
    for (std::string_view key : {"or_close", "level"}) {
      if (j.contains(std::string(key))) {
        return Fail(Child(path, key), Quote(key) + " qualifies an \"alert\" expectation");
      }
    }
  }
  if (messages) {
    if (!ParseExpectedMessages(j["messages"], Child(path, "messages"), &out->messages)) {
      return false;
    }
    if (j.contains("check") &&
        !GetEdits(out->messages.front(), j["check"], Child(path, "check"), true, &out->check)) {
      return false;
    }
    if (j.contains("optional")) {
      const std::string opath = Child(path, "optional");
      std::vector<MessageName> names;
      if (!ParseExpectedMessages(j["optional"], opath, &names)) return false;
      for (size_t i = 0; i < names.size(); ++i) {
        const std::vector<MessageName>& m = out->messages;
        auto at = std::find(m.begin(), m.end(), names[i]);
        if (at == m.end()) {
          return Fail(Child(opath, i), Quote(MessageNameString(names[i])) +
                                           " is not one of the expected \"messages\"");
        }
        if (at == m.begin() || at + 1 == m.end()) {
          return Fail(Child(opath, i),
                      Quote(MessageNameString(names[i])) +
                          " is the first or the last expected message: only a message "
                          "between two required ones can be optional");
        }
        if (!out->optional.insert(names[i]).second) {
          return Fail(Child(opath, i), Quote(MessageNameString(names[i])) + " is listed twice");
        }
      }
    }
    return true;
  }
  if (silence) {
    uint64_t ms = 0;
    if (!GetUint(j["silence_ms"], Child(path, "silence_ms"), 1, kMaxSilenceMs, &ms)) return false;
    out->silence_ms = static_cast<int>(ms);
    return true;
  }
  const std::string apath = Child(path, "alert");
  const Json& a = j["alert"];
  if (!a.is_array()) {
    return Fail(apath, "expected a list of alert names, got " + TypeName(a));
  }
  if (a.empty()) return Fail(apath, "no alert listed; for a bare close write \"close\"");
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t v = 0;
    if (!GetRegistryValue(a[i], Child(apath, i), Registry::kAlertDescription, 0xff, &v)) {
      return false;
    }
    // RFC 5246 7.2.2: these MUST NOT be sent (checklist 11), so no vector may expect them.
    if (v == 21 || v == 41 || v == 60) {
      return Fail(Child(apath, i), std::string(*AlertName(static_cast<uint8_t>(v))) +
                                       " must never be sent (RFC 5246 7.2.2, checklist:11)");
    }
    if (!out->alerts.insert(static_cast<AlertDescription>(v)).second) {
      return Fail(Child(apath, i), "alert listed twice");
    }
  }
  if (j.contains("or_close") && !GetBool(j["or_close"], Child(path, "or_close"), &out->close)) {
    return false;
  }
  if (j.contains("level")) {
    std::string level;
    if (!GetChoice(j["level"], Child(path, "level"), {"fatal", "warning"}, &level)) return false;
    out->alert_level = level == "fatal" ? AlertLevel::kFatal : AlertLevel::kWarning;
  }
  return true;
}

bool VectorParser::ParseStep(const Json& j, const std::string& path, Step* out) {
  if (!j.is_object()) return Fail(path, "a step must be an object, got " + TypeName(j));
  const bool send = j.contains("send");
  const bool expect = j.contains("expect");
  if (send && expect) return Fail(path, "a step either sends or expects, not both");
  if (!send && !expect) {
    for (const auto& item : j.items()) {
      // A misspelt "send"/"expect" gets a hint; "set" or "comment" are fine keys, just alone.
      const auto& send_keys = Keys(kSendStepKeys);
      if (std::find(send_keys.begin(), send_keys.end(), item.key()) != send_keys.end()) continue;
      std::string hint = Suggest(item.key(), {"send", "expect"});
      if (!hint.empty())
        return Fail(Child(path, item.key()), "unknown key " + Quote(item.key()) + hint);
    }
    return Fail(path, "a step needs \"send\" or \"expect\"");
  }
  if (j.contains("comment") && !GetString(j["comment"], Child(path, "comment"), &out->comment)) {
    return false;
  }
  out->json_path = path;
  if (send) {
    SendStep step;
    if (!ParseSend(j, path, &step)) return false;
    out->action = std::move(step);
    return true;
  }
  if (!CheckKeys(j, path, kExpectStepKeys, "an expect step")) return false;
  Expectation expectation;
  if (!ParseExpect(j["expect"], Child(path, "expect"), &expectation)) return false;
  out->action = std::move(expectation);
  return true;
}

bool VectorParser::ParseSteps(const Json& j, const std::string& path, std::vector<Step>* out) {
  if (!j.is_array()) return Fail(path, "steps must be an array, got " + TypeName(j));
  if (j.empty()) return Fail(path, "no steps");
  for (size_t i = 0; i < j.size(); ++i) {
    Step step;
    if (!ParseStep(j[i], Child(path, i), &step)) return false;
    out->push_back(std::move(step));
  }
  return true;
}

bool VectorParser::CheckOrder(const ConnectionScript& connection) {
  const std::vector<Step>& steps = connection.steps;
  const Step& first = steps.front();
  if (role_ == Side::kServer && !std::holds_alternative<SendStep>(first.action)) {
    return Fail(first.json_path,
                "the target is a server: it speaks only after the peer does, so a connection "
                "starts with a send step (normally ClientHello)");
  }
  if (role_ == Side::kClient) {
    const auto* e = std::get_if<Expectation>(&first.action);
    if (e == nullptr || e->messages.empty() || e->messages.front() != MessageName::kClientHello) {
      return Fail(first.json_path,
                  "the target is a client: it speaks first, so a connection starts with "
                  "{\"expect\": [\"ClientHello\", ...]}");
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (const auto* send = std::get_if<SendStep>(&steps[i].action)) {
      if (!send->record.coalesce_with_next) continue;
      const SendStep* next =
          i + 1 < steps.size() ? std::get_if<SendStep>(&steps[i + 1].action) : nullptr;
      if (next == nullptr || next->message == MessageName::kRaw) {
        return Fail(Child(steps[i].json_path, "coalesce"),
                    "coalesce shares a record with the next step, which must be a send of a "
                    "message (not Raw)");
      }
      continue;
    }
    const auto& e = std::get<Expectation>(steps[i].action);
    const bool ends = (e.messages.empty() && e.alerts.empty() && e.close && !e.silence_ms) ||
                      (!e.alerts.empty() && e.alert_level == AlertLevel::kFatal);
    if (ends && i + 1 < steps.size()) {
      return Fail(steps[i + 1].json_path,
                  "step after the connection closed (the step before expects a close or a "
                  "fatal alert); start another connection for more");
    }
  }
  return true;
}

std::optional<Scenario> VectorParser::Parse(const Json& doc) {
  Scenario s;
  s.source = file_;
  s.topic = TopicForPath(file_);
  if (!doc.is_object()) {
    Fail("", "a vector is a JSON object, got " + TypeName(doc));
    return std::nullopt;
  }
  if (!CheckKeys(doc, "", kVectorKeys, "the vector")) return std::nullopt;
  for (std::string_view key : {"id", "title", "refs", "target_role"}) {
    if (!Require(doc, "", key)) return std::nullopt;
  }
  if (doc.contains("$schema")) {
    std::string ignored;
    if (!GetString(doc["$schema"], "/$schema", &ignored)) return std::nullopt;
  }
  if (!GetString(doc["id"], "/id", &s.id)) return std::nullopt;
  if (!ValidId(s.id)) {
    Fail("/id", "an id is 1-128 characters of a-z 0-9 . _ - (got " + Quote(s.id) + ")");
    return std::nullopt;
  }
  if (!GetString(doc["title"], "/title", &s.title)) return std::nullopt;
  if (s.title.empty()) {
    Fail("/title", "the title is empty");
    return std::nullopt;
  }
  const Json& refs = doc["refs"];
  if (!refs.is_array()) {
    Fail("/refs", "refs must be an array of strings, got " + TypeName(refs));
    return std::nullopt;
  }
  if (refs.empty()) {
    Fail("/refs", "a vector needs at least one ref (RFC section, checklist row, CVE, attack)");
    return std::nullopt;
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string ref;
    if (!GetString(refs[i], Child("/refs", i), &ref)) return std::nullopt;
    std::string problem = CheckRef(ref);
    if (!problem.empty()) {
      Fail(Child("/refs", i), "bad ref " + Quote(ref) + ": " + problem);
      return std::nullopt;
    }
    if (std::find(s.refs.begin(), s.refs.end(), ref) != s.refs.end()) {
      Fail(Child("/refs", i), "ref " + Quote(ref) + " is listed twice");
      return std::nullopt;
    }
    s.refs.push_back(ref);
  }
  std::string role;
  if (!GetChoice(doc["target_role"], "/target_role", {"server", "client"}, &role)) {
    return std::nullopt;
  }
  s.role = role == "server" ? Side::kServer : Side::kClient;
  role_ = s.role;
  if (doc.contains("notes") && !GetString(doc["notes"], "/notes", &s.notes)) return std::nullopt;
  if (doc.contains("peer") && !ParsePeer(doc["peer"], "/peer", &s.peer)) return std::nullopt;
  if (doc.contains("target") && !ParseTarget(doc["target"], "/target", &s.target)) {
    return std::nullopt;
  }

  const bool single = doc.contains("steps");
  const bool multi = doc.contains("connections");
  if (single == multi) {
    Fail("", single ? "give \"steps\" (one connection) or \"connections\", not both"
                    : "missing key \"steps\" (or \"connections\")");
    return std::nullopt;
  }
  if (single) {
    ConnectionScript connection;
    if (!ParseSteps(doc["steps"], "/steps", &connection.steps)) return std::nullopt;
    if (!CheckOrder(connection)) return std::nullopt;
    s.connections.push_back(std::move(connection));
  } else {
    const Json& list = doc["connections"];
    if (!list.is_array()) {
      Fail("/connections", "connections must be an array, got " + TypeName(list));
      return std::nullopt;
    }
    if (list.empty()) {
      Fail("/connections", "no connections");
      return std::nullopt;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string cpath = Child("/connections", i);
      ConnectionScript connection;
      if (!CheckKeys(list[i], cpath, kConnectionKeys, "a connection")) return std::nullopt;
      if (!Require(list[i], cpath, "steps")) return std::nullopt;
      if (list[i].contains("resume") &&
          !GetBool(list[i]["resume"], Child(cpath, "resume"), &connection.resume)) {
        return std::nullopt;
      }
      if (i == 0 && connection.resume) {
        Fail(Child(cpath, "resume"), "the first connection has no earlier session to resume");
        return std::nullopt;
      }
      if (!ParseSteps(list[i]["steps"], Child(cpath, "steps"), &connection.steps)) {
        return std::nullopt;
      }
      if (!CheckOrder(connection)) return std::nullopt;
      s.connections.push_back(std::move(connection));
    }
  }
  return s;
}

// ---- Whole documents ----

// Exactly one of the two.
struct Parsed {
  std::optional<Scenario> scenario;
  std::optional<LoadError> error;
};

Parsed ParseDocument(const Json& doc, const std::string& source_name) {
  VectorParser parser(source_name);
  Parsed out;
  out.scenario = parser.Parse(doc);
  if (!out.scenario) out.error = parser.error();
  return out;
}

Parsed ParseJsonText(std::string_view text, const std::string& source_name) {
  Parsed out;
  if (JsonNesting(text, kMaxNesting) > kMaxNesting) {
    out.error =
        LoadError{source_name, "", "nested deeper than " + std::to_string(kMaxNesting) + " levels"};
    return out;
  }
  DuplicateKeyFinder finder;
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), std::ref(finder));
  } catch (const std::exception& e) {
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    size_t bracket = what.find("] ");
    out.error =
        LoadError{source_name, "",
                  "invalid JSON: " +
                      Sanitize(bracket == std::string::npos ? what : what.substr(bracket + 2))};
    return out;
  }
  if (finder.duplicate()) {
    out.error = LoadError{source_name, *finder.duplicate(), "duplicate key"};
    return out;
  }
  return ParseDocument(doc, source_name);
}

Parsed ParseCborBytes(ByteView cbor, const std::string& source_name) {
  Parsed out;
  if (CborNesting(cbor, kMaxNesting) > kMaxNesting) {
    out.error =
        LoadError{source_name, "", "nested deeper than " + std::to_string(kMaxNesting) + " levels"};
    return out;
  }
  Json doc;
  try {
    doc = Json::from_cbor(cbor.begin(), cbor.end());
    // CBOR text strings are not checked for UTF-8 on the way in; JSON output needs it.
    (void)doc.dump();
  } catch (const std::exception& e) {
    std::string what = e.what();
    size_t bracket = what.find("] ");
    out.error =
        LoadError{source_name, "",
                  "invalid CBOR: " +
                      Sanitize(bracket == std::string::npos ? what : what.substr(bracket + 2))};
    return out;
  }
  return ParseDocument(doc, source_name);
}

Result<Scenario> ToResult(Parsed parsed) {
  if (parsed.scenario) return std::move(*parsed.scenario);
  return DecodeError(parsed.error->ToString());
}

Parsed ReadAndParse(const std::string& path) {
  Parsed out;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    out.error = LoadError{
        path, "", fs::exists(path, ec) ? "not a regular file" : "no such file or directory"};
    return out;
  }
  uint64_t size = fs::file_size(path, ec);
  if (ec) {
    out.error = LoadError{path, "", "cannot read: " + ec.message()};
    return out;
  }
  if (size > kMaxFileSize) {
    out.error = LoadError{path, "", "larger than 4 MiB; not a vector"};
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    out.error = LoadError{path, "", "cannot read the file"};
    return out;
  }
  return ParseJsonText(text, path);
}

// ---- Serialization ----

OJson RegistryJson(Registry registry, uint64_t value, bool small) {
  if (value <= 0xffff) {
    if (std::optional<std::string_view> name = NameOf(registry, static_cast<uint16_t>(value))) {
      return std::string(*name);
    }
  }
  if (small) return value;
  return Hex16(value);
}

OJson VersionJson(uint64_t value) { return RegistryJson(Registry::kProtocolVersion, value, false); }

OJson BytesXorJson(const BytesXor& x) {
  OJson j = OJson::object();
  j["hex"] = ToHex(x.mask);
  j["at"] = x.at;
  return j;
}

// A value as the field's type writes it. A value of another shape than the type (only a
// hand-built Scenario has one) is written as it is, so loading it back reports the mismatch.
OJson FieldValueJson(const FieldSpec* spec, const FieldValue& value) {
  const FieldType type = spec != nullptr ? spec->type : FieldType::kU32;
  auto scalar = [type](uint64_t v) -> OJson {
    switch (type) {
      case FieldType::kVersion:
        return VersionJson(v);
      case FieldType::kSuite:
      case FieldType::kSuiteList:
        return RegistryJson(Registry::kCipherSuite, v, false);
      case FieldType::kGroup:
        return RegistryJson(Registry::kNamedGroup, v, false);
      case FieldType::kScheme:
      case FieldType::kSchemeList:
        return RegistryJson(Registry::kSignatureScheme, v, false);
      case FieldType::kAlertName:
        return RegistryJson(Registry::kAlertDescription, v, true);
      case FieldType::kAlertLevel:
        if (v == 1) return "warning";
        if (v == 2) return "fatal";
        return v;
      default:
        return v;
    }
  };
  return std::visit(
      [&](const auto& v) -> OJson {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<V, uint64_t>) {
          return scalar(v);
        } else if constexpr (std::is_same_v<V, Bytes>) {
          return ToHex(v);
        } else if constexpr (std::is_same_v<V, std::vector<uint64_t>>) {
          OJson list = OJson::array();
          for (uint64_t item : v) list.push_back(scalar(item));
          return list;
        } else if constexpr (std::is_same_v<V, std::vector<Bytes>>) {
          OJson list = OJson::array();
          for (const Bytes& item : v) list.push_back(ToHex(item));
          return list;
        } else {
          OJson j = OJson::object();
          j["xor"] = BytesXorJson(v);
          return j;
        }
      },
      value.value);
}

OJson EditsJson(MessageName message, const std::vector<FieldEdit>& edits) {
  OJson j = OJson::object();
  for (const FieldEdit& edit : edits) {
    j[edit.field] = FieldValueJson(FindField(message, edit.field), edit.value);
  }
  return j;
}

bool Printable(const Bytes& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b >= 0x20 && b < 0x7f; });
}

OJson SendJson(const SendStep& s, const std::string& comment) {
  OJson j = OJson::object();
  j["send"] = std::string(MessageNameString(s.message));
  if (!comment.empty()) j["comment"] = comment;
  if (!s.set.empty()) j["set"] = EditsJson(s.message, s.set);
  const Corruption& c = s.corrupt;
  if (c.xor_bytes || c.truncate || !c.append.empty()) {
    OJson cj = OJson::object();
    if (c.xor_bytes) cj["xor"] = BytesXorJson(*c.xor_bytes);
    if (c.truncate) cj["truncate"] = *c.truncate;
    if (!c.append.empty()) cj["append"] = ToHex(c.append);
    j["corrupt"] = cj;
  }
  const RecordOptions& r = s.record;
  if (r.fragment) j["fragment"] = *r.fragment;
  if (r.coalesce_with_next) j["coalesce"] = true;
  if (r.content_type)
    j["record_type"] = RegistryJson(Registry::kContentType, *r.content_type, true);
  if (r.version) j["record_version"] = VersionJson(*r.version);
  if (r.protect) j["protect"] = *r.protect;
  if (r.corrupt_record) {
    OJson cj = OJson::object();
    cj["xor"] = BytesXorJson(*r.corrupt_record);
    j["corrupt_record"] = cj;
  }
  if (s.repeat != 1) j["repeat"] = s.repeat;
  if (s.message == MessageName::kRaw) {
    j["hex"] = ToHex(s.raw);
  } else if (!s.raw.empty()) {
    if (s.message == MessageName::kApplicationData && Printable(s.raw)) {
      j["data"] = std::string(s.raw.begin(), s.raw.end());
    } else {
      j["hex"] = ToHex(s.raw);
    }
  }
  return j;
}

OJson ExpectationJson(const Expectation& e) {
  auto names = [](const std::vector<MessageName>& messages) {
    OJson list = OJson::array();
    for (MessageName m : messages) list.push_back(std::string(MessageNameString(m)));
    return list;
  };
  const bool only_messages = !e.messages.empty() && e.optional.empty() && e.check.empty() &&
                             e.alerts.empty() &&
                             !e.close && !e.silence_ms && e.alert_level == AlertLevel::kFatal;
  if (only_messages) return names(e.messages);
  const bool only_close = e.messages.empty() && e.check.empty() && e.alerts.empty() && e.close &&
                          !e.silence_ms && e.alert_level == AlertLevel::kFatal;
  if (only_close) return "close";
  OJson j = OJson::object();
  if (!e.messages.empty()) j["messages"] = names(e.messages);
  if (!e.optional.empty()) {
    j["optional"] = names(std::vector<MessageName>(e.optional.begin(), e.optional.end()));
  }
  if (!e.check.empty()) {
    j["check"] = EditsJson(e.messages.empty() ? MessageName::kRaw : e.messages.front(), e.check);
  }
  if (!e.alerts.empty()) {
    OJson list = OJson::array();
    for (AlertDescription a : e.alerts) {
      list.push_back(RegistryJson(Registry::kAlertDescription, static_cast<uint8_t>(a), true));
    }
    j["alert"] = list;
  }
  if (e.alert_level != AlertLevel::kFatal) {
    j["level"] = e.alert_level == AlertLevel::kWarning ? OJson("warning")
                                                       : OJson(static_cast<int>(e.alert_level));
  }
  if (e.close) j["or_close"] = true;
  if (e.silence_ms) j["silence_ms"] = *e.silence_ms;
  return j;
}

OJson StepJson(const Step& step) {
  if (const auto* send = std::get_if<SendStep>(&step.action)) return SendJson(*send, step.comment);
  OJson j = OJson::object();
  j["expect"] = ExpectationJson(std::get<Expectation>(step.action));
  if (!step.comment.empty()) j["comment"] = step.comment;
  return j;
}

OJson SuitesJson(const std::vector<uint16_t>& suites) {
  OJson list = OJson::array();
  for (uint16_t s : suites) list.push_back(RegistryJson(Registry::kCipherSuite, s, false));
  return list;
}

OJson PeerJson(const PeerConfig& p) {
  const PeerConfig d;
  OJson j = OJson::object();
  if (!p.cipher_suites.empty()) j["cipher_suites"] = SuitesJson(p.cipher_suites);
  if (!p.groups.empty()) {
    OJson list = OJson::array();
    for (NamedGroup g : p.groups) {
      list.push_back(RegistryJson(Registry::kNamedGroup, static_cast<uint16_t>(g), false));
    }
    j["groups"] = list;
  }
  if (!p.signature_schemes.empty()) {
    OJson list = OJson::array();
    for (SignatureScheme s : p.signature_schemes) {
      list.push_back(RegistryJson(Registry::kSignatureScheme, static_cast<uint16_t>(s), false));
    }
    j["signature_schemes"] = list;
  }
  if (p.certificate != d.certificate) j["certificate"] = p.certificate;
  if (p.extended_master_secret != d.extended_master_secret) {
    j["extended_master_secret"] = p.extended_master_secret;
  }
  if (p.renegotiation_info != d.renegotiation_info) j["renegotiation_info"] = p.renegotiation_info;
  if (p.session_ticket != d.session_ticket) j["session_ticket"] = p.session_ticket;
  if (p.server_name != d.server_name) j["server_name"] = p.server_name;
  if (p.version != d.version) j["version"] = VersionJson(static_cast<uint16_t>(p.version));
  return j;
}

OJson TargetJson(const TargetConfig& t) {
  const TargetConfig d;
  OJson j = OJson::object();
  if (t.certificate != d.certificate) j["certificate"] = t.certificate;
  if (t.client_auth != d.client_auth) j["client_auth"] = t.client_auth;
  if (!t.cipher_suites.empty()) j["cipher_suites"] = SuitesJson(t.cipher_suites);
  if (t.session_tickets != d.session_tickets) j["session_tickets"] = t.session_tickets;
  if (t.extended_master_secret != d.extended_master_secret) {
    j["extended_master_secret"] = t.extended_master_secret;
  }
  return j;
}

OJson ScenarioJson(const Scenario& s) {
  OJson j = OJson::object();
  j["id"] = s.id;
  j["title"] = s.title;
  j["refs"] = s.refs;
  j["target_role"] = std::string(RoleName(s.role));
  if (!s.notes.empty()) j["notes"] = s.notes;
  OJson peer = PeerJson(s.peer);
  if (!peer.empty()) j["peer"] = peer;
  OJson target = TargetJson(s.target);
  if (!target.empty()) j["target"] = target;
  auto steps = [](const ConnectionScript& c) {
    OJson list = OJson::array();
    for (const Step& step : c.steps) list.push_back(StepJson(step));
    return list;
  };
  if (s.connections.size() == 1 && !s.connections[0].resume) {
    j["steps"] = steps(s.connections[0]);
  } else {
    OJson list = OJson::array();
    for (const ConnectionScript& c : s.connections) {
      OJson cj = OJson::object();
      if (c.resume) cj["resume"] = true;
      cj["steps"] = steps(c);
      list.push_back(cj);
    }
    j["connections"] = list;
  }
  return j;
}

// One line, with a space after ':' and ',' (nlohmann's compact form has none).
void WriteInline(const OJson& j, std::string* out) {
  if (j.is_object()) {
    *out += '{';
    bool first = true;
    for (const auto& item : j.items()) {
      if (!first) *out += ", ";
      first = false;
      *out += OJson(item.key()).dump(-1, ' ', false, OJson::error_handler_t::replace);
      *out += ": ";
      WriteInline(item.value(), out);
    }
    *out += '}';
  } else if (j.is_array()) {
    *out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i > 0) *out += ", ";
      WriteInline(j[i], out);
    }
    *out += ']';
  } else {
    *out += j.dump(-1, ' ', false, OJson::error_handler_t::replace);
  }
}

void WriteSteps(const OJson& steps, const std::string& indent, std::string* out) {
  *out += "[\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    *out += indent + "  ";
    WriteInline(steps[i], out);
    *out += i + 1 < steps.size() ? ",\n" : "\n";
  }
  *out += indent + "]";
}

}  // namespace

// ---- Public API ----

std::string LoadError::ToString() const {
  return file + (json_path.empty() ? "" : " at " + json_path) + ": " + reason;
}

size_t TreeLoad::loaded() const {
  return static_cast<size_t>(
      std::count_if(vectors.begin(), vectors.end(), [](const LoadedVector& v) { return v.ok(); }));
}

size_t TreeLoad::failed() const { return vectors.size() - loaded(); }

Result<Scenario> LoadScenarioFile(const std::string& path) { return ToResult(ReadAndParse(path)); }

Result<Scenario> ParseScenarioJson(std::string_view json_text, const std::string& source_name) {
  return ToResult(ParseJsonText(json_text, source_name));
}

Result<Scenario> ParseScenarioCbor(ByteView cbor, const std::string& source_name) {
  return ToResult(ParseCborBytes(cbor, source_name));
}

TreeLoad LoadScenarioTree(const std::vector<std::string>& paths) {
  TreeLoad tree;
  std::vector<std::string> files;
  auto is_vector_file = [](const fs::path& p) {
    const std::string name = p.filename().string();
    auto ends_with = [&name](std::string_view suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends_with(".json") && !ends_with(".schema.json");
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      size_t before = files.size();
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && is_vector_file(it->path())) {
          files.push_back(it->path().lexically_normal().string());
        }
      }
      if (ec) {
        tree.vectors.push_back({path, std::nullopt,
                                LoadError{path, "", "cannot walk the directory: " + ec.message()}});
      } else if (files.size() == before) {
        tree.vectors.push_back(
            {path, std::nullopt,
             LoadError{path, "", "no *.json vector files under this directory"}});
      }
    } else {
      // A named file is loaded whatever its name; a missing one is an error entry.
      files.push_back(fs::path(path).lexically_normal().string());
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const std::string& file : files) {
    Parsed parsed = ReadAndParse(file);
    tree.vectors.push_back({file, std::move(parsed.scenario), std::move(parsed.error)});
  }
  std::sort(tree.vectors.begin(), tree.vectors.end(),
            [](const LoadedVector& a, const LoadedVector& b) { return a.file < b.file; });

  // Ids name results and reproducers, so they must be unique across everything loaded.
  std::map<std::string, std::string> first_file_of_id;
  for (LoadedVector& v : tree.vectors) {
    if (!v.ok()) continue;
    auto [it, inserted] = first_file_of_id.emplace(v.scenario->id, v.file);
    if (inserted) continue;
    v.error =
        LoadError{v.file, "/id",
                  "duplicate id " + Quote(v.scenario->id) + ": " + it->second + " already uses it"};
    v.scenario.reset();
  }
  return tree;
}

std::string TopicForPath(const std::string& path) {
  std::vector<std::string> parts;
  for (const fs::path& part : fs::path(path).lexically_normal()) parts.push_back(part.string());
  // The last "vectors/conformance/<topic>/" with at least a file below the topic.
  for (size_t i = parts.size(); i-- > 1;) {
    if (parts[i - 1] == "vectors" && parts[i] == "conformance" && i + 2 < parts.size()) {
      return parts[i + 1];
    }
  }
  return "misc";
}

std::string SerializeScenarioJson(const Scenario& scenario) {
  const OJson doc = ScenarioJson(scenario);
  std::string out = "{\n";
  size_t index = 0;
  for (const auto& item : doc.items()) {
    out += "  " + OJson(item.key()).dump() + ": ";
    if (item.key() == "steps") {
      WriteSteps(item.value(), "  ", &out);
    } else if (item.key() == "connections") {
      out += "[\n";
      const OJson& list = item.value();
      for (size_t i = 0; i < list.size(); ++i) {
        out += "    {";
        if (list[i].contains("resume")) out += "\"resume\": true, ";
        out += "\"steps\": ";
        WriteSteps(list[i]["steps"], "    ", &out);
        out += i + 1 < list.size() ? "},\n" : "}\n";
      }
      out += "  ]";
    } else {
      WriteInline(item.value(), &out);
    }
    out += ++index < doc.size() ? ",\n" : "\n";
  }
  out += "}\n";
  return out;
}

Bytes SerializeScenarioCbor(const Scenario& scenario) {
  std::vector<uint8_t> cbor = OJson::to_cbor(ScenarioJson(scenario));
  return Bytes(cbor.begin(), cbor.end());
}

const std::vector<KeySet>& ScenarioKeySets() { return KeySets(); }

const std::vector<std::string_view>& ChecklistRows() { return ChecklistRowList(); }

std::string_view FieldTypeJson(FieldType type) {
  switch (type) {
    case FieldType::kVersion:
      return "version: `\"TLSv1.2\"` or `\"0x0303\"`";
    case FieldType::kRandom:
      return "64 hex digits";
    case FieldType::kBytes:
      return "hex, or `{\"xor\": {\"hex\": mask, \"at\": N}}`";
    case FieldType::kU8:
      return "integer 0..255";
    case FieldType::kU16:
      return "integer 0..65535";
    case FieldType::kU32:
      return "integer 0..2^32-1";
    case FieldType::kSuiteList:
      return "[suite, ...]";
    case FieldType::kSuite:
      return "suite: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kGroup:
      return "group: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kScheme:
      return "scheme: IANA name, integer or `\"0xNNNN\"`";
    case FieldType::kSchemeList:
      return "[scheme, ...]";
    case FieldType::kU8List:
      return "[integer 0..255, ...]";
    case FieldType::kBytesList:
      return "[hex, ...]";
    case FieldType::kAlertName:
      return "alert: IANA name or integer";
    case FieldType::kAlertLevel:
      return "`\"warning\"`, `\"fatal\"` or integer";
    case FieldType::kExtension:
      return "hex body, or null";
  }
  return "?";
}

std::string FieldCatalogueMarkdown() {
  std::string out = "| message | field | JSON value | meaning |\n| --- | --- | --- | --- |\n";
  for (const FieldSpec& spec : FieldCatalogue()) {
    out += "| " + std::string(MessageNameString(spec.message)) + " | `" + std::string(spec.field) +
           "` | " + std::string(FieldTypeJson(spec.type)) + " | " + std::string(spec.meaning) +
           " |\n";
  }
  return out;
}

}  // namespace shakedown
