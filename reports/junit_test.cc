#include "reports/junit.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/test_results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

pugi::xml_document Parse(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default,
                                             pugi::encoding_utf8);
  EXPECT_TRUE(r) << r.description() << " at offset " << r.offset;
  return doc;
}

// XML 1.0 2.2: only TAB, LF, CR below U+0020, as raw bytes or as character references.
void ExpectOnlyXml10Characters(const std::string& xml) {
  EXPECT_EQ(ValidUtf8(xml), xml) << "output is not valid UTF-8";
  for (size_t i = 0; i < xml.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(xml[i]);
    ASSERT_FALSE(c < 0x20 && c != '\t' && c != '\n' && c != '\r') << "raw control at " << i;
    if (xml.compare(i, 2, "&#") == 0) {
      const bool hex = i + 2 < xml.size() && (xml[i + 2] == 'x' || xml[i + 2] == 'X');
      const long code = std::strtol(xml.c_str() + i + (hex ? 3 : 2), nullptr, hex ? 16 : 10);
      EXPECT_TRUE(code == 9 || code == 10 || code == 13 || code >= 0x20)
          << "reference to U+" << code << " at " << i;
    }
  }
  EXPECT_EQ(xml.find("\xEF\xBF\xBE"), std::string::npos);  // U+FFFE
  EXPECT_EQ(xml.find("\xEF\xBF\xBF"), std::string::npos);  // U+FFFF
}

TEST(JUnitXml, OneTestcasePerVectorInOneSuitePerTopic) {
  const RunResult run = SmallRun();
  pugi::xml_document doc = Parse(JUnitXml(run));
  pugi::xml_node root = doc.child("testsuites");
  ASSERT_TRUE(root);
  EXPECT_STREQ(root.attribute("tests").value(), "3");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("errors").value(), "1");
  EXPECT_STREQ(root.attribute("time").value(), "1.234");

  int suites = 0, cases = 0, failures = 0, errors = 0;
  for (pugi::xml_node suite : root.children("testsuite")) {
    ++suites;
    const std::string name = suite.attribute("name").value();
    int in_suite = 0;
    for (pugi::xml_node tc : suite.children("testcase")) {
      ++cases;
      ++in_suite;
      EXPECT_EQ("shakedown." + std::string(tc.attribute("classname").value()), name);
      failures += tc.child("failure") ? 1 : 0;
      errors += tc.child("error") ? 1 : 0;
    }
    EXPECT_EQ(suite.attribute("tests").as_int(), in_suite);
    EXPECT_STREQ(suite.attribute("timestamp").value(), "2024-05-01T12:00:00Z");
    EXPECT_STREQ(suite.child("properties").find_child_by_attribute("property", "name", "target")
                     .attribute("value").value(),
                 "tcp:127.0.0.1:4433");
  }
  EXPECT_EQ(suites, 2);
  EXPECT_EQ(cases, 3);
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(errors, 1);
}

TEST(JUnitXml, FailureNamesStepAndRuleAndCarriesTheTrace) {
  pugi::xml_document doc = Parse(JUnitXml(SmallRun()));
  pugi::xml_node tc = doc.select_node(
      "//testcase[@name='server.order.finished-first']").node();
  ASSERT_TRUE(tc);
  EXPECT_STREQ(tc.attribute("classname").value(), "server.order");
  EXPECT_STREQ(tc.attribute("time").value(), "0.040");
  EXPECT_STREQ(tc.attribute("file").value(), "vectors/server/order.json");
  pugi::xml_node failure = tc.child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("message").value(), "step 3: expect alert unexpected_message");
  EXPECT_STREQ(failure.attribute("type").value(), "fail");
  const std::string body = failure.text().get();
  EXPECT_NE(body.find("expected Alert(fatal, unexpected_message), got ServerHelloDone"),
            std::string::npos);
  EXPECT_NE(body.find("-> Finished(verify_data=00..)"), std::string::npos);
  EXPECT_NE(body.find("<- ServerHelloDone"), std::string::npos);
  EXPECT_NE(body.find("[RFC 5246 7.4.9]"), std::string::npos);
  EXPECT_NE(std::string(tc.child("system-out").text().get()).find("0e000000"), std::string::npos);
  pugi::xml_node ref = tc.child("properties").find_child_by_attribute("property", "name", "ref");
  EXPECT_STREQ(ref.attribute("value").value(), "RFC 5246 7.4.9");
}

