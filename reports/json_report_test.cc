#include "reports/json_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "reports/test_results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

using nlohmann::json;

json Parse(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "not JSON";
  return doc;
}

TEST(JsonResults, HeaderAndCounts) {
  const json doc = Parse(JsonResults(SmallRun()));
  EXPECT_EQ(doc["schema"], "shakedown.results");
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["target"], "tcp:127.0.0.1:4433");
  EXPECT_EQ(doc["started_at"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(doc["command_line"], "shakedown run --target tcp:127.0.0.1:4433 vectors/");
  EXPECT_EQ(doc["duration_ms"], 1234.0);
  EXPECT_EQ(doc["counts"], (json{{"total", 3}, {"pass", 1}, {"fail", 1}, {"error", 1},
                                  {"not_applicable", 0}, {"expected_failure", 0}}));
  EXPECT_EQ(doc["topics"]["server.ccs"], (json{{"total", 1}, {"pass", 1}, {"fail", 0}, {"error", 0},
                                               {"not_applicable", 0}, {"expected_failure", 0}}));
  EXPECT_EQ(doc["topics"]["server.order"], (json{{"total", 2}, {"pass", 0}, {"fail", 1}, {"error", 1},
                                                 {"not_applicable", 0}, {"expected_failure", 0}}));
  EXPECT_EQ(doc["topics"].size(), 2u);
}

TEST(JsonResults, NotApplicableIsCountedApart) {
  RunResult run = SmallRun();
  run.vectors[0].verdict = Verdict::kNotApplicable;
  const json doc = Parse(JsonResults(run));
  EXPECT_EQ(doc["counts"], (json{{"total", 3}, {"pass", 0}, {"fail", 1}, {"error", 1},
                                  {"not_applicable", 1}, {"expected_failure", 0}}));
  EXPECT_EQ(doc["vectors"][0]["verdict"], "not_applicable");
}

TEST(JsonResults, VectorFieldsEqualTheResults) {
  const RunResult run = SmallRun();
  const json doc = Parse(JsonResults(run));
  ASSERT_EQ(doc["vectors"].size(), 3u);
  const json& fail = doc["vectors"][1];
  EXPECT_EQ(fail["id"], "server.order.finished-first");
  EXPECT_EQ(fail["title"], "Finished before ChangeCipherSpec");
  EXPECT_EQ(fail["topic"], "server.order");
  EXPECT_EQ(fail["file"], "vectors/server/order.json");
  EXPECT_EQ(fail["refs"], json::array({"RFC 5246 7.4.9"}));
  EXPECT_EQ(fail["verdict"], "fail");
  EXPECT_EQ(fail["failed_connection"], 0);
  EXPECT_EQ(fail["failed_step"], 3);
  EXPECT_EQ(fail["rule"], "expect alert unexpected_message");
  EXPECT_EQ(fail["message"], "expected Alert(fatal, unexpected_message), got ServerHelloDone");
  EXPECT_EQ(fail["duration_ms"], 40.0);
  ASSERT_EQ(fail["trace"].size(), 4u);
  EXPECT_EQ(fail["trace"][2], (json{{"kind", "sent"}, {"connection", 0}, {"step", 3},
                                    {"summary", "Finished(verify_data=00..)"},
                                    {"hex", "14030300"}, {"at_ms", 5.0}}));
  EXPECT_EQ(fail["trace"][3]["kind"], "received");
  ASSERT_EQ(fail["transitions"].size(), 3u);
  EXPECT_EQ(fail["transitions"][2], (json{{"connection", 0}, {"from", "S:server_hello"},
                                          {"to", "C:finished"}, {"label", "C:finished"},
                                          {"legal", false}}));

  const json& pass = doc["vectors"][0];
  EXPECT_EQ(pass["verdict"], "pass");
  EXPECT_TRUE(pass["failed_step"].is_null());
  EXPECT_TRUE(pass["failed_connection"].is_null());
  EXPECT_EQ(pass["trace"][2]["kind"], "note");
  EXPECT_TRUE(pass["trace"][2]["step"].is_null());
  EXPECT_EQ(pass["refs"], json::array({"RFC 5246 7.1", "RFC 5246 7.4.9"}));

  const json& error = doc["vectors"][2];
  EXPECT_EQ(error["verdict"], "error");
  EXPECT_EQ(error["rule"], "vector: steps[2].send: unknown message \"Helo\"");
  EXPECT_EQ(error["refs"], json::array());
  EXPECT_EQ(error["trace"], json::array());
}

TEST(JsonResults, HostileStringsParseBackAsValidUtf8) {
  const RunResult run = HostileRun();
  const std::string text = JsonResults(run);
  EXPECT_EQ(ValidUtf8(text), text);
  const json doc = Parse(text);
  ASSERT_EQ(doc["vectors"].size(), run.vectors.size());
  for (size_t i = 0; i < run.vectors.size(); ++i) {
    const VectorResult& v = run.vectors[i];
    const json& j = doc["vectors"][i];
    // Valid UTF-8 survives exactly, control characters and NUL included.
    EXPECT_EQ(j["id"].get<std::string>(), ValidUtf8(v.id));
    EXPECT_EQ(j["title"].get<std::string>(), ValidUtf8(v.title));
    EXPECT_EQ(j["rule"].get<std::string>(), ValidUtf8(v.rule));
    EXPECT_EQ(j["refs"][0].get<std::string>(), ValidUtf8(v.refs[0]));
    EXPECT_EQ(j["trace"][0]["hex"].get<std::string>(), ValidUtf8(v.trace[0].hex));
    EXPECT_EQ(j["transitions"][1]["label"].get<std::string>(), ValidUtf8(v.transitions[1].label));
  }
  EXPECT_EQ(doc["vectors"][3]["id"].get<std::string>(), std::string("nul\0byte#3", 10));
  EXPECT_EQ(doc["target"], "</script><script>alert(1)</script>");
  EXPECT_TRUE(doc["duration_ms"].is_number());
}

TEST(JsonResults, NonFiniteNumbersBecomeNull) {
  RunResult run = SmallRun();
  run.duration_ms = std::numeric_limits<double>::infinity();
  run.vectors[0].duration_ms = std::numeric_limits<double>::quiet_NaN();
  const json doc = Parse(JsonResults(run));
  EXPECT_TRUE(doc["duration_ms"].is_null());
  EXPECT_TRUE(doc["vectors"][0]["duration_ms"].is_null());
}

TEST(WriteJsonResults, WritesTheDocument) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/results_test.json";
  ASSERT_TRUE(WriteJsonResults(SmallRun(), path).ok());
  std::ifstream in(path);
  const json doc = json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["counts"]["total"], 3);
}

}  // namespace
}  // namespace shakedown
