#include "harness/scenario/hints.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "harness/scenario/json_text.h"

namespace shakedown {
namespace {

TEST(HintsTest, EditDistanceIsCaseInsensitiveLevenshtein) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("ClientHello", "clienthello"), 0u);
  EXPECT_EQ(EditDistance("ClientHelo", "ClientHello"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(HintsTest, SuggestsOnlyCloseCandidates) {
  EXPECT_EQ(Suggest("ClientHelo", {"ServerHello", "ClientHello"}),
            " (did you mean \"ClientHello\"?)");
  // Too far to be a typo, nothing to compare, or absurdly long: no hint.
  EXPECT_EQ(Suggest("Finished", {"ClientHello", "ServerHello"}), "");
  EXPECT_EQ(Suggest("", {"send"}), "");
  EXPECT_EQ(Suggest("sen", {}), "");
  EXPECT_EQ(Suggest(std::string(65, 'a'), {std::string(64, 'a')}), "");
  // A one-letter word is never "corrected" into another word.
  EXPECT_EQ(Suggest("x", {"y"}), "");
}

TEST(HintsTest, CandidateLists) {
  const auto messages = MessageNames();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front(), "HelloRequest");
  EXPECT_EQ(messages.back(), "Close");
  const auto alerts = RegistryNames(Registry::kAlertDescription);
  EXPECT_NE(std::find(alerts.begin(), alerts.end(), "unexpected_message"), alerts.end());
}

TEST(JsonTextTest, PointersQuotesAndNumbers) {
  EXPECT_EQ(Child("/steps", 3), "/steps/3");
  EXPECT_EQ(Child("", "a/b~c"), "/a~1b~0c");
  EXPECT_EQ(EscapePointer(std::string("a\nb", 3)), "a\\u000ab");
  EXPECT_EQ(Quote("x\"y"), "\"x\\\"y\"");
  EXPECT_EQ(Quote(std::string(100, 'a')), "\"" + std::string(80, 'a') + "...\"");
  EXPECT_EQ(Sanitize(std::string("a\x01\xff", 3)), "a\\x01\\xff");
  EXPECT_EQ(Hex16(0x17), "0x0017");
  EXPECT_EQ(ParseHexNumber("0x1A"), 0x1a);
  // Not "0x" and 1-4 hex digits.
  EXPECT_FALSE(ParseHexNumber("0x").has_value());
  EXPECT_FALSE(ParseHexNumber("0x12345").has_value());
  EXPECT_FALSE(ParseHexNumber("0xg1").has_value());
  EXPECT_FALSE(ParseHexNumber("17").has_value());
}

}  // namespace
}  // namespace shakedown