TEST(JUnitXml, ErrorUsesTheErrorElement) {
  pugi::xml_document doc = Parse(JUnitXml(SmallRun()));
  pugi::xml_node tc = doc.select_node("//testcase[@name='client.bad-vector']").node();
  ASSERT_TRUE(tc);
  EXPECT_FALSE(tc.child("failure"));
  pugi::xml_node error = tc.child("error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.attribute("message").value(), "vector: steps[2].send: unknown message \"Helo\"");
  EXPECT_STREQ(error.attribute("type").value(), "error");
}

TEST(JUnitXml, NotApplicableIsSkippedWithItsReason) {
  RunResult run = SmallRun();
  run.vectors[0].verdict = Verdict::kNotApplicable;
  run.vectors[0].message = "the vector needs a target that enables exactly TLSv1.1+TLSv1.2";
  pugi::xml_document doc = Parse(JUnitXml(run));
  pugi::xml_node tc = doc.select_node("//testcase[@name='server.ccs.before-cke']").node();
  ASSERT_TRUE(tc);
  EXPECT_FALSE(tc.child("failure"));
  EXPECT_FALSE(tc.child("error"));
  EXPECT_STREQ(tc.child("skipped").attribute("message").value(), run.vectors[0].message.c_str());
  EXPECT_STREQ(doc.child("testsuites").attribute("skipped").value(), "1");
  EXPECT_STREQ(doc.child("testsuites").attribute("failures").value(), "1");
}

TEST(JUnitXml, PassingTestcaseHasNoFailureOrOutput) {
  pugi::xml_document doc = Parse(JUnitXml(SmallRun()));
  pugi::xml_node tc = doc.select_node("//testcase[@name='server.ccs.before-cke']").node();
  ASSERT_TRUE(tc);
  EXPECT_FALSE(tc.child("failure"));
  EXPECT_FALSE(tc.child("error"));
  EXPECT_FALSE(tc.child("system-out"));
  EXPECT_STREQ(tc.attribute("time").value(), "0.012");
}

TEST(JUnitXml, EmptyRunIsWellFormed) {
  pugi::xml_document doc = Parse(JUnitXml(RunResult{}));
  EXPECT_STREQ(doc.child("testsuites").attribute("tests").value(), "0");
  EXPECT_FALSE(doc.child("testsuites").child("testsuite"));
}

TEST(JUnitXml, HostileStringsStayWellFormedAndRoundTrip) {
  const RunResult run = HostileRun();
  const std::string xml = JUnitXml(run);
  ExpectOnlyXml10Characters(xml);
  pugi::xml_document doc = Parse(xml);
  size_t cases = 0;
  for (pugi::xml_node suite : doc.child("testsuites").children("testsuite")) {
    for (pugi::xml_node tc : suite.children("testcase")) {
      // Every id comes back exactly as XmlSafeText made it: nothing was cut or re-parsed.
      const std::string name = tc.attribute("name").value();
      bool found = false;
      for (const VectorResult& v : run.vectors) found |= XmlSafeText(v.id) == name;
      EXPECT_TRUE(found) << name.substr(0, 80);
      ++cases;
    }
  }
  EXPECT_EQ(cases, run.vectors.size());
  // The 100 kB string is in full in the title property, not cut.
  EXPECT_NE(xml.find(std::string(100000, 'A')), std::string::npos);
}

TEST(WriteJUnitXml, WritesTheDocument) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/junit_test.xml";
  ASSERT_TRUE(WriteJUnitXml(SmallRun(), path).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), JUnitXml(SmallRun()));
}

}  // namespace
}  // namespace shakedown
