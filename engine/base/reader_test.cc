#include "engine/base/reader.h"

#include <gtest/gtest.h>

namespace shakedown {
namespace {

TEST(Reader, ReadsBigEndianIntegers) {
  Bytes b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  Reader r{ByteView(b)};
  uint8_t u8;
  uint16_t u16;
  uint32_t u24, u32;
  ASSERT_TRUE(r.U8("a", &u8).ok());
  ASSERT_TRUE(r.U16("b", &u16).ok());
  ASSERT_TRUE(r.U24("c", &u24).ok());
  ASSERT_TRUE(r.U32("d", &u32).ok());
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u24, 0x040506u);
  EXPECT_EQ(u32, 0x0708090au);
  EXPECT_TRUE(r.ExpectEnd("all").ok());
}

TEST(Reader, ShortReadFailsWithoutAdvancing) {
  Bytes b = {0x01, 0x02};
  Reader r{ByteView(b)};
  uint32_t v = 7;
  Status s = r.U24("Record.length", &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.alert(), AlertDescription::kDecodeError);
  EXPECT_NE(s.message().find("Record.length"), std::string::npos);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(r.remaining(), 2u);
}

TEST(Reader, VectorBoundsAreEnforced) {
  // cipher_suites<2..2^16-2>, element size 2.
  Bytes ok = {0x00, 0x04, 0xc0, 0x2f, 0x00, 0x9c};
  Reader r{ByteView(ok)};
  ByteView body;
  ASSERT_TRUE(r.VectorBytes("cipher_suites", 2, 2, 0xfffe, &body, 2).ok());
  EXPECT_EQ(body.size(), 4u);

  Bytes odd = {0x00, 0x03, 0xc0, 0x2f, 0x00};
  Reader r2{ByteView(odd)};
  Status s = r2.VectorBytes("cipher_suites", 2, 2, 0xfffe, &body, 2);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("multiple of 2"), std::string::npos);
  EXPECT_EQ(r2.offset(), 0u);

  Bytes empty = {0x00, 0x00};
  Reader r3{ByteView(empty)};
  EXPECT_FALSE(r3.VectorBytes("cipher_suites", 2, 2, 0xfffe, &body, 2).ok());

  Bytes too_long = {0x03, 0x01, 0x02, 0x03};
  Reader r4{ByteView(too_long)};
  EXPECT_FALSE(r4.VectorBytes("session_id", 1, 0, 2, &body).ok());
}

TEST(Reader, LengthBeyondDataFailsAtEveryTruncation) {
  Bytes b = {0x00, 0x00, 0x05, 1, 2, 3, 4, 5};
  for (size_t cut = 0; cut < b.size(); ++cut) {
    Reader r{ByteView(b.data(), cut)};
    Reader body;
    EXPECT_FALSE(r.Vector("certificate_list", 3, 0, 0xffffff, &body).ok()) << cut;
  }
  Reader full{ByteView(b)};
  Reader body;
  ASSERT_TRUE(full.Vector("certificate_list", 3, 0, 0xffffff, &body).ok());
  EXPECT_EQ(body.remaining(), 5u);
}

TEST(Reader, ExpectEndReportsTrailingBytes) {
  Bytes b = {0x01, 0x02};
  Reader r{ByteView(b)};
  uint8_t v;
  ASSERT_TRUE(r.U8("x", &v).ok());
  Status s = r.ExpectEnd("Finished");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.alert(), AlertDescription::kDecodeError);
  EXPECT_EQ(s.message(), "Finished: 1 trailing byte(s) at offset 1");
}

TEST(Reader, RestConsumesEverything) {
  Bytes b = {1, 2, 3};
  Reader r{ByteView(b)};
  uint8_t v;
  ASSERT_TRUE(r.U8("x", &v).ok());
  EXPECT_EQ(r.Rest().ToBytes(), (Bytes{2, 3}));
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace shakedown
