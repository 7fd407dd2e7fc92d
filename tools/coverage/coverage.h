// The requirement-coverage report (docs/COVERAGE.md): every row of rfc_checklist.md and every
// attack of attacks.md (vectors/reference/), with the conformance vectors whose refs cite it,
// or the reason none does, and an index by RFC section. The reasons, the rows' and attacks'
// one-line names and the topics that are generated live in docs/coverage_exclusions.json, so
// the report is a pure function of that file, the two reference documents and the vectors;
// //tools/coverage:coverage_md_test fails when the committed report is stale.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_
#define SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "harness/scenario/loader.h"
#include "tools/coverage/reference.h"

namespace shakedown {

// One checklist row or attack.
struct CoverageItem {
  std::string id;           // "17", "36b", "45a" for rows; "1".."37" for attacks
  std::string name;         // one line
  std::string not_covered;  // why no vector cites it (required exactly when none does)
  std::string note;         // a caveat for a covered item (what the vectors cannot express)
};

struct CoverageData {
  std::vector<CoverageItem> checklist;  // in rfc_checklist.md order, every row once
  std::vector<CoverageItem> attacks;    // in attacks.md order, every attack once
  // Topics whose vectors a program writes: the report counts them instead of listing ids.
  // topic -> the generator ("vectors/generator/order_vectors.cc").
  std::map<std::string, std::string> generated_topics;
};

// Parses docs/coverage_exclusions.json:
//   {"checklist": {"<row>": {"name": ..., "not_covered": ..., "note": ...}, ...},
//    "attacks": {"<n>": {...}, ...}, "generated_topics": {"<topic>": "<generator>"}}
// Errors name the key: an unknown key, a missing or empty name, a checklist row or attack
// that `reference` does not have (or one it has that is missing).
Result<CoverageData> ParseCoverageData(std::string_view json_text, const Reference& reference);

// The report; vector ids link to their files (LoadedVector::file, relative to the repository
// root, as seen from docs/). Errors (the report would be wrong, so there is none): a vector
// that does not load; a vector citing a row or attack that `reference` does not have; a row or
// attack that no vector cites and that has no not_covered reason; a not_covered reason for one
// that vectors do cite (stale).
Result<std::string> CoverageMarkdown(const TreeLoad& vectors, const Reference& reference,
                                     const CoverageData& data);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_
