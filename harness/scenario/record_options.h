// The record-layer options of a send step (SCENARIOS.md "record"): fragmenting, coalescing,
// the record's type and version, protection, corruption after sealing, and how the record is
// sealed. Part of the parser; read from ParseSend.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_RECORD_OPTIONS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_RECORD_OPTIONS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "harness/scenario/json_reader.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Reads the record keys of the send step `j` into `out`; false (with r's error) on the first
// bad one.
bool ReadRecordOptions(JsonReader& r, const nlohmann::json& j, const std::string& path,
                       RecordOptions* out);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_RECORD_OPTIONS_H_
