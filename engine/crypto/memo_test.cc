#include "engine/crypto/memo.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/bytes.h"

namespace shakedown {
namespace {

TEST(MemoKeyTest, LengthPrefixesSeparateInputs) {
  const Bytes ab = {'a', 'b'}, c = {'c'}, a = {'a'}, bc = {'b', 'c'};
  EXPECT_NE(MemoKeyBuilder("op").Add(ab).Add(c).Finish(),
            MemoKeyBuilder("op").Add(a).Add(bc).Finish());
  EXPECT_EQ(MemoKeyBuilder("op").Add(ab).Add(c).Finish(),
            MemoKeyBuilder("op").Add(ab).Add(c).Finish());
  // The operation label is part of the key.
  EXPECT_NE(MemoKeyBuilder("sign").Add(ab).Finish(), MemoKeyBuilder("verify").Add(ab).Finish());
  EXPECT_NE(MemoKeyBuilder("op").Add(uint64_t{1}).Finish(),
            MemoKeyBuilder("op").Add(uint64_t{2}).Finish());
}

TEST(MemoTest, RemembersWhatWasKept) {
  Memo<Bytes> memo(8);
  const MemoKey one = MemoKeyBuilder("t").Add(uint64_t{1}).Finish();
  const MemoKey two = MemoKeyBuilder("t").Add(uint64_t{2}).Finish();
  EXPECT_FALSE(memo.Find(one).has_value());
  memo.Keep(one, Bytes{1, 2, 3});
  ASSERT_TRUE(memo.Find(one).has_value());
  EXPECT_EQ(*memo.Find(one), (Bytes{1, 2, 3}));
  EXPECT_FALSE(memo.Find(two).has_value());
}

TEST(MemoTest, StartsOverAtCapacity) {
  Memo<int> memo(3);
  for (uint64_t i = 0; i < 3; ++i) memo.Keep(MemoKeyBuilder("t").Add(i).Finish(), int(i));
  EXPECT_TRUE(memo.Find(MemoKeyBuilder("t").Add(uint64_t{0}).Finish()).has_value());
  memo.Keep(MemoKeyBuilder("t").Add(uint64_t{3}).Finish(), 3);  // full: cleared, then kept
  EXPECT_FALSE(memo.Find(MemoKeyBuilder("t").Add(uint64_t{0}).Finish()).has_value());
  EXPECT_TRUE(memo.Find(MemoKeyBuilder("t").Add(uint64_t{3}).Finish()).has_value());
}

TEST(MemoTest, DisabledMemosNeitherKeepNorFind) {
  Memo<int> memo(4);
  const MemoKey key = MemoKeyBuilder("t").Finish();
  memo.Keep(key, 7);
  SetMemosEnabled(false);
  EXPECT_FALSE(memo.Find(key).has_value());
  memo.Keep(MemoKeyBuilder("u").Finish(), 8);
  SetMemosEnabled(true);
  EXPECT_TRUE(memo.Find(key).has_value());
  EXPECT_FALSE(memo.Find(MemoKeyBuilder("u").Finish()).has_value());
}

TEST(SharedObjectsTest, BuildsOncePerKeyAndForgetsFailedBuilds) {
  SharedObjects<int> objects;
  int built = 0;
  const MemoKey key = MemoKeyBuilder("k").Finish();
  auto make = [&] {
    ++built;
    return std::make_unique<int>(41);
  };
  EXPECT_EQ(objects.With(key, make, [](int& v) { return ++v; }), 42);
  EXPECT_EQ(objects.With(key, make, [](int& v) { return ++v; }), 43);
  EXPECT_EQ(built, 1);
  const MemoKey other = MemoKeyBuilder("other").Finish();
  auto failing = []() -> std::unique_ptr<int> { throw std::runtime_error("no"); };
  EXPECT_THROW(objects.With(other, failing, [](int& v) { return v; }), std::runtime_error);
  EXPECT_EQ(objects.With(other, make, [](int& v) { return v; }), 41);  // built afresh
  EXPECT_EQ(built, 2);
}

}  // namespace
}  // namespace shakedown
