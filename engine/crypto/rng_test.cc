#include "engine/crypto/rng.h"

#include <botan/curve25519.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/entropy_src.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace shakedown {
namespace {

std::vector<uint8_t> Draw(Botan::RandomNumberGenerator& rng, size_t n) {
  std::vector<uint8_t> out(n);
  rng.randomize(out.data(), out.size());
  return out;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

TEST(DeterministicRngTest, EqualSeedsGiveEqualStreams) {
  DeterministicRng a(42), b(42);
  // Several requests of different sizes, including a large one.
  for (size_t n : {1u, 31u, 32u, 1000u, 70000u}) {
    EXPECT_EQ(Draw(a, n), Draw(b, n)) << "request of " << n << " bytes";
  }
  EXPECT_EQ(a.seed(), 42u);
}

TEST(DeterministicRngTest, DifferentSeedsGiveDifferentStreams) {
  const uint64_t seeds[] = {0, 1, 2, 256, 1ull << 63, UINT64_MAX};
  std::vector<std::vector<uint8_t>> outputs;
  for (uint64_t seed : seeds) {
    DeterministicRng rng(seed);
    outputs.push_back(Draw(rng, 32));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = i + 1; j < outputs.size(); ++j) {
      EXPECT_NE(outputs[i], outputs[j]) << "seeds " << seeds[i] << " and " << seeds[j];
    }
  }
}

TEST(DeterministicRngTest, SuccessiveOutputsDiffer) {
  DeterministicRng rng(7);
  EXPECT_NE(Draw(rng, 32), Draw(rng, 32));
}

// Regression guard, not a standard: no RFC defines this generator. The expected bytes were
// computed independently in Python (hashlib/hmac + the `cryptography` package's ChaCha20) from
// the construction documented in rng.h and Botan's ChaCha_RNG:
//   seed_material = SHA-512("shakedown DeterministicRng v1" || uint64_be(seed))
//   K = HMAC-SHA256(key = 32 zero bytes, seed_material)
//   output = ChaCha20(K, nonce 0) keystream from byte 32 on (bytes 0..31 rekey the HMAC).
// If this fails, every recorded seed-based reproducer changes meaning.
TEST(DeterministicRngTest, RegressionGuardFirstBytes) {
  DeterministicRng one(1);
  EXPECT_EQ(Hex(Draw(one, 32)), "c8951df56e52f404e5922902243e018db432f57fce7e145d5f2a663168916efb");
  DeterministicRng zero(0);
  EXPECT_EQ(Hex(Draw(zero, 32)),
            "d90506eea68d968b1eeba2d192b24f85a712595e044f4f02404e6e2072c27855");
}

TEST(DeterministicRngTest, AddEntropyIsDeterministicAndChangesTheStream) {
  const uint8_t input[] = {1, 2, 3, 4};
  const uint8_t other[] = {1, 2, 3, 5};
  DeterministicRng a(9), b(9), plain(9), c(9);
  a.add_entropy(input, sizeof(input));
  b.add_entropy(input, sizeof(input));
  c.add_entropy(other, sizeof(other));
  const auto out_a = Draw(a, 64);
  EXPECT_EQ(out_a, Draw(b, 64));
  EXPECT_NE(out_a, Draw(plain, 64));
  EXPECT_NE(out_a, Draw(c, 64));
}

TEST(DeterministicRngTest, RandomizeWithInputIsDeterministic) {
  const uint8_t input[] = {0xaa, 0xbb};
  DeterministicRng a(3), b(3), plain(3);
  std::vector<uint8_t> out_a(48), out_b(48);
  a.randomize_with_input(out_a.data(), out_a.size(), input, sizeof(input));
  b.randomize_with_input(out_b.data(), out_b.size(), input, sizeof(input));
  EXPECT_EQ(out_a, out_b);
  EXPECT_NE(out_a, Draw(plain, 48));
}

// Botan's default randomize_with_ts_input mixes in clock readings and system randomness.
TEST(DeterministicRngTest, TimestampInputIsIgnored) {
  DeterministicRng a(5), b(5);
  std::vector<uint8_t> out_a(32), out_b(32);
  a.randomize_with_ts_input(out_a.data(), out_a.size());
  b.randomize_with_ts_input(out_b.data(), out_b.size());
  EXPECT_EQ(out_a, out_b);
}

TEST(DeterministicRngTest, ReseedFromSystemSourcesIsANoOp) {
  DeterministicRng a(11), b(11);
  EXPECT_EQ(a.reseed(Botan::Entropy_Sources::global_sources(), 256, std::chrono::milliseconds(50)),
            0u);
  EXPECT_EQ(Draw(a, 32), Draw(b, 32));
  EXPECT_TRUE(a.is_seeded());
}

// The point of the generator: Botan key generation driven by it is reproducible.
TEST(DeterministicRngTest, BotanKeyGenerationIsReproducible) {
  DeterministicRng a(100), b(100), c(101);
  const Botan::EC_Group p256("secp256r1");
  Botan::ECDSA_PrivateKey ka(a, p256), kb(b, p256), kc(c, p256);
  EXPECT_EQ(ka.private_value(), kb.private_value());
  EXPECT_EQ(ka.public_point(), kb.public_point());
  EXPECT_NE(ka.private_value(), kc.private_value());

  Botan::Curve25519_PrivateKey xa(a), xb(b), xc(c);
  EXPECT_EQ(xa.public_value(), xb.public_value());
  EXPECT_NE(xa.public_value(), xc.public_value());

  Botan::RSA_PrivateKey ra(a, 1024), rb(b, 1024), rc(c, 1024);
  EXPECT_EQ(ra.get_n(), rb.get_n());
  EXPECT_EQ(Botan::PKCS8::BER_encode(ra), Botan::PKCS8::BER_encode(rb));
  EXPECT_NE(ra.get_n(), rc.get_n());
}

}  // namespace
}  // namespace shakedown
