// The example vectors the loader's tests start from, and the helpers that load a vector
// and check an error's file, JSON path and reason.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_TEST_VECTORS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_TEST_VECTORS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "engine/base/status.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The file name errors name.
inline constexpr char kFile[] = "vectors/conformance/ccs/early.json";

// A server target: CCS before ClientKeyExchange (the example of docs/SCENARIOS.md).
nlohmann::json ServerVector();
// A client target refusing an unsolicited extension.
nlohmann::json ClientVector();
// Two connections, the second resuming the first.
nlohmann::json ResumptionVector();

// ParseScenarioJson of the vector as kFile.
Result<Scenario> Load(const nlohmann::json& vector);
// The error message for `text`, which must fail to load.
std::string ErrorText(const std::string& text);
// Asserts the vector fails with an error naming the file, exactly this JSON path, and a
// reason containing `reason`.
void ExpectError(const nlohmann::json& vector, const std::string& path, const std::string& reason);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_TEST_VECTORS_H_
