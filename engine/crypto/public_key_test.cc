// Tests for key_exchange.h, signature.h and pki.h. Over 800 lines on purpose: the three share
// one generated test PKI (slow to make), and their known-answer and negative cases are tables.
#include <botan/certstor.h>
#include <botan/curve25519.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/reader.h"
#include "engine/base/status.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/memo.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/crypto/signature.h"
#include "engine/wire/handshake.h"
#include "engine/wire/registry.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace shakedown {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers and shared keys
// ---------------------------------------------------------------------------------------

// Hex with optional spaces (RFCs print groups of 8 digits).
Bytes H(std::string hex) {
  hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
  std::optional<Bytes> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or(Bytes());
}

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

// One test PKI for the whole binary (RSA-2048 key generation is the slow part); its keys
// also serve the key-transport and signature tests.
const TestPki& SharedPki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(2024);
    Result<TestPki> result = GenerateTestPki(rng);
    if (!result.ok()) {
      std::fprintf(stderr, "GenerateTestPki failed: %s\n", result.status().ToString().c_str());
      std::abort();
    }
    return new TestPki(std::move(result).value());
  }();
  return *pki;
}

std::shared_ptr<const Botan::Private_Key> RsaKey() { return SharedPki().rsa_server.key; }
std::shared_ptr<const Botan::Private_Key> P256Key() { return SharedPki().ecdsa_server.key; }

std::shared_ptr<const Botan::Private_Key> P384Key() {
  static const auto key = [] {
    DeterministicRng rng(384);
    return std::make_shared<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp384r1"));
  }();
  return key;
}

std::shared_ptr<const Botan::Private_Key> Ed25519Key() {
  static const auto key = [] {
    DeterministicRng rng(25519);
    return std::make_shared<Botan::Ed25519_PrivateKey>(rng);
  }();
  return key;
}

// ---------------------------------------------------------------------------------------
// RSA key transport
// ---------------------------------------------------------------------------------------

constexpr uint16_t kTls12 = 0x0303;

RsaKeyTransportServer MakeServer() {
  Result<RsaKeyTransportServer> server = RsaKeyTransportServer::Create(RsaKey());
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

// RFC 8017 7.2.1: EM = 0x00 || 0x02 || PS (nonzero, >= 8 bytes) || 0x00 || M, k bytes.
Bytes Pkcs1Type2Block(size_t k, ByteView message) {
  Bytes block(k, 0);
  block[1] = 0x02;
  const size_t ps_len = k - 3 - message.size();
  for (size_t i = 0; i < ps_len; ++i) block[2 + i] = static_cast<uint8_t>(0x11 + i % 200);
  block[2 + ps_len] = 0x00;
  std::copy(message.begin(), message.end(), block.begin() + 3 + ps_len);
  return block;
}

TEST(RsaKeyTransportTest, PreMasterSecretStartsWithClientVersion) {
  DeterministicRng rng(1);
  const Bytes a = MakeRsaPreMasterSecret(0x0302, rng);
  const Bytes b = MakeRsaPreMasterSecret(0x0302, rng);
  ASSERT_EQ(a.size(), 48u);
  EXPECT_EQ(a[0], 0x03);
  EXPECT_EQ(a[1], 0x02);
  EXPECT_NE(a, b);  // 46 fresh random bytes each time
}

TEST(RsaKeyTransportTest, RoundTrip) {
  DeterministicRng rng(2);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  Result<Bytes> encrypted = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  ASSERT_TRUE(encrypted.ok()) << encrypted.status().ToString();
  EXPECT_EQ(encrypted->size(), 256u);  // RSA-2048: ciphertext is the modulus length

  const RsaKeyTransportServer server = MakeServer();
  EXPECT_EQ(server.modulus_bytes(), 256u);
  EXPECT_EQ(server.DecryptPreMasterSecret(*encrypted, kTls12), pms);
  // The one-shot form agrees.
  EXPECT_EQ(DecryptPreMasterSecret(RsaKey(), *encrypted, kTls12), pms);
}

TEST(RsaKeyTransportTest, EncryptionIsRandomized) {
  DeterministicRng rng(3);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  Result<Bytes> a = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  Result<Bytes> b = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // RFC 8017 7.2.1: PS is random
}

TEST(RsaKeyTransportTest, HandBuiltPkcs1BlockDecrypts) {
  // Encodes the padding here, independently of Botan's encryptor.
  DeterministicRng rng(4);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  Result<Bytes> encrypted = EncryptRsaRaw(*RsaKey(), Pkcs1Type2Block(256, pms));
  ASSERT_TRUE(encrypted.ok()) << encrypted.status().ToString();
  ASSERT_EQ(encrypted->size(), 256u);
  EXPECT_EQ(MakeServer().DecryptPreMasterSecret(*encrypted, kTls12), pms);
}

TEST(RsaKeyTransportTest, AcceptsTls10VersionWhenItMatches) {
  DeterministicRng rng(5);
  const Bytes pms = MakeRsaPreMasterSecret(0x0301, rng);
  Result<Bytes> encrypted = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  ASSERT_TRUE(encrypted.ok());
  EXPECT_EQ(MakeServer().DecryptPreMasterSecret(*encrypted, 0x0301), pms);
}

// RFC 5246 7.4.7.1 and checklist 45b (the ROBOT matrix): every malformed case yields a
// 48-byte ClientHello.client_version || R, no error, and never the client's secret.
TEST(RsaKeyTransportTest, MalformedCiphertextsYieldRandomSecretWithoutError) {
  DeterministicRng rng(6);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  const size_t k = 256;

  struct Case {
    std::string name;
    Bytes ciphertext;
  };
  std::vector<Case> cases;
  auto raw = [&](const std::string& name, const Bytes& block) {
    Result<Bytes> c = EncryptRsaRaw(*RsaKey(), block);
    ASSERT_TRUE(c.ok()) << name << ": " << c.status().ToString();
    cases.push_back({name, *c});
  };
  Bytes block = Pkcs1Type2Block(k, pms);
  block[0] = 0x01;  // first byte not 0x00
  raw("first byte 0x01", block);
  block = Pkcs1Type2Block(k, pms);
  block[1] = 0x01;  // block type 1 (signature padding)
  raw("block type 01", block);
  block = Pkcs1Type2Block(k, pms);
  block[k - 49] = 0x42;  // no 0x00 separator anywhere
  raw("no separator", block);
  block = Pkcs1Type2Block(k, pms);
  block[5] = 0x00;  // zero inside PS: the message becomes far longer than 48 bytes
  raw("zero in padding", block);
  const Bytes short_pms(pms.begin(), pms.end() - 1);
  raw("47-byte secret", Pkcs1Type2Block(k, short_pms));
  Bytes long_pms = pms;
  long_pms.push_back(0x00);
  raw("49-byte secret", Pkcs1Type2Block(k, long_pms));
  Bytes wrong_version = pms;
  wrong_version[1] = 0x02;  // TLS 1.1 inside, TLS 1.2 in the ClientHello
  raw("wrong version minor", Pkcs1Type2Block(k, wrong_version));
  wrong_version = pms;
  wrong_version[0] = 0x02;
  raw("wrong version major", Pkcs1Type2Block(k, wrong_version));

  Result<Bytes> good = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  ASSERT_TRUE(good.ok());
  Bytes flipped = *good;
  flipped[100] ^= 0x01;
  cases.push_back({"flipped ciphertext bit", flipped});
  cases.push_back({"truncated by one", Bytes(good->begin(), good->end() - 1)});
  Bytes extended = *good;
  extended.push_back(0x00);
  cases.push_back({"one byte appended", extended});
  cases.push_back({"empty", Bytes()});
  cases.push_back({"not below the modulus", Bytes(k, 0xff)});

  const RsaKeyTransportServer server = MakeServer();
  std::vector<Bytes> outputs;
  for (const Case& c : cases) {
    const Bytes out = server.DecryptPreMasterSecret(c.ciphertext, kTls12);
    ASSERT_EQ(out.size(), 48u) << c.name;
    EXPECT_EQ(out[0], 0x03) << c.name;
    EXPECT_EQ(out[1], 0x03) << c.name;
    EXPECT_NE(out, pms) << c.name;
    for (const Bytes& earlier : outputs) EXPECT_NE(out, earlier) << c.name << ": R repeated";
    outputs.push_back(out);
  }
  // The server is still usable after all those failures.
  EXPECT_EQ(server.DecryptPreMasterSecret(*good, kTls12), pms);
}

TEST(RsaKeyTransportTest, WrongClientHelloVersionYieldsRandomSecret) {
  DeterministicRng rng(7);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  Result<Bytes> encrypted = EncryptPreMasterSecret(*RsaKey(), pms, rng);
  ASSERT_TRUE(encrypted.ok());
  const Bytes out = MakeServer().DecryptPreMasterSecret(*encrypted, 0x0302);
  ASSERT_EQ(out.size(), 48u);
  EXPECT_EQ(out[0], 0x03);
  EXPECT_EQ(out[1], 0x02);  // ClientHello.client_version || R
  EXPECT_NE(Bytes(out.begin() + 2, out.end()), Bytes(pms.begin() + 2, pms.end()));
}

// Implicit rejection: R is a function of the key's secret and the ciphertext, so the same bad
// ciphertext always gets the same answer (with or without the memo), and another one another.
TEST(RsaKeyTransportTest, FailureOutputIsAFunctionOfKeyAndCiphertext) {
  const Bytes garbage(256, 0x5a);
  Bytes other = garbage;
  other[0] = 0x5b;
  const Bytes first = MakeServer().DecryptPreMasterSecret(garbage, kTls12);
  EXPECT_EQ(MakeServer().DecryptPreMasterSecret(garbage, kTls12), first);
  SetMemosEnabled(false);
  EXPECT_EQ(MakeServer().DecryptPreMasterSecret(garbage, kTls12), first);
  SetMemosEnabled(true);
  EXPECT_NE(MakeServer().DecryptPreMasterSecret(other, kTls12), first);
  // The version bytes are part of the inputs: another ClientHello version, another R.
  const Bytes tls11 = MakeServer().DecryptPreMasterSecret(garbage, 0x0302);
  EXPECT_NE(Bytes(tls11.begin() + 2, tls11.end()), Bytes(first.begin() + 2, first.end()));
}

TEST(RsaKeyTransportTest, NonRsaKeysAreRefused) {
  DeterministicRng rng(8);
  const Bytes pms = MakeRsaPreMasterSecret(kTls12, rng);
  Result<Bytes> encrypted = EncryptPreMasterSecret(*P256Key(), pms, rng);
  ASSERT_FALSE(encrypted.ok());
  EXPECT_EQ(encrypted.status().alert(), AlertDescription::kUnsupportedCertificate);
  EXPECT_FALSE(EncryptRsaRaw(*P256Key(), pms).ok());

  Result<RsaKeyTransportServer> server = RsaKeyTransportServer::Create(P256Key());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().alert(), AlertDescription::kInternalError);
  // The one-shot decryptor still answers version || R.
  const Bytes out = DecryptPreMasterSecret(P256Key(), Bytes(64, 1), kTls12);
  ASSERT_EQ(out.size(), 48u);
  EXPECT_EQ(out[0], 0x03);
  EXPECT_EQ(out[1], 0x03);
}

