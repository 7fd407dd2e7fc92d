#include "reports/json_report.h"

#include <map>

#include <nlohmann/json.hpp>

#include "reports/text_util.h"

namespace shakedown {
namespace {

using nlohmann::json;

json Str(const std::string& s) { return json(ValidUtf8(s)); }

json IndexOrNull(int index) { return index >= 0 ? json(index) : json(nullptr); }

json Counts(int pass, int fail, int error, int not_applicable, int expected_failure) {
  return json{{"total", pass + fail + error + not_applicable + expected_failure},
              {"pass", pass},
              {"fail", fail},
              {"error", error},
              {"not_applicable", not_applicable},
              {"expected_failure", expected_failure}};
}

json Vector(const VectorResult& v) {
  json refs = json::array();
  for (const std::string& r : v.refs) refs.push_back(Str(r));
  json trace = json::array();
  for (const TraceEntry& e : v.trace) {
    trace.push_back({{"kind", std::string(TraceKindName(e.kind))},
                     {"connection", e.connection},
                     {"step", IndexOrNull(e.step)},
                     {"summary", Str(e.summary)},
                     {"hex", Str(e.hex)},
                     {"at_ms", e.at_ms}});
  }
  json transitions = json::array();
  for (const Transition& t : v.transitions) {
    transitions.push_back({{"connection", t.connection},
                           {"from", Str(t.from)},
                           {"to", Str(t.to)},
                           {"label", Str(t.label)},
                           {"legal", t.legal}});
  }
  return {{"id", Str(v.id)},
          {"title", Str(v.title)},
          {"topic", Str(v.topic)},
          {"file", Str(v.file)},
          {"refs", std::move(refs)},
          {"verdict", std::string(VerdictName(v.verdict))},
          {"failed_connection", IndexOrNull(v.failed_connection)},
          {"failed_step", IndexOrNull(v.failed_step)},
          {"rule", Str(v.rule)},
          {"message", Str(v.message)},
          {"ledger", Str(v.ledger)},
          {"equivalence", Str(v.equivalence)},
          {"response", Str(v.response)},
          {"duration_ms", v.duration_ms},
          {"trace", std::move(trace)},
          {"transitions", std::move(transitions)}};
}

}  // namespace

std::string JsonResults(const RunResult& run) {
  struct Tally {
    int pass = 0, fail = 0, error = 0, not_applicable = 0, expected_failure = 0;
  };
  std::map<std::string, Tally> topics;
  json vectors = json::array();
  for (const VectorResult& v : run.vectors) {
    Tally& t = topics[ValidUtf8(v.topic)];
    (v.verdict == Verdict::kPass                ? t.pass
     : v.verdict == Verdict::kFail              ? t.fail
     : v.verdict == Verdict::kNotApplicable     ? t.not_applicable
     : v.verdict == Verdict::kExpectedFailure   ? t.expected_failure
                                                : t.error)++;
    vectors.push_back(Vector(v));
  }
  json by_topic = json::object();
  for (const auto& [topic, t] : topics) {
    by_topic[topic] = Counts(t.pass, t.fail, t.error, t.not_applicable, t.expected_failure);
  }
  const int pass = run.Count(Verdict::kPass);
  const int fail = run.Count(Verdict::kFail);
  const int error = run.Count(Verdict::kError);
  json doc = {{"schema", "shakedown.results"},
              {"schema_version", kJsonSchemaVersion},
              {"target", Str(run.target)},
              {"started_at", Str(run.started_at)},
              {"command_line", Str(run.command_line)},
              {"duration_ms", run.duration_ms},
              {"counts", Counts(pass, fail, error, run.Count(Verdict::kNotApplicable),
                                run.Count(Verdict::kExpectedFailure))},
              {"topics", std::move(by_topic)},
              {"vectors", std::move(vectors)}};
  // Every string is already valid UTF-8; `replace` is a second guard so dump never throws.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status WriteJsonResults(const RunResult& run, const std::string& path) {
  return WriteTextFile(path, JsonResults(run));
}

}  // namespace shakedown
