#include "reports/html_report.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "engine/state/handshake_graph.h"
#include "platform/subprocess.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

// ---------------------------------------------------------------------------------------
// State diagrams

constexpr size_t kMaxLabelChars = 48;
constexpr size_t kMaxDrawnTransitions = 100;  // per vector; a looping target stays drawable
constexpr size_t kMaxMarksPerEdge = 6;

constexpr char kGrey[] = "#b8b8b8";
constexpr char kGreyText[] = "#8a8a8a";
constexpr char kBlue[] = "#1f6feb";
constexpr char kRed[] = "#d1242f";

// The node of the legal table's prefix tree that the step named `step` ("C:client_hello")
// leads to from `node`, or HandshakeGraph::kNone.
int ChildByName(const HandshakeGraph& graph, int node, const std::string& step) {
  if (node == HandshakeGraph::kNone) return HandshakeGraph::kNone;
  for (const HandshakeGraph::Edge& e : graph.nodes()[node].next) {
    if (e.step.ToString() == step) return e.to;
  }
  return HandshakeGraph::kNone;
}

// A DOT quoted string. '&' is written as an entity because Graphviz passes entities
// through to SVG; everything else it escapes itself.
// Text from results is cut to kMaxLabelChars by Short() first; the table's own is not.
std::string DotQuoted(std::string_view s) {
  const std::string safe = XmlSafeText(s);
  std::string out = "\"";
  for (char c : safe) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '&': out += "&amp;"; break;
      case '\n': out += "\\n"; break;
      case '\r':
      case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string Short(std::string_view s) { return TruncateUtf8(XmlSafeText(s), kMaxLabelChars); }

// "C:client_hello" / "C: client_hello" -> "C:client_hello"; anything else -> "".
std::string StepName(const std::string& s) {
  if (s.size() < 3 || (s[0] != 'C' && s[0] != 'S') || s[1] != ':') return "";
  std::string out = s;
  if (out[2] == ' ') out.erase(2, 1);
  return out;
}

// "C:client_hello" -> "C: client_hello", as HandshakeTableDot() labels edges.
std::string EdgeText(const std::string& step) {
  return StepName(step).empty() ? step : step.substr(0, 2) + " " + step.substr(2);
}

struct Overlay {
  std::vector<std::string> marks;
  bool illegal = false;
  bool off_table = false;  // legal per the runner but not in the table: dashed
};

std::string MarksText(const std::vector<std::string>& marks) {
  std::string out;
  for (size_t i = 0; i < marks.size() && i < kMaxMarksPerEdge; ++i) {
    out += (i ? ", " : "") + marks[i];
  }
  if (marks.size() > kMaxMarksPerEdge) out += ", ...";
  return out;
}

std::string EdgeAttrs(const std::string& text, const Overlay* overlay) {
  if (overlay == nullptr) return " [label=" + DotQuoted(text) + "]";
  const char* color = overlay->illegal ? kRed : kBlue;
  std::string attrs = " [label=" + DotQuoted(text + "\n" + MarksText(overlay->marks)) +
                      ", color=\"" + color + "\", fontcolor=\"" + color + "\", penwidth=2.5";
  if (overlay->off_table && !overlay->illegal) attrs += ", style=dashed";
  return attrs + "]";
}

}  // namespace

