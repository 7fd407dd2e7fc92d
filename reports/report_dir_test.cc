#include "reports/report_dir.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/test_results.h"

namespace shakedown {
namespace {

namespace fs = std::filesystem;

std::string TmpDir() { return std::getenv("TEST_TMPDIR"); }

HtmlReportOptions NoDot() {
  HtmlReportOptions o;
  o.render_diagrams = false;
  return o;
}

TEST(WriteReports, CreatesTheDirectoryAndAllThreeFiles) {
  const std::string dir = TmpDir() + "/reports/a/b";
  ASSERT_TRUE(WriteReports(SmallRun(), dir, NoDot()).ok());
  pugi::xml_document junit;
  EXPECT_TRUE(junit.load_file((dir + "/junit.xml").c_str()));
  EXPECT_EQ(junit.child("testsuites").attribute("tests").as_int(), 3);
  std::ifstream json_in(dir + "/results.json");
  const nlohmann::json results = nlohmann::json::parse(json_in, nullptr, false);
  ASSERT_FALSE(results.is_discarded());
  EXPECT_EQ(results["counts"]["fail"], 1);
  EXPECT_GT(fs::file_size(dir + "/report.html"), 1000u);
  // Writing again into the existing directory replaces the files.
  EXPECT_TRUE(WriteReports(RunResult{}, dir, NoDot()).ok());
  EXPECT_TRUE(junit.load_file((dir + "/junit.xml").c_str()));
  EXPECT_EQ(junit.child("testsuites").attribute("tests").as_int(), 0);
}

TEST(WriteReports, ErrorsNameThePath) {
  const std::string file = TmpDir() + "/not-a-dir";
  std::ofstream(file) << "x";
  Status s = WriteReports(SmallRun(), file, NoDot());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(file), std::string::npos) << s.message();

  const std::string below = file + "/sub";
  s = WriteReports(SmallRun(), below, NoDot());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(below), std::string::npos) << s.message();

  EXPECT_FALSE(WriteReports(SmallRun(), "", NoDot()).ok());
}

TEST(WriteReports, UnwritableFileIsNamed) {
  const std::string dir = TmpDir() + "/reports-unwritable";
  fs::create_directories(dir + "/results.json");  // a directory where the file should go
  Status s = WriteReports(SmallRun(), dir, NoDot());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir + "/results.json"), std::string::npos) << s.message();
  // The other reports were still written.
  EXPECT_TRUE(fs::exists(dir + "/junit.xml"));
  EXPECT_TRUE(fs::exists(dir + "/report.html"));
}

}  // namespace
}  // namespace shakedown
