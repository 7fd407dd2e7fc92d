#include "reports/matrix_report.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "reports/text_util.h"

namespace shakedown {
namespace {

using nlohmann::json;

// One row: a vector and where it sits in each column's results (-1: not in that run).
struct Row {
  std::string id;
  std::string title;
  std::vector<std::string> refs;
  std::vector<int> index;  // per column
};

// The vectors some column does not pass (fail, expected failure, error, not applicable), in
// first-seen order.
std::vector<Row> Deviations(const std::vector<MatrixColumn>& columns, bool with_not_applicable) {
  std::map<std::string, size_t> row_of;
  std::vector<Row> rows;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::vector<VectorResult>& vs = columns[c].result.vectors;
    for (size_t i = 0; i < vs.size(); ++i) {
      auto [it, added] = row_of.emplace(vs[i].id, rows.size());
      if (added) {
        rows.push_back({vs[i].id, vs[i].title, vs[i].refs, std::vector<int>(columns.size(), -1)});
      }
      rows[it->second].index[c] = static_cast<int>(i);
    }
  }
  std::vector<Row> out;
  for (Row& r : rows) {
    bool deviates = false;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (r.index[c] < 0) continue;
      const Verdict v = columns[c].result.vectors[r.index[c]].verdict;
      deviates = deviates || v == Verdict::kFail || v == Verdict::kExpectedFailure ||
                 v == Verdict::kError || (with_not_applicable && v == Verdict::kNotApplicable);
    }
    if (deviates) out.push_back(std::move(r));
  }
  return out;
}

const VectorResult* At(const std::vector<MatrixColumn>& columns, const Row& r, size_t c) {
  return r.index[c] < 0 ? nullptr : &columns[c].result.vectors[r.index[c]];
}

// ✓ pass, ✗ fail, ≈ expected failure (ledger), – not applicable, ! error, · not run.
const char* Mark(const VectorResult* v) {
  if (v == nullptr) return "·";
  switch (v->verdict) {
    case Verdict::kPass:
      return "✓";
    case Verdict::kFail:
      return "✗";
    case Verdict::kExpectedFailure:
      return "≈";
    case Verdict::kNotApplicable:
      return "–";
    case Verdict::kError:
      return "!";
  }
  return "?";
}

json Counts(const RunResult& r) {
  return {{"total", r.vectors.size()},
          {"pass", r.Count(Verdict::kPass)},
          {"fail", r.Count(Verdict::kFail)},
          {"expected_failure", r.Count(Verdict::kExpectedFailure)},
          {"not_applicable", r.Count(Verdict::kNotApplicable)},
          {"error", r.Count(Verdict::kError)}};
}

// Requirement -> the deviating rows that cite it ("(no reference)" for none), so a reader sees
// which RFC text the implementations part on.
std::map<std::string, std::vector<const Row*>> ByRequirement(const std::vector<Row>& rows) {
  std::map<std::string, std::vector<const Row*>> by;
  for (const Row& r : rows) {
    if (r.refs.empty()) by["(no reference)"].push_back(&r);
    for (const std::string& ref : r.refs) by[ref].push_back(&r);
  }
  return by;
}

std::string Cell(const std::vector<MatrixColumn>& columns, const Row& r, size_t c) {
  const VectorResult* v = At(columns, r, c);
  std::string title = v == nullptr ? "not run" : std::string(VerdictName(v->verdict));
  if (v != nullptr && !v->rule.empty()) title += ": " + v->rule + ": " + v->message;
  if (v != nullptr && !v->ledger.empty()) title += "\nledger: " + v->ledger;
  std::string cls = v == nullptr ? "none" : std::string(VerdictName(v->verdict));
  std::string mark = Mark(v);
  if (v != nullptr) {
    mark = "<a href=\"" + HtmlEscape(columns[c].report_dir) + "/report.html#v" +
           std::to_string(r.index[c]) + "\">" + mark + "</a>";
  }
  return "<td class=\"" + cls + "\" title=\"" + HtmlEscape(TruncateUtf8(title, 600)) + "\">" +
         mark + "</td>";
}

}  // namespace