std::string VectorDiagramDot(const VectorResult& vector) {
  const HandshakeGraph& tree = HandshakeGraph::Tls12();
  std::map<std::pair<int, int>, Overlay> tree_overlay;  // (parent, child) -> overlay
  std::set<int> visited{0};
  struct OffEdge {
    std::string from, to, text;
    Overlay overlay;
  };
  std::vector<std::string> off_nodes;  // labels of x0, x1, ...
  std::vector<OffEdge> off_edges;

  std::map<int, std::vector<const Transition*>> by_connection;
  for (const Transition& t : vector.transitions) by_connection[t.connection].push_back(&t);
  const bool several = by_connection.size() > 1;
  size_t drawn = 0;
  size_t left_out = 0;
  for (const auto& [connection, transitions] : by_connection) {
    int node = HandshakeGraph::kStart;  // in the tree, or kNone once the path has left it
    std::string off_from;  // the off-table node the path is at, when node == -1
    int ordinal = 0;
    for (const Transition* t : transitions) {
      ++ordinal;
      if (drawn == kMaxDrawnTransitions) {
        ++left_out;
        continue;
      }
      ++drawn;
      const std::string mark = several ? std::to_string(connection) + "." + std::to_string(ordinal)
                                       : "#" + std::to_string(ordinal);
      std::string step = StepName(t->label);
      if (step.empty()) step = StepName(t->to);
      if (step.empty()) step = t->label.empty() ? t->to : t->label;
      const int child = ChildByName(tree, node, step);
      if (child >= 0) {
        Overlay& o = tree_overlay[{node, child}];
        o.marks.push_back(mark);
        o.illegal |= !t->legal;
        visited.insert(child);
        node = child;
        continue;
      }
      const std::string from = node >= 0 ? "n" + std::to_string(node) : off_from;
      const std::string to = "x" + std::to_string(off_nodes.size());
      off_nodes.push_back(Short(t->to.empty() ? step : t->to));
      OffEdge e{from, to, Short(EdgeText(step)), {}};
      e.overlay.marks.push_back(mark);
      e.overlay.illegal = !t->legal;
      e.overlay.off_table = true;
      off_edges.push_back(std::move(e));
      node = -1;
      off_from = to;
    }
  }

  std::string dot =
      "digraph shakedown_vector {\n"
      "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=10, nodesep=0.25, ranksep=0.35];\n"
      "  node [shape=circle, label=\"\", width=0.16, color=\"" + std::string(kGrey) +
      "\", fontname=\"Helvetica\", fontsize=9, fontcolor=\"" + kGreyText + "\"];\n"
      "  edge [color=\"" + std::string(kGrey) + "\", fontcolor=\"" + kGreyText +
      "\", fontname=\"Helvetica\", fontsize=9, arrowsize=0.6];\n";
  for (size_t i = 0; i < tree.nodes().size(); ++i) {
    const HandshakeGraph::Node& n = tree.nodes()[i];
    std::string attrs;
    if (i == 0) attrs = "shape=box, label=\"start\", width=0.4, height=0.25";
    if (!n.flows_ending.empty()) {
      std::string names;
      for (size_t f : n.flows_ending) names += (names.empty() ? "" : "\n") + tree.flows()[f].name;
      attrs = "shape=doublecircle, width=0.2, xlabel=" + DotQuoted(names);
    }
    if (visited.count(static_cast<int>(i)) != 0) {
      attrs += std::string(attrs.empty() ? "" : ", ") + "color=\"" + kBlue + "\", penwidth=2";
      if (i != 0) attrs += std::string(", style=filled, fillcolor=\"") + kBlue + "\"";
    }
    dot += "  n" + std::to_string(i) + (attrs.empty() ? "" : " [" + attrs + "]") + ";\n";
  }
  for (size_t i = 0; i < tree.nodes().size(); ++i) {
    for (const HandshakeGraph::Edge& e : tree.nodes()[i].next) {
      auto it = tree_overlay.find({static_cast<int>(i), e.to});
      dot += "  n" + std::to_string(i) + " -> n" + std::to_string(e.to) +
             EdgeAttrs(EdgeText(e.step.ToString()),
                       it == tree_overlay.end() ? nullptr : &it->second) +
             ";\n";
    }
  }
  for (size_t i = 0; i < off_nodes.size(); ++i) {
    dot += "  x" + std::to_string(i) + " [shape=box, style=\"rounded,filled\", fillcolor=\"#ffebe9\", color=\"" +
           kRed + "\", fontcolor=\"" + kRed + "\", width=0.3, height=0.25, label=" +
           DotQuoted(off_nodes[i]) + "];\n";
  }
  for (const OffEdge& e : off_edges) {
    dot += "  " + e.from + " -> " + e.to + EdgeAttrs(e.text, &e.overlay) + ";\n";
  }
  if (left_out > 0) {
    dot += "  more [shape=plaintext, fontcolor=\"" + std::string(kRed) + "\", label=" +
           DotQuoted(std::to_string(left_out) + " more transitions not drawn") + "];\n";
  }
  dot += "}\n";
  return dot;
}