TEST(RsaKeyTransportTest, OversizedInputsAreRefused) {
  DeterministicRng rng(9);
  // RFC 8017 7.2.1: at most k - 11 = 245 bytes.
  EXPECT_TRUE(EncryptPreMasterSecret(*RsaKey(), Bytes(245, 1), rng).ok());
  Result<Bytes> too_long = EncryptPreMasterSecret(*RsaKey(), Bytes(246, 1), rng);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().alert(), AlertDescription::kInternalError);
  EXPECT_FALSE(EncryptRsaRaw(*RsaKey(), Bytes(256, 0xff)).ok());  // >= n
}

// ---------------------------------------------------------------------------------------
// ECDHE
// ---------------------------------------------------------------------------------------

void ExpectIllegalParameter(const Result<Bytes>& result, const std::string& what) {
  ASSERT_FALSE(result.ok()) << what;
  EXPECT_EQ(result.status().alert(), AlertDescription::kIllegalParameter)
      << what << ": " << result.status().ToString();
}

EcdheKeyPair Generate(NamedGroup group, DeterministicRng& rng) {
  Result<EcdheKeyPair> pair = EcdheKeyPair::Generate(group, rng);
  EXPECT_TRUE(pair.ok()) << pair.status().ToString();
  return std::move(pair).value();
}

TEST(EcdheTest, BothSidesAgreeOnEveryGroup) {
  struct GroupCase {
    NamedGroup group;
    size_t public_length;
    size_t secret_length;
  };
  const GroupCase groups[] = {
      {NamedGroup::kX25519, 32, 32},     // RFC 7748 5
      {NamedGroup::kSecp256r1, 65, 32},  // RFC 8422 5.4 uncompressed point, 5.10 x-coordinate
      {NamedGroup::kSecp384r1, 97, 48},
      {NamedGroup::kSecp521r1, 133, 66},
  };
  DeterministicRng rng(10);
  for (const GroupCase& g : groups) {
    const std::string label = Describe(Registry::kNamedGroup, static_cast<uint16_t>(g.group));
    EXPECT_TRUE(IsSupportedEcdheGroup(g.group)) << label;
    const EcdheKeyPair client = Generate(g.group, rng);
    const EcdheKeyPair server = Generate(g.group, rng);
    EXPECT_EQ(client.group(), g.group);
    ASSERT_EQ(client.public_value().size(), g.public_length) << label;
    if (g.group != NamedGroup::kX25519) {
      EXPECT_EQ(client.public_value()[0], 0x04) << label;
    }
    EXPECT_TRUE(CheckEcdhePublicValue(g.group, client.public_value()).ok()) << label;
    EXPECT_NE(client.public_value(), server.public_value()) << label;

    Result<Bytes> a = client.Agree(server.public_value());
    Result<Bytes> b = server.Agree(client.public_value());
    ASSERT_TRUE(a.ok()) << label << ": " << a.status().ToString();
    ASSERT_TRUE(b.ok()) << label << ": " << b.status().ToString();
    EXPECT_EQ(a->size(), g.secret_length) << label;
    EXPECT_EQ(*a, *b) << label;
    // Reusable: the same agreement twice gives the same secret.
    Result<Bytes> again = client.Agree(server.public_value());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *a) << label;
  }
}

TEST(EcdheTest, GenerationIsAFunctionOfTheSeed) {
  for (NamedGroup group : {NamedGroup::kX25519, NamedGroup::kSecp256r1}) {
    DeterministicRng a(11), b(11), c(12);
    EXPECT_EQ(Generate(group, a).public_value(), Generate(group, b).public_value());
    DeterministicRng d(11);
    EXPECT_NE(Generate(group, d).public_value(), Generate(group, c).public_value());
  }
}

