// results.json: the machine-readable record of a run. Stable structure; fields are only ever
// added (bump kJsonSchemaVersion when one changes meaning or is removed).
//
// {
//   "schema": "shakedown.results", "schema_version": 1,
//   "target": str, "started_at": str (ISO 8601 UTC), "command_line": str, "duration_ms": num,
//   "counts": {"total": n, "pass": n, "fail": n, "error": n},
//   "topics": {"<topic>": {"total": n, "pass": n, "fail": n, "error": n}, ...},  // "" = none
//   "vectors": [{
//     "id", "title", "topic", "file": str, "refs": [str],
//     "verdict": "pass" | "fail" | "error",
//     "failed_connection": int | null, "failed_step": int | null,   // null: not applicable
//     "rule": str, "message": str, "duration_ms": num,
//     "trace": [{"kind": "sent" | "received" | "note", "connection": int,
//                "step": int | null, "summary": str, "hex": str, "at_ms": num}],
//     "transitions": [{"connection": int, "from": str, "to": str, "label": str,
//                      "legal": bool}]
//   }, ...]   // in run order
// }
//
// Strings are the results' strings made valid UTF-8 (each invalid byte becomes U+FFFD);
// control characters are kept, as JSON escapes. Non-finite numbers are written as null.
#ifndef SHAKEDOWN_REPORTS_JSON_REPORT_H_
#define SHAKEDOWN_REPORTS_JSON_REPORT_H_

#include <string>

#include "engine/base/status.h"
#include "reports/results.h"

namespace shakedown {

inline constexpr int kJsonSchemaVersion = 1;

// The document above, indented by 2.
std::string JsonResults(const RunResult& run);
Status WriteJsonResults(const RunResult& run, const std::string& path);

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_JSON_REPORT_H_
