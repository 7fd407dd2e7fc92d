#include "tools/coverage/vector_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

// Every vector of the suite lives where its id says (vector_paths.h).
TEST(ConformanceVectors, LiveAtThePathTheirIdNames) {
  TreeLoad load = LoadScenarioTree({"vectors/conformance"});
  ASSERT_GT(load.loaded(), 0u);
  EXPECT_EQ(load.failed(), 0u);
  for (const LoadedVector& v : load.vectors) {
    if (!v.ok()) continue;
    Status status = CheckVectorPath(v.file, *v.scenario);
    EXPECT_TRUE(status.ok()) << status.message();
  }
}

// Every regression lives where its id says and is judged by the invariants (it is a fuzz
// finding, whose expect steps were mutated). An empty vectors/regressions is fine.
TEST(RegressionVectors, LiveAtThePathTheirIdNamesAndAreJudgedByInvariants) {
  std::error_code ec;
  bool any = false;
  for (std::filesystem::recursive_directory_iterator it("vectors/regressions", ec), end;
       !ec && it != end; it.increment(ec)) {
    any = any || it->path().extension() == ".json";
  }
  if (!any) GTEST_SKIP() << "no regression vectors";
  TreeLoad load = LoadScenarioTree({"vectors/regressions"});
  EXPECT_EQ(load.failed(), 0u);
  for (const LoadedVector& v : load.vectors) {
    if (!v.ok()) {
      ADD_FAILURE() << v.error->ToString();
      continue;
    }
    Status status = CheckVectorPath(v.file, *v.scenario);
    EXPECT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(v.scenario->judge, JudgedBy::kInvariants)
        << v.file << ": a regression says \"judge\": \"invariants\"";
  }
}

Scenario Named(const std::string& id, Side role = Side::kServer) {
  Scenario s;
  s.id = id;
  s.role = role;
  return s;
}

TEST(VectorFileNameForId, WritesTheDotsOfWhatAsDashes) {
  EXPECT_EQ(VectorFileNameForId("server.ccs.early"), "server-early.json");
  EXPECT_EQ(VectorFileNameForId("client.order.full-rsa.after-server-hello.finished"),
            "client-full-rsa-after-server-hello-finished.json");
  EXPECT_EQ(VectorFileNameForId("server.ccs"), "");
  EXPECT_EQ(VectorFileNameForId("server.ccs."), "");
  EXPECT_EQ(VectorFileNameForId("server"), "");
}

TEST(CheckVectorPath, AcceptsTheNamedPath) {
  EXPECT_TRUE(
      CheckVectorPath("vectors/conformance/ccs/server-early.json", Named("server.ccs.early")).ok());
  EXPECT_TRUE(CheckVectorPath("vectors/conformance/order/client-full-rsa-after-x-finished.json",
                              Named("client.order.full-rsa.after-x.finished", Side::kClient))
                  .ok());
}

TEST(RegressionFileForId, IsTheRoleDirectoryAndWhatWithDashes) {
  EXPECT_EQ(RegressionFileForId("regressions.server.after-fatal-alert-0a1b2c3d"),
            "server/after-fatal-alert-0a1b2c3d.json");
  EXPECT_EQ(RegressionFileForId("regressions.client.a.b"), "client/a-b.json");
  EXPECT_EQ(RegressionFileForId("regressions.server"), "");
  EXPECT_EQ(RegressionFileForId("regressions.server."), "");
  EXPECT_EQ(RegressionFileForId("server.ccs.early"), "");
}

TEST(CheckVectorPath, RegressionsFollowTheirOwnRule) {
  EXPECT_TRUE(CheckVectorPath("vectors/regressions/server/foo.json",
                              Named("regressions.server.foo"))
                  .ok());
  EXPECT_TRUE(CheckVectorPath("/w/vectors/regressions/client/a-b.json",
                              Named("regressions.client.a.b", Side::kClient))
                  .ok());
  const std::pair<std::string, Scenario> kBad[] = {
      {"vectors/regressions/server/foo.json", Named("server.regressions.foo")},
      {"vectors/regressions/server/foo.json", Named("regressions.client.foo")},
      {"vectors/regressions/client/foo.json", Named("regressions.server.foo")},
      {"vectors/regressions/server/bar.json", Named("regressions.server.foo")},
  };
  for (const auto& [file, scenario] : kBad) {
    Status status = CheckVectorPath(file, scenario);
    ASSERT_FALSE(status.ok()) << file << " " << scenario.id;
    EXPECT_EQ(status.message().rfind(file + ": id \"" + scenario.id + "\"", 0), 0u)
        << status.message();
  }
  EXPECT_NE(CheckVectorPath("vectors/regressions/server/bar.json", Named("regressions.server.foo"))
                .message()
                .find("belongs in regressions/server/foo.json"),
            std::string::npos);
  Status wrong_role = CheckRegressionId("regressions.client.foo", Side::kServer);
  ASSERT_FALSE(wrong_role.ok());
  EXPECT_NE(wrong_role.message().find("is not regressions.server.<what>"), std::string::npos)
      << wrong_role.message();
  EXPECT_TRUE(CheckRegressionId("regressions.server.foo", Side::kServer).ok());
}

TEST(CheckVectorPath, NamesTheFileAndWhereTheIdPutsIt) {
  struct Case {
    std::string file;
    Scenario scenario;
    std::string error;  // a substring of the message
  };
  const std::vector<Case> cases = {
      {"vectors/conformance/ccs/client-ccs-after-server-hello.json",
       Named("client.ccs.after-server-hello", Side::kClient),
       "vectors/conformance/ccs/client-ccs-after-server-hello.json: id "
       "\"client.ccs.after-server-hello\" belongs in ccs/client-after-server-hello.json"},
      {"vectors/conformance/ccs/server-early.json", Named("server.alerts.early"),
       "names topic \"alerts\" but the file is in \"ccs/\""},
      {"vectors/conformance/ccs/server-early.json", Named("client.ccs.early"),
       "does not start with the target's role \"server\""},
      {"vectors/conformance/ccs/server-early.json", Named("server.early"),
       "is not <role>.<topic>.<what>"},
      {"vectors/conformance/ccs/server-early-ccs.json", Named("server.ccs.early.ccs.x"),
       "belongs in ccs/server-early-ccs-x.json"},
  };
  for (const Case& c : cases) {
    Status status = CheckVectorPath(c.file, c.scenario);
    ASSERT_FALSE(status.ok()) << c.file;
    EXPECT_NE(status.message().find(c.error), std::string::npos)
        << status.message() << "\nexpected: " << c.error;
  }
}

}  // namespace
}  // namespace shakedown
