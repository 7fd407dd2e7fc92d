#include "reports/junit.h"

#include <pugixml.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "reports/text_util.h"

namespace shakedown {
namespace {

constexpr char kNoTopic[] = "uncategorized";
// CI UIs show the message attribute on one line; the full text is in the element body.
constexpr size_t kMaxMessageChars = 1000;
constexpr size_t kExcerptEntries = 20;

std::string Seconds(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%.3f", ms / 1000.0);
  return buf;
}

void SetAttr(pugi::xml_node node, const char* name, std::string_view value) {
  node.append_attribute(name).set_value(XmlSafeText(value).c_str());
}

void AddProperty(pugi::xml_node properties, std::string_view name, std::string_view value) {
  pugi::xml_node p = properties.append_child("property");
  SetAttr(p, "name", name);
  SetAttr(p, "value", value);
}

std::string TraceLine(const TraceEntry& e, bool with_hex) {
  char at[512];
  std::snprintf(at, sizeof(at), "%.1f", std::isfinite(e.at_ms) ? e.at_ms : 0.0);
  std::string line = "[conn " + std::to_string(e.connection) +
                     (e.step >= 0 ? " step " + std::to_string(e.step) : std::string()) + " +" +
                     at + "ms] " + std::string(TraceArrow(e.kind)) + " " + e.summary + "\n";
  if (with_hex && !e.hex.empty()) line += "    " + e.hex + "\n";
  return line;
}

// Up to kExcerptEntries entries ending at the failing step's last entry (or the trace's end).
std::string TraceExcerpt(const VectorResult& v) {
  size_t end = v.trace.size();
  if (v.failed_step >= 0) {
    for (size_t i = v.trace.size(); i-- > 0;) {
      const TraceEntry& e = v.trace[i];
      if (e.step == v.failed_step &&
          (v.failed_connection < 0 || e.connection == v.failed_connection)) {
        end = i + 1;
        break;
      }
    }
  }
  const size_t begin = end > kExcerptEntries ? end - kExcerptEntries : 0;
  std::string out;
  if (begin > 0) out += "... " + std::to_string(begin) + " earlier entries\n";
  for (size_t i = begin; i < end; ++i) out += TraceLine(v.trace[i], /*with_hex=*/false);
  return out;
}

std::string FailureBody(const VectorResult& v) {
  std::string body;
  if (!v.message.empty()) body += v.message + "\n\n";
  body += "rule: " + v.rule + "\n";
  if (v.failed_connection >= 0) body += "connection: " + std::to_string(v.failed_connection) + "\n";
  if (v.failed_step >= 0) body += "step: " + std::to_string(v.failed_step) + "\n";
  if (!v.file.empty()) body += "file: " + v.file + "\n";
  if (!v.refs.empty()) {
    body += "refs:";
    for (const std::string& r : v.refs) body += " [" + r + "]";
    body += "\n";
  }
  if (!v.trace.empty()) body += "\ntrace:\n" + TraceExcerpt(v);
  return body;
}

void AddTestcase(pugi::xml_node suite, const VectorResult& v, const std::string& topic) {
  pugi::xml_node tc = suite.append_child("testcase");
  SetAttr(tc, "classname", topic);
  SetAttr(tc, "name", v.id);
  SetAttr(tc, "time", Seconds(v.duration_ms));
  if (!v.file.empty()) SetAttr(tc, "file", v.file);
  if (!v.title.empty() || !v.refs.empty()) {
    pugi::xml_node props = tc.append_child("properties");
    if (!v.title.empty()) AddProperty(props, "title", v.title);
    for (const std::string& r : v.refs) AddProperty(props, "ref", r);
  }
  if (v.verdict == Verdict::kPass) return;
  if (v.verdict == Verdict::kNotApplicable || v.verdict == Verdict::kExpectedFailure) {
    // JUnit's <skipped>: CI shows it apart from failures and does not fail on it.
    pugi::xml_node skipped = tc.append_child("skipped");
    const std::string message =
        v.verdict == Verdict::kNotApplicable
            ? v.message
            : "expected failure: " + FailureHeadline(v) + " (known deviation: " + v.ledger + ")";
    SetAttr(skipped, "message", TruncateUtf8(XmlSafeText(message), kMaxMessageChars));
    return;
  }
  const bool error = v.verdict == Verdict::kError;
  pugi::xml_node f = tc.append_child(error ? "error" : "failure");
  SetAttr(f, "message", TruncateUtf8(XmlSafeText(FailureHeadline(v)), kMaxMessageChars));
  SetAttr(f, "type", VerdictName(v.verdict));
  f.append_child(pugi::node_pcdata).set_value(XmlSafeText(FailureBody(v)).c_str());
  if (!v.trace.empty()) {
    std::string trace;
    for (const TraceEntry& e : v.trace) trace += TraceLine(e, /*with_hex=*/true);
    tc.append_child("system-out")
        .append_child(pugi::node_pcdata)
        .set_value(XmlSafeText(trace).c_str());
  }
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

}  // namespace

std::string JUnitXml(const RunResult& run) {
  std::map<std::string, std::vector<const VectorResult*>> by_topic;
  for (const VectorResult& v : run.vectors) {
    by_topic[v.topic.empty() ? kNoTopic : v.topic].push_back(&v);
  }

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("testsuites");
  SetAttr(root, "name", "shakedown");
  SetAttr(root, "tests", std::to_string(run.vectors.size()));
  SetAttr(root, "failures", std::to_string(run.Count(Verdict::kFail)));
  SetAttr(root, "errors", std::to_string(run.Count(Verdict::kError)));
  SetAttr(root, "skipped", std::to_string(run.Count(Verdict::kNotApplicable) +
                                          run.Count(Verdict::kExpectedFailure)));
  SetAttr(root, "time", Seconds(run.duration_ms));

  for (const auto& [topic, vectors] : by_topic) {
    int failures = 0, errors = 0, skipped = 0;
    double ms = 0;
    for (const VectorResult* v : vectors) {
      failures += v->verdict == Verdict::kFail;
      errors += v->verdict == Verdict::kError;
      skipped += v->verdict == Verdict::kNotApplicable ||
                 v->verdict == Verdict::kExpectedFailure;
      if (std::isfinite(v->duration_ms) && v->duration_ms > 0) ms += v->duration_ms;
    }
    pugi::xml_node suite = root.append_child("testsuite");
    SetAttr(suite, "name", "shakedown." + topic);
    SetAttr(suite, "tests", std::to_string(vectors.size()));
    SetAttr(suite, "failures", std::to_string(failures));
    SetAttr(suite, "errors", std::to_string(errors));
    SetAttr(suite, "skipped", std::to_string(skipped));
    SetAttr(suite, "time", Seconds(ms));
    if (!run.started_at.empty()) SetAttr(suite, "timestamp", run.started_at);
    pugi::xml_node props = suite.append_child("properties");
    AddProperty(props, "target", run.target);
    AddProperty(props, "command_line", run.command_line);
    for (const VectorResult* v : vectors) AddTestcase(suite, *v, topic);
  }

  StringWriter writer;
  doc.save(writer, "  ", pugi::format_default | pugi::format_no_declaration, pugi::encoding_utf8);
  return writer.out;
}

Status WriteJUnitXml(const RunResult& run, const std::string& path) {
  return WriteTextFile(path, JUnitXml(run));
}

}  // namespace shakedown
