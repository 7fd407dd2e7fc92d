// Seeded engine bugs as evidence for docs/COVERAGE.md. A checklist row or attack counts as
// covered when vectors cite it; a citation only means something if the vector would fail were
// the requirement violated. bench/mutants/NN-name.patch violates named rows on purpose (its
// header's "Reference:" line), tools/mutants runs the suite against each, and
// bench/mutants/evidence.json keeps, per mutant, the vectors that failed. The honesty check:
// for every row or attack a mutant violates and vectors cite, at least one citing vector
// (of the mutant's role) is among those that failed. A row whose every citing vector passes
// on the bug that violates it is covered in name only.
#ifndef SHAKEDOWN_TOOLS_COVERAGE_MUTANT_EVIDENCE_H_
#define SHAKEDOWN_TOOLS_COVERAGE_MUTANT_EVIDENCE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "harness/scenario/tree.h"

namespace shakedown {

// What a patch header says about its bug.
struct MutantHeader {
  std::string name;                         // "20-cbc-padding-bytes-unchecked"
  std::string title;                        // the "Mutant:" line
  bool client = false;                      // the "Role:" line names client
  bool server = false;                      // ... and server
  std::vector<std::string> checklist_rows;  // "checklist N" in "Reference:" (and its
  std::vector<std::string> attacks;         // continuation lines); "attacks.md N"
  uint64_t fingerprint = 0;                 // FNV-1a of the whole patch: staleness, not security
};

// `name` is the file name without ".patch". Errors: no "Mutant:", "Role:" or "Reference:"
// line, a Role naming neither side, a Reference naming no row or attack.
Result<MutantHeader> ParseMutantHeader(std::string_view name, std::string_view patch);

// One mutant's measured outcome.
struct MutantEvidence {
  std::string mutant;
  uint64_t fingerprint = 0;         // of the patch that was measured
  std::set<std::string> caught_by;  // ids of the vectors that failed
};

// bench/mutants/evidence.json: {"schema": "shakedown.mutant_evidence", "commit": ...,
// "mutants": [{"mutant", "fingerprint" (16 hex digits), "caught_by": [ids]}]}.
Result<std::vector<MutantEvidence>> ParseEvidence(std::string_view json_text);
std::string EvidenceJson(const std::string& commit, const std::vector<MutantEvidence>& evidence);

// From tools/mutants' results file (out/mutants/results.json): each mutant's caught_by, with
// the fingerprint of its current patch. Errors: a mutant not caught or not run (status other
// than "caught"), a mutant the results do not have, one they have that no patch is.
Result<std::vector<MutantEvidence>> EvidenceFromResults(std::string_view results_json,
                                                        const std::vector<MutantHeader>& mutants);

// Per violated row or attack of one mutant: the role-matched vectors that cite it, and which
// of them failed.
struct RowProof {
  std::string mutant;
  std::string ref;  // "checklist:8", "attack:17"
  std::vector<std::string> citing;
  std::vector<std::string> failing;
};
std::vector<RowProof> RowProofs(const std::vector<MutantHeader>& mutants,
                                const std::vector<MutantEvidence>& evidence,
                                const TreeLoad& vectors);

// The "Seeded bugs" section of docs/COVERAGE.md: per mutant and violated row or attack, how
// many role-matched vectors cite it and how many of those fail on the bug.
std::string MutantProofMarkdown(const std::vector<MutantHeader>& mutants,
                                const std::vector<RowProof>& proofs);

// Reads every bench/mutants/*.patch header of `dir` (sorted by name) and `dir`/evidence.json.
struct MutantData {
  std::vector<MutantHeader> mutants;
  std::vector<MutantEvidence> evidence;
};
Result<MutantData> ReadMutantData(const std::string& dir);

// Everything that makes the evidence stale or the coverage dishonest, one line each; empty
// when honest: a patch without evidence or measured in another version, evidence for no
// patch, a caught_by id that is no vector any more, and a row or attack that vectors cite of
// which none failed on the mutant that violates it.
std::vector<std::string> CheckHonesty(const std::vector<MutantHeader>& mutants,
                                      const std::vector<MutantEvidence>& evidence,
                                      const TreeLoad& vectors);

}  // namespace shakedown

#endif  // SHAKEDOWN_TOOLS_COVERAGE_MUTANT_EVIDENCE_H_
