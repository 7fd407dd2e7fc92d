// report.html: one self-contained file (inline CSS and SVG; no scripts, no external
// resources; a Content-Security-Policy forbids both) with the run's header and totals, the
// summary by topic and by requirement, the failures first, then every vector: its verdict,
// failing rule, trace (decoded, hex collapsible) and a state diagram of the transitions the
// target took over the legal TLS 1.2 table (HandshakeFlows()).
//
// Diagrams are drawn by Graphviz `dot -Tsvg` in batches (one process per batch, identical
// graphs rendered once). If dot is missing, fails, times out or the time budget runs out, the
// diagram falls back to its DOT source in a <pre> with a note; the report is still written.
#ifndef SHAKEDOWN_REPORTS_HTML_REPORT_H_
#define SHAKEDOWN_REPORTS_HTML_REPORT_H_

#include <cstddef>
#include <string>

#include "engine/base/status.h"
#include "reports/results.h"

namespace shakedown {

struct HtmlReportOptions {
  bool render_diagrams = true;  // false: DOT sources only (fuzzing; no Graphviz)
  std::string dot_program = "dot";
  int dot_timeout_ms = 5000;       // per dot process
  int render_budget_ms = 60000;    // all diagrams; after it, failing vectors keep priority
  size_t graphs_per_process = 32;  // dot renders several graphs per run: no start-up per graph
  // Above this many passing vectors, passing vectors show their path as text instead of a
  // diagram (each diagram redraws the whole legal table: ~30 KB of SVG). Failing vectors
  // always get their diagram.
  size_t passing_diagram_limit = 150;
};

// The state diagram of one vector as a Graphviz digraph: the legal table's prefix tree in
// grey; the transitions the vector's target took bold blue, in order ("#3"; "1.3" when the
// vector has several connections); illegal ones red, leading to a red box named after the
// state reached when they leave the table. Each connection's path starts at the root.
std::string VectorDiagramDot(const VectorResult& vector);

std::string HtmlReport(const RunResult& run, const HtmlReportOptions& options = {});
Status WriteHtmlReport(const RunResult& run, const std::string& path,
                       const HtmlReportOptions& options = {});

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_HTML_REPORT_H_
