#include "harness/scenario/guards.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <system_error>
#include <vector>

#include "harness/scenario/json_text.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

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

// nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
// without the bracketed id, on one bounded line.
std::string ReaderMessage(const std::exception& e) {
  std::string what = e.what();
  size_t bracket = what.find("] ");
  return Sanitize(bracket == std::string::npos ? what : what.substr(bracket + 2));
}

LoadError TooDeep(const std::string& source_name) {
  return LoadError{source_name, "",
                   "nested deeper than " + std::to_string(kMaxNesting) + " levels"};
}

}  // namespace

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

// nlohmann's CBOR reader recurses, so a deep input must be refused before it gets there.
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

std::optional<LoadError> ParseGuardedJson(std::string_view text, const std::string& source_name,
                                          Json* doc) {
  if (JsonNesting(text, kMaxNesting) > kMaxNesting) return TooDeep(source_name);
  DuplicateKeyFinder finder;
  try {
    *doc = Json::parse(text.begin(), text.end(), std::ref(finder));
  } catch (const std::exception& e) {
    return LoadError{source_name, "", "invalid JSON: " + ReaderMessage(e)};
  }
  if (finder.duplicate()) return LoadError{source_name, *finder.duplicate(), "duplicate key"};
  return std::nullopt;
}

std::optional<LoadError> ParseGuardedCbor(ByteView cbor, const std::string& source_name,
                                          Json* doc) {
  if (CborNesting(cbor, kMaxNesting) > kMaxNesting) return TooDeep(source_name);
  try {
    *doc = Json::from_cbor(cbor.begin(), cbor.end());
    // CBOR text strings are not checked for UTF-8 on the way in; JSON output needs it.
    (void)doc->dump();
  } catch (const std::exception& e) {
    return LoadError{source_name, "", "invalid CBOR: " + ReaderMessage(e)};
  }
  return std::nullopt;
}

std::optional<LoadError> ReadVectorText(const std::string& path, std::string* text) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return LoadError{path, "",
                     fs::exists(path, ec) ? "not a regular file" : "no such file or directory"};
  }
  uint64_t size = fs::file_size(path, ec);
  if (ec) return LoadError{path, "", "cannot read: " + ec.message()};
  if (size > kMaxFileSize) return LoadError{path, "", "larger than 4 MiB; not a vector"};
  std::ifstream in(path, std::ios::binary);
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return LoadError{path, "", "cannot read the file"};
  return std::nullopt;
}

}  // namespace shakedown
