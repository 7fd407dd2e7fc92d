// Smoke test, not a benchmark: a few handshakes per stack, each of which must complete and
// be checked; no timing assertions. Plus the pieces that decide what the report says.
#include "bench/handshake_bench.h"
#include "engine/wire/registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace shakedown {
namespace {

class StackSmokeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<BenchFixture> fixture = MakeBenchFixture(7);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    fixture_ = new BenchFixture(std::move(fixture).value());
  }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }

  // Three timed handshakes (after the warm-up), whatever the clock says.
  static BenchLimits ThreeHandshakes() {
    BenchLimits limits;
    limits.seconds = 0;
    limits.min_iterations = 3;
    limits.max_iterations = 3;
    return limits;
  }

  void ExpectRuns(std::string_view stack_name, BenchSuite suite, HandshakeMode mode) {
    const BenchStack* stack = FindBenchStack(stack_name);
    ASSERT_NE(stack, nullptr);
    Result<StackResult> result = stack->run(*fixture_, suite, mode, ThreeHandshakes());
    ASSERT_TRUE(result.ok()) << stack_name << " " << SuiteShortName(suite) << " "
                             << ModeName(mode) << ": " << result.status().ToString();
    EXPECT_EQ(result->stack, stack_name);
    EXPECT_EQ(result->suite, SuiteName(suite));
    EXPECT_EQ(result->mode, ModeName(mode));
    EXPECT_EQ(result->iterations, 3u);
    EXPECT_GT(result->handshakes_per_second, 0);
    EXPECT_GT(result->wall_handshakes_per_second, 0);
  }

  static BenchFixture* fixture_;
};

BenchFixture* StackSmokeTest::fixture_ = nullptr;

