#include "engine/base/bytes.h"

#include <gtest/gtest.h>

#include "engine/base/alert.h"
#include "engine/base/status.h"

namespace shakedown {
namespace {

TEST(Bytes, HexRoundTrip) {
  Bytes b = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "0001abff");
  EXPECT_EQ(*FromHex("0001ABff"), b);
  EXPECT_EQ(*FromHex(""), Bytes());
}

TEST(Bytes, HexRejectsOddLengthAndNonDigits) {
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_FALSE(FromHex("0g").has_value());
}

TEST(Bytes, SubviewClamps) {
  Bytes b = {1, 2, 3};
  ByteView v(b);
  EXPECT_EQ(v.subview(1).ToBytes(), (Bytes{2, 3}));
  EXPECT_EQ(v.subview(1, 100).ToBytes(), (Bytes{2, 3}));
  EXPECT_TRUE(v.subview(5).empty());
}

TEST(Alert, NamesRoundTrip) {
  size_t n = 0;
  const AlertInfo* table = AlertTable(&n);
  ASSERT_GT(n, 20u);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(*AlertFromName(table[i].name), table[i].description);
    EXPECT_EQ(*AlertName(static_cast<uint8_t>(table[i].description)), table[i].name);
  }
  EXPECT_EQ(*AlertName(10), "unexpected_message");
  EXPECT_EQ(*AlertFromName("inappropriate_fallback"), AlertDescription::kInappropriateFallback);
  EXPECT_FALSE(AlertName(255).has_value());
  EXPECT_FALSE(AlertFromName("unexpected-message").has_value());
}

TEST(Status, CarriesAlertAndContext) {
  Status s = DecodeError("x: too short").WithContext("ClientHello");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.alert(), AlertDescription::kDecodeError);
  EXPECT_EQ(s.ToString(), "decode_error: ClientHello: x: too short");
  EXPECT_EQ(Status::Ok().ToString(), "ok");
}

Result<int> Half(int v) {
  if (v % 2) return IllegalParameter("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  SD_ASSIGN_OR_RETURN(int h, Half(v));
  return Half(h);
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().alert(), AlertDescription::kIllegalParameter);
}

}  // namespace
}  // namespace shakedown
