// The requirement-coverage report (docs/COVERAGE.md): every row of rfc_checklist.md and every
// attack of attacks.md, with the conformance vectors whose refs cite it, or the reason none
// does. The reasons, the rows' and attacks' one-line names and the topics that are generated
// live in docs/coverage_exclusions.json, so the report is a pure function of that file and
// the vectors; //tools/coverage:coverage_md_test fails when the committed report is stale.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_
#define SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "harness/scenario/loader.h"

namespace shakedown {

// One checklist row or attack.
struct CoverageItem {
  std::string id;           // "17", "36b", "45a" for rows; "1".."37" for attacks
  std::string name;         // one line
  std::string not_covered;  // why no vector cites it (required exactly when none does)
  std::string note;         // a caveat for a covered item (what the vectors cannot express)
};

struct CoverageData {
  std::vector<CoverageItem> checklist;  // in ChecklistRows() order, every row once
  std::vector<CoverageItem> attacks;    // 1..37 in order
  // Topics whose vectors a program writes: the report counts them instead of listing ids.
  // topic -> the generator ("vectors/generator/order_vectors.cc").
  std::map<std::string, std::string> generated_topics;
};

// The number of attacks in attacks.md.
inline constexpr int kAttackCount = 37;

// Parses docs/coverage_exclusions.json:
//   {"checklist": {"<row>": {"name": ..., "not_covered": ..., "note": ...}, ...},
//    "attacks": {"<n>": {...}, ...}, "generated_topics": {"<topic>": "<generator>"}}
// Errors name the key: an unknown key, a missing or empty name, a checklist row that
// ChecklistRows() does not have (or one it has that is missing), an attack outside 1..37.
Result<CoverageData> ParseCoverageData(std::string_view json_text);

// The report. Errors (the report would be wrong, so there is none): a vector that does not
// load; a row or attack that no vector cites and that has no not_covered reason; a
// not_covered reason for one that vectors do cite (stale).
Result<std::string> CoverageMarkdown(const TreeLoad& vectors, const CoverageData& data);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_COVERAGE_H_
