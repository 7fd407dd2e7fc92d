// The field catalogue of scenario.h as the markdown table of docs/SCENARIOS.md (docs_test
// checks that the document holds exactly this table).
#ifndef SHAKEDOWN_HARNESS_SCENARIO_CATALOGUE_H_
#define SHAKEDOWN_HARNESS_SCENARIO_CATALOGUE_H_

#include <string>
#include <string_view>

#include "harness/scenario/scenario.h"

namespace shakedown {

// The field catalogue as the markdown table of docs/SCENARIOS.md.
std::string FieldCatalogueMarkdown();
// How a value of `type` is written in JSON (the table's "JSON value" column).
std::string_view FieldTypeJson(FieldType type);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_CATALOGUE_H_
