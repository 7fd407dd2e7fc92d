// Scenario -> canonical JSON, and the same document as CBOR for fuzz inputs: the way back
// from the parser, so that a mutated or generated Scenario can be written and reloaded.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_WRITER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_WRITER_H_

#include <string>

#include "engine/base/bytes.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Canonical JSON: fixed key order, defaults left out, registry values by name, one step per
// line. For every loaded scenario s: ParseScenarioJson(SerializeScenarioJson(s), s.source)
// == s. A hand-built Scenario that breaks the language's rules serializes to a document that
// fails to load with the reason.
std::string SerializeScenarioJson(const Scenario& scenario);

// The same document as CBOR (RFC 8949, nlohmann::json::to_cbor): the fuzz input format.
Bytes SerializeScenarioCbor(const Scenario& scenario);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_WRITER_H_