namespace {

// ---------------------------------------------------------------------------------------
// Rendering with Graphviz

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                    std::tolower(static_cast<unsigned char>(b)); });
  return it != haystack.end();
}

// Drops what the report does not use — <title> tooltips ("n3->n4"), id and class attributes
// — about a fifth of each SVG; and without ids, many inline copies cannot clash.
std::string Slim(const std::string& svg) {
  std::string out;
  out.reserve(svg.size());
  size_t p = 0;
  while (p < svg.size()) {
    if (svg.compare(p, 7, "<title>") == 0) {
      const size_t end = svg.find("</title>", p);
      if (end != std::string::npos) {
        p = end + 8;
        if (p < svg.size() && svg[p] == '\n') ++p;
        continue;
      }
    }
    bool dropped = false;
    for (const char* attr : {" id=\"", " class=\""}) {
      const size_t n = std::strlen(attr);
      if (svg.compare(p, n, attr) == 0) {
        const size_t end = svg.find('"', p + n);  // dot escapes quotes in values
        if (end != std::string::npos) {
          p = end + 1;
          dropped = true;
        }
        break;
      }
    }
    if (!dropped) out += svg[p++];
  }
  return out;
}

// Splits dot's output for several graphs into <svg>...</svg> elements without XML prologs
// or comments. Rejects anything active: the report promises no scripts and no links.
bool SplitSvgs(const std::string& output, std::vector<std::string>* svgs) {
  size_t pos = 0;
  while (true) {
    const size_t begin = output.find("<svg", pos);
    if (begin == std::string::npos) break;
    const size_t end = output.find("</svg>", begin);
    if (end == std::string::npos) return false;
    std::string svg;
    size_t p = begin;
    const size_t stop = end + 6;
    while (p < stop) {
      const size_t c = output.find("<!--", p);
      if (c == std::string::npos || c >= stop) {
        svg.append(output, p, stop - p);
        break;
      }
      svg.append(output, p, c - p);
      const size_t ce = output.find("-->", c + 4);
      if (ce == std::string::npos || ce + 3 > stop) return false;
      p = ce + 3;
    }
    // Text is escaped by dot, so any of these would be markup dot was somehow made to emit.
    for (const char* bad : {"<script", "<foreignobject", "<a ", "href=", "<!--"}) {
      if (ContainsNoCase(svg, bad)) return false;
    }
    svgs->push_back(Slim(svg));
    pos = stop;
  }
  return true;
}

class DiagramRenderer {
 public:
  explicit DiagramRenderer(const HtmlReportOptions& options) : options_(options) {}

