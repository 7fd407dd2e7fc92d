// Crash isolation: a library that aborts, crashes or loops forever inside a worker costs its
// vector a "target: died" verdict with the reason, and the next vector runs on a fresh worker.
#include "harness/targets/isolated/isolated.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library_test_support.h"

namespace shakedown {
namespace {

class LocalFake final : public Library {
 public:
  std::string name() const override { return "fake"; }
  std::string version() const override { return "fake 1.0"; }
  std::optional<std::string> Unsupported(const Scenario& s) const override {
    if (s.id == "unsupported") return std::string("no such feature");
    return std::nullopt;
  }
  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario&, size_t) override {
    return InternalError("the local library never connects");
  }
};

RunResult RunTwo(const std::string& how, int reply_timeout_ms = 3000) {
  return RunConformanceVectors(
      {"handshake/server-full-ecdhe-rsa.json", "finished/server-tampered-verify-data.json"},
      [how, reply_timeout_ms](int) -> Result<std::unique_ptr<Target>> {
        IsolationOptions options;
        options.worker_argv = {"harness/targets/isolated/fake_worker", how};
        options.reply_timeout_ms = reply_timeout_ms;
        return MakeIsolatedLibraryTarget(std::make_unique<LocalFake>(), options);
      });
}

TEST(Isolated, AnAbortingLibraryFailsEachVectorAsDiedAndTheRunGoesOn) {
  for (const std::string how : {"abort", "segv"}) {
    RunResult run = RunTwo(how);
    ASSERT_EQ(run.vectors.size(), 2u);
    for (const VectorResult& v : run.vectors) {
      EXPECT_EQ(v.verdict, Verdict::kFail) << how << " " << v.id;
      EXPECT_EQ(v.rule, kRuleDied) << how << " " << v.id << ": " << v.message;
      EXPECT_NE(v.message.find("the library worker killed by signal"), std::string::npos)
          << v.message;
    }
  }
}

TEST(Isolated, ALibraryThatLoopsForeverIsKilledAsHung) {
  RunResult run = RunTwo("loop", 300);
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    EXPECT_EQ(v.rule, kRuleDied) << v.id << ": " << v.message;
    EXPECT_NE(v.message.find("did not answer within 300 ms (killed)"), std::string::npos)
        << v.message;
  }
}

TEST(Isolated, AWellBehavedWorkerCarriesNotesAndSilence) {
  RunResult run = RunTwo("answer");
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    // The fake reads and never answers: the vector fails for that, not for a death.
    EXPECT_EQ(v.verdict, Verdict::kFail) << v.id;
    EXPECT_NE(v.rule, kRuleDied) << v.message;
    bool noted = false;
    for (const TraceEntry& t : v.trace) noted |= t.summary == "fake: read it";
    EXPECT_TRUE(noted) << v.id;
  }
}

TEST(Isolated, NegotiatedSurvivesTheFrames) {
  Negotiated n;
  n.suite = nullptr;
  n.session_id = {1, 2, 3};
  n.resumed = true;
  n.extended_master_secret = true;
  n.renegotiations = 2;
  n.server_name = "localhost";
  n.client_random = Bytes(32, 7);
  n.master_secret = Bytes(48, 9);
  n.group = NamedGroup::kX25519;
  Result<Negotiated> back = NegotiatedFromJson(NegotiatedToJson(n));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->session_id, n.session_id);
  EXPECT_TRUE(back->resumed);
  EXPECT_TRUE(back->extended_master_secret);
  EXPECT_EQ(back->renegotiations, 2);
  EXPECT_EQ(back->server_name, "localhost");
  EXPECT_EQ(back->client_random, n.client_random);
  EXPECT_EQ(back->master_secret, n.master_secret);
  EXPECT_EQ(back->group, NamedGroup::kX25519);
  EXPECT_FALSE(NegotiatedFromJson("{\"version\": 771}").ok());
  EXPECT_FALSE(NegotiatedFromJson("[]").ok());
}

}  // namespace
}  // namespace shakedown
