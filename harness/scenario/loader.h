// Strict loading of scenario vectors (docs/SCENARIOS.md) into the typed model of
// scenario.h, and the way back: canonical JSON, and CBOR for fuzz inputs. The public entry
// point over the parts, in the order data flows through them:
//   guards.h     structural limits on the raw input (size, nesting, duplicate keys)
//   parser.h     JSON document -> Scenario (json_reader.h: typed values; hints.h: "did you
//                mean"; json_text.h: paths and values in messages)
//   tree.h       directories of vector files, ids unique across them
//   writer.h     Scenario -> canonical JSON / CBOR
//   keys.h       the keys each object accepts, the checklist rows (shared with the schema test)
//   catalogue.h  the field catalogue as the markdown table of docs/SCENARIOS.md
//
// Strict means a vector either loads exactly as written or fails with an error that names
// the file, the JSON path (RFC 6901 pointer) and the reason: unknown keys at any level,
// unknown message/field/suite/group/scheme/alert/extension names, wrong value types, bad
// hex, numbers out of range, impossible step orders. A broken vector is an error the
// caller counts; it never passes and never drops out of the count.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_
#define SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_

#include <string>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/keys.h"
#include "harness/scenario/load_error.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/tree.h"
#include "harness/scenario/writer.h"

namespace shakedown {

// Loads one file. The failure Status's message is LoadError::ToString(); its alert is
// meaningless (decode_error).
Result<Scenario> LoadScenarioFile(const std::string& path);
// Parses a vector from text; `source_name` stands for the file in errors, Scenario::source
// and the topic.
Result<Scenario> ParseScenarioJson(std::string_view json_text, const std::string& source_name);
// The same from CBOR (SerializeScenarioCbor's format: fuzz inputs).
Result<Scenario> ParseScenarioCbor(ByteView cbor, const std::string& source_name);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_LOADER_H_
