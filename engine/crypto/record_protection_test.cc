#include "engine/crypto/record_protection.h"

#include <botan/aead.h>
#include <botan/auto_rng.h>
#include <botan/cipher_mode.h>
#include <botan/mac.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shakedown {
namespace {

Bytes Hex(const std::string& hex) {
  auto b = FromHex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b ? *b : Bytes();
}

constexpr ContentType kHs = ContentType::kHandshake;
constexpr ContentType kApp = ContentType::kApplicationData;
constexpr ProtocolVersion kV12 = ProtocolVersion::kTls12;

// Hands out scripted bytes: lets a test fix the CBC explicit IV.
class ScriptedRng final : public Botan::RandomNumberGenerator {
 public:
  explicit ScriptedRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  void randomize(uint8_t out[], size_t len) override {
    ASSERT_LE(pos_ + len, bytes_.size()) << "ScriptedRng ran dry";
    std::memcpy(out, bytes_.data() + pos_, len);
    pos_ += len;
  }
  bool accepts_input() const override { return false; }
  void add_entropy(const uint8_t[], size_t) override {}
  std::string name() const override { return "scripted"; }
  void clear() override {}
  bool is_seeded() const override { return true; }

 private:
  Bytes bytes_;
  size_t pos_ = 0;
};

TrafficKeys RandomKeys(const CipherSuiteInfo& suite, Botan::RandomNumberGenerator& rng) {
  TrafficKeys k;
  k.mac_key.resize(suite.mac_key_length);
  k.enc_key.resize(suite.enc_key_length);
  k.fixed_iv.resize(suite.fixed_iv_length);
  rng.randomize(k.mac_key.data(), k.mac_key.size());
  rng.randomize(k.enc_key.data(), k.enc_key.size());
  rng.randomize(k.fixed_iv.data(), k.fixed_iv.size());
  return k;
}

std::vector<const CipherSuiteInfo*> SupportedSuites() {
  size_t count = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&count);
  std::vector<const CipherSuiteInfo*> out;
  for (size_t i = 0; i < count; ++i) {
    if (table[i].engine_supported) out.push_back(&table[i]);
  }
  return out;
}

std::unique_ptr<RecordProtection> Make(const CipherSuiteInfo& suite, const TrafficKeys& keys,
                                       Botan::RandomNumberGenerator* rng) {
  auto p = RecordProtection::Create(suite, keys, rng);
  EXPECT_TRUE(p.ok()) << suite.name << ": " << p.status().ToString();
  return p.ok() ? std::move(*p) : nullptr;
}

void ExpectBadRecordMac(const Status& s, const std::string& what) {
  EXPECT_FALSE(s.ok()) << what;
  EXPECT_EQ(s.alert(), AlertDescription::kBadRecordMac) << what;
  // The same text for every cause: no padding oracle through the logs either.
  EXPECT_EQ(s.ToString(), "bad_record_mac: record authentication failed") << what;
}

// Expected TLSCiphertext.fragment length from RFC 5246 6.2.3 / RFC 5288 / RFC 7905.
size_t ExpectedCiphertextLength(const CipherSuiteInfo& s, size_t plaintext_len) {
  if (s.cipher_type == CipherType::kAead) return s.record_iv_length + plaintext_len + s.mac_length;
  const size_t unpadded = plaintext_len + s.mac_length + 1;
  return s.block_length + (unpadded + s.block_length - 1) / s.block_length * s.block_length;
}

