// AES-CCM record protection (RFC 6655 3, RFC 7251), checked against a CCM built here from
// Botan's AES block cipher by NIST SP 800-38C 6.1 (not Botan's CCM mode, which the engine
// uses): first that construction against the published vectors of vectors/kat/ccm_vectors.json,
// then the engine's records against it, with the nonce salt || explicit nonce and the additional
// data seq_num || type || version || length rebuilt from the RFC text.
#include <botan/block_cipher.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/crypto/record_protection.h"

namespace shakedown {
namespace {

constexpr ContentType kApp = ContentType::kApplicationData;
constexpr ProtocolVersion kV12 = ProtocolVersion::kTls12;

Bytes Hex(const std::string& hex) {
  std::optional<Bytes> b = FromHex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b ? *b : Bytes();
}

// SP 800-38C 6.1 with A.2's formatting, for a nonce of 15 - q bytes, associated data shorter
// than 2^16 - 2^8 bytes (a two-byte length) and a tag of `tag_len` bytes: C = CTR(P) ||
// (T xor MSB(S0)), T the CBC-MAC of B0 || encoded A || P, each padded to whole blocks.
Bytes ReferenceCcm(ByteView key, ByteView nonce, ByteView ad, ByteView plaintext, size_t tag_len) {
  auto aes = Botan::BlockCipher::create_or_throw(key.size() == 16 ? "AES-128" : "AES-256");
  aes->set_key(key.data(), key.size());
  const size_t q = 15 - nonce.size();
  // B0: flags (Adata, (t-2)/2, q-1), N, Q (the payload length in q bytes).
  Bytes blocks(16);
  blocks[0] = static_cast<uint8_t>((ad.empty() ? 0 : 0x40) | ((tag_len - 2) / 2) << 3 | (q - 1));
  std::copy(nonce.begin(), nonce.end(), blocks.begin() + 1);
  for (size_t i = 0; i < q; ++i) blocks[15 - i] = static_cast<uint8_t>(plaintext.size() >> (8 * i));
  if (!ad.empty()) {
    Bytes a = {static_cast<uint8_t>(ad.size() >> 8), static_cast<uint8_t>(ad.size())};
    a.insert(a.end(), ad.begin(), ad.end());
    a.resize((a.size() + 15) / 16 * 16);
    blocks.insert(blocks.end(), a.begin(), a.end());
  }
  Bytes p(plaintext.begin(), plaintext.end());
  p.resize((p.size() + 15) / 16 * 16);
  blocks.insert(blocks.end(), p.begin(), p.end());
  uint8_t mac[16] = {};
  for (size_t off = 0; off < blocks.size(); off += 16) {
    for (size_t i = 0; i < 16; ++i) mac[i] ^= blocks[off + i];
    aes->encrypt(mac);
  }
  // Counter blocks: flags q-1, N, [i]_q; S0 masks the tag, S1.. the payload.
  auto keystream = [&](uint64_t i) {
    std::vector<uint8_t> ctr(16, 0);
    ctr[0] = static_cast<uint8_t>(q - 1);
    std::copy(nonce.begin(), nonce.end(), ctr.begin() + 1);
    for (size_t k = 0; k < q; ++k) ctr[15 - k] = static_cast<uint8_t>(i >> (8 * k));
    aes->encrypt(ctr.data());
    return ctr;
  };
  Bytes out(plaintext.begin(), plaintext.end());
  for (size_t off = 0; off < out.size(); off += 16) {
    const std::vector<uint8_t> s = keystream(off / 16 + 1);
    for (size_t i = 0; i < 16 && off + i < out.size(); ++i) out[off + i] ^= s[i];
  }
  const std::vector<uint8_t> s0 = keystream(0);
  for (size_t i = 0; i < tag_len; ++i) out.push_back(mac[i] ^ s0[i]);
  return out;
}

TEST(CcmRecordTest, ReferenceCcmGivesThePublishedVectors) {
  std::ifstream in("vectors/kat/ccm_vectors.json");
  ASSERT_TRUE(in) << "vectors/kat/ccm_vectors.json";
  const nlohmann::json doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["vectors"].size(), 3u);
  for (const nlohmann::json& v : doc["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    const CipherSuiteInfo* suite = FindCipherSuite(v["suite"].get<std::string>());
    ASSERT_NE(suite, nullptr);
    const Bytes key = Hex(v["key_hex"]);
    const Bytes nonce = Hex(v["nonce_hex"]);
    ASSERT_EQ(nonce.size(), 12u);  // RFC 6655 3: the nonce TLS uses
    const Bytes ct = Hex(v["ciphertext_hex"]);
    EXPECT_EQ(ToHex(ReferenceCcm(key, nonce, Hex(v["aad_hex"]), Hex(v["plaintext_hex"]),
                                 suite->mac_length)),
              ToHex(ct));
  }
}

std::vector<const CipherSuiteInfo*> CcmSuites() {
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  std::vector<const CipherSuiteInfo*> out;
  for (size_t i = 0; i < n; ++i) {
    if (table[i].IsCcm()) out.push_back(&table[i]);
  }
  return out;
}

TrafficKeys FixedKeys(const CipherSuiteInfo& suite) {
  TrafficKeys k;
  for (size_t i = 0; i < suite.enc_key_length; ++i) k.enc_key.push_back(static_cast<uint8_t>(i));
  k.fixed_iv = {0xa0, 0xa1, 0xa2, 0xa3};  // client_write_IV: the salt (RFC 6655 3)
  return k;
}

std::unique_ptr<RecordProtection> Make(const CipherSuiteInfo& suite, const TrafficKeys& keys) {
  auto p = RecordProtection::Create(suite, keys, nullptr);
  EXPECT_TRUE(p.ok()) << suite.name << ": " << p.status().ToString();
  return p.ok() ? std::move(*p) : nullptr;
}

// RFC 5246 6.2.3.3: seq_num(8) || TLSCompressed.type || version || length.
Bytes AdditionalData(uint64_t seq, size_t length) {
  Bytes ad;
  for (int i = 7; i >= 0; --i) ad.push_back(static_cast<uint8_t>(seq >> (8 * i)));
  ad.insert(ad.end(), {23, 3, 3, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)});
  return ad;
}

TEST(CcmRecordTest, TwelveSuitesWithTheirTagLengths) {
  const std::vector<const CipherSuiteInfo*> suites = CcmSuites();
  ASSERT_EQ(suites.size(), 12u);
  int ccm8 = 0;
  for (const CipherSuiteInfo* s : suites) {
    SCOPED_TRACE(s->name);
    const bool short_tag = std::string_view(s->name).substr(s->name.size() - 6) == "_CCM_8";
    ccm8 += short_tag;
    EXPECT_EQ(s->mac_length, short_tag ? 8 : 16);
    EXPECT_EQ(s->enc_key_length, s->name.find("AES_128") != std::string_view::npos ? 16 : 32);
    EXPECT_EQ(s->fixed_iv_length, 4);
    EXPECT_EQ(s->record_iv_length, 8);
    EXPECT_EQ(s->prf, PrfHash::kSha256);
    EXPECT_TRUE(s->engine_supported);
  }
  EXPECT_EQ(ccm8, 6);
}

// Every CCM suite, records 0..2: explicit nonce (the sequence number) || CCM(salt || explicit,
// additional data, content) with the suite's tag; and a sender-chosen explicit nonce is used as
// the nonce (RFC 6655 3 follows RFC 5288 3) and opens.
TEST(CcmRecordTest, RecordIsTheRfc6655Construction) {
  for (const CipherSuiteInfo* suite : CcmSuites()) {
    SCOPED_TRACE(suite->name);
    const TrafficKeys keys = FixedKeys(*suite);
    auto sealer = Make(*suite, keys);
    auto opener = Make(*suite, keys);
    ASSERT_TRUE(sealer && opener);
    for (uint64_t seq = 0; seq < 3; ++seq) {
      const Bytes content(17 + seq, static_cast<uint8_t>(0x40 + seq));
      Result<Bytes> record = sealer->Seal(kApp, kV12, content);
      ASSERT_TRUE(record.ok()) << record.status().ToString();
      Bytes explicit_nonce = {0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(seq)};
      Bytes nonce = keys.fixed_iv;
      nonce.insert(nonce.end(), explicit_nonce.begin(), explicit_nonce.end());
      Bytes expected = explicit_nonce;
      Append(expected, ReferenceCcm(keys.enc_key, nonce, AdditionalData(seq, content.size()),
                                    content, suite->mac_length));
      EXPECT_EQ(ToHex(*record), ToHex(expected)) << "seq " << seq;
      Result<Bytes> opened = opener->Open(kApp, kV12, *record);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(*opened, content);
    }
    SealShape shape;
    shape.gcm_explicit_nonce = std::array<uint8_t, 8>{0x5a, 1, 2, 3, 4, 5, 6, 7};
    Result<Bytes> chosen = sealer->SealShaped(kApp, kV12, Bytes(3, 0x61), shape);
    ASSERT_TRUE(chosen.ok());
    Bytes nonce = keys.fixed_iv;
    Append(nonce, Bytes{0x5a, 1, 2, 3, 4, 5, 6, 7});
    Bytes expected = {0x5a, 1, 2, 3, 4, 5, 6, 7};
    Append(expected, ReferenceCcm(keys.enc_key, nonce, AdditionalData(3, 3), Bytes(3, 0x61),
                                  suite->mac_length));
    EXPECT_EQ(ToHex(*chosen), ToHex(expected));
    EXPECT_TRUE(opener->Open(kApp, kV12, *chosen).ok());
  }
}

void ExpectBadRecordMac(const Result<Bytes>& r, const std::string& what) {
  EXPECT_FALSE(r.ok()) << what;
  if (!r.ok()) {
    EXPECT_EQ(r.status().ToString(), "bad_record_mac: record authentication failed") << what;
  }
}

// RFC 5246 6.2.3.3: "If the decryption fails, a fatal bad_record_mac alert MUST be generated":
// a flipped tag byte, a record too short for the explicit nonce and the tag, and a CCM_8 record
// read as CCM (the other tag length) all fail alike.
TEST(CcmRecordTest, TamperedAndShortRecordsAreBadRecordMac) {
  for (const CipherSuiteInfo* suite : CcmSuites()) {
    SCOPED_TRACE(suite->name);
    const TrafficKeys keys = FixedKeys(*suite);
    Result<Bytes> record = Make(*suite, keys)->Seal(kApp, kV12, Bytes(20, 0x33));
    ASSERT_TRUE(record.ok());
    ASSERT_EQ(record->size(), 8u + 20u + suite->mac_length);
    for (size_t tag_byte : {size_t{0}, size_t{suite->mac_length} - 1}) {
      Bytes bad = *record;
      bad[bad.size() - suite->mac_length + tag_byte] ^= 0x01;
      ExpectBadRecordMac(Make(*suite, keys)->Open(kApp, kV12, bad),
                         "tag byte " + std::to_string(tag_byte));
    }
    for (size_t len = 0; len < 8u + suite->mac_length; ++len) {
      ExpectBadRecordMac(Make(*suite, keys)->Open(kApp, kV12, ByteView(*record).subview(0, len)),
                         "truncated to " + std::to_string(len));
    }
    // The other tag length under the same key: the suite with the same key exchange and key.
    for (const CipherSuiteInfo* other : CcmSuites()) {
      if (other->key_exchange != suite->key_exchange || other->cipher != suite->cipher ||
          other == suite) {
        continue;
      }
      ExpectBadRecordMac(Make(*other, keys)->Open(kApp, kV12, *record), std::string(other->name));
    }
  }
}

}  // namespace
}  // namespace shakedown
