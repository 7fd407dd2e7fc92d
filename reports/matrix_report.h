// The conformance matrix: one suite run per implementation (the reference and each in-process
// library, ledgers applied), drawn as vectors x implementations. `shakedown matrix` writes
// matrix.html and matrix.json beside each target's own report folder, and the Markdown
// summary that docs/MATRIX.md holds.
#ifndef SHAKEDOWN_REPORTS_MATRIX_REPORT_H_
#define SHAKEDOWN_REPORTS_MATRIX_REPORT_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "reports/results.h"

namespace shakedown {

struct MatrixColumn {
  std::string name;        // "openssl": the column heading
  std::string version;     // "OpenSSL 3.0.19 27 Jan 2026" ("" for the reference)
  std::string report_dir;  // the target's report folder, relative to the matrix's
  std::string ledger;      // the ledger applied ("" for none)
  RunResult result;
};

// matrix.json: per column its counts; per vector that some column does not pass, each
// column's verdict and rule.
std::string MatrixJson(const std::vector<MatrixColumn>& columns);
// matrix.html: the counts, the deviations grouped by requirement (each cell links to the
// vector's trace in the column's report), then every vector some column does not pass.
std::string MatrixHtml(const std::vector<MatrixColumn>& columns);
// The Markdown summary (docs/MATRIX.md): deterministic (no times), so a test can hold the
// committed file to a fresh run.
std::string MatrixMarkdown(const std::vector<MatrixColumn>& columns);

// Writes matrix.json and matrix.html into `dir` (the columns' reports are written by the
// caller into dir/<report_dir>).
Status WriteMatrix(const std::vector<MatrixColumn>& columns, const std::string& dir);

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_MATRIX_REPORT_H_
