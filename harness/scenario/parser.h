// JSON document -> typed Scenario: the language's structure and rules (keys per object,
// refs, roles, step shapes, expectation forms, impossible step orders), with the first
// error naming the file, the JSON path and the reason. The inputs pass the guards first.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_PARSER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_PARSER_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "harness/scenario/load_error.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Exactly one of the two is set.
struct Parsed {
  std::optional<Scenario> scenario;
  std::optional<LoadError> error;
};

// A parsed document; `source_name` stands for the file in errors, Scenario::source and the
// topic.
Parsed ParseScenarioDocument(const nlohmann::json& doc, const std::string& source_name);

// The guards, then the parser.
Parsed ParseGuardedJsonText(std::string_view text, const std::string& source_name);
Parsed ParseGuardedCborBytes(ByteView cbor, const std::string& source_name);
Parsed ReadAndParseFile(const std::string& path);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_PARSER_H_
