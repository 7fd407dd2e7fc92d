#include "tools/coverage/vector_paths.h"

#include <gtest/gtest.h>

#include <string>

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