// Known answer: vector "illustrated-tls12-ecdhe-x25519-aes128cbc-sha" of
// vectors/kat/keyschedule_vectors.json (syncsynchalt/illustrated-tls12).
TEST(EcdheTest, IllustratedTls12X25519KnownAnswer) {
  Result<EcdheKeyPair> client = EcdheKeyPair::FromPrivateKey(
      NamedGroup::kX25519, H("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(ToHex(client->public_value()),
            "358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254");
  Result<Bytes> pms =
      client->Agree(H("9fd7ad6dcff4298dd3f96d5b1b2af910a0535b1488d7f8fabb349a982880b615"));
  ASSERT_TRUE(pms.ok()) << pms.status().ToString();
  EXPECT_EQ(ToHex(*pms), "df4a291baa1eb7cfa6934b29b474baad2697e29f1f920dcc77c8a0a088447624");
}

// RFC 7748 6.1.
TEST(EcdheTest, Rfc7748Section61X25519) {
  Result<EcdheKeyPair> alice = EcdheKeyPair::FromPrivateKey(
      NamedGroup::kX25519, H("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  Result<EcdheKeyPair> bob = EcdheKeyPair::FromPrivateKey(
      NamedGroup::kX25519, H("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(ToHex(alice->public_value()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(ToHex(bob->public_value()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const std::string k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  Result<Bytes> ab = alice->Agree(bob->public_value());
  Result<Bytes> ba = bob->Agree(alice->public_value());
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(ToHex(*ab), k);
  EXPECT_EQ(ToHex(*ba), k);
}

// RFC 5903 8.1 (256-bit random ECP group): the shared secret is g^ir's x-coordinate, which
// RFC 8422 5.10 also takes as the TLS pre-master secret.
TEST(EcdheTest, Rfc5903P256KnownAnswer) {
  Result<EcdheKeyPair> initiator = EcdheKeyPair::FromPrivateKey(
      NamedGroup::kSecp256r1,
      H("C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433"));
  ASSERT_TRUE(initiator.ok()) << initiator.status().ToString();
  EXPECT_EQ(initiator->public_value(),
            H("04"
              "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
              "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3"));
  Result<Bytes> secret = initiator->Agree(
      H("04"
        "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
        "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB"));
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(*secret, H("D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"));
}

// RFC 5903 8.2 (384-bit random ECP group).
TEST(EcdheTest, Rfc5903P384KnownAnswer) {
  Result<EcdheKeyPair> responder = EcdheKeyPair::FromPrivateKey(
      NamedGroup::kSecp384r1,
      H("41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942 E0308312"
        "916B8ED2 960E4BD5 5A7448FC"));
  ASSERT_TRUE(responder.ok()) << responder.status().ToString();
  EXPECT_EQ(responder->public_value(),
            H("04"
              "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
              "0D1AC43A 0336DEF9 6FDA41D0 774A3571"
              "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
              "F83FA401 42209DFF 5EAAD96D B9E6386C"));
  Result<Bytes> secret =
      responder->Agree(H("04"
                         "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
                         "DE3AC808 ACB4BDB4 C88732AE E95F41AA"
                         "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
                         "EB9FCFF3 C2C947DA E69B4C63 4573A81C"));
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(*secret, H("11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
                       "D6031355 69B9E9D0 9CF5D4A2 70F59746"));
}

// RFC 7748 6.1 / RFC 8422 5.11, checklist 58: low-order u-coordinates give an all-zero
// shared secret, which must abort. (The values are the usual low-order list, e.g. in
// libsodium; OpenSSL also refuses each of them.)
TEST(EcdheTest, X25519LowOrderPointsAreRejected) {
  DeterministicRng rng(13);
  const EcdheKeyPair pair = Generate(NamedGroup::kX25519, rng);
  const char* low_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",  // 0
      "0100000000000000000000000000000000000000000000000000000000000000",  // 1
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p (= 0)
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1 (= 1)
  };
  for (const char* u : low_order) {
    const Result<Bytes> result = pair.Agree(H(u));
    ExpectIllegalParameter(result, u);
    if (!result.ok()) {
      EXPECT_NE(result.status().message().find("all zero"), std::string::npos) << u;
    }
  }
  // Still usable afterwards.
  const EcdheKeyPair peer = Generate(NamedGroup::kX25519, rng);
  EXPECT_TRUE(pair.Agree(peer.public_value()).ok());
}

TEST(EcdheTest, X25519WrongLengthsAreRejected) {
  DeterministicRng rng(14);
  const EcdheKeyPair pair = Generate(NamedGroup::kX25519, rng);
  const EcdheKeyPair peer = Generate(NamedGroup::kX25519, rng);
  const Bytes good = peer.public_value();
  ExpectIllegalParameter(pair.Agree(Bytes()), "empty");
  ExpectIllegalParameter(pair.Agree(ByteView(good).subview(0, 31)), "31 bytes");
  Bytes longer = good;
  longer.push_back(0);
  ExpectIllegalParameter(pair.Agree(longer), "33 bytes");
  Bytes as_point = good;
  as_point.insert(as_point.begin(), 0x04);  // a NIST-style prefix is not an x25519 value
  ExpectIllegalParameter(pair.Agree(as_point), "prefixed");
}

// RFC 8422 5.11 / checklist 58: invalid NIST-curve points are rejected.
TEST(EcdheTest, P256InvalidPointsAreRejected) {
  DeterministicRng rng(15);
  const EcdheKeyPair pair = Generate(NamedGroup::kSecp256r1, rng);
  const EcdheKeyPair peer = Generate(NamedGroup::kSecp256r1, rng);
  const Bytes good = peer.public_value();
  ASSERT_TRUE(pair.Agree(good).ok());

  Bytes off_curve = good;
  off_curve[64] ^= 0x01;  // change y
  ExpectIllegalParameter(pair.Agree(off_curve), "off-curve y");
  off_curve = good;
  off_curve[1] ^= 0x80;  // change x
  ExpectIllegalParameter(pair.Agree(off_curve), "off-curve x");

  // Compressed form 02/03 || X (RFC 8422 5.1.2 / 5.4: uncompressed only).
  Bytes compressed(good.begin(), good.begin() + 33);
  compressed[0] = static_cast<uint8_t>(0x02 | (good[64] & 1));
  ExpectIllegalParameter(pair.Agree(compressed), "compressed");
  Bytes wrong_prefix = good;
  wrong_prefix[0] = 0x03;  // right length, compressed prefix
  ExpectIllegalParameter(pair.Agree(wrong_prefix), "prefix 03 at full length");
  wrong_prefix[0] = 0x06;  // hybrid form
  ExpectIllegalParameter(pair.Agree(wrong_prefix), "hybrid");

  ExpectIllegalParameter(pair.Agree(Bytes{0x00}), "point at infinity (single zero byte)");
  Bytes zero_point(65, 0);
  zero_point[0] = 0x04;
  ExpectIllegalParameter(pair.Agree(zero_point), "(0, 0)");
  ExpectIllegalParameter(pair.Agree(Bytes()), "empty");
  ExpectIllegalParameter(pair.Agree(ByteView(good).subview(0, 64)), "64 bytes");
  Bytes longer = good;
  longer.push_back(0);
  ExpectIllegalParameter(pair.Agree(longer), "66 bytes");

  // A P-384 point is the wrong length for P-256.
  const EcdheKeyPair p384 = Generate(NamedGroup::kSecp384r1, rng);
  ExpectIllegalParameter(pair.Agree(p384.public_value()), "P-384 point");
  // Still usable afterwards.
  EXPECT_TRUE(pair.Agree(good).ok());
}

// SEC 1 3.2.2.1 (RFC 8422 5.11): coordinates must lie in [0, p-1]. (0, y0) is a valid P-256
// point (0^3 - 3*0 + b is a square mod p; checked with Python's `cryptography`); (p, y0) is
// the same point with x unreduced and must be refused.
TEST(EcdheTest, P256CoordinatesMustBeReduced) {
  const Bytes y0 = H("66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4");
  Bytes reduced{0x04};
  Append(reduced, Bytes(32, 0));
  Append(reduced, y0);
  Bytes unreduced{0x04};
  Append(unreduced, H("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"));
  Append(unreduced, y0);
  DeterministicRng rng(17);
  const EcdheKeyPair pair = Generate(NamedGroup::kSecp256r1, rng);
  Result<Bytes> ok = pair.Agree(reduced);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  ExpectIllegalParameter(pair.Agree(unreduced), "x = p");
}

TEST(EcdheTest, UnsupportedGroups) {
  DeterministicRng rng(16);
  for (NamedGroup group : {NamedGroup::kX448, NamedGroup::kFfdhe2048,
                           NamedGroup::kSecp192r1}) {
    EXPECT_FALSE(IsSupportedEcdheGroup(group));
    Result<EcdheKeyPair> pair = EcdheKeyPair::Generate(group, rng);
    ASSERT_FALSE(pair.ok());
    EXPECT_EQ(pair.status().alert(), AlertDescription::kHandshakeFailure);
    EXPECT_FALSE(EcdheKeyPair::FromPrivateKey(group, Bytes(32, 1)).ok());
    // A peer value in a group this side never offered.
    const Status check = CheckEcdhePublicValue(group, Bytes(32, 1));
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.alert(), AlertDescription::kIllegalParameter);
  }
}

TEST(EcdheTest, BadPrivateKeysAreRefused) {
  EXPECT_FALSE(EcdheKeyPair::FromPrivateKey(NamedGroup::kX25519, Bytes(31, 1)).ok());
  EXPECT_FALSE(EcdheKeyPair::FromPrivateKey(NamedGroup::kX25519, Bytes(33, 1)).ok());
  EXPECT_FALSE(EcdheKeyPair::FromPrivateKey(NamedGroup::kSecp256r1, Bytes(32, 0)).ok());
  EXPECT_FALSE(EcdheKeyPair::FromPrivateKey(NamedGroup::kSecp256r1, Bytes(31, 1)).ok());
  // n, the order of P-256 (SEC 2 2.4.2): not a valid scalar.
  const Bytes n = H("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  Result<EcdheKeyPair> at_n = EcdheKeyPair::FromPrivateKey(NamedGroup::kSecp256r1, n);
  ASSERT_FALSE(at_n.ok());
  EXPECT_EQ(at_n.status().alert(), AlertDescription::kInternalError);
  Bytes n_minus_1 = n;
  n_minus_1[31] -= 1;
  EXPECT_TRUE(EcdheKeyPair::FromPrivateKey(NamedGroup::kSecp256r1, n_minus_1).ok());
}

// ---------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------

struct SchemeKey {
  SignatureScheme scheme;
  std::shared_ptr<const Botan::Private_Key> key;
};

std::vector<SchemeKey> AllSchemesWithKeys() {
  std::vector<SchemeKey> out;
  for (SignatureScheme s : {SignatureScheme::kRsaPkcs1Sha1, SignatureScheme::kRsaPkcs1Sha256,
                            SignatureScheme::kRsaPkcs1Sha384, SignatureScheme::kRsaPkcs1Sha512,
                            SignatureScheme::kRsaPssRsaeSha256, SignatureScheme::kRsaPssRsaeSha384,
                            SignatureScheme::kRsaPssRsaeSha512}) {
    out.push_back({s, RsaKey()});
  }
  // TLS 1.2 ECDSA schemes name the hash, not the curve (RFC 8446 4.2.3): both keys work.
  for (SignatureScheme s :
       {SignatureScheme::kEcdsaSha1, SignatureScheme::kEcdsaSecp256r1Sha256,
        SignatureScheme::kEcdsaSecp384r1Sha384, SignatureScheme::kEcdsaSecp521r1Sha512}) {
    out.push_back({s, P256Key()});
    out.push_back({s, P384Key()});
  }
  out.push_back({SignatureScheme::kEd25519, Ed25519Key()});
  return out;
}

std::string Label(SignatureScheme scheme) {
  return Describe(Registry::kSignatureScheme, static_cast<uint16_t>(scheme));
}

TEST(SignatureTest, SignAndVerifyEveryScheme) {
  DeterministicRng rng(20);
  Bytes params = H("03001d20");
  Append(params, Bytes(32, 0x77));
  // Shaped like a ServerKeyExchange's signed data: client_random + server_random + params.
  Bytes message(32, 0xc1);
  Append(message, Bytes(32, 0x5e));
  Append(message, params);
  for (const SchemeKey& sk : AllSchemesWithKeys()) {
    const std::string what = Label(sk.scheme) + " with " + sk.key->algo_name();
    ASSERT_TRUE(IsSupportedSignatureScheme(sk.scheme)) << what;
    ASSERT_TRUE(SchemeMatchesKey(sk.scheme, *sk.key)) << what;
    Result<Signer> signer = Signer::Create(sk.key);
    ASSERT_TRUE(signer.ok()) << what << ": " << signer.status().ToString();
    Result<Bytes> signature = signer->Sign(sk.scheme, message);
    ASSERT_TRUE(signature.ok()) << what << ": " << signature.status().ToString();

    const Status verified = VerifySignature(*sk.key, sk.scheme, message, *signature);
    EXPECT_TRUE(verified.ok()) << what << ": " << verified.ToString();
    Verifier verifier(sk.key);
    EXPECT_TRUE(verifier.Verify(sk.scheme, message, *signature).ok()) << what;

    if (sk.key->algo_name() == "ECDSA") {
      // RFC 8422 5.4: DER SEQUENCE { r INTEGER, s INTEGER }.
      ASSERT_GE(signature->size(), 8u);
      EXPECT_EQ((*signature)[0], 0x30) << what;
      EXPECT_EQ((*signature)[1] + 2u, signature->size()) << what;
      EXPECT_EQ((*signature)[2], 0x02) << what;
    } else if (sk.key->algo_name() == "RSA") {
      EXPECT_EQ(signature->size(), 256u) << what;
    } else {
      EXPECT_EQ(signature->size(), 64u) << what;  // RFC 8032 5.1.6
    }

    // RFC 5246 7.4.3 / 7.4.8, checklist 40 and 44: a bad signature is decrypt_error.
    for (size_t pos : {size_t{0}, signature->size() / 2, signature->size() - 1}) {
      Bytes flipped = *signature;
      flipped[pos] ^= 0x01;
      const Status bad = VerifySignature(*sk.key, sk.scheme, message, flipped);
      ASSERT_FALSE(bad.ok()) << what << " flipped at " << pos;
      EXPECT_EQ(bad.alert(), AlertDescription::kDecryptError) << what << " at " << pos;
      EXPECT_EQ(verifier.Verify(sk.scheme, message, flipped).alert(),
                AlertDescription::kDecryptError)
          << what << " at " << pos;
    }
    Bytes other_message = message;
    other_message[0] ^= 0x01;
    EXPECT_EQ(VerifySignature(*sk.key, sk.scheme, other_message, *signature).alert(),
              AlertDescription::kDecryptError)
        << what;
    EXPECT_EQ(VerifySignature(*sk.key, sk.scheme, message, Bytes()).alert(),
              AlertDescription::kDecryptError)
        << what;
    // After failures the cached verifier still accepts the good signature.
    EXPECT_TRUE(verifier.Verify(sk.scheme, message, *signature).ok()) << what;
  }
}

// SLOTH vectors carry genuine MD5 / SHA-224 signatures: the Signer makes them, Botan's own
// verifier accepts them, and the engine's verifier refuses the schemes (never negotiated).
TEST(SignatureTest, SigningOnlySchemesAreGenuineAndNeverVerified) {
  const Bytes message = {1, 2, 3, 4};
  struct Case {
    std::shared_ptr<const Botan::Private_Key> key;
    SignatureScheme scheme;
    const char* emsa;
  };
  const Case cases[] = {
      {RsaKey(), SignatureScheme::kRsaPkcs1Md5, "EMSA3(MD5)"},
      {RsaKey(), SignatureScheme::kRsaPkcs1Sha224, "EMSA3(SHA-224)"},
      {P256Key(), SignatureScheme::kEcdsaSha224, "EMSA1(SHA-224)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.emsa);
    Result<Signer> signer = Signer::Create(c.key);
    ASSERT_TRUE(signer.ok());
    Result<Bytes> signature = signer->Sign(c.scheme, message);
    ASSERT_TRUE(signature.ok()) << signature.status().ToString();
    Botan::PK_Verifier botan(*c.key, c.emsa, c.key->algo_name() == "ECDSA"
                                                 ? Botan::DER_SEQUENCE
                                                 : Botan::IEEE_1363);
    EXPECT_TRUE(botan.verify_message(message.data(), message.size(), signature->data(),
                                     signature->size()));
    EXPECT_FALSE(IsSupportedSignatureScheme(c.scheme));
    EXPECT_FALSE(VerifySignature(*c.key, c.scheme, message, *signature).ok());
  }
  // Not with a key of the other kind.
  Result<Signer> ecdsa = Signer::Create(P256Key());
  ASSERT_TRUE(ecdsa.ok());
  EXPECT_FALSE(ecdsa->Sign(SignatureScheme::kRsaPkcs1Md5, message).ok());
}

// A PSS salt of another length than the hash's (RFC 8446 4.2.3) is a genuine PSS signature
// that the verifier refuses for its salt alone; the right length is the default signature.
TEST(SignatureTest, PssSaltLengthIsEnforced) {
  const Bytes message = {5, 6, 7, 8};
  Result<Signer> signer = Signer::Create(RsaKey());
  ASSERT_TRUE(signer.ok());
  const SignatureScheme pss = SignatureScheme::kRsaPssRsaeSha256;
  Result<Bytes> short_salt = signer->Sign(pss, message, size_t{20});
  ASSERT_TRUE(short_salt.ok()) << short_salt.status().ToString();
  Botan::PK_Verifier any_salt(*RsaKey(), "PSSR(SHA-256,MGF1,20)", Botan::IEEE_1363);
  EXPECT_TRUE(any_salt.verify_message(message.data(), message.size(), short_salt->data(),
                                      short_salt->size()))
      << "a genuine PSS signature with a 20-byte salt";
  Status refused = VerifySignature(*RsaKey(), pss, message, *short_salt);
  EXPECT_EQ(refused.alert(), AlertDescription::kDecryptError) << refused.ToString();
  Result<Bytes> right = signer->Sign(pss, message, size_t{32});
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(VerifySignature(*RsaKey(), pss, message, *right).ok());
  Result<Bytes> pkcs1 = signer->Sign(SignatureScheme::kRsaPkcs1Sha256, message, size_t{20});
  ASSERT_FALSE(pkcs1.ok());
  EXPECT_NE(pkcs1.status().message().find("a salt length is for RSA-PSS"), std::string::npos);
}

TEST(SignatureTest, SignerIsReusable) {
  DeterministicRng rng(21);
  Result<Signer> signer = Signer::Create(RsaKey());
  ASSERT_TRUE(signer.ok());
  for (int i = 0; i < 3; ++i) {
    const Bytes message(10 + i, static_cast<uint8_t>(i));
    for (SignatureScheme s :
         {SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPssRsaeSha256}) {
      Result<Bytes> sig = signer->Sign(s, message);
      ASSERT_TRUE(sig.ok());
      EXPECT_TRUE(VerifySignature(*RsaKey(), s, message, *sig).ok()) << i;
    }
  }
  // RFC 8017 8.2: PKCS#1 v1.5 signatures are deterministic. PSS ones are salted (9.1.1); the
  // salt comes from the key's secret and the message, so equal inputs sign alike (a pure
  // function, which lets results be remembered).
  const Bytes message = {1, 2, 3};
  Result<Bytes> a = signer->Sign(SignatureScheme::kRsaPkcs1Sha256, message);
  Result<Bytes> b = signer->Sign(SignatureScheme::kRsaPkcs1Sha256, message);
  Result<Bytes> c = signer->Sign(SignatureScheme::kRsaPssRsaeSha256, message);
  Result<Bytes> d = signer->Sign(SignatureScheme::kRsaPssRsaeSha256, message);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*c, *d);
  EXPECT_NE(*c, *a);
  // Without the memo the same signature comes out: nothing depends on what was remembered.
  SetMemosEnabled(false);
  Result<Signer> fresh = Signer::Create(RsaKey());
  ASSERT_TRUE(fresh.ok());
  Result<Bytes> e = fresh->Sign(SignatureScheme::kRsaPssRsaeSha256, message);
  SetMemosEnabled(true);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, *c);
}

TEST(SignatureTest, SchemeKeyMismatchIsIllegalParameter) {
  const Bytes message = {1, 2, 3};
  DeterministicRng rng(22);
  Result<Signer> rsa = Signer::Create(RsaKey());
  Result<Signer> ecdsa = Signer::Create(P256Key());
  ASSERT_TRUE(rsa.ok() && ecdsa.ok());
  Result<Bytes> rsa_sig = rsa->Sign(SignatureScheme::kRsaPkcs1Sha256, message);
  Result<Bytes> ecdsa_sig = ecdsa->Sign(SignatureScheme::kEcdsaSecp256r1Sha256, message);
  ASSERT_TRUE(rsa_sig.ok() && ecdsa_sig.ok());

  struct Case {
    const Botan::Private_Key* key;
    SignatureScheme scheme;
    const Bytes* signature;
  };
  const Case cases[] = {
      {RsaKey().get(), SignatureScheme::kEcdsaSecp256r1Sha256, &*rsa_sig},
      {P256Key().get(), SignatureScheme::kRsaPkcs1Sha256, &*ecdsa_sig},
      {P256Key().get(), SignatureScheme::kRsaPssRsaeSha256, &*ecdsa_sig},
      {P256Key().get(), SignatureScheme::kEd25519, &*ecdsa_sig},
      {Ed25519Key().get(), SignatureScheme::kEcdsaSecp256r1Sha256, &*ecdsa_sig},
      // Unsupported schemes (MD5, SHA-224, DSA, PSS-OID keys) are refused the same way.
      {RsaKey().get(), SignatureScheme::kRsaPkcs1Md5, &*rsa_sig},
      {RsaKey().get(), SignatureScheme::kRsaPkcs1Sha224, &*rsa_sig},
      {RsaKey().get(), SignatureScheme::kRsaPssPssSha256, &*rsa_sig},
      {P256Key().get(), SignatureScheme::kEcdsaSha224, &*ecdsa_sig},
      {RsaKey().get(), SignatureScheme::kDsaSha256, &*rsa_sig},
      {RsaKey().get(), static_cast<SignatureScheme>(0x1234), &*rsa_sig},
  };
  for (const Case& c : cases) {
    const Status status = VerifySignature(*c.key, c.scheme, message, *c.signature);
    ASSERT_FALSE(status.ok()) << Label(c.scheme);
    EXPECT_EQ(status.alert(), AlertDescription::kIllegalParameter)
        << Label(c.scheme) << ": " << status.ToString();
    EXPECT_FALSE(SchemeMatchesKey(c.scheme, *c.key)) << Label(c.scheme);
  }
  // Signing with a mismatched scheme is a local error.
  Result<Bytes> wrong = rsa->Sign(SignatureScheme::kEcdsaSecp256r1Sha256, message);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().alert(), AlertDescription::kInternalError);
  EXPECT_FALSE(IsSupportedSignatureScheme(SignatureScheme::kRsaPkcs1Md5));
  EXPECT_FALSE(IsSupportedSignatureScheme(SignatureScheme::kRsaPssPssSha256));
}

TEST(SignatureTest, SignerRefusesKeysThatCannotSign) {
  DeterministicRng rng(23);
  auto x25519 = std::make_shared<Botan::Curve25519_PrivateKey>(rng);
  Result<Signer> signer = Signer::Create(x25519);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.status().alert(), AlertDescription::kInternalError);
  EXPECT_FALSE(Signer::Create(nullptr).ok());
}

