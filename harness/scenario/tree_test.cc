#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/scenario/loader.h"
#include "harness/scenario/test_vectors.h"

namespace shakedown {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// ---- Files and trees ----

class TreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  std::string Write(const std::string& relative, const std::string& contents) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << contents;
    return path.lexically_normal().string();
  }
  fs::path root_;
};

TEST_F(TreeTest, EveryFileIsCountedAndErrorsNameTheFile) {
  Json dup = ClientVector();
  dup["id"] = ServerVector()["id"];
  std::string a = Write("vectors/conformance/ccs/a.json", ServerVector().dump());
  std::string b = Write("vectors/conformance/ccs/b.json", "{\"id\": ");
  std::string c = Write("vectors/conformance/hello/c.json", dup.dump());
  std::string d = Write("vectors/conformance/hello/nested/d.json", ClientVector().dump());
  Write("vectors/conformance/hello/README.md", "not a vector");
  Write("vectors/conformance/hello/x.schema.json", "{}");
  fs::create_directories(root_ / "empty");
  const std::string missing = (root_ / "missing.json").string();

  TreeLoad tree =
      LoadScenarioTree({(root_ / "vectors").string(), (root_ / "empty").string(), missing, a});
  ASSERT_EQ(tree.vectors.size(), 6u);
  EXPECT_EQ(tree.loaded(), 2u);
  EXPECT_EQ(tree.failed(), 4u);
  std::vector<std::string> files;
  for (const LoadedVector& v : tree.vectors) {
    files.push_back(v.file);
    EXPECT_NE(v.scenario.has_value(), v.error.has_value()) << v.file;
  }
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(files, sorted);

  auto find = [&tree](const std::string& file) -> const LoadedVector& {
    for (const LoadedVector& v : tree.vectors) {
      if (v.file == file) return v;
    }
    ADD_FAILURE() << "no entry for " << file;
    return tree.vectors.front();
  };
  ASSERT_TRUE(find(a).ok());
  EXPECT_EQ(find(a).scenario->topic, "ccs");
  EXPECT_EQ(find(a).scenario->source, a);
  ASSERT_TRUE(find(d).ok());
  EXPECT_EQ(find(d).scenario->topic, "hello");
  EXPECT_EQ(find(b).error->file, b);
  EXPECT_NE(find(b).error->reason.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(find(c).error->json_path, "/id");
  EXPECT_EQ(find(c).error->reason,
            "duplicate id \"server.ccs.before-client-key-exchange\": " + a + " already uses it");
  EXPECT_EQ(find(c).error->ToString(), c + " at /id: " + find(c).error->reason);
  EXPECT_EQ(find((root_ / "empty").string()).error->reason,
            "no *.json vector files under this directory");
  EXPECT_EQ(find(missing).error->ToString(), missing + ": no such file or directory");
}

TEST_F(TreeTest, LoadScenarioFile) {
  std::string a = Write("a.json", ServerVector().dump(2));
  Result<Scenario> r = LoadScenarioFile(a);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->topic, "misc");
  Result<Scenario> missing = LoadScenarioFile((root_ / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            (root_ / "nope.json").string() + ": no such file or directory");
  Result<Scenario> dir = LoadScenarioFile(root_.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("not a regular file"), std::string::npos);
}

TEST(TopicTest, DirectoryUnderConformance) {
  EXPECT_EQ(TopicForPath("vectors/conformance/ccs/early.json"), "ccs");
  EXPECT_EQ(TopicForPath("/w/vectors/conformance/hello/sub/x.json"), "hello");
  EXPECT_EQ(TopicForPath("./vectors/conformance/ccs/../alerts/x.json"), "alerts");
  EXPECT_EQ(TopicForPath("vectors/conformance/x.json"), "misc");
  EXPECT_EQ(TopicForPath("vectors/regressions/x.json"), "misc");
  EXPECT_EQ(TopicForPath("x.json"), "misc");
}

}  // namespace
}  // namespace shakedown
