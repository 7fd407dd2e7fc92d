#include "engine/crypto/dh.h"

#include <botan/auto_rng.h>
#include <botan/bigint.h>
#include <botan/hex.h>
#include <botan/numthry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

using Botan::BigInt;

Bytes Encode(const BigInt& n) {
  const std::vector<uint8_t> v = BigInt::encode(n);
  return Bytes(v.begin(), v.end());
}

nlohmann::json LoadKat() {
  std::ifstream in("vectors/kat/ffdhe_groups.json");
  EXPECT_TRUE(in.good()) << "vectors/kat/ffdhe_groups.json";
  return nlohmann::json::parse(in);
}

TEST(FfdheGroupsTest, EqualRfc7919FormulaAndTranscribedHex) {
  const nlohmann::json kat = LoadKat();
  ASSERT_EQ(kat["vectors"].size(), 5u);
  for (const nlohmann::json& entry : kat["vectors"]) {
    const std::string name = entry["name"];
    SCOPED_TRACE(name);
    const NamedGroup group = static_cast<NamedGroup>(entry["code_point"].get<uint16_t>());
    ASSERT_TRUE(IsSupportedFfdheGroup(group));
    std::optional<DhGroup> ours = FfdheGroup(group);
    ASSERT_TRUE(ours.has_value());
    const size_t b = entry["b"];
    // p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1
    EXPECT_EQ(ours->p, Rfc7919Prime(b, entry["X"].get<uint64_t>()));
    EXPECT_EQ(ours->g, Bytes{static_cast<uint8_t>(entry["g"].get<int>())});
    EXPECT_EQ(ours->bits(), b);
    EXPECT_EQ(ours->named, group);
    if (entry.contains("p_hex")) {
      std::string hex = entry["p_hex"];
      hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
      const std::vector<uint8_t> printed = Botan::hex_decode(hex);
      EXPECT_EQ(ours->p, Bytes(printed.begin(), printed.end()));
    }
    EXPECT_EQ(IdentifyFfdheGroup(ours->p, ours->g), group);
    EXPECT_EQ(NamedDhGroup(name)->p, ours->p);
  }
}

TEST(FfdheGroupsTest, CodePoints) {
  EXPECT_TRUE(IsFfdheCodePoint(NamedGroup::kFfdhe2048));
  EXPECT_TRUE(IsFfdheCodePoint(static_cast<NamedGroup>(511)));
  EXPECT_FALSE(IsFfdheCodePoint(static_cast<NamedGroup>(512)));
  EXPECT_FALSE(IsFfdheCodePoint(NamedGroup::kX25519));
  EXPECT_FALSE(IsSupportedFfdheGroup(static_cast<NamedGroup>(261)));
  EXPECT_FALSE(FfdheGroup(NamedGroup::kSecp256r1).has_value());
  EXPECT_FALSE(IdentifyFfdheGroup(NamedDhGroup("modp2048")->p, Bytes{2}).has_value());
  // The same p with another generator is not the named group.
  EXPECT_FALSE(IdentifyFfdheGroup(FfdheGroup(NamedGroup::kFfdhe2048)->p, Bytes{5}).has_value());
}

TEST(DheKeyPairTest, BothSidesAgree) {
  DeterministicRng rng(1);
  for (NamedGroup g : {NamedGroup::kFfdhe2048, NamedGroup::kFfdhe3072}) {
    const DhGroup group = *FfdheGroup(g);
    Result<DheKeyPair> a = DheKeyPair::Generate(group, rng);
    Result<DheKeyPair> b = DheKeyPair::Generate(group, rng);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->public_value(), b->public_value());
    Result<Bytes> za = a->Agree(b->public_value());
    Result<Bytes> zb = b->Agree(a->public_value());
    ASSERT_TRUE(za.ok()) << za.status().ToString();
    ASSERT_TRUE(zb.ok());
    EXPECT_EQ(*za, *zb);
    EXPECT_LE(za->size(), group.p.size());
  }
  // A custom group: modp2048 (RFC 3526 3), full-size exponent capped at 512 bits.
  const DhGroup modp = *NamedDhGroup("modp2048");
  Result<DheKeyPair> a = DheKeyPair::Generate(modp, rng);
  Result<DheKeyPair> b = DheKeyPair::Generate(modp, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a->Agree(b->public_value()), *b->Agree(a->public_value()));
}

TEST(DheKeyPairTest, KnownAnswerSmallExponent) {
  // x = 2: Y = g^2 = 4; with the peer's Y = 4, Z = 4^2 = 16 (leading zeros stripped: one byte).
  const DhGroup group = *FfdheGroup(NamedGroup::kFfdhe2048);
  Result<DheKeyPair> pair = DheKeyPair::FromPrivateKey(group, Bytes{2});
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->public_value(), Bytes{4});
  Result<Bytes> z = pair->Agree(Bytes{4});
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(*z, Bytes{16});
  // Leading zero bytes in the peer's value change nothing.
  EXPECT_EQ(*pair->Agree(Bytes{0, 0, 4}), Bytes{16});
}