// ECDSA signatures must be DER (RFC 8422 5.4); Botan's default IEEE 1363 r || s form and
// non-canonical DER are bad signatures.
TEST(SignatureTest, EcdsaSignatureEncodingIsEnforced) {
  DeterministicRng rng(24);
  const Bytes message = {9, 8, 7};
  Botan::PK_Signer raw_signer(*P256Key(), rng, "EMSA1(SHA-256)", Botan::IEEE_1363);
  const Bytes raw = raw_signer.sign_message(message.data(), message.size(), rng);
  ASSERT_EQ(raw.size(), 64u);
  EXPECT_EQ(
      VerifySignature(*P256Key(), SignatureScheme::kEcdsaSecp256r1Sha256, message, raw).alert(),
      AlertDescription::kDecryptError);

  Result<Signer> signer = Signer::Create(P256Key());
  ASSERT_TRUE(signer.ok());
  Result<Bytes> der = signer->Sign(SignatureScheme::kEcdsaSecp256r1Sha256, message);
  ASSERT_TRUE(der.ok());
  // Same signature with a trailing byte, and with a long-form length: not canonical DER.
  Bytes trailing = *der;
  trailing.push_back(0x00);
  Bytes long_form = {0x30, 0x81, (*der)[1]};
  long_form.insert(long_form.end(), der->begin() + 2, der->end());
  Verifier verifier(P256Key());
  for (const Bytes* bad : {&trailing, &long_form}) {
    EXPECT_EQ(
        VerifySignature(*P256Key(), SignatureScheme::kEcdsaSecp256r1Sha256, message, *bad).alert(),
        AlertDescription::kDecryptError);
    EXPECT_EQ(verifier.Verify(SignatureScheme::kEcdsaSecp256r1Sha256, message, *bad).alert(),
              AlertDescription::kDecryptError);
    // Botan 2 keeps the hashed message after a DER decoding failure; the Verifier must not
    // let that leak into the next verification.
    EXPECT_TRUE(verifier.Verify(SignatureScheme::kEcdsaSecp256r1Sha256, message, *der).ok());
  }
}

