#include "reports/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace shakedown {
namespace {

TEST(RunSubprocess, PassesInputAndReturnsOutput) {
  // Larger than any pipe buffer: input and output must be interleaved.
  std::string input(3 << 20, 'x');
  input[12345] = '\n';
  Result<std::string> out = RunSubprocess({"cat"}, input, 10000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, input);
}

TEST(RunSubprocess, ReportsNonZeroExitWithStderr) {
  Result<std::string> out = RunSubprocess({"sh", "-c", "echo oops >&2; exit 3"}, "", 10000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("exit status 3"), std::string::npos);
  EXPECT_NE(out.status().message().find("oops"), std::string::npos);
}

TEST(RunSubprocess, ReportsMissingProgram) {
  Result<std::string> out = RunSubprocess({"/nonexistent/shakedown-dot"}, "x", 10000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("/nonexistent/shakedown-dot"), std::string::npos);
}

TEST(RunSubprocess, KillsAProgramThatOverrunsItsTimeout) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> out = RunSubprocess({"sleep", "30"}, "", 200);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("timed out"), std::string::npos);
  EXPECT_LT(ms, 5000);
}

TEST(RunSubprocess, SurvivesAProgramThatIgnoresItsInput) {
  // `true` exits without reading: writing the rest must not raise SIGPIPE here.
  Result<std::string> out = RunSubprocess({"true"}, std::string(4 << 20, 'x'), 10000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "");
}

TEST(RunSubprocess, CapsOutput) {
  Result<std::string> out = RunSubprocess({"cat"}, std::string(1 << 20, 'x'), 10000, 1000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bytes of output"), std::string::npos);
}

}  // namespace
}  // namespace shakedown
