// The language's vocabulary of keys: which keys each kind of JSON object accepts (the single
// list the parser checks against and the schema test compares with
// vectors/schema/scenario.schema.json), and the checklist rows a "checklist:ROW" ref may name.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_KEYS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_KEYS_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace shakedown {

struct KeySet {
  std::string_view object;  // "vector", "peer", "target", "connection", "send_step", ...
  std::vector<std::string_view> keys;
};
const std::vector<KeySet>& ScenarioKeySets();

// Indexes ScenarioKeySets().
enum KeySetId : size_t {
  kVectorKeys,
  kPeerKeys,
  kTargetKeys,
  kConnectionKeys,
  kSendStepKeys,
  kExpectStepKeys,
  kRenegotiateStepKeys,
  kExpectationKeys,
  kCorruptKeys,
  kBytesXorKeys,
  kXorValueKeys,
  kMalformKeys,
  kSealKeys,
};
const std::vector<std::string_view>& Keys(KeySetId id);

// The checklist rows (rfc_checklist.md) a "checklist:ROW" ref may name.
const std::vector<std::string_view>& ChecklistRows();

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_KEYS_H_