std::string MatrixJson(const std::vector<MatrixColumn>& columns) {
  json cols = json::array();
  for (const MatrixColumn& c : columns) {
    cols.push_back({{"name", ValidUtf8(c.name)},
                    {"version", ValidUtf8(c.version)},
                    {"target", ValidUtf8(c.result.target)},
                    {"report", ValidUtf8(c.report_dir)},
                    {"ledger", ValidUtf8(c.ledger)},
                    {"counts", Counts(c.result)}});
  }
  json rows = json::array();
  for (const Row& r : Deviations(columns, /*with_not_applicable=*/true)) {
    json cells = json::object();
    for (size_t c = 0; c < columns.size(); ++c) {
      const VectorResult* v = At(columns, r, c);
      cells[columns[c].name] =
          v == nullptr ? json(nullptr)
                       : json{{"verdict", std::string(VerdictName(v->verdict))},
                              {"rule", ValidUtf8(v->rule)},
                              {"message", ValidUtf8(v->message)},
                              {"index", r.index[c]}};
    }
    json refs = json::array();
    for (const std::string& ref : r.refs) refs.push_back(ValidUtf8(ref));
    rows.push_back({{"id", ValidUtf8(r.id)}, {"refs", refs}, {"cells", cells}});
  }
  json doc = {{"schema", "shakedown.matrix"},
              {"schema_version", 1},
              {"columns", cols},
              {"deviations", rows}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string MatrixHtml(const std::vector<MatrixColumn>& columns) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n<title>shakedown: conformance matrix</title>\n<style>"
      "body{font:14px system-ui,sans-serif;margin:24px;} table{border-collapse:collapse;}"
      "td,th{border:1px solid #d0d7de;padding:2px 8px;} td.pass{background:#dafbe1;}"
      "td.fail{background:#ffebe9;} td.expected_failure{background:#f3e8ff;}"
      "td.not_applicable{color:#6e7781;} td.error{background:#fff8c5;} td a{text-decoration:none;"
      "color:inherit;} td.n{text-align:right;} code{font-size:12px;}</style></head>\n<body>\n"
      "<h1>TLS 1.2 conformance matrix</h1>\n<p>✓ pass &nbsp; ✗ fail &nbsp; ≈ known deviation "
      "(ledger) &nbsp; – not applicable (the library cannot be configured so) &nbsp; ! error "
      "&nbsp; · not run. Each mark links to the vector's trace.</p>\n";
  out += "<table><tr><th>implementation</th><th>version</th><th>vectors</th><th>pass</th>"
         "<th>fail</th><th>known deviations</th><th>n/a</th><th>error</th><th>ledger</th></tr>\n";
  for (const MatrixColumn& c : columns) {
    const RunResult& r = c.result;
    out += "<tr><td><a href=\"" + HtmlEscape(c.report_dir) + "/report.html\">" +
           HtmlEscape(c.name) + "</a></td><td>" + HtmlEscape(c.version) + "</td><td class=\"n\">" +
           std::to_string(r.vectors.size()) + "</td><td class=\"n\">" +
           std::to_string(r.Count(Verdict::kPass)) + "</td><td class=\"n\">" +
           std::to_string(r.Count(Verdict::kFail)) + "</td><td class=\"n\">" +
           std::to_string(r.Count(Verdict::kExpectedFailure)) + "</td><td class=\"n\">" +
           std::to_string(r.Count(Verdict::kNotApplicable)) + "</td><td class=\"n\">" +
           std::to_string(r.Count(Verdict::kError)) + "</td><td><code>" + HtmlEscape(c.ledger) +
           "</code></td></tr>\n";
  }
  out += "</table>\n";
  std::string head = "<tr><th>vector</th>";
  for (const MatrixColumn& c : columns) head += "<th>" + HtmlEscape(c.name) + "</th>";
  head += "</tr>\n";
  const std::vector<Row> rows = Deviations(columns, /*with_not_applicable=*/false);
  out += "<h2>Deviations by requirement</h2>\n<p>" + std::to_string(rows.size()) +
         " vector(s) fail (or fail as their ledger says) in at least one implementation, "
         "grouped by the requirements they cite.</p>\n";
  for (const auto& [ref, list] : ByRequirement(rows)) {
    out += "<h3>" + HtmlEscape(ref) + "</h3>\n<table>" + head;
    for (const Row* r : list) {
      out += "<tr><td><code>" + HtmlEscape(r->id) + "</code></td>";
      for (size_t c = 0; c < columns.size(); ++c) out += Cell(columns, *r, c);
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  const std::vector<Row> all = Deviations(columns, /*with_not_applicable=*/true);
  out += "<h2>Every vector some implementation does not pass</h2>\n<table>" + head;
  for (const Row& r : all) {
    out += "<tr><td><code>" + HtmlEscape(r.id) + "</code></td>";
    for (size_t c = 0; c < columns.size(); ++c) out += Cell(columns, r, c);
    out += "</tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return out;
}

std::string MatrixMarkdown(const std::vector<MatrixColumn>& columns) {
  std::string out =
      "# TLS 1.2 conformance matrix\n\n"
      "<!-- Generated by `./shakedown matrix --markdown docs/MATRIX.md`; do not edit. "
      "//cli:matrix_docs_test holds it to a fresh run. -->\n\n"
      "Every vector of vectors/conformance against the reference engine and each TLS library "
      "in-process (docs/TARGETS.md), both roles, with the library's deviation ledger "
      "(vectors/expectations/) applied. ✓ pass, ✗ fail, ≈ known deviation (ledgered), – not "
      "applicable (the library cannot be configured as the vector's target block says), ! "
      "error. `./shakedown matrix --report DIR` draws the same with a trace behind every "
      "mark.\n\n"
      "| implementation | version | vectors | pass | fail | known deviations | n/a | error |\n"
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const MatrixColumn& c : columns) {
    const RunResult& r = c.result;
    // The release series its ledger is for: a patch release leaves the document unchanged.
    const std::string series = MajorMinor(c.version);
    out += "| " + c.name + " | " + (series.empty() ? "-" : series) + " | " +
           std::to_string(r.vectors.size()) + " | " + std::to_string(r.Count(Verdict::kPass)) +
           " | " + std::to_string(r.Count(Verdict::kFail)) + " | " +
           std::to_string(r.Count(Verdict::kExpectedFailure)) + " | " +
           std::to_string(r.Count(Verdict::kNotApplicable)) + " | " +
           std::to_string(r.Count(Verdict::kError)) + " |\n";
  }
  const std::vector<Row> rows = Deviations(columns, /*with_not_applicable=*/false);
  // One line per requirement (the vectors' refs: RFC sections, checklist rows, CVEs, attacks),
  // counting the vectors that deviate in each implementation; the vectors themselves, with their
  // traces, are in the matrix report (a line per vector here would be megabytes).
  out += "\n## Deviations by requirement\n\n" + std::to_string(rows.size()) +
         " vector(s) fail, or fail as their ledger says, in at least one implementation. Per "
         "requirement the vectors citing it: ≈N known deviations, ✗N failures, · none.\n\n";
  std::string head = "| requirement | vectors |";
  std::string rule = "| --- | ---: |";
  for (const MatrixColumn& c : columns) {
    head += " " + c.name + " |";
    rule += " ---: |";
  }
  out += head + "\n" + rule + "\n";
  for (const auto& [ref, list] : ByRequirement(rows)) {
    out += "| " + ref + " | " + std::to_string(list.size()) + " |";
    for (size_t c = 0; c < columns.size(); ++c) {
      int failed = 0, known = 0;
      for (const Row* r : list) {
        const VectorResult* v = At(columns, *r, c);
        if (v == nullptr) continue;
        failed += v->verdict == Verdict::kFail || v->verdict == Verdict::kError;
        known += v->verdict == Verdict::kExpectedFailure;
      }
      std::string cell;
      if (known > 0) cell += "≈" + std::to_string(known);
      if (failed > 0) cell += std::string(cell.empty() ? "" : " ") + "✗" + std::to_string(failed);
      out += " " + (cell.empty() ? std::string("·") : cell) + " |";
    }
    out += "\n";
  }
  return out;
}

Status WriteMatrix(const std::vector<MatrixColumn>& columns, const std::string& dir) {
  Status json_written = WriteTextFile(dir + "/matrix.json", MatrixJson(columns));
  Status html_written = WriteTextFile(dir + "/matrix.html", MatrixHtml(columns));
  return json_written.ok() ? html_written : json_written;
}

}  // namespace shakedown
