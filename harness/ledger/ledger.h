// Deviation ledgers: the vectors known to fail against one version of one library, each with
// what the library did and the RFC text it deviates from (vectors/expectations/
// <library>-<major.minor>.json). Applied to a run, a ledgered failure becomes an expected
// failure; a ledgered vector that passes is an unexpected pass and fails the run; an entry
// whose vector no longer exists is stale and fails the run. So a ledger cannot rot: every
// entry is re-proven by every run.
//
// File format (docs/TARGETS.md "Deviation ledgers"):
//   {"library": "openssl", "version": "3.0",
//    "entries": [{"id": "server.x.y", "rule": "expect: alert",
//                 "observed": "the target answered ... with ...",
//                 "rfc": "RFC 5246 7.4.1.2: \"...\"", "reviewed": true,
//                 "confirmed_by_replay": true, "notes": "optional"}]}
#ifndef SHAKEDOWN_HARNESS_LEDGER_LEDGER_H_
#define SHAKEDOWN_HARNESS_LEDGER_LEDGER_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "reports/results.h"
#include "reports/text_util.h"  // MajorMinor: a library's release series

namespace shakedown {

struct LedgerEntry {
  std::string id;        // the vector
  std::string rule;      // the rule it fails by (VectorResult::rule): a different one is news
  std::string observed;  // what the library did (the failure's message, first line)
  std::string rfc;       // the requirement it deviates from, quoted with its section
  // A person checked the entry against the RFC (and the vector against the RFC: a wrong
  // vector is fixed, not ledgered). `shakedown ledger` writes false.
  bool reviewed = false;
  // The failure came out the same when the vector was played again (a second, fresh run).
  bool confirmed_by_replay = false;
  std::string notes;
};

struct Ledger {
  std::string library;  // "openssl"
  std::string version;  // "3.0": major.minor
  std::vector<LedgerEntry> entries;
  std::string path;  // where it was loaded from (for messages)
};

// Errors name the file, the field (entries[3].rule) and the reason.
Result<Ledger> LoadLedger(const std::string& path);
Result<Ledger> ParseLedger(const std::string& text, const std::string& path);
std::string LedgerJson(const Ledger& ledger);

// "openssl-3.0.json"
std::string LedgerFileName(const std::string& library, const std::string& major_minor);

// Rules the ledger assigns.
inline constexpr char kRuleUnexpectedPass[] = "ledger: unexpected pass";
inline constexpr char kRuleStaleEntry[] = "ledger: stale entry";
inline constexpr char kRuleLedgerChanged[] = "ledger: fails otherwise";

struct LedgerSummary {
  int expected_failures = 0;
  int unexpected_passes = 0;
  int changed = 0;  // failed by another rule than the entry's
  int stale = 0;    // entries whose vector does not exist
  int not_run = 0;  // entries whose vector exists but was not in this run (a filtered run)
};

// Applies `ledger` to `run`: a fail with the entry's rule -> kExpectedFailure; a fail by
// another rule stays a fail (rule kRuleLedgerChanged, saying both); a pass -> kFail
// (kRuleUnexpectedPass); not_applicable and error are left alone. An entry whose id is not in
// the run: `exists(id)` says whether the vector exists elsewhere (a filtered run: not run)
// or not (stale: a failing result with rule kRuleStaleEntry is appended, so reports and the
// exit code show it).
LedgerSummary ApplyLedger(const Ledger& ledger, const std::function<bool(const std::string&)>& exists,
                          RunResult* run);

// A ledger of the failures of `run` (verdict fail), for a person to review: rule and observed
// from the result, rfc from the vector's refs, reviewed false. `confirmed(id)`: whether a
// replay failed the same way.
Ledger LedgerFromRun(const RunResult& run, const std::string& library,
                     const std::string& major_minor,
                     const std::function<bool(const std::string&)>& confirmed);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_LEDGER_LEDGER_H_
