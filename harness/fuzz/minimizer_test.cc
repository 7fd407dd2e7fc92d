#include "harness/fuzz/minimizer.h"

#include <string>

#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

Scenario Load(const std::string& json) {
  Result<Scenario> s = ParseScenarioJson(json, "vectors/conformance/test/m.json");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return *s;
}

// The "bug": a ChangeCipherSpec sent before any ClientKeyExchange in the first connection.
bool EarlyCcs(const Scenario& s) {
  for (const Step& step : s.connections[0].steps) {
    const auto* send = std::get_if<SendStep>(&step.action);
    if (send == nullptr) continue;
    if (send->message == MessageName::kClientKeyExchange) return false;
    if (send->message == MessageName::kChangeCipherSpec) return true;
  }
  return false;
}

constexpr char kNoisy[] = R"({
  "id": "server.test.noisy", "title": "t", "refs": ["RFC5246 7.3"], "target_role": "server",
  "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
  "connections": [
    {"steps": [
      {"send": "ClientHello", "set": {"client_version": "TLSv1.1"}, "fragment": 7},
      {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
      {"send": "Raw", "hex": "15030300020228"},
      {"send": "ChangeCipherSpec", "repeat": 3, "comment": "the bug"},
      {"send": "ClientKeyExchange"},
      {"send": "Finished", "corrupt": {"append": "00"}},
      {"expect": {"alert": ["unexpected_message"]}}
    ]},
    {"resume": true, "steps": [{"send": "ClientHello"}, {"expect": ["ServerHello"]}]}
  ]})";

TEST(Minimizer, ShrinksToWhatStillFails) {
  Scenario noisy = Load(kNoisy);
  ASSERT_TRUE(EarlyCcs(noisy));
  MinimizeStats stats;
  Scenario small = MinimizeScenario(noisy, EarlyCcs, &stats);
  EXPECT_TRUE(EarlyCcs(small));
  EXPECT_EQ(small.connections.size(), 1u);
  ASSERT_EQ(small.connections[0].steps.size(), 1u) << SerializeScenarioJson(small);
  const SendStep& ccs = std::get<SendStep>(small.connections[0].steps[0].action);
  EXPECT_EQ(ccs.message, MessageName::kChangeCipherSpec);
  EXPECT_EQ(ccs.repeat, 1);
  EXPECT_EQ(stats.steps_before, 9u);
  EXPECT_EQ(stats.steps_after, 1u);
  EXPECT_GT(stats.runs, 0);
  EXPECT_FALSE(stats.budget_exhausted);
  // What it returns loads as a vector.
  EXPECT_TRUE(ParseScenarioJson(SerializeScenarioJson(small), "m.json").ok());
}

TEST(Minimizer, KeepsTheInputWhenNothingSmallerFails) {
  Scenario noisy = Load(kNoisy);
  MinimizeStats stats;
  Scenario same = MinimizeScenario(
      noisy, [](const Scenario&) { return false; }, &stats);
  EXPECT_EQ(same, noisy);
  EXPECT_EQ(stats.steps_after, stats.steps_before);
}

TEST(Minimizer, StopsAtTheBudget) {
  MinimizeStats stats;
  MinimizeScenario(Load(kNoisy), EarlyCcs, &stats, 2);
  EXPECT_EQ(stats.runs, 2);
  EXPECT_TRUE(stats.budget_exhausted);
}

}  // namespace
}  // namespace shakedown