// RFC 8446 4.2.3: rsa_pss_rsae_* salts are as long as the hash; another length is refused.
TEST(SignatureTest, PssSaltLengthMustEqualHashLength) {
  DeterministicRng rng(25);
  const Bytes message = {4, 5, 6};
  Botan::PK_Signer salt20(*RsaKey(), rng, "PSSR(SHA-256,MGF1,20)");
  const Bytes sig = salt20.sign_message(message.data(), message.size(), rng);
  EXPECT_EQ(VerifySignature(*RsaKey(), SignatureScheme::kRsaPssRsaeSha256, message, sig).alert(),
            AlertDescription::kDecryptError);
  Botan::PK_Signer salt32(*RsaKey(), rng, "PSSR(SHA-256,MGF1,32)");
  const Bytes good = salt32.sign_message(message.data(), message.size(), rng);
  EXPECT_TRUE(VerifySignature(*RsaKey(), SignatureScheme::kRsaPssRsaeSha256, message, good).ok());
}

// Known answer: the real ServerKeyExchange of vector
// "illustrated-tls12-ecdhe-x25519-aes128cbc-sha" (vectors/kat/keyschedule_vectors.json),
// signed rsa_pkcs1_sha256 by the server certificate carried in the same transcript.
TEST(SignatureTest, IllustratedTls12ServerKeyExchangeSignatureVerifies) {
  std::ifstream in("vectors/kat/keyschedule_vectors.json");
  ASSERT_TRUE(in.good()) << "missing data dependency //vectors/kat:files";
  const nlohmann::json doc = nlohmann::json::parse(in);
  const nlohmann::json* vector = nullptr;
  for (const nlohmann::json& v : doc.at("vectors")) {
    if (v.at("id") == "illustrated-tls12-ecdhe-x25519-aes128cbc-sha") vector = &v;
  }
  ASSERT_NE(vector, nullptr);
  const Bytes client_random = H(vector->at("client_random_hex").get<std::string>());
  const Bytes server_random = H(vector->at("server_random_hex").get<std::string>());
  const Bytes messages = H(vector->at("handshake_messages_hex").get<std::string>());

  // Walk the handshake messages (RFC 5246 7.4): type(1) length(3) body.
  ByteView leaf, ske_body;
  Reader reader(messages);
  while (!reader.empty()) {
    uint8_t type = 0;
    ByteView body;
    ASSERT_TRUE(reader.U8("type", &type).ok());
    ASSERT_TRUE(reader.VectorBytes("body", 3, 0, 0xffffff, &body).ok());
    Reader r(body);
    if (type == static_cast<uint8_t>(HandshakeType::kCertificate)) {
      Reader list;
      ASSERT_TRUE(r.Vector("certificate_list", 3, 1, 0xffffff, &list).ok());
      ASSERT_TRUE(list.VectorBytes("ASN.1Cert", 3, 1, 0xffffff, &leaf).ok());
    } else if (type == static_cast<uint8_t>(HandshakeType::kServerKeyExchange)) {
      ske_body = body;
    }
  }
  ASSERT_FALSE(leaf.empty());
  // RFC 8422 5.4: ECParameters (curve_type 3, named_curve) + ECPoint<1..255>, then the
  // signature; the engine's codec splits it and builds the signed data.
  Result<ServerKeyExchange> ske = ServerKeyExchange::Parse(ske_body, KeyExchangeKind::kEcdhe);
  ASSERT_TRUE(ske.ok()) << ske.status().ToString();
  ASSERT_EQ(ske->ParamsBytes().size(), 36u);
  ASSERT_EQ(ske->algorithm, SignatureScheme::kRsaPkcs1Sha256);
  const Bytes& signature = ske->signature;

  Result<std::shared_ptr<const Botan::Public_Key>> key = PublicKeyFromCertificate(leaf);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const Bytes signed_data = ske->SignedData(client_random, server_random);
  const Status ok =
      VerifySignature(**key, SignatureScheme::kRsaPkcs1Sha256, signed_data, signature);
  EXPECT_TRUE(ok.ok()) << ok.ToString();

  // Randoms swapped (the order RFC 5246 7.4.3 fixes matters), or a flipped bit: decrypt_error.
  EXPECT_EQ(
      VerifySignature(**key, SignatureScheme::kRsaPkcs1Sha256,
                      ske->SignedData(server_random, client_random), signature)
          .alert(),
      AlertDescription::kDecryptError);
  Bytes flipped = signature;
  flipped[17] ^= 0x20;
  EXPECT_EQ(VerifySignature(**key, SignatureScheme::kRsaPkcs1Sha256, signed_data, flipped).alert(),
            AlertDescription::kDecryptError);
  // Same key, other hash: the signature does not verify under rsa_pkcs1_sha384.
  EXPECT_EQ(
      VerifySignature(**key, SignatureScheme::kRsaPkcs1Sha384, signed_data, signature).alert(),
      AlertDescription::kDecryptError);
}