  // Renders each distinct graph of `dots` once, in the order given, within the budget.
  void Render(const std::vector<std::string>& dots) {
    if (!options_.render_diagrams) {
      unavailable_ = "diagram rendering is turned off";
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<const std::string*> todo;
    std::set<std::string> seen;
    for (const std::string& d : dots) {
      if (seen.insert(d).second) todo.push_back(&d);
    }
    const size_t batch = std::max<size_t>(1, options_.graphs_per_process);
    for (size_t i = 0; i < todo.size() && unavailable_.empty(); i += batch) {
      // The first batch (the reference table and the first failing vectors) always runs.
      if (i > 0 && ElapsedMs(start) > options_.render_budget_ms) {
        budget_exhausted_ = true;
        break;
      }
      const size_t n = std::min(batch, todo.size() - i);
      std::string input;
      for (size_t j = 0; j < n; ++j) input += *todo[i + j];
      ++processes_;
      Result<std::string> out = RunSubprocess({options_.dot_program, "-Tsvg"}, input,
                                              options_.dot_timeout_ms);
      std::vector<std::string> svgs;
      if (out.ok() && SplitSvgs(*out, &svgs) && svgs.size() == n) {
        for (size_t j = 0; j < n; ++j) svg_[*todo[i + j]] = std::move(svgs[j]);
        continue;
      }
      // One graph may have spoiled the batch: render them one by one.
      for (size_t j = 0; j < n && unavailable_.empty(); ++j) RenderOne(*todo[i + j]);
    }
    render_ms_ = ElapsedMs(start);
  }

  const std::string* Svg(const std::string& dot) const {
    auto it = svg_.find(dot);
    return it == svg_.end() ? nullptr : &it->second;
  }
  // Why `dot` has no SVG.
  std::string WhyNot(const std::string& dot) const {
    auto it = failed_.find(dot);
    if (it != failed_.end()) return it->second;
    if (!unavailable_.empty()) return unavailable_;
    if (budget_exhausted_) {
      return "not rendered: the diagram time budget (" + std::to_string(options_.render_budget_ms) +
             " ms) ran out";
    }
    return "not rendered";
  }
  bool budget_exhausted() const { return budget_exhausted_; }
  const std::string& unavailable() const { return unavailable_; }
  double render_ms() const { return render_ms_; }
  int processes() const { return processes_; }
  size_t rendered() const { return svg_.size(); }

 private:
  static double ElapsedMs(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  }

  void RenderOne(const std::string& dot) {
    ++processes_;
    Result<std::string> out =
        RunSubprocess({options_.dot_program, "-Tsvg"}, dot, options_.dot_timeout_ms);
    std::vector<std::string> svgs;
    if (out.ok() && SplitSvgs(*out, &svgs) && svgs.size() == 1) {
      svg_[dot] = std::move(svgs[0]);
      return;
    }
    const std::string why = out.ok() ? "Graphviz output was not a single clean SVG"
                                     : out.status().message();
    // A tool that cannot start or hangs will do so for every graph: stop trying.
    if (!out.ok() && (why.find("cannot run") != std::string::npos ||
                      why.find("timed out") != std::string::npos)) {
      unavailable_ = why;
    }
    failed_[dot] = why;
  }

  const HtmlReportOptions& options_;
  std::map<std::string, std::string> svg_;
  std::map<std::string, std::string> failed_;
  std::string unavailable_;
  bool budget_exhausted_ = false;
  double render_ms_ = 0;
  int processes_ = 0;
};

// ---------------------------------------------------------------------------------------
// HTML

constexpr char kStyle[] = R"css(
:root { --pass: #1a7f37; --fail: #d1242f; --error: #9a6700; --muted: #57606a; --line: #d0d7de; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 16px 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; margin: 6px 0; } td, th { border: 1px solid var(--line);
  padding: 3px 8px; text-align: left; vertical-align: top; } th { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 6px 8px; margin: 4px 0; }
td, dd, li, summary { overflow-wrap: anywhere; unicode-bidi: isolate; }
.badge { display: inline-block; min-width: 44px; text-align: center; border-radius: 10px; padding: 0 7px;
  color: #fff; font-size: 12px; font-weight: 600; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.badge.error { background: var(--error); } .badge.not_applicable { background: var(--muted); }
.badge.expected_failure { background: #8250df; }
.zero { color: #aaa; } .muted { color: var(--muted); } .note { color: var(--error); }
section.vector { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 4px 10px; }
section.vector.fail { border-left: 4px solid var(--fail); } section.vector.error { border-left: 4px solid var(--error); }
section.vector > details > summary { cursor: pointer; padding: 4px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table.trace { width: 100%; } table.trace td.n { white-space: nowrap; } table.trace td.dir { font-size: 16px; text-align: center; }
tr.sent td.dir { color: #0969da; } tr.received td.dir { color: #8250df; } tr.note td { color: var(--muted); }
tr.failing td { background: #ffebe9; }
details.hex > summary { color: var(--muted); font-size: 12px; cursor: pointer; }
.diagram svg { max-width: 100%; height: auto; }
.legend span { margin-right: 14px; } .legend b { display: inline-block; width: 22px; height: 3px;
  vertical-align: middle; margin-right: 4px; }
)css";

std::string Badge(Verdict v) {
  const std::string name(VerdictName(v));
  std::string upper = v == Verdict::kNotApplicable     ? "N/A"
                      : v == Verdict::kExpectedFailure ? "XFAIL"
                                                       : name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "<span class=\"badge " + name + "\">" + upper + "</span>";
}

std::string Ms(double ms) {
  if (!std::isfinite(ms)) return "?";
  char buf[512];
  if (std::fabs(ms) >= 1000) {
    std::snprintf(buf, sizeof(buf), "%.2f s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f ms", ms);
  }
  return buf;
}

// Failed (a known deviation of the ledger too) or could not run: what the failure sections
// list and draw.
bool Failing(const VectorResult& v) {
  return v.verdict == Verdict::kFail || v.verdict == Verdict::kError ||
         v.verdict == Verdict::kExpectedFailure;
}

std::string CountCell(int n, const char* verdict) {
  return n == 0 ? "<td class=\"n zero\">0</td>"
                : std::string("<td class=\"n\"><span class=\"badge ") + verdict + "\">" +
                      std::to_string(n) + "</span></td>";
}

std::string Anchor(size_t index) { return "v" + std::to_string(index); }

std::string VectorLink(const RunResult& run, size_t index) {
  return "<a href=\"#" + Anchor(index) + "\"><code>" + HtmlEscape(run.vectors[index].id) +
         "</code></a>";
}

struct Tally {
  int pass = 0, fail = 0, error = 0, not_applicable = 0, expected_failure = 0;
  void Add(Verdict v) {
    (v == Verdict::kPass ? pass
     : v == Verdict::kFail ? fail
     : v == Verdict::kNotApplicable ? not_applicable
     : v == Verdict::kExpectedFailure ? expected_failure
                                      : error)++;
  }
  int total() const { return pass + fail + error + not_applicable + expected_failure; }
};

void AppendHeader(const RunResult& run, std::string& out) {
  out += "<h1>shakedown report</h1>\n<dl class=\"facts\">";
  out += "<dt>target</dt><dd><code>" + HtmlEscape(run.target) + "</code></dd>";
  out += "<dt>started</dt><dd>" + HtmlEscape(run.started_at) + "</dd>";
  out += "<dt>command</dt><dd><code>" + HtmlEscape(run.command_line) + "</code></dd>";
  out += "<dt>duration</dt><dd>" + Ms(run.duration_ms) + "</dd>";
  out += "<dt>vectors</dt><dd>" + std::to_string(run.vectors.size()) + ": " +
         Badge(Verdict::kPass) + " " + std::to_string(run.Count(Verdict::kPass)) + " &nbsp; " +
         Badge(Verdict::kFail) + " " + std::to_string(run.Count(Verdict::kFail)) + " &nbsp; " +
         Badge(Verdict::kError) + " " + std::to_string(run.Count(Verdict::kError)) +
         (run.Count(Verdict::kNotApplicable) > 0
              ? " &nbsp; " + Badge(Verdict::kNotApplicable) + " " +
                    std::to_string(run.Count(Verdict::kNotApplicable))
              : std::string()) +
         (run.Count(Verdict::kExpectedFailure) > 0
              ? " &nbsp; " + Badge(Verdict::kExpectedFailure) + " " +
                    std::to_string(run.Count(Verdict::kExpectedFailure)) +
                    " (known deviations, from the ledger)"
              : std::string()) +
         "</dd>";
  out += "</dl>\n";
}

void AppendTopicSummary(const RunResult& run, std::string& out) {
  std::map<std::string, Tally> topics;
  for (const VectorResult& v : run.vectors) topics[v.topic].Add(v.verdict);
  out += "<h2 id=\"topics\">Summary by topic</h2>\n<table><tr><th>topic</th><th>vectors</th>"
         "<th>pass</th><th>fail</th><th>error</th><th>n/a</th><th>xfail</th></tr>\n";
  for (const auto& [topic, t] : topics) {
    out += "<tr><td>" + (topic.empty() ? "<span class=\"muted\">(none)</span>" : HtmlEscape(topic)) +
           "</td><td class=\"n\">" + std::to_string(t.total()) + "</td>" + CountCell(t.pass, "pass") +
           CountCell(t.fail, "fail") + CountCell(t.error, "error") +
           CountCell(t.not_applicable, "not_applicable") +
           CountCell(t.expected_failure, "expected_failure") + "</tr>\n";
  }
  out += "</table>\n";
}

void AppendRequirementSummary(const RunResult& run, std::string& out) {
  std::map<std::string, std::vector<size_t>> by_ref;
  size_t without = 0;
  for (size_t i = 0; i < run.vectors.size(); ++i) {
    std::set<std::string> refs(run.vectors[i].refs.begin(), run.vectors[i].refs.end());
    for (const std::string& r : refs) by_ref[r].push_back(i);
    without += refs.empty();
  }
  out += "<h2 id=\"requirements\">Summary by requirement</h2>\n";
  if (by_ref.empty()) {
    out += "<p class=\"muted\">No vector cites a requirement.</p>\n";
    return;
  }
  out += "<table><tr><th>requirement</th><th>pass</th><th>fail</th><th>error</th>"
         "<th>vectors</th></tr>\n";
  for (const auto& [ref, indices] : by_ref) {
    Tally t;
    std::string links;
    for (size_t i : indices) {
      t.Add(run.vectors[i].verdict);
      links += Badge(run.vectors[i].verdict) + "&nbsp;" + VectorLink(run, i) + " ";
    }
    out += "<tr><td>" + HtmlEscape(ref) + "</td>" + CountCell(t.pass, "pass") +
           CountCell(t.fail, "fail") + CountCell(t.error, "error") + "<td>" + links + "</td></tr>\n";
  }
  out += "</table>\n";
  if (without > 0) {
    out += "<p class=\"muted\">" + std::to_string(without) + " vector(s) cite no requirement.</p>\n";
  }
}

void AppendFailures(const RunResult& run, std::string& out) {
  out += "<h2 id=\"failures\">Failures</h2>\n";
  std::string items;
  for (Verdict verdict : {Verdict::kFail, Verdict::kError}) {
    for (size_t i = 0; i < run.vectors.size(); ++i) {
      const VectorResult& v = run.vectors[i];
      if (v.verdict != verdict) continue;
      items += "<li>" + Badge(v.verdict) + " " + VectorLink(run, i) + " — " +
               HtmlEscape(FailureHeadline(v)) + "</li>\n";
    }
  }
  out += items.empty() ? "<p>None: every vector passed.</p>\n" : "<ul>\n" + items + "</ul>\n";
}

void AppendTrace(const VectorResult& v, std::string& out) {
  if (v.trace.empty()) {
    out += "<p class=\"muted\">No trace.</p>\n";
    return;
  }
  out += "<table class=\"trace\"><tr><th>#</th><th>conn</th><th>step</th><th>at</th><th></th>"
         "<th>message (decoded)</th></tr>\n";
  for (size_t i = 0; i < v.trace.size(); ++i) {
    const TraceEntry& e = v.trace[i];
    const bool failing = v.verdict != Verdict::kPass && v.failed_step >= 0 && e.step == v.failed_step &&
                         (v.failed_connection < 0 || e.connection == v.failed_connection);
    const char* arrow = e.kind == TraceEntry::Kind::kSent       ? "&rarr;"
                        : e.kind == TraceEntry::Kind::kReceived ? "&larr;"
                                                                : "&middot;";
    char at[512];
    std::snprintf(at, sizeof(at), "%.1f", std::isfinite(e.at_ms) ? e.at_ms : 0.0);
    out += "<tr class=\"" + std::string(TraceKindName(e.kind)) + (failing ? " failing" : "") +
           "\"><td class=\"n\">" + std::to_string(i) + "</td><td class=\"n\">" +
           std::to_string(e.connection) + "</td><td class=\"n\">" +
           (e.step >= 0 ? std::to_string(e.step) : "") + "</td><td class=\"n\">" + at +
           "</td><td class=\"dir\" title=\"" + std::string(TraceKindName(e.kind)) + "\">" + arrow +
           "</td><td><code>" + HtmlEscape(e.summary) + "</code>";
    if (!e.hex.empty()) {
      out += "<details class=\"hex\"><summary>hex</summary><pre>" + HtmlEscape(e.hex) +
             "</pre></details>";
    }
    out += "</td></tr>\n";
  }
  out += "</table>\n";
}

constexpr char kLegend[] =
    "<p class=\"legend muted\"><span><b style=\"background:#b8b8b8\"></b>legal table</span>"
    "<span><b style=\"background:#1f6feb\"></b>taken by the target (#order)</span>"
    "<span><b style=\"background:#d1242f\"></b>illegal</span>"
    "<span><b style=\"background:#1f6feb;height:1px;border-top:2px dashed #1f6feb\"></b>"
    "legal per the runner, not in the table</span></p>\n";

void AppendDiagram(const std::string& dot, const DiagramRenderer& renderer, std::string& out) {
  if (const std::string* svg = renderer.Svg(dot)) {
    out += "<div class=\"diagram\">" + *svg + "</div>\n" + kLegend;
    return;
  }
  out += "<p class=\"note\">State diagram not rendered (" + HtmlEscape(renderer.WhyNot(dot)) +
         "). Its Graphviz source follows; render it with <code>dot -Tsvg</code>.</p>\n<pre>" +
         HtmlEscape(dot) + "</pre>\n";
}

void AppendVector(const RunResult& run, size_t index, const std::string& dot,
                  const DiagramRenderer& renderer, bool draw, std::string& out) {
  const VectorResult& v = run.vectors[index];
  const std::string verdict(VerdictName(v.verdict));
  const bool open = v.verdict != Verdict::kPass;
  out += "<section class=\"vector " + verdict + "\" id=\"" + Anchor(index) + "\"><details" +
         (open ? " open" : "") + "><summary>" + Badge(v.verdict) + " <code>" + HtmlEscape(v.id) +
         "</code> — " + HtmlEscape(v.title) + " <span class=\"muted\">(" + Ms(v.duration_ms) +
         ")</span></summary>\n<dl class=\"facts\">";
  out += "<dt>id</dt><dd><code>" + HtmlEscape(v.id) + "</code></dd>";
  out += "<dt>topic</dt><dd>" + HtmlEscape(v.topic) + "</dd>";
  out += "<dt>file</dt><dd><code>" + HtmlEscape(v.file) + "</code></dd>";
  std::string refs;
  for (const std::string& r : v.refs) refs += (refs.empty() ? "" : "; ") + HtmlEscape(r);
  out += "<dt>refs</dt><dd>" + (refs.empty() ? "<span class=\"muted\">none</span>" : refs) + "</dd>";
  if (v.verdict != Verdict::kPass) {
    std::string where;
    if (v.failed_connection >= 0) where += "connection " + std::to_string(v.failed_connection);
    if (v.failed_step >= 0) where += (where.empty() ? "" : ", ") + std::string("step ") + std::to_string(v.failed_step);
    if (!where.empty()) out += "<dt>at</dt><dd>" + where + "</dd>";
    out += "<dt>rule</dt><dd><strong>" + HtmlEscape(v.rule) + "</strong></dd>";
    out += "<dt>message</dt><dd><pre>" + HtmlEscape(v.message) + "</pre></dd>";
    if (!v.ledger.empty()) {
      out += "<dt>ledger</dt><dd>" + HtmlEscape(v.ledger) + "</dd>";
    }
  } else if (!v.message.empty()) {
    out += "<dt>message</dt><dd><pre>" + HtmlEscape(v.message) + "</pre></dd>";
  }
  out += "</dl>\n<h3>Trace</h3>\n";
  AppendTrace(v, out);
  if (!draw) {
    std::string path;
    for (const Transition& t : v.transitions) {
      path += (path.empty() ? "" : " &rarr; ") + HtmlEscape(t.label.empty() ? t.to : t.label);
    }
    out += "<p><strong>Path</strong>: " + (path.empty() ? "<span class=\"muted\">none</span>" : path) +
           "</p>\n</details></section>\n";
    return;
  }
  out += std::string("<details class=\"diagram-box\"") + (open ? " open" : "") +
         "><summary><strong>State diagram</strong> (" + std::to_string(v.transitions.size()) +
         " transition" + (v.transitions.size() == 1 ? "" : "s") + ")</summary>\n";
  AppendDiagram(dot, renderer, out);
  out += "</details>\n</details></section>\n";
}

}  // namespace

std::string HtmlReport(const RunResult& run, const HtmlReportOptions& options) {
  // Graphs for every vector; failing vectors are rendered first so the budget favours them.
  std::vector<std::string> dots;
  dots.reserve(run.vectors.size());
  for (const VectorResult& v : run.vectors) dots.push_back(VectorDiagramDot(v));
  const std::string reference = VectorDiagramDot(VectorResult{});
  std::vector<std::string> order{reference};
  const bool draw_passing =
      static_cast<size_t>(run.Count(Verdict::kPass)) <= options.passing_diagram_limit;
  for (bool failing : {true, false}) {
    for (size_t i = 0; i < run.vectors.size(); ++i) {
      if (Failing(run.vectors[i]) == failing && (failing || draw_passing)) {
        order.push_back(dots[i]);
      }
    }
  }
  DiagramRenderer renderer(options);
  renderer.Render(order);

  std::string out;
  out.reserve(4096 + run.vectors.size() * 8192);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>shakedown: " +
         HtmlEscape(run.target) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n";
  AppendHeader(run, out);
  if (renderer.budget_exhausted()) {
    out += "<p class=\"note\">Rendering diagrams took longer than the budget (" +
           std::to_string(options.render_budget_ms) +
           " ms): failing vectors and the reference diagram were drawn first; the rest show "
           "their Graphviz source.</p>\n";
  } else if (!renderer.unavailable().empty() && options.render_diagrams) {
    out += "<p class=\"note\">Graphviz is unavailable (" + HtmlEscape(renderer.unavailable()) +
           "): diagrams are shown as their DOT source.</p>\n";
  }
  AppendTopicSummary(run, out);
  AppendRequirementSummary(run, out);
  AppendFailures(run, out);
  out += "<h2 id=\"table\">Legal TLS 1.2 handshake table</h2>\n<details><summary>Reference "
         "diagram: every flow the engine accepts (RFC 5246 7.3, RFC 5077 3.1)</summary>\n";
  AppendDiagram(reference, renderer, out);
  out += "</details>\n<h2 id=\"vectors\">Vectors</h2>\n";
  if (!draw_passing) {
    out += "<p class=\"note\">" + std::to_string(run.Count(Verdict::kPass)) +
           " vectors passed: their paths are listed as text; diagrams are drawn for failing "
           "vectors only (HtmlReportOptions::passing_diagram_limit).</p>\n";
  }
  for (bool failing : {true, false}) {
    for (size_t i = 0; i < run.vectors.size(); ++i) {
      if (Failing(run.vectors[i]) == failing) {
        AppendVector(run, i, dots[i], renderer, failing || draw_passing, out);
      }
    }
  }
  char footer[160];
  std::snprintf(footer, sizeof(footer),
                "<p class=\"muted\">%zu diagram(s) rendered by %d Graphviz process(es) in %.0f ms.</p>\n",
                renderer.rendered(), renderer.processes(), renderer.render_ms());
  out += footer;
  out += "</body></html>\n";
  return out;
}

Status WriteHtmlReport(const RunResult& run, const std::string& path,
                       const HtmlReportOptions& options) {
  return WriteTextFile(path, HtmlReport(run, options));
}

}  // namespace shakedown
