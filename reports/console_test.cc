#include "reports/console.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "reports/test_results.h"

namespace shakedown {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string RunThrough(const RunResult& run, ConsoleOptions options, std::string* progress_out) {
  std::ostringstream out, progress;
  {
    ConsoleReporter reporter(out, progress, options);
    reporter.OnRunStart(run.vectors.size());
    for (const VectorResult& v : run.vectors) reporter.OnVectorDone(v);
    reporter.OnRunDone(run);
  }
  if (progress_out != nullptr) *progress_out = progress.str();
  return out.str();
}

TEST(ConsoleReporter, OneLinePerVectorThenFailuresAndSummary) {
  std::string progress;
  const std::string out = RunThrough(SmallRun(), ConsoleOptions{}, &progress);
  EXPECT_EQ(progress, "");  // no bar when not asked for (not a terminal)
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 8u) << out;
  EXPECT_EQ(lines[0], "PASS  server.ccs.before-cke  (12 ms)");
  EXPECT_EQ(lines[1],
            "FAIL  server.order.finished-first  step 3: expect alert unexpected_message \xE2\x80\x94 "
            "expected Alert(fatal, unexpected_message), got ServerHelloDone");
  EXPECT_EQ(lines[2],
            "ERROR client.bad-vector  vector: steps[2].send: unknown message \"Helo\" \xE2\x80\x94 "
            "the vector could not be run");
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "Failures:");
  EXPECT_EQ(lines[5], "  FAIL  server.order.finished-first  step 3: expect alert unexpected_message");
  EXPECT_EQ(lines[6], "  ERROR client.bad-vector  vector: steps[2].send: unknown message \"Helo\"");
  EXPECT_EQ(lines[7], "1 passed, 1 failed, 1 error (in 1.2 s)");
  EXPECT_EQ(out.find('\x1b'), std::string::npos);  // no colour either
}

TEST(ConsoleReporter, NotApplicableHasItsOwnLabelAndCountAndIsNoFailure) {
  RunResult run = SmallRun();
  run.vectors[0].verdict = Verdict::kNotApplicable;
  run.vectors[0].rule = "premise: versions";
  run.vectors[0].message = "needs TLSv1.1+TLSv1.2";
  const std::vector<std::string> lines = Lines(RunThrough(run, ConsoleOptions{}, nullptr));
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0], "N/A   server.ccs.before-cke  premise: versions \xE2\x80\x94 needs TLSv1.1+TLSv1.2");
  EXPECT_EQ(lines[5].rfind("  FAIL", 0), 0u);  // the failure list holds failures and errors only
  EXPECT_EQ(lines[7], "0 passed, 1 failed, 1 error, 1 not applicable (in 1.2 s)");
}

TEST(ConsoleReporter, AllPassedHasNoFailureList) {
  RunResult run = SmallRun();
  run.vectors.resize(1);
  run.duration_ms = 0;
  const std::vector<std::string> lines = Lines(RunThrough(run, ConsoleOptions{}, nullptr));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "1 passed, 0 failed, 0 errors");
}

TEST(ConsoleReporter, ProgressBarRedrawsOneLineOnItsOwnStream) {
  ConsoleOptions o;
  o.progress = true;
  o.bar_width = 10;
  std::string progress;
  const std::string out = RunThrough(SmallRun(), o, &progress);
  EXPECT_EQ(progress.find('\n'), std::string::npos);  // one line, redrawn
  EXPECT_NE(progress.find("\r\x1b[K[..........] 0/3"), std::string::npos) << progress;
  EXPECT_NE(progress.find("\r\x1b[K[###.......] 1/3"), std::string::npos);
  EXPECT_NE(progress.find("\r\x1b[K[######....] 2/3  1 failed"), std::string::npos);
  EXPECT_NE(progress.find("\r\x1b[K[##########] 3/3  1 failed  1 error"), std::string::npos);
  // Ends cleared, so the summary on stdout is not mixed with a stale bar.
  EXPECT_EQ(progress.substr(progress.size() - 4), "\r\x1b[K");
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(Lines(out).size(), 8u);
}

TEST(ConsoleReporter, UnknownTotalShowsACount) {
  ConsoleOptions o;
  o.progress = true;
  std::ostringstream out, progress;
  ConsoleReporter reporter(out, progress, o);
  reporter.OnRunStart(0);
  reporter.OnVectorDone(SmallRun().vectors[0]);
  EXPECT_NE(progress.str().find("1 done"), std::string::npos);
}

TEST(ConsoleReporter, ColoursOnlyWhenAsked) {
  ConsoleOptions o;
  o.color = true;
  const std::vector<std::string> lines = Lines(RunThrough(SmallRun(), o, nullptr));
  EXPECT_EQ(lines[0], "\x1b[32mPASS  \x1b[0mserver.ccs.before-cke  (12 ms)");
  EXPECT_EQ(lines[1].rfind("\x1b[31mFAIL  \x1b[0m", 0), 0u);
  EXPECT_EQ(lines[2].rfind("\x1b[33mERROR \x1b[0m", 0), 0u);
  EXPECT_EQ(lines.back(), "\x1b[31m1 passed, 1 failed, 1 error (in 1.2 s)\x1b[0m");
}

TEST(ConsoleReporter, HostileStringsCannotControlTheTerminal) {
  const RunResult run = HostileRun();
  std::string progress;
  ConsoleOptions o;
  o.progress = true;
  const std::string out = RunThrough(run, o, &progress);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_EQ(out.find("\xC2\x9B"), std::string::npos);  // C1 CSI
  EXPECT_EQ(out.find("\xE2\x80\xAE"), std::string::npos);
  // One line per vector, the failure list, the summary: no hostile newline splits a line.
  const int failing = run.Count(Verdict::kFail) + run.Count(Verdict::kError);
  EXPECT_EQ(Lines(out).size(), run.vectors.size() + 2 + failing + 1);
  for (const std::string& line : Lines(out)) EXPECT_LT(line.size(), 1200u);
}

TEST(ConsoleOptions, NoColorTurnsEverythingOff) {
  ::setenv("NO_COLOR", "1", 1);
  const ConsoleOptions o = ConsoleOptions::FromEnvironment(false);
  EXPECT_FALSE(o.color);
  EXPECT_FALSE(o.progress);
  ::unsetenv("NO_COLOR");
}

TEST(ConsoleOptions, NotATerminalMeansNoBarAndNoColour) {
  // Under `bazel test` stdout and stderr are files.
  ::unsetenv("NO_COLOR");
  const ConsoleOptions o = ConsoleOptions::FromEnvironment(false);
  EXPECT_FALSE(o.color);
  EXPECT_FALSE(o.progress);
}

}  // namespace
}  // namespace shakedown