TEST(SignatureTest, ChooseSignatureScheme) {
  using S = SignatureScheme;
  // RFC 5246 7.4.1.4.1 defaults when the peer sent no signature_algorithms (checklist 31).
  EXPECT_EQ(*ChooseSignatureScheme(*RsaKey(), std::nullopt), S::kRsaPkcs1Sha1);
  EXPECT_EQ(*ChooseSignatureScheme(*P256Key(), std::nullopt), S::kEcdsaSha1);
  Result<S> ed_default = ChooseSignatureScheme(*Ed25519Key(), std::nullopt);
  ASSERT_FALSE(ed_default.ok());
  EXPECT_EQ(ed_default.status().alert(), AlertDescription::kHandshakeFailure);

  const std::vector<S> offered = {S::kRsaPssRsaeSha256,
                                  S::kEcdsaSecp384r1Sha384,
                                  S::kEcdsaSecp256r1Sha256,
                                  S::kRsaPkcs1Sha256,
                                  S::kEd25519,
                                  S::kRsaPkcs1Sha1,
                                  S::kEcdsaSha1};
  EXPECT_EQ(*ChooseSignatureScheme(*RsaKey(), offered), S::kRsaPkcs1Sha256);
  EXPECT_EQ(*ChooseSignatureScheme(*P256Key(), offered), S::kEcdsaSecp256r1Sha256);
  EXPECT_EQ(*ChooseSignatureScheme(*P384Key(), offered), S::kEcdsaSecp384r1Sha384);
  EXPECT_EQ(*ChooseSignatureScheme(*Ed25519Key(), offered), S::kEd25519);
  // Only SHA-1 offered: used.
  EXPECT_EQ(*ChooseSignatureScheme(*RsaKey(), std::vector<S>{S::kRsaPkcs1Sha1}), S::kRsaPkcs1Sha1);
  // A P-384 key with only the P-256 code point offered: TLS 1.2 allows it (RFC 8446 4.2.3).
  EXPECT_EQ(*ChooseSignatureScheme(*P384Key(), std::vector<S>{S::kEcdsaSecp256r1Sha256}),
            S::kEcdsaSecp256r1Sha256);
  // No overlap: handshake_failure.
  for (const std::vector<S>& none :
       {std::vector<S>{}, std::vector<S>{S::kEcdsaSecp256r1Sha256, S::kEd25519},
        std::vector<S>{S::kRsaPkcs1Md5, S::kRsaPkcs1Sha224}}) {
    Result<S> chosen = ChooseSignatureScheme(*RsaKey(), none);
    ASSERT_FALSE(chosen.ok());
    EXPECT_EQ(chosen.status().alert(), AlertDescription::kHandshakeFailure);
  }
  // A caller preference wins over the built-in order.
  const std::vector<S> prefer_pss = {S::kRsaPssRsaeSha256, S::kRsaPkcs1Sha256};
  EXPECT_EQ(*ChooseSignatureScheme(*RsaKey(), offered, &prefer_pss), S::kRsaPssRsaeSha256);
  // ... and decides the RFC 5246 default too: without SHA-1 in it, no signature_algorithms
  // leaves nothing to sign with (RFC 9155); with it, the default stands.
  for (const auto& key : {RsaKey(), P256Key()}) {
    Result<S> refused = ChooseSignatureScheme(*key, std::nullopt, &prefer_pss);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().alert(), AlertDescription::kHandshakeFailure);
    EXPECT_NE(refused.status().message().find("RFC 9155"), std::string::npos);
  }
  const std::vector<S> with_sha1 = {S::kRsaPkcs1Sha256, S::kRsaPkcs1Sha1, S::kEcdsaSha1};
  EXPECT_EQ(*ChooseSignatureScheme(*RsaKey(), std::nullopt, &with_sha1), S::kRsaPkcs1Sha1);
  EXPECT_EQ(*ChooseSignatureScheme(*P256Key(), std::nullopt, &with_sha1), S::kEcdsaSha1);
}

// ---------------------------------------------------------------------------------------
// PKI
// ---------------------------------------------------------------------------------------

Botan::Path_Validation_Result Validate(const Bytes& leaf, const Bytes& ca,
                                       const std::string& hostname, Botan::Usage_Type usage,
                                       std::chrono::system_clock::time_point when,
                                       size_t minimum_key_strength = 110) {
  const Botan::X509_Certificate leaf_cert(leaf);
  const Botan::X509_Certificate ca_cert(ca);
  Botan::Certificate_Store_In_Memory store(ca_cert);
  const Botan::Path_Validation_Restrictions restrictions(false, minimum_key_strength);
  return Botan::x509_path_validate(std::vector<Botan::X509_Certificate>{leaf_cert}, restrictions,
                                   store, hostname, usage, when);
}

bool HasOid(const std::vector<Botan::OID>& oids, const char* oid) {
  return std::find(oids.begin(), oids.end(), Botan::OID(oid)) != oids.end();
}

constexpr char kServerAuth[] = "1.3.6.1.5.5.7.3.1";  // RFC 5280 4.2.1.12
constexpr char kClientAuth[] = "1.3.6.1.5.5.7.3.2";

TEST(TestPkiTest, ChainsValidateWithBotan) {
  const TestPki& pki = SharedPki();
  const TestPkiOptions defaults;
  const auto when = defaults.not_before + std::chrono::hours(24 * 30);

  const Botan::X509_Certificate ca(pki.ca_der);
  EXPECT_TRUE(ca.is_CA_cert());
  EXPECT_TRUE(ca.is_self_signed());
  EXPECT_TRUE(ca.allowed_usage(Botan::KEY_CERT_SIGN));
  EXPECT_EQ(ca.not_before().to_std_timepoint(), defaults.not_before);
  EXPECT_EQ(ca.not_after().to_std_timepoint(), defaults.not_before + defaults.validity);

  struct LeafCase {
    std::string name;
    const Credential* credential;
    bool server;
    std::string key_algo;
  };
  const LeafCase leaves[] = {
      {"rsa_server", &pki.rsa_server, true, "RSA"},
      {"ecdsa_server", &pki.ecdsa_server, true, "ECDSA"},
      {"rsa_client", &pki.rsa_client, false, "RSA"},
      {"ecdsa_client", &pki.ecdsa_client, false, "ECDSA"},
      {"ecdsa_p384_server", &pki.ecdsa_p384_server, true, "ECDSA"},
      {"ecdsa_p521_server", &pki.ecdsa_p521_server, true, "ECDSA"},
  };
  // The larger-curve keys are on their curves (ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512).
  EXPECT_EQ(dynamic_cast<const Botan::EC_PrivateKey&>(*pki.ecdsa_p384_server.key)
                .domain()
                .get_curve_oid(),
            Botan::OID::from_string("secp384r1"));
  EXPECT_EQ(dynamic_cast<const Botan::EC_PrivateKey&>(*pki.ecdsa_p521_server.key)
                .domain()
                .get_curve_oid(),
            Botan::OID::from_string("secp521r1"));
  for (const LeafCase& leaf : leaves) {
    ASSERT_EQ(leaf.credential->chain_der.size(), 1u) << leaf.name;
    const Bytes& der = leaf.credential->chain_der[0];
    const Botan::X509_Certificate cert(der);
    EXPECT_FALSE(cert.is_CA_cert()) << leaf.name;
    EXPECT_EQ(cert.issuer_dn(), ca.subject_dn()) << leaf.name;
    EXPECT_EQ(cert.not_before().to_std_timepoint(), defaults.not_before) << leaf.name;
    EXPECT_TRUE(cert.allowed_usage(Botan::DIGITAL_SIGNATURE)) << leaf.name;
    // The private key belongs to the certificate.
    ASSERT_NE(leaf.credential->key, nullptr);
    EXPECT_EQ(leaf.credential->key->algo_name(), leaf.key_algo) << leaf.name;
    EXPECT_EQ(cert.load_subject_public_key()->public_key_bits(),
              leaf.credential->key->public_key_bits())
        << leaf.name;

    const Botan::Usage_Type usage =
        leaf.server ? Botan::Usage_Type::TLS_SERVER_AUTH : Botan::Usage_Type::TLS_CLIENT_AUTH;
    const std::string host = leaf.server ? "localhost" : "";
    const Botan::Path_Validation_Result result = Validate(der, pki.ca_der, host, usage, when);
    EXPECT_TRUE(result.successful_validation()) << leaf.name << ": " << result.result_string();

    if (leaf.server) {
      EXPECT_TRUE(HasOid(cert.extended_key_usage(), kServerAuth)) << leaf.name;
      EXPECT_EQ(cert.subject_info("X520.CommonName"), std::vector<std::string>{"localhost"});
      EXPECT_EQ(cert.subject_info("DNS"), std::vector<std::string>{"localhost"});
      EXPECT_EQ(cert.subject_info("IP"), std::vector<std::string>{"127.0.0.1"});
      EXPECT_TRUE(Validate(der, pki.ca_der, "127.0.0.1", usage, when).successful_validation())
          << leaf.name;
      EXPECT_FALSE(Validate(der, pki.ca_der, "example.com", usage, when).successful_validation())
          << leaf.name;
      // A server certificate is not a client certificate.
      EXPECT_FALSE(Validate(der, pki.ca_der, "", Botan::Usage_Type::TLS_CLIENT_AUTH, when)
                       .successful_validation())
          << leaf.name;
    } else {
      EXPECT_TRUE(HasOid(cert.extended_key_usage(), kClientAuth)) << leaf.name;
      EXPECT_FALSE(Validate(der, pki.ca_der, "", Botan::Usage_Type::TLS_SERVER_AUTH, when)
                       .successful_validation())
          << leaf.name;
    }
    // Outside the validity window.
    EXPECT_FALSE(Validate(der, pki.ca_der, host, usage, defaults.not_before - std::chrono::hours(1))
                     .successful_validation())
        << leaf.name;
    EXPECT_FALSE(Validate(der, pki.ca_der, host, usage,
                          defaults.not_before + defaults.validity + std::chrono::hours(1))
                     .successful_validation())
        << leaf.name;
  }
  // RSA key transport needs keyEncipherment on the RSA server certificate (checklist 41).
  EXPECT_TRUE(
      Botan::X509_Certificate(pki.rsa_server.chain_der[0]).allowed_usage(Botan::KEY_ENCIPHERMENT));
  EXPECT_EQ(
      Botan::X509_Certificate(pki.rsa_server.chain_der[0]).load_subject_public_key()->key_length(),
      2048u);
}

