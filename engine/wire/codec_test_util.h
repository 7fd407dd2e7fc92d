// Helpers shared by the wire codec tests: hex literals, truncation and length-prefix
// mutation sweeps, round trips. Test-only.
#ifndef SHAKEDOWN_ENGINE_WIRE_CODEC_TEST_UTIL_H_
#define SHAKEDOWN_ENGINE_WIRE_CODEC_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/extensions.h"

namespace shakedown {
namespace testing {

inline Bytes H(const std::string& hex) {
  std::optional<Bytes> b = FromHex(hex);
  EXPECT_TRUE(b.has_value()) << "bad hex in test: " << hex;
  return b.value_or(Bytes{});
}

inline std::string AlertOf(const Status& s) {
  auto name = AlertName(static_cast<uint8_t>(s.alert()));
  return name ? std::string(*name) : "?";
}

// parse(prefix) fails with decode_error for every proper prefix of `valid`, except the
// lengths in `valid_lengths`, which are valid encodings themselves and must parse.
template <typename Parse>
void ExpectTruncationsFail(Parse parse, const Bytes& valid,
                           const std::set<size_t>& valid_lengths = {}) {
  for (size_t n = 0; n < valid.size(); ++n) {
    auto r = parse(ByteView(valid.data(), n));
    if (valid_lengths.count(n)) {
      EXPECT_TRUE(r.ok()) << "prefix of " << n << " bytes: " << r.status().ToString();
      continue;
    }
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(AlertOf(r.status()), "decode_error") << n << ": " << r.status().ToString();
  }
}

// A length prefix inside a valid encoding: offset, width and the value it holds (checked,
// so a wrong offset in a test is caught instead of silently testing nothing).
struct Prefix {
  size_t offset;
  int width;
  uint32_t value;
  std::vector<int> deltas = {-1, +1};
};

// Each prefix changed by each delta makes the encoding fail with decode_error.
template <typename Parse>
void ExpectPrefixOffByOneFails(Parse parse, const Bytes& valid,
                               const std::vector<Prefix>& prefixes) {
  for (const Prefix& p : prefixes) {
    uint32_t v = 0;
    for (int i = 0; i < p.width; ++i) v = (v << 8) | valid.at(p.offset + i);
    ASSERT_EQ(v, p.value) << "test error: prefix at offset " << p.offset;
    for (int delta : p.deltas) {
      Bytes b = valid;
      uint32_t nv = v + static_cast<uint32_t>(delta);
      for (int i = 0; i < p.width; ++i) {
        b[p.offset + i] = static_cast<uint8_t>(nv >> (8 * (p.width - 1 - i)));
      }
      auto r = parse(b);
      ASSERT_FALSE(r.ok()) << "prefix at " << p.offset << " " << delta << " parsed";
      EXPECT_EQ(AlertOf(r.status()), "decode_error")
          << "prefix at " << p.offset << " " << delta << ": " << r.status().ToString();
    }
  }
}

template <typename Parse>
void ExpectFailure(Parse parse, const Bytes& bytes, const std::string& alert,
                   const std::string& what) {
  auto r = parse(bytes);
  ASSERT_FALSE(r.ok()) << what << " parsed: " << ToHex(bytes);
  EXPECT_EQ(AlertOf(r.status()), alert) << what << ": " << r.status().ToString();
}

template <typename Parse>
void ExpectDecodeError(Parse parse, const Bytes& bytes, const std::string& what) {
  ExpectFailure(parse, bytes, "decode_error", what);
}

// `bytes` parses, and serializing the result gives `bytes` back.
template <typename T, typename Parse>
T ExpectBytesRoundTrip(Parse parse, const Bytes& bytes) {
  auto parsed = parse(bytes);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (!parsed.ok()) return T{};
  Result<Bytes> out = SerializeToBytes(*parsed);
  EXPECT_TRUE(out.ok());
  if (out.ok()) {
    EXPECT_EQ(ToHex(*out), ToHex(bytes));
  }
  return *parsed;
}

// parse(serialize(value)) == value, and serializing again gives the same bytes.
template <typename T, typename Parse>
void ExpectValueRoundTrip(Parse parse, const T& value) {
  Result<Bytes> bytes = SerializeToBytes(value);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto parsed = parse(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(*parsed == value);
  Result<Bytes> again = SerializeToBytes(*parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *bytes);
}

// parse(serialize(value)) == value, with T's own Parse.
template <typename T>
void ExpectValueRoundTrip(const T& value) {
  ExpectValueRoundTrip([](ByteView b) { return T::Parse(b); }, value);
}

}  // namespace testing
}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_CODEC_TEST_UTIL_H_
