// Typed values out of a parsed JSON document, each checked against the language: strings,
// booleans, ranged integers, hex, choices, registry names or numbers, versions, xor masks,
// field edits ("set" and "check") and message names. The first failure is kept as the
// LoadError (file, JSON path, reason, and a "did you mean" hint where one helps); every
// getter returns false once it has failed.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_JSON_READER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_JSON_READER_H_

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/wire/registry.h"
#include "harness/scenario/keys.h"
#include "harness/scenario/load_error.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

class JsonReader {
 public:
  using Json = nlohmann::json;

  explicit JsonReader(std::string file) : file_(std::move(file)) {}

  // Records the first failure; always returns false.
  bool Fail(const std::string& path, std::string reason) {
    if (!error_) error_ = LoadError{file_, path, std::move(reason)};
    return false;
  }
  const std::optional<LoadError>& error() const { return error_; }
  const std::string& file() const { return file_; }

  // `j` is an object whose keys are all in the key set; `what` names it in the message.
  bool CheckKeys(const Json& j, const std::string& path, KeySetId id, std::string_view what);
  bool Require(const Json& j, const std::string& path, std::string_view key);

  bool GetString(const Json& j, const std::string& path, std::string* out);
  bool GetBool(const Json& j, const std::string& path, bool* out);
  bool GetUint(const Json& j, const std::string& path, uint64_t min, uint64_t max, uint64_t* out);
  bool GetInt(const Json& j, const std::string& path, int64_t min, int64_t max, int64_t* out);
  bool GetHex(const Json& j, const std::string& path, Bytes* out);
  bool GetChoice(const Json& j, const std::string& path,
                 const std::vector<std::string_view>& choices, std::string* out);
  // One of `values`, written as its ConfigName (scenario.h); the message lists the names in
  // the order given.
  template <typename Enum>
  bool GetConfigChoice(const Json& j, const std::string& path, std::initializer_list<Enum> values,
                       Enum* out);
  // An IANA name, "0x" and hex digits, or a number, at most `max`.
  bool GetRegistryValue(const Json& j, const std::string& path, Registry registry, uint64_t max,
                        uint64_t* out);
  bool GetRegistryList(const Json& j, const std::string& path, Registry registry, bool allow_empty,
                       std::vector<uint64_t>* out);
  bool GetVersion(const Json& j, const std::string& path, uint64_t* out);
  bool GetBytesXor(const Json& j, const std::string& path, BytesXor* out);
  // {"xor": {"hex": mask, "at": N}} as a field value.
  bool GetXorValue(const Json& j, const std::string& path, FieldValue* out);
  // A value of the field's type; `in_check` refuses what only a send may do (xor).
  bool GetFieldValue(const FieldSpec& spec, const Json& j, const std::string& path, bool in_check,
                     FieldValue* out);
  // A "set" or "check" object of `message`: known fields, each once, sorted by field.
  bool GetEdits(MessageName message, const Json& j, const std::string& path, bool in_check,
                std::vector<FieldEdit>* out);
  bool GetMessage(const Json& j, const std::string& path, MessageName* out);

 private:
  std::string file_;
  std::optional<LoadError> error_;
};

template <typename Enum>
bool JsonReader::GetConfigChoice(const Json& j, const std::string& path,
                                 std::initializer_list<Enum> values, Enum* out) {
  std::vector<std::string_view> names;
  for (Enum value : values) names.push_back(ConfigName(value));
  std::string name;
  if (!GetChoice(j, path, names, &name)) return false;
  for (Enum value : values) {
    if (ConfigName(value) == name) *out = value;
  }
  return true;
}

// "extensions.0x0017" -> "extensions.extended_master_secret"; "extensions.0x1A" ->
// "extensions.0x001a". Other names are returned as they are.
std::string NormalizeField(const std::string& field);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_JSON_READER_H_
