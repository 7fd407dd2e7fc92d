// Strict loading of scenario vectors (docs/SCENARIOS.md) into the typed model of
// scenario.h, and the way back: canonical JSON, and CBOR for fuzz inputs.
//
// Strict means a vector either loads exactly as written or fails with an error that names
// the file, the JSON path (RFC 6901 pointer) and the reason: unknown keys at any level,
// unknown message/field/suite/group/scheme/alert/extension names, wrong value types, bad
// hex, numbers out of range, impossible step orders. A broken vector is an error the
// caller counts; it never passes and never drops out of the count.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

struct LoadError {
  std::string file;
  std::string json_path;  // RFC 6901 pointer, e.g. "/steps/3/set/cipher_suites"; "" = whole file
  std::string reason;

  // "vectors/x.json at /steps/3/send: unknown message \"ClientHelo\" (did you mean ...)"
  std::string ToString() const;
};

// One file of a tree: exactly one of `scenario` and `error` is set.
struct LoadedVector {
  std::string file;
  std::optional<Scenario> scenario;
  std::optional<LoadError> error;

  bool ok() const { return scenario.has_value(); }
};

struct TreeLoad {
  std::vector<LoadedVector> vectors;  // sorted by path

  size_t loaded() const;
  size_t failed() const;
};

// Loads one file. The failure Status's message is LoadError::ToString(); its alert is
// meaningless (decode_error).
Result<Scenario> LoadScenarioFile(const std::string& path);
// Parses a vector from text; `source_name` stands for the file in errors, Scenario::source
// and the topic.
Result<Scenario> ParseScenarioJson(std::string_view json_text, const std::string& source_name);

// Each path is a vector file or a directory walked recursively for *.json (except
// *.schema.json). Every file gives one entry, in sorted path order, whatever happens to it: a
// missing path, a directory without vectors, an unreadable or invalid file and an id that an
// earlier file already used are all errors in the list.
TreeLoad LoadScenarioTree(const std::vector<std::string>& paths);

// The directory under vectors/conformance/ that holds `path`, or "misc".
std::string TopicForPath(const std::string& path);

// Canonical JSON: fixed key order, defaults left out, registry values by name, one step per
// line. For every loaded scenario s: ParseScenarioJson(SerializeScenarioJson(s), s.source)
// == s. A hand-built Scenario that breaks the language's rules serializes to a document that
// fails to load with the reason.
std::string SerializeScenarioJson(const Scenario& scenario);

// The same document as CBOR (RFC 8949, nlohmann::json::to_cbor): the fuzz input format.
Bytes SerializeScenarioCbor(const Scenario& scenario);
Result<Scenario> ParseScenarioCbor(ByteView cbor, const std::string& source_name);

// The keys each kind of JSON object accepts: the single list the loader checks against,
// which the schema test compares with vectors/schema/scenario.schema.json.
struct KeySet {
  std::string_view object;  // "vector", "peer", "target", "connection", "send_step", ...
  std::vector<std::string_view> keys;
};
const std::vector<KeySet>& ScenarioKeySets();

// The checklist rows (rfc_checklist.md) a "checklist:ROW" ref may name.
const std::vector<std::string_view>& ChecklistRows();

// The field catalogue as the markdown table of docs/SCENARIOS.md.
std::string FieldCatalogueMarkdown();
// How a value of `type` is written in JSON (the table's "JSON value" column).
std::string_view FieldTypeJson(FieldType type);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_