// The flawed certificates differ from the good ones in exactly the way their name says, so a
// vector that presents one fails only on the check it targets.
TEST(TestPkiTest, FlawedCertificatesFailValidationForTheirFlawOnly) {
  const TestPki& pki = SharedPki();
  const TestPkiOptions defaults;
  const auto when = defaults.not_before + std::chrono::hours(24 * 30);
  const auto server = Botan::Usage_Type::TLS_SERVER_AUTH;
  const auto client = Botan::Usage_Type::TLS_CLIENT_AUTH;
  using Code = Botan::Certificate_Status_Code;
  auto result = [&](const Credential& c, const std::string& host, Botan::Usage_Type usage) {
    return Validate(c.chain_der.front(), pki.ca_der, host, usage, when, 80).result();
  };
  EXPECT_EQ(result(pki.rsa_server, "localhost", server), Code::VERIFIED);
  EXPECT_EQ(result(pki.flawed_server.untrusted_ca, "localhost", server),
            Code::CERT_ISSUER_NOT_FOUND);
  EXPECT_EQ(result(pki.flawed_server.expired, "localhost", server), Code::CERT_HAS_EXPIRED);
  EXPECT_EQ(result(pki.flawed_server.wrong_name, "localhost", server), Code::CERT_NAME_NOMATCH);
  EXPECT_EQ(result(pki.flawed_server.wrong_name, "wrong-name.invalid", server), Code::VERIFIED);
  // The key usage is for TLS to judge against the key exchange (RFC 5246 7.4.2): the path
  // itself validates.
  EXPECT_EQ(result(pki.flawed_server.no_signing_usage, "localhost", server), Code::VERIFIED);
  const Botan::X509_Certificate no_signing(pki.flawed_server.no_signing_usage.chain_der.front());
  EXPECT_TRUE(no_signing.allowed_usage(Botan::KEY_ENCIPHERMENT));
  EXPECT_FALSE(no_signing.allowed_usage(Botan::DIGITAL_SIGNATURE));
  EXPECT_EQ(result(pki.flawed_client.untrusted_ca, "", client), Code::CERT_ISSUER_NOT_FOUND);
  EXPECT_EQ(result(pki.flawed_client.expired, "", client), Code::CERT_HAS_EXPIRED);
  // Each shares its key with the good certificate of its role.
  for (const Credential* c : {&pki.flawed_server.untrusted_ca, &pki.flawed_server.expired,
                              &pki.flawed_server.wrong_name, &pki.flawed_server.no_signing_usage}) {
    EXPECT_EQ(c->key, pki.rsa_server.key);
  }
  EXPECT_EQ(pki.flawed_client.expired.key, pki.rsa_client.key);
}

TEST(TestPkiTest, IsAFunctionOfSeedAndOptions) {
  TestPkiOptions options;
  options.rsa_bits = 1024;  // keeps the test fast
  options.rsa_ca = true;
  options.not_before = std::chrono::system_clock::time_point(std::chrono::seconds(1600000000));
  options.validity = std::chrono::hours(24);
  DeterministicRng a(77), b(77), c(78);
  Result<TestPki> first = GenerateTestPki(a, options);
  Result<TestPki> second = GenerateTestPki(b, options);
  Result<TestPki> other = GenerateTestPki(c, options);
  ASSERT_TRUE(first.ok() && second.ok() && other.ok()) << first.status().ToString();
  EXPECT_EQ(first->ca_der, second->ca_der);
  EXPECT_EQ(first->rsa_server.chain_der, second->rsa_server.chain_der);
  EXPECT_EQ(first->ecdsa_client.chain_der, second->ecdsa_client.chain_der);
  EXPECT_EQ(Botan::PKCS8::BER_encode(*first->rsa_client.key),
            Botan::PKCS8::BER_encode(*second->rsa_client.key));
  EXPECT_NE(first->ca_der, other->ca_der);

  // The RSA CA variant validates too (RSA-1024 needs a lower strength floor).
  EXPECT_EQ(first->ca_key->algo_name(), "RSA");
  const auto when = options.not_before + std::chrono::hours(1);
  const Botan::Path_Validation_Result result =
      Validate(first->ecdsa_server.chain_der[0], first->ca_der, "localhost",
               Botan::Usage_Type::TLS_SERVER_AUTH, when, 80);
  EXPECT_TRUE(result.successful_validation()) << result.result_string();
  // But not against another PKI's CA.
  EXPECT_FALSE(Validate(first->ecdsa_server.chain_der[0], other->ca_der, "localhost",
                        Botan::Usage_Type::TLS_SERVER_AUTH, when, 80)
                   .successful_validation());
  TestPkiOptions bad = options;
  bad.validity = std::chrono::seconds(0);
  EXPECT_FALSE(GenerateTestPki(a, bad).ok());
}

TEST(TestPkiTest, PemRoundTrip) {
  const TestPki& pki = SharedPki();
  const std::string dir = TempDir();
  for (const Credential* credential : {&pki.rsa_server, &pki.ecdsa_client}) {
    const std::string cert_path = dir + "/cert.pem";
    const std::string key_path = dir + "/key.pem";
    const Status written = WriteCredentialPem(*credential, cert_path, key_path);
    ASSERT_TRUE(written.ok()) << written.ToString();

    Result<std::vector<Bytes>> chain = LoadCertificateChainPem(cert_path);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    EXPECT_EQ(*chain, credential->chain_der);

    Result<std::unique_ptr<Botan::Private_Key>> key = LoadPrivateKeyPem(key_path);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(Botan::PKCS8::BER_encode(**key), Botan::PKCS8::BER_encode(*credential->key));

    struct stat st;
    ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);  // private keys are not world-readable
  }

  // A chain file with several certificates keeps their order; other blocks are skipped.
  const std::string chain_path = dir + "/chain.pem";
  const std::vector<Bytes> two = {pki.rsa_server.chain_der[0], pki.ca_der};
  ASSERT_TRUE(WriteTextFile(chain_path, "leading text\n" + CertificatesToPem(two) +
                                            *PrivateKeyToPem(*pki.ca_key))
                  .ok());
  Result<std::vector<Bytes>> chain = LoadCertificateChainPem(chain_path);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(*chain, two);
  // The key in the same file is found after the certificates.
  Result<std::unique_ptr<Botan::Private_Key>> key = LoadPrivateKeyPem(chain_path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ((*key)->public_key_bits(), pki.ca_key->public_key_bits());
}

// Keys written by OpenSSL 3.0 (throw-away keys generated for this test):
// `openssl ecparam -name prime256v1 -genkey` (EC PARAMETERS + EC PRIVATE KEY),
// `openssl genrsa -traditional 1024`, each also converted with `openssl pkcs8 -topk8 -nocrypt`.
constexpr char kEcTraditional[] = R"(-----BEGIN EC PARAMETERS-----
BggqhkjOPQMBBw==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIHNVdgO95aRh6va/tRVy2qu90ejbFin1CzSmc8n34EDdoAoGCCqGSM49
AwEHoUQDQgAEBkhpJ9rg78+d7Kd+1T/59yVrL1KHA1In7E9uzDrVSvpkoumhg5Hm
zcj3+gMd6OI/fYZArB1M5smpvRzl0yxEZA==
-----END EC PRIVATE KEY-----
)";
constexpr char kEcPkcs8[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgc1V2A73lpGHq9r+1
FXLaq73R6NsWKfULNKZzyffgQN2hRANCAAQGSGkn2uDvz53sp37VP/n3JWsvUocD
UifsT27MOtVK+mSi6aGDkebNyPf6Ax3o4j99hkCsHUzmyam9HOXTLERk
-----END PRIVATE KEY-----
)";
constexpr char kRsaTraditional[] = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQD8nGx0tVSXFlx+wis/8wv2lbsJcc/zTIVp9bFmHhQY+L+aYTSg
rJHmZHcH7oiSIMX3HVegd+blFeFxHvy+VGFa/NNfTKnR205/R8CvaVJfk/RL2C84
0elXkqpBBWrumqd1PXGd7gkDPUTfatzv9qmy2lxMxPsxmkKNdHmkNZp8twIDAQAB
AoGBAMC/QmoS6kaWg2EdGw8ijqBKQ3rDYt7MJohhNkkq7j7XnqtXPGbVBkZ7pe9h
bMfDRgp2UyRYGM/30BsWf9diXx0f8y4jqHJ+aA/BR8fzxCeSJZBHYLX0r4ZdEIFP
L8X4J0WSJUMDO1PLGAGjowkMJdDbXPHWorMfd2ubEOTzBw9RAkEA/9jhzsb5ofXV
uK91DtHDpbOBAEH6k2flDwJIhWD1tZlfQIopJVlOGzinJnUttTd37sL9ioH2YP1M
TBAXFy1o/QJBAPzDC/r9m6WmMyFfGQS2DxMJAmTrdwqt/af6ld8kMBUEbqDAPFsE
Yx5H6HfSKrc9JbB18uhV241Bon7Qktz61MMCQQCi+XHl+SO9gs7QpZvog8CgRfcv
xdernGvyIp81r2z1cCyX/Sp2qyuw9WasfcpO/HV+d2FwoJbkc5XtgfZjgj61AkBC
AkHvsylhsiyqK2aiN1VqeDDa4C8/Z77VjnhzRMUVyAmIC4v3jQbBkq/gEs+6+MoN
8k+UY0+p7RkdmySvdwX3AkA89yTMij+FLxOGSRmb37DUvB1LMSnM0NLTIN1Np2I1
rxsO4aFkTnjkH/lHk9ewj4Sr7EWUFwJNYfGHzCHVP5rU
-----END RSA PRIVATE KEY-----
)";
constexpr char kRsaPkcs8[] = R"(-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAPycbHS1VJcWXH7C
Kz/zC/aVuwlxz/NMhWn1sWYeFBj4v5phNKCskeZkdwfuiJIgxfcdV6B35uUV4XEe
/L5UYVr8019MqdHbTn9HwK9pUl+T9EvYLzjR6VeSqkEFau6ap3U9cZ3uCQM9RN9q
3O/2qbLaXEzE+zGaQo10eaQ1mny3AgMBAAECgYEAwL9CahLqRpaDYR0bDyKOoEpD
esNi3swmiGE2SSruPteeq1c8ZtUGRnul72Fsx8NGCnZTJFgYz/fQGxZ/12JfHR/z
LiOocn5oD8FHx/PEJ5IlkEdgtfSvhl0QgU8vxfgnRZIlQwM7U8sYAaOjCQwl0Ntc
8daisx93a5sQ5PMHD1ECQQD/2OHOxvmh9dW4r3UO0cOls4EAQfqTZ+UPAkiFYPW1
mV9AiiklWU4bOKcmdS21N3fuwv2KgfZg/UxMEBcXLWj9AkEA/MML+v2bpaYzIV8Z
BLYPEwkCZOt3Cq39p/qV3yQwFQRuoMA8WwRjHkfod9Iqtz0lsHXy6FXbjUGiftCS
3PrUwwJBAKL5ceX5I72CztClm+iDwKBF9y/F16uca/IinzWvbPVwLJf9KnarK7D1
Zqx9yk78dX53YXCgluRzle2B9mOCPrUCQEICQe+zKWGyLKorZqI3VWp4MNrgLz9n
vtWOeHNExRXICYgLi/eNBsGSr+ASz7r4yg3yT5RjT6ntGR2bJK93BfcCQDz3JMyK
P4UvE4ZJGZvfsNS8HUsxKczQ0tMg3U2nYjWvGw7hoWROeOQf+UeT17CPhKvsRZQX
Ak1h8YfMIdU/mtQ=
-----END PRIVATE KEY-----
)";
// `openssl ec -aes128` and `openssl pkcs8 -topk8 -v2 aes128` of the EC key above.
constexpr char kEcEncryptedTraditional[] = R"(-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,3BAA0C63FEC3EA030499EA8218C70665

