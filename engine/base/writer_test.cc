#include "engine/base/writer.h"

#include <gtest/gtest.h>

#include "engine/base/reader.h"

namespace shakedown {
namespace {

TEST(Writer, WritesIntegersBigEndian) {
  Writer w;
  w.U8(1);
  w.U16(0x0203);
  w.U24(0x040506);
  w.U32(0x0708090a);
  EXPECT_EQ(ToHex(w.bytes()), "0102030405060708090a");
  EXPECT_TRUE(w.status().ok());
}

TEST(Writer, BackFillsNestedVectors) {
  Writer w;
  w.Vector(3, [&] {
    w.Vector(2, [&] { w.Raw(Bytes{0xaa, 0xbb}); });
    w.VectorBytes(1, Bytes{0xcc});
  });
  EXPECT_EQ(ToHex(w.bytes()), "0000060002aabb01cc");
  // And the reader takes it back apart.
  Reader r{ByteView(w.bytes())};
  Reader outer;
  ByteView inner;
  ASSERT_TRUE(r.Vector("outer", 3, 0, 0xffffff, &outer).ok());
  ASSERT_TRUE(outer.VectorBytes("a", 2, 0, 0xffff, &inner).ok());
  EXPECT_EQ(ToHex(inner), "aabb");
}

TEST(Writer, OverflowingPrefixFailsInsteadOfTruncating) {
  Writer w;
  w.Vector(1, [&] { w.Raw(Bytes(256, 0)); });
  EXPECT_FALSE(w.status().ok());
  EXPECT_EQ(w.status().alert(), AlertDescription::kInternalError);

  Writer ok;
  ok.Vector(1, [&] { ok.Raw(Bytes(255, 0)); });
  EXPECT_TRUE(ok.status().ok());
}

TEST(Writer, U24RejectsValuesOver24Bits) {
  Writer w;
  w.U24(0x1000000);
  EXPECT_FALSE(w.status().ok());
}

}  // namespace
}  // namespace shakedown
