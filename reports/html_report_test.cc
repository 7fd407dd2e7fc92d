#include "reports/html_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>

#include "engine/state/handshake_graph.h"
#include "reports/test_results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

constexpr char kDot[] = "/usr/bin/dot";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

HtmlReportOptions NoDot() {
  HtmlReportOptions o;
  o.render_diagrams = false;
  return o;
}

HtmlReportOptions WithDot() {
  HtmlReportOptions o;
  o.dot_program = kDot;
  return o;
}

// The HTML of vector `index`'s section.
std::string Section(const std::string& html, size_t index) {
  const size_t begin = html.find("<section class=\"vector");
  const size_t start = html.find("id=\"v" + std::to_string(index) + "\"", begin);
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

bool HaveDot() { return ::access(kDot, X_OK) == 0; }

// ---- Diagram graphs

TEST(VectorDiagramDot, DrawsEveryEdgeOfTheLegalTable) {
  // The table's own rendering and the per-vector graph have the same edges.
  EXPECT_EQ(Count(VectorDiagramDot(VectorResult{}), " -> "), Count(HandshakeTableDot(), " -> "));
  EXPECT_EQ(Count(VectorDiagramDot(VectorResult{}), "#1f6feb"), 1u);  // only the start node
  EXPECT_EQ(Count(VectorDiagramDot(VectorResult{}), "#d1242f"), 0u);
}

TEST(VectorDiagramDot, OverlaysTheTakenPathInOrder) {
  const VectorResult pass = SmallRun().vectors[0];  // CH, SH, Certificate: all legal
  const std::string dot = VectorDiagramDot(pass);
  EXPECT_NE(dot.find("n0 -> n1 [label=\"C: client_hello\\n#1\", color=\"#1f6feb\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("[label=\"S: server_hello\\n#2\", color=\"#1f6feb\""), std::string::npos);
  EXPECT_NE(dot.find("[label=\"S: certificate\\n#3\", color=\"#1f6feb\""), std::string::npos);
  EXPECT_EQ(Count(dot, "penwidth=2.5"), 3u);
  EXPECT_EQ(dot.find("#d1242f"), std::string::npos);
}

TEST(VectorDiagramDot, IllegalStepLeavesTheTableInRed) {
  const VectorResult fail = SmallRun().vectors[1];  // CH, SH, then Finished: illegal
  const std::string dot = VectorDiagramDot(fail);
  EXPECT_NE(dot.find("x0 [shape=box"), std::string::npos) << dot;
  EXPECT_NE(dot.find(" -> x0 [label=\"C: finished\\n#3\", color=\"#d1242f\""), std::string::npos) << dot;
  EXPECT_EQ(Count(dot, "penwidth=2.5"), 3u);
}

TEST(VectorDiagramDot, EachConnectionStartsAtTheRoot) {
  VectorResult v;
  for (int c : {0, 1}) {
    v.transitions.push_back({"start", "C:client_hello", "C:client_hello", true, c});
    v.transitions.push_back({"", "", "S: server_hello", true, c});  // spaced form accepted
  }
  const std::string dot = VectorDiagramDot(v);
  EXPECT_NE(dot.find("n0 -> n1 [label=\"C: client_hello\\n0.1, 1.1\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("[label=\"S: server_hello\\n0.2, 1.2\""), std::string::npos) << dot;
  EXPECT_EQ(dot.find("x0"), std::string::npos);
}

TEST(VectorDiagramDot, LegalStepOutsideTheTableIsDashed) {
  VectorResult v;
  v.transitions.push_back({"start", "C:hello_request", "C:hello_request", true, 0});
  const std::string dot = VectorDiagramDot(v);
  EXPECT_NE(dot.find("n0 -> x0 [label=\"C: hello_request\\n#1\", color=\"#1f6feb\", fontcolor=\"#1f6feb\", penwidth=2.5, style=dashed]"),
            std::string::npos) << dot;
}

TEST(VectorDiagramDot, BoundsALoopingTarget) {
  VectorResult v;
  for (int i = 0; i < 5000; ++i) v.transitions.push_back({"a", "b", "S:hello_request", false, 0});
  const std::string dot = VectorDiagramDot(v);
  EXPECT_LT(Count(dot, " -> x"), 101u);
  EXPECT_NE(dot.find("4900 more transitions not drawn"), std::string::npos);
}

TEST(VectorDiagramDot, HostileLabelsAreQuotedForDot) {
  for (const VectorResult& v : HostileRun().vectors) {
    const std::string dot = VectorDiagramDot(v);
    EXPECT_EQ(ValidUtf8(dot), dot);
    // Every quote inside a label is escaped: lines have an even number of unescaped quotes.
    size_t start = 0;
    while (start < dot.size()) {
      size_t end = dot.find('\n', start);
      if (end == std::string::npos) end = dot.size();
      int quotes = 0;
      for (size_t i = start; i < end; ++i) {
        if (dot[i] == '\\') {
          ++i;
          continue;
        }
        quotes += dot[i] == '"';
      }
      EXPECT_EQ(quotes % 2, 0) << dot.substr(start, end - start);
      start = end + 1;
    }
  }
}

// ---- The report

TEST(HtmlReport, HasSummariesFailuresFirstAndEveryVector) {
  const RunResult run = SmallRun();
  const std::string html = HtmlReport(run, NoDot());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("tcp:127.0.0.1:4433"), std::string::npos);
  EXPECT_NE(html.find("2024-05-01T12:00:00Z"), std::string::npos);
  EXPECT_NE(html.find("shakedown run --target tcp:127.0.0.1:4433 vectors/"), std::string::npos);
  for (const VectorResult& v : run.vectors) {
    EXPECT_NE(html.find(">" + v.id + "<"), std::string::npos) << v.id;
  }
  // Requirement summary: RFC 5246 7.4.9 is cited by the pass and the fail.
  const size_t req = html.find("<td>RFC 5246 7.4.9</td>");
  ASSERT_NE(req, std::string::npos);
  const std::string row = html.substr(req, html.find("</tr>", req) - req);
  EXPECT_NE(row.find("server.ccs.before-cke"), std::string::npos);
  EXPECT_NE(row.find("server.order.finished-first"), std::string::npos);
  // Topic summary row for server.order: 2 vectors, 0 pass, 1 fail, 1 error, 0 n/a, 0 xfail.
  EXPECT_NE(html.find("<tr><td>server.order</td><td class=\"n\">2</td><td class=\"n zero\">0</td>"
                      "<td class=\"n\"><span class=\"badge fail\">1</span></td>"
                      "<td class=\"n\"><span class=\"badge error\">1</span></td>"
                      "<td class=\"n zero\">0</td><td class=\"n zero\">0</td></tr>"),
            std::string::npos);
  // Failing and erroring vectors come before passing ones.
  const size_t fail_section = html.find("id=\"v1\"");
  const size_t error_section = html.find("id=\"v2\"");
  const size_t pass_section = html.find("id=\"v0\"");
  ASSERT_NE(pass_section, std::string::npos);
  EXPECT_LT(fail_section, pass_section);
  EXPECT_LT(error_section, pass_section);
  // The failing rule, the escaped message and the trace.
  EXPECT_NE(html.find("expect alert unexpected_message"), std::string::npos);
  EXPECT_NE(html.find("vector: steps[2].send: unknown message &quot;Helo&quot;"), std::string::npos);
  EXPECT_NE(html.find("<li><span class=\"badge fail\">FAIL</span> <a href=\"#v1\">"), std::string::npos);
  EXPECT_NE(html.find("<code>Finished(verify_data=00..)</code>"), std::string::npos);
  EXPECT_NE(html.find("<pre>14030300</pre>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"sent failing\">"), std::string::npos);
  // Self-contained: no scripts, no external resources.
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(HtmlReport, WithoutRenderingShowsDotSource) {
  const std::string html = HtmlReport(SmallRun(), NoDot());
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  // Three vectors and the reference table, each with its escaped source.
  EXPECT_EQ(Count(html, "<pre>digraph shakedown_vector {"), 4u);
  EXPECT_NE(html.find("label=&quot;C: client_hello\\n#1&quot;"), std::string::npos);
  EXPECT_NE(html.find("diagram rendering is turned off"), std::string::npos);
}

TEST(HtmlReport, MissingGraphvizFallsBackToDotSource) {
  HtmlReportOptions o;
  o.dot_program = "/nonexistent/dot";
  const std::string html = HtmlReport(SmallRun(), o);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Graphviz is unavailable"), std::string::npos);
  EXPECT_NE(html.find("/nonexistent/dot"), std::string::npos);
  EXPECT_EQ(Count(html, "<pre>digraph shakedown_vector {"), 4u);
}

TEST(HtmlReport, FailingGraphvizFallsBackToDotSource) {
  HtmlReportOptions o;
  o.dot_program = "false";  // starts, exits 1
  const std::string html = HtmlReport(SmallRun(), o);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("exit status 1"), std::string::npos);
  EXPECT_EQ(Count(html, "<pre>digraph shakedown_vector {"), 4u);
}

TEST(HtmlReport, RendersInlineSvgWithGraphviz) {
  if (!HaveDot()) GTEST_SKIP() << "no " << kDot;
  const std::string html = HtmlReport(SmallRun(), WithDot());
  EXPECT_EQ(Count(html, "<svg"), 4u);  // 3 vectors + the reference table
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("<!DOCTYPE svg"), std::string::npos);
  EXPECT_EQ(html.find("<pre>digraph"), std::string::npos);
  EXPECT_NE(Section(html, 0).find("<svg"), std::string::npos);
  EXPECT_NE(Section(html, 1).find("<svg"), std::string::npos);
  // Slimmed: no tooltips, and no ids that many inline copies would duplicate.
  EXPECT_EQ(html.find("<title>n0"), std::string::npos);
  EXPECT_EQ(html.find("id=\"graph0"), std::string::npos);
  EXPECT_EQ(html.find("id=\"node1"), std::string::npos);
  // The illegal step's edge is drawn red, the legal path blue.
  EXPECT_NE(html.find("stroke=\"#d1242f\""), std::string::npos);
  EXPECT_NE(html.find("stroke=\"#1f6feb\""), std::string::npos);
}

TEST(HtmlReport, HostileStringsAreEscaped) {
  const RunResult run = HostileRun();
  for (const HtmlReportOptions& o : {NoDot(), WithDot()}) {
    if (o.render_diagrams && !HaveDot()) continue;
    const std::string html = HtmlReport(run, o);
    EXPECT_EQ(ValidUtf8(html), html);
    EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<![CDATA["), std::string::npos);
    EXPECT_EQ(html.find('\0'), std::string::npos);
    EXPECT_EQ(html.find('\x01'), std::string::npos);
    EXPECT_EQ(html.find('\x1b'), std::string::npos);
    EXPECT_EQ(html.find("\xE2\x80\xAE"), std::string::npos);  // U+202E shown as [U+202E]
    EXPECT_NE(html.find("[U+202E]"), std::string::npos);
    EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;![CDATA[ x ]]&gt; ]]&gt;"), std::string::npos);
    EXPECT_NE(html.find("&quot;quotes&#39; &amp; &lt;tags&gt; &amp;amp; &amp;#0;"), std::string::npos);
    // Anchors are ours, never a hostile id.
    for (size_t i = 0; i < run.vectors.size(); ++i) {
      EXPECT_NE(html.find("id=\"v" + std::to_string(i) + "\""), std::string::npos);
    }
    EXPECT_NE(html.find(std::string(100000, 'A')), std::string::npos);
  }
}

TEST(HtmlReport, HostileDiagramsRenderOrFallBackSafely) {
  if (!HaveDot()) GTEST_SKIP() << "no " << kDot;
  const std::string html = HtmlReport(HostileRun(), WithDot());
  // dot accepts the quoted labels: every vector and the reference table got an SVG.
  EXPECT_EQ(Count(html, "<svg"), HostileRun().vectors.size() + 1);
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(Lower(html).find("<foreignobject"), std::string::npos);
}

TEST(HtmlReport, ManyVectorsRenderQuickly) {
  if (!HaveDot()) GTEST_SKIP() << "no " << kDot;
  // 300 vectors, each with its own path (so nothing is shared but the reference table).
  RunResult run;
  const HandshakeFlow& flow = HandshakeFlows()[3];
  for (int i = 0; i < 300; ++i) {
    VectorResult v;
    v.id = "perf." + std::to_string(i);
    v.verdict = i % 10 == 0 ? Verdict::kFail : Verdict::kPass;
    const size_t legal = 1 + static_cast<size_t>(i) % flow.steps.size();
    for (size_t s = 0; s < legal; ++s) {
      v.transitions.push_back({"", flow.steps[s].ToString(), flow.steps[s].ToString(), true, 0});
    }
    v.transitions.push_back({"", "state " + std::to_string(i), "C:certificate_url", false, 0});
    run.vectors.push_back(std::move(v));
  }
  HtmlReportOptions options = WithDot();
  options.passing_diagram_limit = run.vectors.size();  // draw them all
  const auto start = std::chrono::steady_clock::now();
  const std::string html = HtmlReport(run, options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(Count(html, "<svg"), 301u);
  std::printf("HtmlReport: 300 vectors with diagrams in %.0f ms (%.2f ms per vector), %zu bytes\n",
              ms, ms / 300, html.size());
  RecordProperty("ms_per_vector", static_cast<int>(ms / 300 * 1000));  // microseconds
}

TEST(HtmlReport, LargeRunsDrawOnlyFailingVectors) {
  if (!HaveDot()) GTEST_SKIP() << "no " << kDot;
  RunResult run;
  const HandshakeFlow& flow = HandshakeFlows()[0];
  for (int i = 0; i < 6; ++i) {
    VectorResult v;
    v.id = "big." + std::to_string(i);
    v.verdict = i == 0 ? Verdict::kFail : Verdict::kPass;
    for (size_t s = 0; s <= static_cast<size_t>(i) && s < flow.steps.size(); ++s) {
      v.transitions.push_back({"", flow.steps[s].ToString(), flow.steps[s].ToString(), true, 0});
    }
    run.vectors.push_back(std::move(v));
  }
  HtmlReportOptions options = WithDot();
  options.passing_diagram_limit = 4;  // 5 passing vectors: over the limit
  const std::string html = HtmlReport(run, options);
  EXPECT_EQ(Count(html, "<svg"), 2u);  // the reference table and the failing vector
  EXPECT_NE(html.find("paths are listed as text"), std::string::npos);
  EXPECT_NE(html.find("<strong>Path</strong>: C:client_hello &rarr; S:server_hello"),
            std::string::npos);
  options.passing_diagram_limit = 5;  // at the limit: everything is drawn
  EXPECT_EQ(Count(HtmlReport(run, options), "<svg"), 7u);
}

TEST(HtmlReport, BudgetExhaustionRendersFailuresFirstAndSaysSo) {
  if (!HaveDot()) GTEST_SKIP() << "no " << kDot;
  RunResult run = SmallRun();
  HtmlReportOptions o = WithDot();
  o.render_budget_ms = 0;  // the first batch still runs; nothing after it
  o.graphs_per_process = 2;  // reference table + the first failing vector
  const std::string html = HtmlReport(run, o);
  EXPECT_NE(html.find("took longer than the budget"), std::string::npos);
  // The reference, the failing vector, and the erroring one (no transitions: it shares the
  // reference's graph); the passing vector shows its source.
  EXPECT_EQ(Count(html, "<svg"), 3u);
  EXPECT_NE(Section(html, 1).find("<svg"), std::string::npos);
  EXPECT_NE(Section(html, 2).find("<svg"), std::string::npos);
  EXPECT_EQ(Section(html, 0).find("<svg"), std::string::npos);
  EXPECT_NE(Section(html, 0).find("ran out"), std::string::npos);
  EXPECT_EQ(Count(html, "<pre>digraph shakedown_vector {"), 1u);
}

TEST(WriteHtmlReport, ErrorNamesThePath) {
  Status s = WriteHtmlReport(SmallRun(), "/nonexistent-dir-for-shakedown/report.html", NoDot());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir-for-shakedown/report.html"), std::string::npos);
}

}  // namespace
}  // namespace shakedown
