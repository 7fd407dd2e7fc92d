#include "cli/bench_suite.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shakedown {
namespace {

TEST(SampleEvenly, AllWhenZeroOrTooMany) {
  EXPECT_EQ(SampleEvenly(4, 0), (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_EQ(SampleEvenly(4, 4), (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_EQ(SampleEvenly(4, 9), (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(SampleEvenly(0, 3).empty());
}

TEST(SampleEvenly, SpreadDistinctAndDeterministic) {
  std::vector<size_t> sample = SampleEvenly(10, 4);
  EXPECT_EQ(sample, (std::vector<size_t>{0, 2, 5, 7}));
  EXPECT_EQ(SampleEvenly(10, 4), sample);
  std::vector<size_t> big = SampleEvenly(3000, 300);
  ASSERT_EQ(big.size(), 300u);
  for (size_t i = 1; i < big.size(); ++i) EXPECT_LT(big[i - 1], big[i]);
  EXPECT_LT(big.back(), 3000u);
}

TEST(Goals, ServerTenClientFifty) {
  EXPECT_EQ(GoalRatio("server"), 10.0);
  EXPECT_EQ(GoalRatio("client"), 50.0);
}

TEST(ExecCommandFor, DocumentedToolsOnly) {
  EXPECT_EQ(ExecCommandFor("openssl", "server", "P")->rfind("openssl s_server", 0), 0u);
  EXPECT_EQ(ExecCommandFor("gnutls", "client", "P")->rfind("gnutls-cli", 0), 0u);
  EXPECT_NE(ExecCommandFor("botan", "server", "/tmp/p")->find("--policy=/tmp/p"),
            std::string::npos);
  for (const char* role : {"server", "client"}) {
    for (const char* library : {"openssl", "gnutls", "botan"}) {
      EXPECT_NE(ExecCommandFor(library, role, "P")->find("{port}"), std::string::npos);
    }
    EXPECT_FALSE(ExecCommandFor("wolfssl", role, "P").has_value());
    EXPECT_FALSE(ExecCommandFor("mbedtls", role, "P").has_value());
  }
}

SuiteBenchRow Row(const std::string& library, const std::string& role, double in_seconds,
                  double exec_seconds) {
  SuiteBenchRow row;
  row.library = library;
  row.role = role;
  row.same_in_process.made = true;
  row.same_in_process.vectors = 100;
  row.same_in_process.seconds = in_seconds;
  row.same_in_process.pass = 100;
  if (exec_seconds > 0) {
    row.same_exec.made = true;
    row.same_exec.vectors = 100;
    row.same_exec.seconds = exec_seconds;
    row.same_exec.pass = 90;
    row.same_exec.fail = 10;
    row.exec_command = "x {port}";
  } else {
    row.no_exec_reason = "no exec: command (no CLI in Debian)";
  }
  return row;
}

TEST(Ratio, SameSetRates) {
  EXPECT_DOUBLE_EQ(*Ratio(Row("openssl", "server", 0.5, 10)), 20.0);
  EXPECT_FALSE(Ratio(Row("wolfssl", "server", 0.5, 0)).has_value());
}

TEST(FormatSuiteBenchTable, GoalsAndMissingExec) {
  const std::string table =
      FormatSuiteBenchTable({Row("openssl", "server", 0.5, 10), Row("openssl", "client", 1, 20),
                             Row("mbedtls", "client", 1, 0)});
  EXPECT_NE(table.find("| openssl | server |"), std::string::npos) << table;
  EXPECT_NE(table.find("20.0x | >=10x MET"), std::string::npos) << table;
  EXPECT_NE(table.find("20.0x | >=50x NOT MET"), std::string::npos) << table;
  EXPECT_NE(table.find("no exec: command (no CLI in Debian)"), std::string::npos) << table;
  EXPECT_NE(table.find("90/10/0/0"), std::string::npos) << table;
  EXPECT_EQ(table.find("could not be made"), std::string::npos) << table;
}

TEST(FormatSuiteBenchTable, RunsNotMadeAreListed) {
  SuiteBenchRow row = Row("gnutls", "server", 1, 0);
  row.no_exec_reason.clear();
  row.exec_command = "gnutls-serv {port}";
  row.same_exec.error = "gnutls-serv is not installed";
  const std::string table = FormatSuiteBenchTable({row});
  EXPECT_NE(table.find("gnutls server: gnutls-serv is not installed"), std::string::npos) << table;
  EXPECT_NE(table.find(">=10x no figure"), std::string::npos) << table;
}

}  // namespace
}  // namespace shakedown
