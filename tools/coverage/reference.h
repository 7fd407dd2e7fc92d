// The two reference documents in vectors/reference/ as the coverage report needs them: the
// rows of rfc_checklist.md with the RFC sections each cites, and the attacks of attacks.md
// with the checklist rows each touches. Only their markdown tables are read: a table line
// whose first cell is a row id ("17", "36b") or an attack number.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_REFERENCE_H_
#define SHAKEDOWN_TOOLS_COVERAGE_REFERENCE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace shakedown {

// An RFC section in the form vectors cite it: rfc "5246", section "7.4.1.2" or "App. E.1".
struct RfcSection {
  std::string rfc;
  std::string section;

  // "RFC5246 7.4.1.2", the form of a vector's ref.
  std::string Ref() const;
  // "RFC 5246 §7.4.1.2", "RFC 5246 App. E.1".
  std::string Display() const;
  // RFC number, then numbered sections in numeric order, then appendices.
  bool operator<(const RfcSection& other) const;
  bool operator==(const RfcSection& other) const;
};

// Parses a vector ref "RFC5246 7.4.1.2" / "RFC5246 App. E.1"; nullopt for any other ref and
// for a bare "RFC5246" (no section to index it under).
std::optional<RfcSection> ParseRfcRef(std::string_view ref);

struct ChecklistRow {
  std::string id;                    // "1".."58", "36b", "45a", "45b"
  std::vector<RfcSection> sections;  // the "RFC §" column, in its order
};

struct Attack {
  std::string id;                           // "1".."37"
  std::vector<std::string> checklist_rows;  // the "Checklist" column, ranges expanded
};

struct Reference {
  std::vector<ChecklistRow> checklist;  // in document order
  std::vector<Attack> attacks;          // 1..n in order
};

// Parses rfc_checklist.md and attacks.md. Errors name the document and the row: a row with
// the wrong number of cells, an "RFC §" cell that is not "<rfc> §<section>[, §<section>]" or
// "<rfc> App. <x>" groups separated by ";", a duplicate row id, attacks not numbered 1..n, an
// attack citing a checklist row that does not exist, a document with no rows.
Result<Reference> ParseReference(std::string_view checklist_md, std::string_view attacks_md);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_REFERENCE_H_