TEST(RecordProtectionTest, EverySupportedSuiteRoundTrips) {
  Botan::AutoSeeded_RNG rng;
  auto suites = SupportedSuites();
  ASSERT_GE(suites.size(), 15u);
  for (const CipherSuiteInfo* suite : suites) {
    SCOPED_TRACE(suite->name);
    TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = Make(*suite, keys, &rng);
    auto opener = Make(*suite, keys, &rng);
    ASSERT_TRUE(sealer && opener);
    uint64_t seq = 0;
    for (size_t len : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{31}, size_t{100},
                       size_t{1} << 14}) {
      Bytes plaintext(len);
      rng.randomize(plaintext.data(), plaintext.size());
      EXPECT_EQ(sealer->sequence_number(), seq);
      auto sealed = sealer->Seal(kApp, kV12, plaintext);
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      EXPECT_EQ(sealed->size(), ExpectedCiphertextLength(*suite, len)) << len;
      EXPECT_LE(sealed->size(), (1u << 14) + 2048);
      auto opened = opener->Open(kApp, kV12, *sealed);
      ASSERT_TRUE(opened.ok()) << len << ": " << opened.status().ToString();
      EXPECT_EQ(*opened, plaintext);
      ++seq;
      EXPECT_EQ(opener->sequence_number(), seq);
    }
  }
}

TEST(RecordProtectionTest, GcmExplicitNonceIsTheSequenceNumber) {
  // RFC 5288 3; this implementation's choice of explicit nonce.
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* suite = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  ASSERT_NE(suite, nullptr);
  auto sealer = Make(*suite, RandomKeys(*suite, rng), &rng);
  ASSERT_TRUE(sealer);
  for (uint64_t i = 0; i < 3; ++i) {
    auto sealed = sealer->Seal(kHs, kV12, Hex("00"));
    ASSERT_TRUE(sealed.ok());
    Bytes expected_nonce = {0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(i)};
    EXPECT_EQ(ByteView(*sealed).subview(0, 8), ByteView(expected_nonce));
  }
}

TEST(RecordProtectionTest, TamperingAnyByteIsBadRecordMac) {
  Botan::AutoSeeded_RNG rng;
  for (const CipherSuiteInfo* suite : SupportedSuites()) {
    SCOPED_TRACE(suite->name);
    TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = Make(*suite, keys, &rng);
    ASSERT_TRUE(sealer);
    auto sealed = sealer->Seal(kHs, kV12, Hex("1400000c000102030405060708090a0b"));
    ASSERT_TRUE(sealed.ok());
    for (size_t i = 0; i < sealed->size(); ++i) {
      for (uint8_t flip : {0x01, 0x80}) {
        Bytes bad = *sealed;
        bad[i] ^= flip;
        auto opener = Make(*suite, keys, &rng);
        auto opened = opener->Open(kHs, kV12, bad);
        ExpectBadRecordMac(opened.status(), "byte " + std::to_string(i));
        EXPECT_EQ(opener->sequence_number(), 1u);  // a failed Open still uses its number
      }
    }
    // The header fields are authenticated too (additional data / MAC input).
    auto opener = Make(*suite, keys, &rng);
    ExpectBadRecordMac(opener->Open(kApp, kV12, *sealed).status(), "type");
    opener = Make(*suite, keys, &rng);
    ExpectBadRecordMac(opener->Open(kHs, ProtocolVersion::kTls11, *sealed).status(), "version");
    // Truncation and extension.
    for (size_t cut = 0; cut < sealed->size(); ++cut) {
      opener = Make(*suite, keys, &rng);
      ExpectBadRecordMac(opener->Open(kHs, kV12, ByteView(*sealed).subview(0, cut)).status(),
                         "cut " + std::to_string(cut));
    }
    Bytes longer = *sealed;
    longer.push_back(0);
    opener = Make(*suite, keys, &rng);
    ExpectBadRecordMac(opener->Open(kHs, kV12, longer).status(), "extended");
    // Sanity: the untouched record opens.
    opener = Make(*suite, keys, &rng);
    EXPECT_TRUE(opener->Open(kHs, kV12, *sealed).ok());
  }
}