TEST(DheKeyPairTest, SharedSecretLeadingZerosAreStripped) {
  // RFC 5246 8.1.2: find exponents whose Z has a leading zero byte (about 1 in 256).
  const DhGroup group = *FfdheGroup(NamedGroup::kFfdhe2048);
  DeterministicRng rng(7);
  Result<DheKeyPair> peer = DheKeyPair::Generate(group, rng);
  ASSERT_TRUE(peer.ok());
  const BigInt p(group.p.data(), group.p.size());
  const BigInt y(peer->public_value().data(), peer->public_value().size());
  int found = 0;
  for (int i = 0; i < 3000 && found < 2; ++i) {
    Result<DheKeyPair> ours = DheKeyPair::Generate(group, rng);
    ASSERT_TRUE(ours.ok());
    Result<Bytes> z = ours->Agree(peer->public_value());
    ASSERT_TRUE(z.ok());
    ASSERT_NE((*z)[0], 0) << "a leading zero byte was kept";
    if (z->size() < group.p.size()) ++found;
  }
  EXPECT_EQ(found, 2) << "no shared secret shorter than p in 3000 tries";
}

TEST(DheKeyPairTest, GenerateWithShortSecret) {
  const DhGroup group = *FfdheGroup(NamedGroup::kFfdhe2048);
  DeterministicRng rng(9);
  Result<DheKeyPair> peer = DheKeyPair::Generate(group, rng);
  ASSERT_TRUE(peer.ok());
  for (int i = 0; i < 3; ++i) {
    Result<DheKeyPair> ours = DheKeyPair::GenerateWithShortSecret(group, peer->public_value(), rng);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    Result<Bytes> z = ours->Agree(peer->public_value());
    ASSERT_TRUE(z.ok());
    EXPECT_LT(z->size(), group.p.size());
    EXPECT_EQ(*z, *peer->Agree(ours->public_value()));  // both sides strip alike
  }
  EXPECT_EQ(DheKeyPair::GenerateWithShortSecret(group, Bytes{1}, rng).status().alert(),
            AlertDescription::kHandshakeFailure);
}

TEST(CheckDhPublicValueTest, RangeAndSubgroup) {
  const DhGroup group = *FfdheGroup(NamedGroup::kFfdhe2048);
  const BigInt p(group.p.data(), group.p.size());
  auto alert = [&](const BigInt& y) {
    Status s = CheckDhPublicValue(group, Encode(y));
    return s.ok() ? std::optional<AlertDescription>() : s.alert();
  };
  EXPECT_EQ(CheckDhPublicValue(group, Bytes{0}).alert(), AlertDescription::kHandshakeFailure);
  for (const BigInt& y : {BigInt(1), p - 1, p, p + 1, p << 8}) {
    EXPECT_EQ(alert(y), AlertDescription::kHandshakeFailure) << y.to_hex_string();
  }
  EXPECT_EQ(alert(BigInt(4)), std::nullopt);  // 2^2, in the subgroup
  // p = 7 mod 8, so -2 is a non-residue: an element of order 2q.
  EXPECT_EQ(alert(p - 2), AlertDescription::kHandshakeFailure);
  EXPECT_EQ(CheckDhPublicValue(group, Bytes()).alert(), AlertDescription::kDecodeError);
  Bytes padded(300, 0);
  padded.back() = 4;
  EXPECT_TRUE(CheckDhPublicValue(group, padded).ok());
  // A custom group has no known subgroup: only the range is checked.
  DhGroup custom = group;
  custom.named.reset();
  EXPECT_TRUE(CheckDhPublicValue(custom, Encode(p - 2)).ok());
}

TEST(CheckDhGroupTest, ClientPolicyOnServerChosenGroups) {
  const DhGroup modp1024 = *NamedDhGroup("modp1024");
  const DhGroup modp2048 = *NamedDhGroup("modp2048");
  const DhGroup composite = *NamedDhGroup("composite2048");
  const DhGroup dh512 = *NamedDhGroup("dh512");
  EXPECT_EQ(dh512.bits(), 512u);
  EXPECT_TRUE(CheckDhGroup(dh512.p, dh512.g, 512).ok());  // prime
  EXPECT_EQ(CheckDhGroup(dh512.p, dh512.g, 768).alert(), AlertDescription::kInsufficientSecurity);
  EXPECT_EQ(modp1024.bits(), 1024u);
  EXPECT_EQ(composite.bits(), 2048u);
  EXPECT_EQ(CheckDhGroup(modp1024.p, modp1024.g, 2048).alert(),
            AlertDescription::kInsufficientSecurity);
  EXPECT_TRUE(CheckDhGroup(modp1024.p, modp1024.g, 1024).ok());
  EXPECT_TRUE(CheckDhGroup(modp2048.p, modp2048.g, 2048).ok());
  EXPECT_EQ(CheckDhGroup(composite.p, composite.g, 2048).alert(),
            AlertDescription::kIllegalParameter);
  EXPECT_EQ(CheckDhGroup(modp2048.p, Bytes{1}, 2048).alert(), AlertDescription::kIllegalParameter);
  const BigInt p(modp2048.p.data(), modp2048.p.size());
  EXPECT_EQ(CheckDhGroup(modp2048.p, Encode(p - 1), 2048).alert(),
            AlertDescription::kIllegalParameter);
  EXPECT_EQ(CheckDhGroup(Encode(p + 1), Bytes{2}, 2048).alert(),
            AlertDescription::kIllegalParameter);  // even
  EXPECT_FALSE(NamedDhGroup("no-such-group").has_value());
}

}  // namespace
}  // namespace shakedown