TEST_F(StackSmokeTest, FixtureIsRsa2048WithPem) {
  ASSERT_EQ(fixture_->server.chain_der.size(), 1u);
  ASSERT_NE(fixture_->server.key, nullptr);
  EXPECT_NE(fixture_->cert_pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(fixture_->key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

TEST_F(StackSmokeTest, Reference) {
  for (BenchSuite suite : kAllBenchSuites) {
    ExpectRuns("reference", suite, HandshakeMode::kFull);
    ExpectRuns("reference", suite, HandshakeMode::kResumed);
  }
}

TEST_F(StackSmokeTest, Botan) {
  for (BenchSuite suite : kAllBenchSuites) {
    ExpectRuns("botan", suite, HandshakeMode::kFull);
    ExpectRuns("botan", suite, HandshakeMode::kResumed);
  }
}

TEST_F(StackSmokeTest, OpenSsl) {
  for (BenchSuite suite : kAllBenchSuites) {
    ExpectRuns("openssl", suite, HandshakeMode::kFull);
    ExpectRuns("openssl", suite, HandshakeMode::kResumed);
  }
}

TEST_F(StackSmokeTest, Floor) {
  for (BenchSuite suite : kAllBenchSuites) ExpectRuns("floor", suite, HandshakeMode::kFull);
}

TEST_F(StackSmokeTest, FloorHasNoResumedMode) {
  const BenchStack* floor = FindBenchStack("floor");
  ASSERT_NE(floor, nullptr);
  EXPECT_FALSE(floor->has_resumed);
  EXPECT_FALSE(floor->run(*fixture_, BenchSuite::kRsaAes128GcmSha256, HandshakeMode::kResumed,
                          ThreeHandshakes())
                   .ok());
}

TEST(TimeHandshakesTest, AFailedHandshakeIsAnErrorNotARate) {
  BenchLimits limits;
  limits.seconds = 0;
  limits.max_iterations = 10;
  int calls = 0;
  Result<StackResult> result = TimeHandshakes(limits, [&calls]() -> Status {
    ++calls;
    return calls == 3 ? InternalError("boom") : Status::Ok();
  });
  ASSERT_FALSE(result.ok());
  // The warm-up is call 1, so call 3 is timed handshake 2.
  EXPECT_EQ(result.status().message(), "handshake 2: boom");
}

TEST(TimeHandshakesTest, AFailedWarmUpIsAnError) {
  Result<StackResult> result =
      TimeHandshakes(BenchLimits(), [] { return InternalError("no credential"); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "warm-up handshake: no credential");
}

TEST(TimeHandshakesTest, StopsAtTheCapAndCountsOnlyTimedHandshakes) {
  BenchLimits limits;
  limits.seconds = 1000;  // the cap ends the loop long before this
  limits.max_iterations = 5;
  int calls = 0;
  Result<StackResult> result = TimeHandshakes(limits, [&calls] {
    ++calls;
    return Status::Ok();
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->iterations, 5u);
  EXPECT_EQ(calls, 6);  // + the warm-up
}

TEST(SuiteNamesTest, ShortAndIanaNamesMapBack) {
  for (BenchSuite suite : kAllBenchSuites) {
    EXPECT_EQ(SuiteFromShortName(SuiteShortName(suite)), suite);
    EXPECT_EQ(SuiteFromShortName(SuiteName(suite)), suite);
  }
  // IANA code points (RFC 5288 3, RFC 5289 3.2).
  EXPECT_EQ(SuiteId(BenchSuite::kRsaAes128GcmSha256), 0x009C);
  EXPECT_EQ(SuiteId(BenchSuite::kEcdheRsaAes128GcmSha256), 0xC02F);
  EXPECT_EQ(SuiteId(BenchSuite::kDheRsaAes128GcmSha256), 0x009E);
  EXPECT_EQ(SuiteId(BenchSuite::kEcdheEcdsaAes128GcmSha256), 0xC02B);
  // Every row names the suite the registry gives its code point.
  for (BenchSuite suite : kAllBenchSuites) {
    ASSERT_NE(FindCipherSuite(SuiteId(suite)), nullptr);
    EXPECT_EQ(FindCipherSuite(SuiteId(suite))->name, SuiteName(suite));
  }
  EXPECT_FALSE(SuiteFromShortName("ecdhe_ecdsa_p384").has_value());
}

BenchMeasurement Measured(const std::string& stack, BenchSuite suite, HandshakeMode mode,
                          double rate) {
  BenchMeasurement m;
  m.stack = stack;
  m.suite = std::string(SuiteName(suite));
  m.mode = std::string(ModeName(mode));
  StackResult r;
  r.stack = m.stack;
  r.suite = m.suite;
  r.mode = m.mode;
  r.handshakes_per_second = rate;
  r.iterations = 100;
  m.best = r;
  m.round_rates = {rate};
  return m;
}

TEST(EvaluateTargetsTest, FullAgainstFloorAndResumedAgainstOpenSsl) {
  const BenchSuite kEcdhe = BenchSuite::kEcdheRsaAes128GcmSha256;
  const BenchSuite kRsa = BenchSuite::kRsaAes128GcmSha256;
  BenchReport report;
  report.request.suites = {kEcdhe, kRsa};
  report.request.stacks = {"reference", "openssl", "floor"};
  report.measurements = {
      Measured("reference", kEcdhe, HandshakeMode::kFull, 900),
      Measured("floor", kEcdhe, HandshakeMode::kFull, 1000),
      Measured("reference", kEcdhe, HandshakeMode::kResumed, 5000),
      Measured("openssl", kEcdhe, HandshakeMode::kResumed, 5000),
      Measured("reference", kRsa, HandshakeMode::kFull, 899),
      Measured("floor", kRsa, HandshakeMode::kFull, 1000),
      Measured("reference", kRsa, HandshakeMode::kResumed, 5001),
      Measured("openssl", kRsa, HandshakeMode::kResumed, 5000),
  };
  std::vector<TargetVerdict> verdicts = EvaluateTargets(report);
  ASSERT_EQ(verdicts.size(), 4u);
  EXPECT_TRUE(verdicts[0].met);  // exactly 90%
  EXPECT_EQ(verdicts[0].text,
            "full ECDHE_RSA: reference 90.0% of floor (target >= 90%): MET");
  EXPECT_FALSE(verdicts[1].met);  // equal is not faster
  EXPECT_EQ(verdicts[1].text, "resumed ECDHE_RSA: reference 1.00x OpenSSL (target > 1.00x): NOT MET");
  EXPECT_FALSE(verdicts[2].met);  // 89.9%
  EXPECT_TRUE(verdicts[3].met);
}

TEST(EvaluateTargetsTest, AFailedMeasurementGivesNoVerdict) {
  const BenchSuite kEcdhe = BenchSuite::kEcdheRsaAes128GcmSha256;
  BenchReport report;
  report.request.suites = {kEcdhe};
  report.request.stacks = {"reference", "floor"};
  BenchMeasurement failed = Measured("reference", kEcdhe, HandshakeMode::kFull, 900);
  failed.best.reset();
  failed.error = "internal_error: handshake 1: stalled";
  report.measurements = {failed, Measured("floor", kEcdhe, HandshakeMode::kFull, 1000)};
  EXPECT_TRUE(EvaluateTargets(report).empty());
  EXPECT_TRUE(report.any_error());
  std::string text = FormatBenchReport(report);
  EXPECT_NE(text.find("ERROR: internal_error: handshake 1: stalled"), std::string::npos);
  EXPECT_EQ(text.find("MET"), std::string::npos);
}

TEST(FormatBenchReportTest, RatiosInTheTable) {
  const BenchSuite kRsa = BenchSuite::kRsaAes128GcmSha256;
  BenchReport report;
  report.request.suites = {kRsa};
  report.request.stacks = {"reference", "openssl", "floor"};
  report.measurements = {
      Measured("reference", kRsa, HandshakeMode::kFull, 500),
      Measured("openssl", kRsa, HandshakeMode::kFull, 400),
      Measured("floor", kRsa, HandshakeMode::kFull, 1000),
  };
  std::string text = FormatBenchReport(report);
  // reference: 500/s, 2 ms, 50% of the floor, 1.25x OpenSSL.
  EXPECT_NE(text.find("500.0"), std::string::npos) << text;
  EXPECT_NE(text.find("2.000"), std::string::npos) << text;
  EXPECT_NE(text.find("50.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("1.25x"), std::string::npos) << text;
  EXPECT_NE(text.find("full RSA: reference 50.0% of floor (target >= 90%): NOT MET"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace shakedown