TEST(RecordProtectionTest, WrongSequenceNumberFails) {
  // Checklist row 7: replay or reorder of a protected record fails.
  Botan::AutoSeeded_RNG rng;
  for (const CipherSuiteInfo* suite : SupportedSuites()) {
    SCOPED_TRACE(suite->name);
    TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = Make(*suite, keys, &rng);
    auto r0 = sealer->Seal(kApp, kV12, Hex("aa"));
    auto r1 = sealer->Seal(kApp, kV12, Hex("bb"));
    ASSERT_TRUE(r0.ok() && r1.ok());
    auto reorder = Make(*suite, keys, &rng);
    ExpectBadRecordMac(reorder->Open(kApp, kV12, *r1).status(), "record 1 at seq 0");
    auto replay = Make(*suite, keys, &rng);
    ASSERT_TRUE(replay->Open(kApp, kV12, *r0).ok());
    ExpectBadRecordMac(replay->Open(kApp, kV12, *r0).status(), "record 0 replayed at seq 1");
  }
}

TEST(RecordProtectionTest, DecryptedPlaintextOverTwoToTheFourteenthIsRecordOverflow) {
  // Checklist row 3: authentic but oversize plaintext. Seal deliberately allows it.
  Botan::AutoSeeded_RNG rng;
  for (const CipherSuiteInfo* suite : SupportedSuites()) {
    SCOPED_TRACE(suite->name);
    TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = Make(*suite, keys, &rng);
    auto opener = Make(*suite, keys, &rng);
    auto sealed = sealer->Seal(kApp, kV12, Bytes((1u << 14) + 1, 0x42));
    ASSERT_TRUE(sealed.ok());
    auto opened = opener->Open(kApp, kV12, *sealed);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().alert(), AlertDescription::kRecordOverflow);
    // A Seal that cannot fit the 16-bit length field is refused and uses no number.
    auto huge = sealer->Seal(kApp, kV12, Bytes(0xffff, 0));
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.status().alert(), AlertDescription::kInternalError);
    EXPECT_EQ(sealer->sequence_number(), 1u);
  }
}

