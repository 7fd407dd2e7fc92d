// docs/INTEROP.md shows the peer command lines the interop tests run: the block between its
// peer-tools markers is exactly PeerCommandLinesMarkdown() (interop/peer_tools.h).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "interop/peer_tools.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kBegin[] = "<!-- peer-tools:begin (generated from interop/peer_tools.cc) -->\n";
constexpr char kEnd[] = "<!-- peer-tools:end -->";

TEST(InteropDocsTest, PeerCommandLinesAreTheTable) {
  std::ifstream in("docs/INTEROP.md");
  ASSERT_TRUE(in.good()) << "docs/INTEROP.md is not a data dependency";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  size_t begin = doc.find(kBegin);
  size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << "missing marker " << kBegin;
  ASSERT_NE(end, std::string::npos) << "missing marker " << kEnd;
  begin += std::string(kBegin).size();
  ASSERT_LE(begin, end);
  EXPECT_EQ(doc.substr(begin, end - begin), PeerCommandLinesMarkdown())
      << "docs/INTEROP.md is out of date; the block between the markers should be:\n"
      << PeerCommandLinesMarkdown();
}

TEST(PeerToolsTest, ExpandsPlaceholdersAndExtraArguments) {
  std::vector<std::string> argv = ExpandToolCommand(
      "tool -p {port} {extra} host", "--x {ca}", {{"port", "443"}, {"ca", "/d/ca.pem"}});
  EXPECT_EQ(argv, (std::vector<std::string>{"tool", "-p", "443", "--x", "/d/ca.pem", "host"}));
  // Without {extra} the arguments go at the end; unknown placeholders stay.
  argv = ExpandToolCommand("tool --port={port} {other}", "-v", {{"port", "1"}});
  EXPECT_EQ(argv, (std::vector<std::string>{"tool", "--port=1", "{other}", "-v"}));
  EXPECT_EQ(ExpandToolCommand("tool {extra}", "", {}), std::vector<std::string>{"tool"});
}

TEST(PeerToolsTest, EveryToolNamesItsPackageAndEverySuite) {
  for (const PeerTool& tool : PeerTools()) {
    EXPECT_FALSE(tool.package.empty()) << PeerToolLabel(tool);
    EXPECT_EQ(ExpandToolCommand(tool.command, "", {}).at(0), tool.executable)
        << PeerToolLabel(tool);
    for (InteropSuite suite : kAllSuites) {
      EXPECT_EQ(tool.suite_reports.count(suite), 1u) << PeerToolLabel(tool) << " "
                                                     << SuiteLabel(suite);
    }
  }
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