IqYHJexzvtnCv6aX4CngWNnU8tWW0r34lN+RqJTxiMVwje0ZWNTRkgAMUZHl3WtF
ZaLJLL299DxyiFpMtu3gvBbC7dUYN+BjOPn/FDTDl0SM4kD8rb7P6W131zmFlZqc
7ZhoFWet1+nRpYJzA78O+e0fssvBvr1IUVVlrEMDdTg=
-----END EC PRIVATE KEY-----
)";
constexpr char kEcEncryptedPkcs8[] = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhdJ8RRp+0M4AICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEG8LlJO3CHDAZWykG3ATzNIEgZAd
wvnlCavlEwZoqiZ9JJDc0E2FDhlHcBAPyGWO4DK+NliNHO07yXBpDOIJMwc8KeQi
ku+I/87QCUZwLSNCBbClSQf1mdBHo06mHYQL2kF/X/6jNiMoi9rFVkuobdgsntmd
F5Um4NeqNV3sPxFSKqO+iU+kLMFWf03Xu/Cv98VqDlt8f99DnqSQgUS5zsVpV8s=
-----END ENCRYPTED PRIVATE KEY-----
)";

Result<std::unique_ptr<Botan::Private_Key>> LoadKeyText(const std::string& name,
                                                        const std::string& text) {
  const std::string path = TempDir() + "/" + name;
  WriteFile(path, text);
  return LoadPrivateKeyPem(path);
}

TEST(PemLoadingTest, TraditionalOpenSslKeysMatchTheirPkcs8Form) {
  struct Pair {
    const char* traditional;
    const char* pkcs8;
    const char* algo;
  };
  for (const Pair& pair :
       {Pair{kEcTraditional, kEcPkcs8, "ECDSA"}, Pair{kRsaTraditional, kRsaPkcs8, "RSA"}}) {
    Result<std::unique_ptr<Botan::Private_Key>> traditional =
        LoadKeyText("trad.pem", pair.traditional);
    Result<std::unique_ptr<Botan::Private_Key>> pkcs8 = LoadKeyText("pk8.pem", pair.pkcs8);
    ASSERT_TRUE(traditional.ok()) << traditional.status().ToString();
    ASSERT_TRUE(pkcs8.ok()) << pkcs8.status().ToString();
    EXPECT_EQ((*traditional)->algo_name(), pair.algo);
    EXPECT_EQ(Botan::PKCS8::BER_encode(**traditional), Botan::PKCS8::BER_encode(**pkcs8));
    // And it signs in TLS.
    DeterministicRng rng(30);
    Result<Signer> signer =
        Signer::Create(std::shared_ptr<const Botan::Private_Key>(std::move(*traditional)));
    ASSERT_TRUE(signer.ok());
    const SignatureScheme scheme = std::string(pair.algo) == "RSA"
                                       ? SignatureScheme::kRsaPkcs1Sha256
                                       : SignatureScheme::kEcdsaSecp256r1Sha256;
    Result<Bytes> sig = signer->Sign(scheme, Bytes{1});
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(VerifySignature(**pkcs8, scheme, Bytes{1}, *sig).ok());
  }
}

void ExpectErrorMentions(const Status& status, const std::vector<std::string>& needles) {
  ASSERT_FALSE(status.ok());
  for (const std::string& needle : needles) {
    EXPECT_NE(status.message().find(needle), std::string::npos)
        << "\"" << status.message() << "\" lacks \"" << needle << "\"";
  }
}

TEST(PemLoadingTest, ErrorsNameThePathAndTheProblem) {
  const std::string dir = TempDir();
  const std::string missing = dir + "/does-not-exist.pem";
  ExpectErrorMentions(LoadCertificateChainPem(missing).status(), {missing, "cannot open"});
  ExpectErrorMentions(LoadPrivateKeyPem(missing).status(), {missing, "cannot open"});

  const std::string garbage = dir + "/garbage.pem";
  WriteFile(garbage, "this is not PEM at all\n");
  ExpectErrorMentions(LoadCertificateChainPem(garbage).status(), {garbage, "no PEM block"});
  ExpectErrorMentions(LoadPrivateKeyPem(garbage).status(), {garbage, "no PEM block"});

  const std::string bad_base64 = dir + "/bad_base64.pem";
  WriteFile(bad_base64, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  ExpectErrorMentions(LoadCertificateChainPem(bad_base64).status(),
                      {bad_base64, "block 0", "base64"});

  const std::string not_cert = dir + "/not_cert.pem";
  WriteFile(not_cert, "-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n");
  ExpectErrorMentions(LoadCertificateChainPem(not_cert).status(),
                      {not_cert, "block 0", "not an X.509 certificate"});

  const std::string unterminated = dir + "/unterminated.pem";
  WriteFile(unterminated, "-----BEGIN CERTIFICATE-----\nAAECAwQF\n");
  ExpectErrorMentions(LoadCertificateChainPem(unterminated).status(), {unterminated, "END"});

  const std::string key_only = dir + "/key_only.pem";
  WriteFile(key_only, kEcPkcs8);
  ExpectErrorMentions(LoadCertificateChainPem(key_only).status(), {key_only, "no CERTIFICATE"});
  const std::string cert_only = dir + "/cert_only.pem";
  WriteFile(cert_only, CertificatesToPem({SharedPki().ca_der}));
  ExpectErrorMentions(LoadPrivateKeyPem(cert_only).status(),
                      {cert_only, "no private key", "CERTIFICATE"});

  const std::string bad_key = dir + "/bad_key.pem";
  WriteFile(bad_key, "-----BEGIN PRIVATE KEY-----\nAAECAwQF\n-----END PRIVATE KEY-----\n");
  ExpectErrorMentions(LoadPrivateKeyPem(bad_key).status(), {bad_key, "cannot load key"});

  ExpectErrorMentions(LoadKeyText("enc1.pem", kEcEncryptedTraditional).status(), {"encrypted"});
  ExpectErrorMentions(LoadKeyText("enc2.pem", kEcEncryptedPkcs8).status(), {"encrypted"});

  const std::string unwritable = dir + "/no/such/dir/key.pem";
  ExpectErrorMentions(WritePrivateKeyPem(unwritable, *SharedPki().ca_key), {unwritable});
}

TEST(PemLoadingTest, PublicKeyFromCertificate) {
  Result<std::shared_ptr<const Botan::Public_Key>> rsa =
      PublicKeyFromCertificate(SharedPki().rsa_server.chain_der[0]);
  ASSERT_TRUE(rsa.ok()) << rsa.status().ToString();
  EXPECT_EQ((*rsa)->algo_name(), "RSA");
  EXPECT_EQ((*rsa)->public_key_bits(), SharedPki().rsa_server.key->public_key_bits());
  Result<std::shared_ptr<const Botan::Public_Key>> ec =
      PublicKeyFromCertificate(SharedPki().ecdsa_server.chain_der[0]);
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ((*ec)->algo_name(), "ECDSA");

  // RFC 5246 7.2.2: a corrupt certificate is bad_certificate.
  for (const Bytes& garbage : {Bytes(), Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, Bytes(100, 0x41),
                               Bytes(SharedPki().ca_der.begin(), SharedPki().ca_der.end() - 1)}) {
    Result<std::shared_ptr<const Botan::Public_Key>> key = PublicKeyFromCertificate(garbage);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().alert(), AlertDescription::kBadCertificate) << key.status().ToString();
  }
}

}  // namespace
}  // namespace shakedown