TEST(RecordProtectionTest, CreateRejectsBadInput) {
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* cbc = FindCipherSuite("TLS_RSA_WITH_AES_128_CBC_SHA");
  const CipherSuiteInfo* gcm = FindCipherSuite("TLS_RSA_WITH_AES_256_GCM_SHA384");
  ASSERT_TRUE(cbc && gcm);
  TrafficKeys k = RandomKeys(*cbc, rng);
  k.enc_key.pop_back();
  auto r = RecordProtection::Create(*cbc, k, &rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().alert(), AlertDescription::kInternalError);
  k = RandomKeys(*cbc, rng);
  k.mac_key.push_back(0);
  EXPECT_FALSE(RecordProtection::Create(*cbc, k, &rng).ok());
  EXPECT_FALSE(RecordProtection::Create(*cbc, RandomKeys(*cbc, rng), nullptr).ok());
  TrafficKeys g = RandomKeys(*gcm, rng);
  g.fixed_iv.clear();
  EXPECT_FALSE(RecordProtection::Create(*gcm, g, &rng).ok());
  // AEAD ignores the rng.
  EXPECT_TRUE(RecordProtection::Create(*gcm, RandomKeys(*gcm, rng), nullptr).ok());

  size_t count = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&count);
  int refused = 0;
  for (size_t i = 0; i < count; ++i) {
    const CipherSuiteInfo& s = table[i];
    if (s.engine_supported) continue;
    const bool implementable =
        (s.cipher == BulkCipher::kAes128Cbc || s.cipher == BulkCipher::kAes256Cbc ||
         s.cipher == BulkCipher::kAes128Gcm || s.cipher == BulkCipher::kAes256Gcm ||
         s.cipher == BulkCipher::kChaCha20Poly1305) &&
        s.mac != MacAlgorithm::kNull && s.mac != MacAlgorithm::kMd5 &&
        s.key_exchange != KeyExchange::kTls13;
    if (implementable) continue;  // e.g. DH_anon AES: protection works, negotiation refuses
    auto p = RecordProtection::Create(s, RandomKeys(s, rng), &rng);
    EXPECT_FALSE(p.ok()) << s.name;
    if (!p.ok()) {
      EXPECT_EQ(p.status().alert(), AlertDescription::kInternalError) << s.name;
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

// ---- CBC: hand-built records, so padding and MAC can be broken independently ----

struct CbcFixture {
  const CipherSuiteInfo* suite;
  TrafficKeys keys;
};

// TLSCiphertext.fragment built from the RFC 5246 6.2.3.2 definition with Botan
// primitives directly: IV || AES-CBC(content || mac || padding).
Bytes BuildCbcRecord(const CbcFixture& f, uint64_t seq, ContentType type, ByteView content,
                     ByteView padding, bool corrupt_mac, ByteView iv) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw(
      f.suite->mac == MacAlgorithm::kSha1 ? "HMAC(SHA-1)"
      : f.suite->mac == MacAlgorithm::kSha256 ? "HMAC(SHA-256)"
                                              : "HMAC(SHA-384)");
  mac->set_key(f.keys.mac_key.data(), f.keys.mac_key.size());
  uint8_t header[13];
  for (int i = 0; i < 8; ++i) header[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  header[8] = static_cast<uint8_t>(type);
  header[9] = 0x03;
  header[10] = 0x03;
  header[11] = static_cast<uint8_t>(content.size() >> 8);
  header[12] = static_cast<uint8_t>(content.size());
  mac->update(header, sizeof(header));
  mac->update(content.data(), content.size());
  Botan::secure_vector<uint8_t> tag = mac->final();
  if (corrupt_mac) tag[0] ^= 1;
  Botan::secure_vector<uint8_t> buf(content.begin(), content.end());
  buf.insert(buf.end(), tag.begin(), tag.end());
  buf.insert(buf.end(), padding.begin(), padding.end());
  auto cbc = Botan::Cipher_Mode::create_or_throw(
      f.suite->enc_key_length == 16 ? "AES-128/CBC/NoPadding" : "AES-256/CBC/NoPadding",
      Botan::ENCRYPTION);
  cbc->set_key(f.keys.enc_key.data(), f.keys.enc_key.size());
  cbc->start(iv.data(), iv.size());
  cbc->finish(buf);
  Bytes out = iv.ToBytes();
  out.insert(out.end(), buf.begin(), buf.end());
  return out;
}

std::vector<CbcFixture> CbcSuites(Botan::RandomNumberGenerator& rng) {
  std::vector<CbcFixture> out;
  for (const CipherSuiteInfo* s : SupportedSuites()) {
    if (s->cipher_type == CipherType::kBlock) out.push_back({s, RandomKeys(*s, rng)});
  }
  return out;
}

Bytes Padding(size_t padding_length) {
  return Bytes(padding_length + 1, static_cast<uint8_t>(padding_length));
}

TEST(RecordProtectionCbcTest, HandBuiltRecordsOpen) {
  // Cross-checks Open against an independent construction, including the longest
  // padding RFC 5246 allows (255) and padding longer than the minimum.
  Botan::AutoSeeded_RNG rng;
  Bytes iv(16, 0x5a);
  for (const CbcFixture& f : CbcSuites(rng)) {
    SCOPED_TRACE(f.suite->name);
    Bytes content = Hex("17171717");
    const size_t min_pad = (16 - (content.size() + f.suite->mac_length + 1) % 16) % 16;
    for (size_t pad : {min_pad, min_pad + 16, min_pad + 16 * ((255 - min_pad) / 16)}) {
      auto p = Make(*f.suite, f.keys, &rng);
      auto opened = p->Open(kApp, kV12, BuildCbcRecord(f, 0, kApp, content, Padding(pad),
                                                       false, iv));
      ASSERT_TRUE(opened.ok()) << "padding " << pad << ": " << opened.status().ToString();
      EXPECT_EQ(*opened, content);
    }
  }
}

TEST(RecordProtectionCbcTest, BadPaddingAndBadMacLookIdentical) {
  // Checklist row 8 (POODLE-TLS, Lucky 13 class): one Status for all of these.
  Botan::AutoSeeded_RNG rng;
  Bytes iv(16, 0x33);
  for (const CbcFixture& f : CbcSuites(rng)) {
    SCOPED_TRACE(f.suite->name);
    Bytes content = Hex("0102030405");
    const size_t pad = (16 - (content.size() + f.suite->mac_length + 1) % 16) % 16 + 16;
    std::vector<std::pair<std::string, Bytes>> cases;
    cases.push_back({"bad MAC, good padding",
                     BuildCbcRecord(f, 0, kApp, content, Padding(pad), true, iv)});
    for (size_t i = 0; i + 1 < pad + 1; ++i) {  // each padding byte but the length byte
      Bytes padding = Padding(pad);
      padding[i] ^= 0x01;
      cases.push_back({"good MAC, padding byte " + std::to_string(i) + " wrong",
                       BuildCbcRecord(f, 0, kApp, content, padding, false, iv)});
    }
    // A padding length pointing before the MAC: nothing valid is left.
    Bytes huge = Padding(pad);
    huge.back() = 0xff;
    cases.push_back({"padding_length 255", BuildCbcRecord(f, 0, kApp, content, huge, false, iv)});
    // Padding length byte one too small / too large, MAC otherwise right for the content.
    Bytes shorter = Padding(pad);
    shorter.back() = static_cast<uint8_t>(pad - 1);
    cases.push_back({"padding_length - 1", BuildCbcRecord(f, 0, kApp, content, shorter, false, iv)});
    Bytes longer = Padding(pad);
    longer.back() = static_cast<uint8_t>(pad + 1);
    cases.push_back({"padding_length + 1", BuildCbcRecord(f, 0, kApp, content, longer, false, iv)});
    cases.push_back({"bad MAC and bad padding",
                     BuildCbcRecord(f, 0, kApp, content, huge, true, iv)});

    std::vector<Status> statuses;
    for (const auto& [name, record] : cases) {
      auto p = Make(*f.suite, f.keys, &rng);
      Status s = p->Open(kApp, kV12, record).status();
      ExpectBadRecordMac(s, name);
      statuses.push_back(s);
    }
    for (const Status& s : statuses) {
      EXPECT_EQ(s.alert(), statuses[0].alert());
      EXPECT_EQ(s.message(), statuses[0].message());
    }
  }
}

TEST(RecordProtectionCbcTest, LengthChecksAreBadRecordMac) {
  Botan::AutoSeeded_RNG rng;
  for (const CbcFixture& f : CbcSuites(rng)) {
    SCOPED_TRACE(f.suite->name);
    auto sealer = Make(*f.suite, f.keys, &rng);
    auto sealed = sealer->Seal(kApp, kV12, Bytes(40, 1));
    ASSERT_TRUE(sealed.ok());
    for (size_t delta : {1, 8, 15}) {  // not a multiple of the block size
      Bytes longer = *sealed;
      longer.insert(longer.end(), delta, 0);
      auto p = Make(*f.suite, f.keys, &rng);
      ExpectBadRecordMac(p->Open(kApp, kV12, longer).status(), "+" + std::to_string(delta));
    }
    // Whole blocks but shorter than IV + max(mac_length + 1, block).
    const size_t min_len = 16 + std::max<size_t>(f.suite->mac_length + 1, 16);
    for (size_t len = 0; len < min_len; len += 16) {
      auto p = Make(*f.suite, f.keys, &rng);
      ExpectBadRecordMac(p->Open(kApp, kV12, Bytes(len, 0)).status(),
                         "length " + std::to_string(len));
    }
    // Zero-length content: IV + one encrypted block of MAC + padding is the smallest.
    auto empty = sealer->Seal(kApp, kV12, ByteView());
    ASSERT_TRUE(empty.ok());
    EXPECT_GE(empty->size(), min_len);
  }
}

TEST(RecordProtectionCbcTest, SealUsesTheRngForTheExplicitIv) {
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* suite = FindCipherSuite("TLS_RSA_WITH_AES_128_CBC_SHA256");
  ASSERT_NE(suite, nullptr);
  TrafficKeys keys = RandomKeys(*suite, rng);
  Bytes ivs = Hex("000102030405060708090a0b0c0d0e0f" "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  ScriptedRng scripted(ivs);
  auto sealer = Make(*suite, keys, &scripted);
  auto a = sealer->Seal(kApp, kV12, Hex("01"));
  auto b = sealer->Seal(kApp, kV12, Hex("01"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ByteView(*a).subview(0, 16), ByteView(ivs).subview(0, 16));
  EXPECT_EQ(ByteView(*b).subview(0, 16), ByteView(ivs).subview(16, 16));
}

// ---- Shaped records (SealShape): what a hostile peer sends, checked against the hand-built
// construction and against Open ----

TEST(RecordProtectionCbcTest, ShapedSealIsTheRfcConstructionWithThatPadding) {
  Botan::AutoSeeded_RNG rng;
  for (const CbcFixture& f : CbcSuites(rng)) {
    SCOPED_TRACE(f.suite->name);
    Bytes content = Hex("1717171717");
    const size_t min_pad = (16 - (content.size() + f.suite->mac_length + 1) % 16) % 16;
    const size_t max_pad = min_pad + 16 * ((255 - min_pad) / 16);
    for (size_t pad : {min_pad, max_pad}) {
      SealShape shape;
      shape.cbc_padding = static_cast<uint8_t>(pad);
      auto sealer = Make(*f.suite, f.keys, &rng);
      auto sealed = sealer->SealShaped(kApp, kV12, content, shape);
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      ByteView iv = ByteView(*sealed).subview(0, 16);
      EXPECT_EQ(*sealed, BuildCbcRecord(f, 0, kApp, content, Padding(pad), false, iv)) << pad;
      auto opened = Make(*f.suite, f.keys, &rng)->Open(kApp, kV12, *sealed);
      ASSERT_TRUE(opened.ok()) << pad << ": " << opened.status().ToString();
      EXPECT_EQ(*opened, content);
    }
    // One padding byte wrong under a valid MAC (POODLE-TLS): the construction with that byte
    // changed, and bad_record_mac.
    SealShape poodle;
    poodle.cbc_padding = static_cast<uint8_t>(max_pad);
    poodle.xor_inner = Hex("01");
    poodle.xor_at = -static_cast<int64_t>(max_pad) - 1;  // the first padding byte
    auto sealer = Make(*f.suite, f.keys, &rng);
    auto sealed = sealer->SealShaped(kApp, kV12, content, poodle);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    Bytes bad_padding = Padding(max_pad);
    bad_padding[0] ^= 1;
    EXPECT_EQ(*sealed, BuildCbcRecord(f, 0, kApp, content, bad_padding, false,
                                      ByteView(*sealed).subview(0, 16)));
    ExpectBadRecordMac(Make(*f.suite, f.keys, &rng)->Open(kApp, kV12, *sealed).status(),
                       "POODLE-TLS padding");
    // CVE-2016-2107's shape: two blocks that are all padding, no room for the MAC.
    SealShape all_padding;
    all_padding.cbc_inner = Bytes(32, 0x1f);
    auto inner = Make(*f.suite, f.keys, &rng)->SealShaped(kApp, kV12, content, all_padding);
    ASSERT_TRUE(inner.ok()) << inner.status().ToString();
    EXPECT_EQ(inner->size(), 48u);
    ExpectBadRecordMac(Make(*f.suite, f.keys, &rng)->Open(kApp, kV12, *inner).status(),
                       "padding over the whole record");
  }
}

TEST(RecordProtectionTest, ShapesTheProtectionDoesNotHaveAreErrors) {
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* cbc = FindCipherSuite("TLS_RSA_WITH_AES_128_CBC_SHA256");
  const CipherSuiteInfo* gcm = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  const CipherSuiteInfo* chacha = FindCipherSuite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  ASSERT_TRUE(cbc && gcm && chacha);
  auto error = [&](const CipherSuiteInfo& suite, const SealShape& shape, const std::string& text) {
    auto sealer = Make(suite, RandomKeys(suite, rng), &rng);
    auto sealed = sealer->SealShaped(kApp, kV12, Hex("01"), shape);
    ASSERT_FALSE(sealed.ok()) << text;
    EXPECT_NE(sealed.status().message().find(text), std::string::npos)
        << sealed.status().message();
    EXPECT_EQ(sealer->sequence_number(), 0u) << "a refused seal sent nothing";
  };
  SealShape odd_padding;
  odd_padding.cbc_padding = 3;  // 1 + 32 + 1 + 3 = 37 bytes: not whole blocks
  error(*cbc, odd_padding, "not whole 16-byte blocks");
  SealShape short_inner;
  short_inner.cbc_inner = Bytes(20, 0);
  error(*cbc, short_inner, "not whole 16-byte blocks");
  SealShape far_xor;
  far_xor.xor_inner = Hex("01");
  far_xor.xor_at = 48;  // content, MAC and padding of a 1-byte record: 48 bytes
  error(*cbc, far_xor, "runs past the 48 inner bytes");
  far_xor.xor_at = -49;
  error(*cbc, far_xor, "runs past the 48 inner bytes");
  SealShape nonce;
  nonce.gcm_explicit_nonce = std::array<uint8_t, 8>{};
  error(*cbc, nonce, "no GCM explicit nonce");
  error(*chacha, nonce, "ChaCha20-Poly1305 has no explicit nonce");
  error(*gcm, odd_padding, "not shapes of an AEAD record");
}

TEST(RecordProtectionTest, GcmExplicitNonceOfTheSendersChoiceOpens) {
  // RFC 5288 3: the receiver takes the explicit nonce from the record, whatever it is.
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* suite = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  ASSERT_NE(suite, nullptr);
  TrafficKeys keys = RandomKeys(*suite, rng);
  auto sealer = Make(*suite, keys, &rng);
  auto opener = Make(*suite, keys, &rng);
  for (const std::array<uint8_t, 8>& chosen :
       {std::array<uint8_t, 8>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
        std::array<uint8_t, 8>{0, 0, 0, 0, 0, 0, 0, 0},
        std::array<uint8_t, 8>{0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}}) {
    SealShape shape;
    shape.gcm_explicit_nonce = chosen;
    auto sealed = sealer->SealShaped(kApp, kV12, Hex("68656c6c6f"), shape);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_EQ(ByteView(*sealed).subview(0, 8), ByteView(chosen.data(), chosen.size()));
    auto opened = opener->Open(kApp, kV12, *sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, Hex("68656c6c6f"));
  }
}

// ---- Known answer: the encrypted Finished records of "The Illustrated TLS 1.2
// Connection" (vectors/kat/keyschedule_vectors.json), TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA.

nlohmann::json IllustratedVector() {
  std::ifstream in("vectors/kat/keyschedule_vectors.json");
  EXPECT_TRUE(in.good()) << "missing vectors/kat/keyschedule_vectors.json";
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded());
  for (const auto& v : doc["vectors"]) {
    if (v.value("id", "") == "illustrated-tls12-ecdhe-x25519-aes128cbc-sha") return v;
  }
  ADD_FAILURE() << "vector not found";
  return nlohmann::json();
}

TEST(RecordProtectionKatTest, IllustratedTls12FinishedRecords) {
  nlohmann::json v = IllustratedVector();
  ASSERT_TRUE(v.is_object());
  const CipherSuiteInfo* suite = FindCipherSuite(static_cast<uint16_t>(0xc013));
  ASSERT_NE(suite, nullptr);
  ASSERT_EQ(v["cipher_suite_hex"].get<std::string>(), "c013");
  Botan::AutoSeeded_RNG rng;

  struct KeyColumns {
    const char* mac_key;
    const char* enc_key;
    const char* record;
    const char* verify_data;
  };
  const KeyColumns sides[] = {
      {"client_write_mac_key_hex", "client_write_key_hex", "client_finished_record_hex",
       "client_verify_data_hex"},
      {"server_write_mac_key_hex", "server_write_key_hex", "server_finished_record_hex",
       "server_verify_data_hex"},
  };
  for (const KeyColumns& side : sides) {
    SCOPED_TRACE(side.record);
    TrafficKeys keys;
    keys.mac_key = Hex(v[side.mac_key].get<std::string>());
    keys.enc_key = Hex(v[side.enc_key].get<std::string>());
    const Bytes record = Hex(v[side.record].get<std::string>());
    ASSERT_GT(record.size(), 5u);
    // TLSCiphertext header: handshake, TLS 1.2, 64 bytes.
    ASSERT_EQ(ByteView(record).subview(0, 5), ByteView(Hex("1603030040")));
    const ByteView fragment = ByteView(record).subview(5);

    auto opener = Make(*suite, keys, &rng);
    ASSERT_TRUE(opener);
    auto plaintext = opener->Open(kHs, kV12, fragment);  // sequence number 0
    ASSERT_TRUE(plaintext.ok()) << plaintext.status().ToString();
    // Finished: type 20, length 12, verify_data (RFC 5246 7.4.9).
    Bytes expected = Hex("1400000c" + v[side.verify_data].get<std::string>());
    EXPECT_EQ(*plaintext, expected);

    // Seal reproduces the captured record byte for byte given the captured IV.
    ScriptedRng iv_rng(fragment.subview(0, 16).ToBytes());
    auto sealer = Make(*suite, keys, &iv_rng);
    auto sealed = sealer->Seal(kHs, kV12, expected);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(ToHex(*sealed), ToHex(fragment));

    // The same record under sequence number 1 does not authenticate.
    auto late = Make(*suite, keys, &rng);
    ASSERT_TRUE(late->Open(kHs, kV12, *sealed).ok());
    ExpectBadRecordMac(late->Open(kHs, kV12, fragment).status(), "seq 1");
  }
}

// ---- AEAD: nonce and additional data cross-checked against Botan's AEAD used directly,
// with the nonce built from the RFC text rather than from the code under test.

TEST(RecordProtectionAeadTest, MatchesDirectAeadComputation) {
  Botan::AutoSeeded_RNG rng;
  for (const CipherSuiteInfo* suite : SupportedSuites()) {
    // CCM: record_protection_ccm_test.cc rebuilds it from the AES block cipher.
    if (suite->cipher_type != CipherType::kAead || suite->IsCcm()) continue;
    SCOPED_TRACE(suite->name);
    const bool chacha = suite->cipher == BulkCipher::kChaCha20Poly1305;
    TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = Make(*suite, keys, &rng);
    ASSERT_TRUE(sealer);
    Bytes plaintext = Hex("1400000c" "00112233445566778899aabb");
    for (uint64_t seq = 0; seq < 3; ++seq) {
      auto sealed = sealer->Seal(kHs, kV12, plaintext);
      ASSERT_TRUE(sealed.ok());

      // RFC 5246 6.2.3.3: additional_data = seq_num + type + version + length.
      Bytes ad = {0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(seq), 22, 3, 3, 0, 16};
      Bytes nonce;
      Bytes expected;
      if (chacha) {
        // RFC 7905 2: 64-bit seq, left-padded with four zero bytes, XOR the 12-byte IV.
        nonce = keys.fixed_iv;
        nonce[11] ^= static_cast<uint8_t>(seq);
      } else {
        // RFC 5288 3: salt (4 bytes of the key block) || explicit nonce from the record.
        nonce = keys.fixed_iv;
        Append(nonce, ByteView(*sealed).subview(0, 8));
        expected = ByteView(*sealed).subview(0, 8).ToBytes();
      }
      auto aead = Botan::AEAD_Mode::create_or_throw(
          chacha ? "ChaCha20Poly1305"
                 : (suite->enc_key_length == 16 ? "AES-128/GCM" : "AES-256/GCM"),
          Botan::ENCRYPTION);
      aead->set_key(keys.enc_key.data(), keys.enc_key.size());
      aead->set_associated_data(ad.data(), ad.size());
      aead->start(nonce.data(), nonce.size());
      Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
      aead->finish(buf);
      expected.insert(expected.end(), buf.begin(), buf.end());
      EXPECT_EQ(ToHex(*sealed), ToHex(expected)) << "seq " << seq;
    }
  }
}

}  // namespace
}  // namespace shakedown
