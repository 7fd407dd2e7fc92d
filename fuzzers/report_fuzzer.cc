// libFuzzer target for the report writers (reports/): hostile strings in every field.
//
// Input: a RunResult built by FuzzedRun below — every string takes arbitrary bytes (NUL,
// controls, invalid UTF-8, markup), numbers take arbitrary values (NaN, infinities,
// negative steps). Invariants (trap on violation):
// - JUnitXml parses with pugixml, contains only XML 1.0 characters and one testcase per vector;
// - JsonResults parses with nlohmann::json and has one entry per vector with the same verdict;
// - HtmlReport (no Graphviz) is valid UTF-8 and contains no "<script" in any case, no NUL,
//   no ESC and no U+202E;
// - every VectorDiagramDot is valid UTF-8;
// - the console lines (no colour) contain no ESC, CR or NUL, and one line per vector.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/console.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit.h"
#include "reports/results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A length byte then that many bytes; length 0xFF means a long string (one more length
  // byte, up to 16 kB), so some strings exceed every fixed cut in the writers.
  std::string String() {
    size_t n = Byte();
    if (n == 0xFF) n = size_t{Byte()} * 64 + 256;
    std::string s;
    while (s.size() < n && !empty()) s.push_back(static_cast<char>(Byte()));
    if (n > s.size() && n > 0xFF) s.resize(n, s.empty() ? '<' : s.back());  // repeat to length
    return s;
  }
  int Int() {
    switch (Byte() & 7) {
      case 0: return -1;
      case 1: return 0;
      case 2: return 1;
      case 3: return -static_cast<int>(Byte()) - 2;
      case 4: return 1 << (Byte() & 30);
      default: return Byte();
    }
  }
  double Double() {
    uint64_t bits = 0;
    const uint8_t kind = Byte();
    if (kind < 200) return kind;  // mostly ordinary values
    for (int i = 0; i < 8; ++i) bits = bits << 8 | Byte();
    double d;
    std::memcpy(&d, &bits, sizeof(d));  // any bit pattern: NaN, inf, subnormal, negative
    return d;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

RunResult FuzzedRun(Input& in) {
  RunResult run;
  run.target = in.String();
  run.started_at = in.String();
  run.command_line = in.String();
  run.duration_ms = in.Double();
  const size_t vectors = in.Byte() % 8;
  for (size_t i = 0; i < vectors && !in.empty(); ++i) {
    VectorResult v;
    v.id = in.String();
    v.title = in.String();
    v.topic = in.String();
    v.file = in.String();
    for (size_t r = in.Byte() % 4; r > 0; --r) v.refs.push_back(in.String());
    v.verdict = static_cast<Verdict>(in.Byte() % 3);
    v.failed_connection = in.Int();
    v.failed_step = in.Int();
    v.rule = in.String();
    v.message = in.String();
    v.duration_ms = in.Double();
    for (size_t t = in.Byte() % 6; t > 0; --t) {
      TraceEntry e;
      e.kind = static_cast<TraceEntry::Kind>(in.Byte() % 3);
      e.connection = in.Int();
      e.step = in.Int();
      e.summary = in.String();
      e.hex = in.String();
      e.at_ms = in.Double();
      v.trace.push_back(std::move(e));
    }
    for (size_t t = in.Byte() % 8; t > 0; --t) {
      Transition tr;
      const uint8_t how = in.Byte();
      // Often a real step name, so paths walk into the table before leaving it.
      static const char* kSteps[] = {"C:client_hello", "S:server_hello", "S:certificate",
                                     "S:server_hello_done", "C:client_key_exchange",
                                     "C:change_cipher_spec", "C:finished", "S:finished"};
      tr.label = how & 1 ? kSteps[(how >> 1) & 7] : in.String();
      tr.from = in.String();
      tr.to = how & 16 ? tr.label : in.String();
      tr.legal = how & 32;
      tr.connection = how & 64 ? in.Int() : 0;
      v.transitions.push_back(std::move(tr));
    }
    run.vectors.push_back(std::move(v));
  }
  return run;
}

bool ContainsNoCase(const std::string& haystack, const char* needle) {
  const size_t n = std::strlen(needle);
  for (size_t i = 0; i + n <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < n && std::tolower(static_cast<unsigned char>(haystack[i + j])) == needle[j]) ++j;
    if (j == n) return true;
  }
  return false;
}

void CheckJUnit(const RunResult& run) {
  const std::string xml = JUnitXml(run);
  Check(ValidUtf8(xml) == xml);
  for (char c : xml) {
    const unsigned char u = static_cast<unsigned char>(c);
    Check(u >= 0x20 || u == '\t' || u == '\n' || u == '\r');
  }
  pugi::xml_document doc;
  Check(static_cast<bool>(doc.load_buffer(xml.data(), xml.size(), pugi::parse_default,
                                          pugi::encoding_utf8)));
  size_t cases = 0;
  for (pugi::xml_node suite : doc.child("testsuites").children("testsuite")) {
    for (pugi::xml_node tc : suite.children("testcase")) {
      (void)tc;
      ++cases;
    }
  }
  Check(cases == run.vectors.size());
}

void CheckJson(const RunResult& run) {
  const std::string text = JsonResults(run);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  Check(!doc.is_discarded());
  Check(doc["vectors"].size() == run.vectors.size());
  for (size_t i = 0; i < run.vectors.size(); ++i) {
    Check(doc["vectors"][i]["verdict"] == VerdictName(run.vectors[i].verdict));
    Check(doc["vectors"][i]["id"] == ValidUtf8(run.vectors[i].id));
  }
}

void CheckHtml(const RunResult& run) {
  HtmlReportOptions options;
  options.render_diagrams = false;
  const std::string html = HtmlReport(run, options);
  Check(ValidUtf8(html) == html);
  Check(!ContainsNoCase(html, "<script"));
  Check(html.find('\0') == std::string::npos);
  Check(html.find('\x1b') == std::string::npos);
  Check(html.find("\xE2\x80\xAE") == std::string::npos);
  for (const VectorResult& v : run.vectors) {
    const std::string dot = VectorDiagramDot(v);
    Check(ValidUtf8(dot) == dot);
  }
}

void CheckConsole(const RunResult& run) {
  std::ostringstream out, progress;
  ConsoleOptions options;
  options.progress = true;
  ConsoleReporter reporter(out, progress, options);
  reporter.OnRunStart(run.vectors.size());
  for (const VectorResult& v : run.vectors) reporter.OnVectorDone(v);
  const std::string lines = out.str();
  Check(lines.find('\x1b') == std::string::npos);
  Check(lines.find('\r') == std::string::npos);
  Check(lines.find('\0') == std::string::npos);
  size_t newlines = 0;
  for (char c : lines) newlines += c == '\n';
  Check(newlines == run.vectors.size());
  reporter.OnRunDone(run);
}

}  // namespace
}  // namespace shakedown

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  shakedown::Input in(data, size);
  const shakedown::RunResult run = shakedown::FuzzedRun(in);
  shakedown::CheckJUnit(run);
  shakedown::CheckJson(run);
  shakedown::CheckHtml(run);
  shakedown::CheckConsole(run);
  return 0;
}
