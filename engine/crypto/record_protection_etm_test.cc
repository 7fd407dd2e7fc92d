// Encrypt-then-MAC record protection (RFC 7366 3), checked against a construction rebuilt here
// from Botan's HMAC and CBC primitives: the record is IV || ENC(content || padding) || MAC, the
// MAC over seq_num || type || version || length(IV || ciphertext) || IV || ciphertext.
#include <botan/auto_rng.h>
#include <botan/cipher_mode.h>
#include <botan/mac.h>
#include <gtest/gtest.h>

#include <string>

#include "engine/crypto/record_protection.h"

namespace shakedown {
namespace {

constexpr ContentType kApp = ContentType::kApplicationData;
constexpr ProtocolVersion kV12 = ProtocolVersion::kTls12;

TrafficKeys RandomKeys(const CipherSuiteInfo& suite, Botan::RandomNumberGenerator& rng) {
  TrafficKeys k;
  k.mac_key.resize(suite.mac_key_length);
  k.enc_key.resize(suite.enc_key_length);
  rng.randomize(k.mac_key.data(), k.mac_key.size());
  rng.randomize(k.enc_key.data(), k.enc_key.size());
  return k;
}

std::unique_ptr<RecordProtection> MakeEtm(const CipherSuiteInfo& suite, const TrafficKeys& keys,
                                          Botan::RandomNumberGenerator* rng, bool etm = true) {
  auto p = RecordProtection::Create(suite, keys, rng, etm);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(*p) : nullptr;
}

std::string MacName(const CipherSuiteInfo& suite) {
  return suite.mac == MacAlgorithm::kSha1     ? "HMAC(SHA-1)"
         : suite.mac == MacAlgorithm::kSha256 ? "HMAC(SHA-256)"
                                              : "HMAC(SHA-384)";
}

std::vector<const CipherSuiteInfo*> CbcSuites() {
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  std::vector<const CipherSuiteInfo*> out;
  for (size_t i = 0; i < n; ++i) {
    if (table[i].engine_supported && table[i].cipher_type == CipherType::kBlock) {
      out.push_back(&table[i]);
    }
  }
  return out;
}

TEST(EncryptThenMacTest, RecordIsTheRfc7366Construction) {
  Botan::AutoSeeded_RNG rng;
  ASSERT_GE(CbcSuites().size(), 8u);
  for (const CipherSuiteInfo* suite : CbcSuites()) {
    SCOPED_TRACE(suite->name);
    const TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = MakeEtm(*suite, keys, &rng);
    ASSERT_NE(sealer, nullptr);
    for (size_t len : {0u, 1u, 15u, 16u, 100u}) {
      const uint64_t seq = sealer->sequence_number();
      Bytes plaintext(len, 0x61);
      Result<Bytes> record = sealer->Seal(kApp, kV12, plaintext);
      ASSERT_TRUE(record.ok());
      const size_t block = suite->block_length;
      const size_t mac_len = suite->mac_length;
      // The padding fills content || padding || padding_length to whole blocks (no MAC inside).
      const size_t inner = (len + 1 + block - 1) / block * block;
      ASSERT_EQ(record->size(), block + inner + mac_len) << len;
      const size_t fragment = block + inner;
      // MAC(seq || type || version || length || IV || ciphertext), appended.
      auto mac = Botan::MessageAuthenticationCode::create_or_throw(MacName(*suite));
      mac->set_key(keys.mac_key.data(), keys.mac_key.size());
      uint8_t header[13];
      for (int i = 0; i < 8; ++i) header[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
      header[8] = static_cast<uint8_t>(kApp);
      header[9] = 0x03;
      header[10] = 0x03;
      header[11] = static_cast<uint8_t>(fragment >> 8);
      header[12] = static_cast<uint8_t>(fragment);
      mac->update(header, sizeof(header));
      mac->update(record->data(), fragment);
      const Botan::secure_vector<uint8_t> tag = mac->final();
      EXPECT_TRUE(std::equal(tag.begin(), tag.end(), record->begin() + fragment)) << len;
      // The ciphertext decrypts (under the IV) to content || padding, each padding byte the
      // padding length.
      auto dec = Botan::Cipher_Mode::create_or_throw(
          suite->enc_key_length == 16 ? "AES-128/CBC/NoPadding" : "AES-256/CBC/NoPadding",
          Botan::DECRYPTION);
      dec->set_key(keys.enc_key.data(), keys.enc_key.size());
      Botan::secure_vector<uint8_t> buf(record->begin() + block, record->begin() + fragment);
      dec->start(record->data(), block);
      dec->finish(buf);
      ASSERT_EQ(buf.size(), inner);
      EXPECT_TRUE(std::equal(plaintext.begin(), plaintext.end(), buf.begin()));
      const uint8_t pad = buf.back();
      EXPECT_EQ(len + pad + 1u, inner);
      for (size_t i = len; i < inner; ++i) EXPECT_EQ(buf[i], pad);
    }
  }
}

TEST(EncryptThenMacTest, OpensItsOwnRecordsAndRejectsEveryTampering) {
  Botan::AutoSeeded_RNG rng;
  for (const CipherSuiteInfo* suite : CbcSuites()) {
    SCOPED_TRACE(suite->name);
    const TrafficKeys keys = RandomKeys(*suite, rng);
    auto sealer = MakeEtm(*suite, keys, &rng);
    auto opener = MakeEtm(*suite, keys, &rng);
    Bytes plaintext(40, 0x42);
    Result<Bytes> record = sealer->Seal(kApp, kV12, plaintext);
    ASSERT_TRUE(record.ok());
    Result<Bytes> opened = opener->Open(kApp, kV12, *record);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plaintext);
    // Any flipped byte (IV, ciphertext or MAC) fails the MAC, checked first (RFC 7366 3).
    for (size_t i = 0; i < record->size(); i += 7) {
      auto fresh = MakeEtm(*suite, keys, &rng);
      Bytes bad = *record;
      bad[i] ^= 0x01;
      EXPECT_EQ(fresh->Open(kApp, kV12, bad).status().alert(), AlertDescription::kBadRecordMac)
          << i;
    }
    // Another record type or sequence number under the same bytes: the MAC covers them.
    EXPECT_EQ(MakeEtm(*suite, keys, &rng)->Open(ContentType::kHandshake, kV12, *record)
                  .status()
                  .alert(),
              AlertDescription::kBadRecordMac);
    // A MAC-then-encrypt record under the same keys is refused, and the other way round.
    auto mte = MakeEtm(*suite, keys, &rng, /*etm=*/false);
    Result<Bytes> mte_record = mte->Seal(kApp, kV12, plaintext);
    ASSERT_TRUE(mte_record.ok());
    EXPECT_EQ(MakeEtm(*suite, keys, &rng)->Open(kApp, kV12, *mte_record).status().alert(),
              AlertDescription::kBadRecordMac);
    EXPECT_EQ(MakeEtm(*suite, keys, &rng, false)->Open(kApp, kV12, *record).status().alert(),
              AlertDescription::kBadRecordMac);
    // Too short to hold IV, a block and the MAC.
    EXPECT_EQ(MakeEtm(*suite, keys, &rng)->Open(kApp, kV12, Bytes(20)).status().alert(),
              AlertDescription::kBadRecordMac);
  }
}

TEST(EncryptThenMacTest, BadPaddingUnderAValidMacIsBadRecordMac) {
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* suite = FindCipherSuite(std::string_view("TLS_RSA_WITH_AES_128_CBC_SHA"));
  ASSERT_NE(suite, nullptr);
  const TrafficKeys keys = RandomKeys(*suite, rng);
  // A wrong padding byte, sealed (and so MACed) as it is: POODLE's shape under EtM.
  SealShape shape;
  shape.xor_inner = {0x01};
  shape.xor_at = -2;
  auto sealer = MakeEtm(*suite, keys, &rng);
  Result<Bytes> record = sealer->SealShaped(kApp, kV12, Bytes(14, 0x33), shape);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(MakeEtm(*suite, keys, &rng)->Open(kApp, kV12, *record).status().alert(),
            AlertDescription::kBadRecordMac);
  // The longest valid padding (255) is accepted.
  SealShape longest;
  longest.cbc_padding = 255;
  Result<Bytes> padded = MakeEtm(*suite, keys, &rng)->SealShaped(kApp, kV12, Bytes(16), longest);
  ASSERT_TRUE(padded.ok()) << padded.status().ToString();
  Result<Bytes> opened = MakeEtm(*suite, keys, &rng)->Open(kApp, kV12, *padded);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, Bytes(16));
}

TEST(EncryptThenMacTest, AeadSuitesIgnoreTheFlag) {
  Botan::AutoSeeded_RNG rng;
  const CipherSuiteInfo* suite = FindCipherSuite(uint16_t{0xc02f});
  TrafficKeys keys;
  keys.enc_key.assign(16, 1);
  keys.fixed_iv.assign(4, 2);
  auto with = MakeEtm(*suite, keys, &rng, true);
  auto without = MakeEtm(*suite, keys, &rng, false);
  EXPECT_EQ(*with->Seal(kApp, kV12, Bytes(5, 9)), *without->Seal(kApp, kV12, Bytes(5, 9)));
}

}  // namespace
}  // namespace shakedown
