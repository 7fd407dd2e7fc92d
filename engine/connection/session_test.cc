#include "engine/connection/session.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

#include "engine/connection/observer.h"

namespace shakedown {
namespace {

Session MakeSession(uint8_t id_byte, uint64_t created_at) {
  Session s;
  s.session_id = Bytes(32, id_byte);
  s.cipher_suite = 0xc02f;
  s.master_secret = Bytes(48, 0x11);
  s.extended_master_secret = true;
  s.peer_chain = {Bytes{0x30, 0x01, 0x00}};
  s.server_name = "localhost";
  s.created_at = created_at;
  return s;
}

TEST(Session, SerializeRoundTrip) {
  Session s = MakeSession(7, 0x100000002ull);
  s.ticket = Bytes{1, 2, 3};
  Result<Session> back = ParseSession(SerializeSession(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
}

TEST(Session, ParseRejectsTruncationAndTrailingBytes) {
  Bytes bytes = SerializeSession(MakeSession(7, 5));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(ParseSession(ByteView(bytes.data(), cut)).ok()) << cut;
  }
  bytes.push_back(0);
  Result<Session> r = ParseSession(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().alert(), AlertDescription::kDecodeError);
}

TEST(InMemorySessionCache, FindsUntilTheLifetimeEnds) {
  InMemorySessionCache cache(4, 100);
  cache.Store(MakeSession(1, 1000));
  EXPECT_TRUE(cache.Find(Bytes(32, 1), 1000).has_value());
  EXPECT_TRUE(cache.Find(Bytes(32, 1), 1099).has_value());
  EXPECT_FALSE(cache.Find(Bytes(32, 1), 1100).has_value());
  EXPECT_EQ(cache.size(), 0u);  // expired entries are dropped
  cache.Store(MakeSession(2, 1000));
  EXPECT_FALSE(cache.Find(Bytes(32, 2), 999).has_value());  // clock went backwards
  EXPECT_FALSE(cache.Find(Bytes(32, 3), 1000).has_value());
}

TEST(InMemorySessionCache, EvictsTheLeastRecentlyUsed) {
  InMemorySessionCache cache(2, 1000);
  cache.Store(MakeSession(1, 0));
  cache.Store(MakeSession(2, 0));
  ASSERT_TRUE(cache.Find(Bytes(32, 1), 1).has_value());  // 1 is now the most recent
  cache.Store(MakeSession(3, 0));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Find(Bytes(32, 1), 1).has_value());
  EXPECT_FALSE(cache.Find(Bytes(32, 2), 1).has_value());
  EXPECT_TRUE(cache.Find(Bytes(32, 3), 1).has_value());
}

TEST(InMemorySessionCache, RemoveForgetsASession) {
  InMemorySessionCache cache(2, 1000);
  cache.Store(MakeSession(1, 0));
  cache.Remove(Bytes(32, 1));
  EXPECT_FALSE(cache.Find(Bytes(32, 1), 1).has_value());
  Session no_id = MakeSession(1, 0);
  no_id.session_id.clear();
  cache.Store(no_id);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(LockedSessionCache, ForwardsToTheCache) {
  InMemorySessionCache inner(2, 100);
  LockedSessionCache cache(&inner);
  cache.Store(MakeSession(1, 1000));
  EXPECT_EQ(inner.size(), 1u);
  EXPECT_TRUE(cache.Find(Bytes(32, 1), 1050).has_value());
  EXPECT_FALSE(cache.Find(Bytes(32, 1), 1100).has_value());  // the inner cache's lifetime
  cache.Store(MakeSession(2, 1000));
  cache.Remove(Bytes(32, 2));
  EXPECT_EQ(inner.size(), 0u);
}

// Connections on several threads store, find and remove at once (`shakedown serve`'s workers).
// Without the lock the LRU list and its index are corrupted: this crashes or finds wrong entries.
TEST(LockedSessionCache, ManyThreadsAtOnce) {
  constexpr int kThreads = 8;
  constexpr int kIds = 16;
  constexpr size_t kCapacity = 8;  // smaller than kIds: eviction runs concurrently too
  InMemorySessionCache inner(kCapacity, 1000);
  LockedSessionCache cache(&inner);
  std::vector<std::thread> threads;
  std::vector<int> wrong(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 20000; ++i) {
        const uint8_t id = static_cast<uint8_t>((i * 7 + t) % kIds);
        switch (i % 3) {
          case 0:
            cache.Store(MakeSession(id, 10));
            break;
          case 1:
            if (std::optional<Session> found = cache.Find(Bytes(32, id), 20)) {
              if (found->session_id != Bytes(32, id) || found->master_secret != Bytes(48, 0x11)) {
                ++wrong[t];
              }
            }
            break;
          default:
            cache.Remove(Bytes(32, id));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
  EXPECT_LE(inner.size(), kCapacity);
  size_t found = 0;
  for (int id = 0; id < kIds; ++id) {
    if (cache.Find(Bytes(32, static_cast<uint8_t>(id)), 20)) ++found;
  }
  EXPECT_EQ(found, inner.size());  // the index and the list agree
}

TEST(KeyLogWriter, WritesNssFormat) {
  std::ostringstream out;
  KeyLogWriter writer(&out);
  writer.OnSecret("PRE_MASTER_SECRET", Bytes{1}, Bytes{2});
  writer.OnSecret("CLIENT_RANDOM", Bytes{0xab, 0x01}, Bytes{0xcd});
  EXPECT_EQ(out.str(), "CLIENT_RANDOM ab01 cd\n");
}

}  // namespace
}  // namespace shakedown
