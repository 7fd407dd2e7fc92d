#include "harness/scenario/loader.h"

#include <utility>

#include "harness/scenario/parser.h"

namespace shakedown {
namespace {

Result<Scenario> ToResult(Parsed parsed) {
  if (parsed.scenario) return std::move(*parsed.scenario);
  return DecodeError(parsed.error->ToString());
}

}  // namespace

Result<Scenario> LoadScenarioFile(const std::string& path) {
  return ToResult(ReadAndParseFile(path));
}

Result<Scenario> ParseScenarioJson(std::string_view json_text, const std::string& source_name) {
  return ToResult(ParseGuardedJsonText(json_text, source_name));
}

Result<Scenario> ParseScenarioCbor(ByteView cbor, const std::string& source_name) {
  return ToResult(ParseGuardedCborBytes(cbor, source_name));
}

}  // namespace shakedown
