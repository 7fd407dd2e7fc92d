#include "reports/text_util.h"

#include <gtest/gtest.h>

#include <string>


namespace shakedown {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(ValidUtf8, KeepsWellFormedSequences) {
  const std::string s = "a \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(ValidUtf8(s), s);
}

TEST(ValidUtf8, ReplacesEachIllFormedByte) {
  // Unicode 3.9 Table 3-7: these are not well-formed; each byte becomes U+FFFD.
  EXPECT_EQ(ValidUtf8("\xFF"), kFffd);
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), kFffd + kFffd);                  // overlong '/'
  EXPECT_EQ(ValidUtf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd);      // overlong, 3 bytes
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);      // surrogate U+D800
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
  EXPECT_EQ(ValidUtf8("x\xE2\x82"), "x" + kFffd + kFffd);          // truncated
  EXPECT_EQ(ValidUtf8("\x80y"), kFffd + "y");                      // lone continuation
  EXPECT_EQ(ValidUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));  // NUL is valid UTF-8
}

TEST(XmlSafeText, ReplacesCharactersXml10Forbids) {
  EXPECT_EQ(XmlSafeText(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(XmlSafeText("\x01\x1F"), kFffd + kFffd);
  EXPECT_EQ(XmlSafeText("\t\n\r"), "\t\n\r");
  EXPECT_EQ(XmlSafeText("\xEF\xBF\xBE\xEF\xBF\xBF"), kFffd + kFffd);  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlSafeText("\x7F\xC2\x85"), "\x7F\xC2\x85");  // allowed by XML 1.0 2.2
  EXPECT_EQ(XmlSafeText("\xFF"), kFffd);
}

TEST(XmlSafeText, ShowsBidiControls) {
  EXPECT_EQ(XmlSafeText("a\xE2\x80\xAE" "b"), "a[U+202E]b");
  EXPECT_EQ(XmlSafeText("\xE2\x81\xA6\xE2\x81\xA9"), "[U+2066][U+2069]");
  EXPECT_EQ(XmlSafeText("\xE2\x80\x8F"), "\xE2\x80\x8F");  // RLM: not an override, kept
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape(std::string("\0", 1)), kFffd);
}

TEST(TerminalText, EscapesControlSequences) {
  EXPECT_EQ(TerminalText("\x1B[2J\r\n\t\x7F", 100), "\\x1b[2J\\x0d\\x0a\\x09\\x7f");
  EXPECT_EQ(TerminalText("\xC2\x9B" "31m", 100), "\\u009b31m");  // C1 CSI
  EXPECT_EQ(TerminalText("\xE2\x80\xAE", 100), "[U+202E]");
  EXPECT_EQ(TerminalText("\xFF", 100), kFffd);
}

TEST(TerminalText, CutsOnCharacterBoundaries) {
  EXPECT_EQ(TerminalText("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(TerminalText("abc", 3), "abc");
  EXPECT_EQ(TerminalText("abcd", 3), "abc\xE2\x80\xA6");
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(TruncateUtf8("\xF0\x9F\x98\x80" "b", 1), "\xF0\x9F\x98\x80\xE2\x80\xA6");
  EXPECT_EQ(TruncateUtf8("ab", 2), "ab");
  EXPECT_EQ(TruncateUtf8("", 0), "");
}

TEST(FailureHeadline, NamesStepConnectionAndRule) {
  VectorResult v;
  v.verdict = Verdict::kFail;
  v.rule = "rule";
  v.message = "msg";
  EXPECT_EQ(FailureHeadline(v), "rule");
  v.failed_step = 3;
  EXPECT_EQ(FailureHeadline(v), "step 3: rule");
  v.failed_connection = 0;
  EXPECT_EQ(FailureHeadline(v), "step 3: rule");
  v.failed_connection = 1;
  EXPECT_EQ(FailureHeadline(v), "connection 1, step 3: rule");
  v.rule.clear();
  EXPECT_EQ(FailureHeadline(v), "connection 1, step 3: msg");
  v.message.clear();
  v.failed_step = -1;
  v.failed_connection = -1;
  EXPECT_EQ(FailureHeadline(v), "fail");
}

TEST(VerdictName, NamesEachVerdict) {
  EXPECT_EQ(VerdictName(Verdict::kPass), "pass");
  EXPECT_EQ(VerdictName(Verdict::kFail), "fail");
  EXPECT_EQ(VerdictName(Verdict::kError), "error");
}

TEST(RunResultCount, CountsEachVerdict) {
  RunResult run;
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kFail, Verdict::kError}) {
    run.vectors.emplace_back();
    run.vectors.back().verdict = v;
  }
  EXPECT_EQ(run.Count(Verdict::kPass), 1);
  EXPECT_EQ(run.Count(Verdict::kFail), 2);
  EXPECT_EQ(run.Count(Verdict::kError), 1);
  EXPECT_EQ(RunResult().Count(Verdict::kPass), 0);
}

TEST(WriteTextFile, ErrorNamesThePath) {
  const std::string path = "/nonexistent-dir-for-shakedown/x/report.html";
  Status s = WriteTextFile(path, "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
}

}  // namespace
}  // namespace shakedown
