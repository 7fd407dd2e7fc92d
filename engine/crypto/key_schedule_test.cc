// Expected values are copied from vectors/kat/*.json (vector ids cited); the full files are
// checked by //harness:kat_test.
#include "engine/crypto/key_schedule.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/base/bytes.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/transcript.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

Bytes H(std::string_view hex) {
  std::optional<Bytes> b = FromHex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

std::string HexOf(const Result<Bytes>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? ToHex(*r) : "<error>";
}

void ExpectInternalError(const Status& s, std::string_view needle) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.alert(), AlertDescription::kInternalError) << s.ToString();
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
}

// ---- PRF ----

TEST(Prf, Tls12Sha256) {  // ietf-msg03416-sha256
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kSha256, H("9bbe436ba940f017b17652849a71db35"), "test label",
                      H("a0ba9f936cda311827a6f796ffd5198c"), 100)),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a4"
            "6b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d1"
            "22ee42c5a72e5a5110fff70187347b66");
}

TEST(Prf, Tls12Sha224) {  // ietf-msg03416-sha224
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kSha224, H("e18828740352b530d69b34c6597dea2e"), "test label",
                      H("f5a3fe6d34e2e28560fdcaf6823f9091"), 88)),
            "224d8af3c0453393a9779789d21cf7da5ee62ae6b617873d489428efc8dd58d1566e7029e2ca3a5ecd35"
            "5dc64d4d927e2fbd78c4233e8604b14749a77a92a70fddf614bc0df623d798604e4ca5512794d802a258"
            "e82f86cf");
}

TEST(Prf, Tls12Sha384) {  // ietf-msg03416-sha384
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kSha384, H("b80b733d6ceefcdc71566ea48e5567df"), "test label",
                      H("cd665cf6a8447dd6ff8b27555edb7465"), 148)),
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82"
            "b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473"
            "ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9"
            "aee691c8f3a26854308d5eaa3be85e0990703d73e56f");
}

TEST(Prf, Tls12Sha512_256) {  // openssl-tls12prf-sha512_256
  EXPECT_EQ(
      HexOf(Prf(PrfAlgorithm::kSha512_256,
                H("f8938ecc9edebc5030c0c6a441e213cd24e6f770a50dda07876f8d55da062bcadb386b411fd4f"
                  "e4313a604fce6c17fbc"),
                "extended master secret",
                H("36c129d01a3200894b9179faac589d9835d58775f9b5ea3587cb8fd0364cae8cf6c9575ed7ddd"
                  "73e1f7d16eca115415812a43c2b747daaaae043abfb50053fce"),
                48)),
      "17be20a3b4cc05524d7de353b2f125537c23372144111b0367bda166fcfc09cf1c94909a408b986f53afbdc41d"
      "93ae09");
}

TEST(Prf, Tls10OddSecretSharesMiddleByte) {  // botan-tls10prf-5: 19-byte secret, empty label
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kMd5Sha1, H("63a22c3c7c5651103648f5cfc9764a7bde821f"), "",
                      H("512fbf47d9da2915"), 6)),
            "f13096feed6e");
}

TEST(Prf, Tls10EvenSecret) {  // mbedtls-prf-tls1
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kMd5Sha1,
                      H("1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef12345678"
                        "90abcdef1234567890abcdef"),
                      "test tls_prf label",
                      H("1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef12345678"
                        "90abcdef1234567890abcdef1234567890abcdef1234567890abcdef"),
                      16)),
            "8defca540d41d4c79d390027295bb4e6");
}

TEST(Prf, LabelWithNulIsUsedVerbatim) {  // boringssl-selfcheck-tls10: label "FIPS self test\0"
  EXPECT_EQ(HexOf(Prf(PrfAlgorithm::kMd5Sha1,
                      H("abc3657b094c7628a0b282996fe75a75f4984fd94d4ecc2fcf53a2c469a3f731"),
                      std::string_view("FIPS self test\0", 15),
                      H("8f0de8b6908fb1d26d51f479186351657d241a9d3c59bf3c311e2b21418d3281"), 32)),
            "697c4e2cee82b1d28bac907aa18a81fec5584557612f7a8d80fb44d88160e5f8");
}

TEST(Prf, ShorterOutputIsAPrefix) {
  Bytes secret = H("9bbe436ba940f017b17652849a71db35");
  Bytes seed = H("a0ba9f936cda311827a6f796ffd5198c");
  for (PrfAlgorithm prf : {PrfAlgorithm::kMd5Sha1, PrfAlgorithm::kSha256}) {
    Result<Bytes> full = Prf(prf, secret, "test label", seed, 100);
    ASSERT_TRUE(full.ok());
    for (size_t n : {0, 1, 31, 32, 33, 64, 99}) {
      Result<Bytes> part = Prf(prf, secret, "test label", seed, n);
      ASSERT_TRUE(part.ok());
      EXPECT_EQ(*part, Bytes(full->begin(), full->begin() + n)) << n;
    }
  }
}

TEST(Prf, RejectsOversizedOutput) {
  Bytes secret(16, 1);
  ExpectInternalError(
      Prf(PrfAlgorithm::kSha256, secret, "x", secret, kMaxPrfOutput + 1).status(),
      "exceeds the maximum");
  EXPECT_TRUE(Prf(PrfAlgorithm::kSha256, secret, "x", secret, kMaxPrfOutput).ok());
}

TEST(Prf, BotanRejectionBecomesInternalError) {
  // HMAC in Botan 2 takes keys of at most 4096 bytes; the exception must not escape.
  Bytes huge(5000, 0x42);
  ExpectInternalError(Prf(PrfAlgorithm::kSha256, huge, "x", huge, 12).status(), "PRF (sha256)");
}

TEST(Prf, NamesRoundTrip) {
  for (PrfAlgorithm prf : {PrfAlgorithm::kMd5Sha1, PrfAlgorithm::kSha224, PrfAlgorithm::kSha256,
                           PrfAlgorithm::kSha384, PrfAlgorithm::kSha512,
                           PrfAlgorithm::kSha512_256}) {
    EXPECT_EQ(PrfAlgorithmFromName(PrfAlgorithmName(prf)), prf);
  }
  EXPECT_FALSE(PrfAlgorithmFromName("ssl3").has_value());
  EXPECT_EQ(PrfFor(PrfHash::kSha256), PrfAlgorithm::kSha256);
  EXPECT_EQ(PrfFor(PrfHash::kSha384), PrfAlgorithm::kSha384);
}

// ---- Master secret, EMS ----

TEST(KeySchedule, MasterSecretTls10) {  // go-gnutls-tls1.0-0
  EXPECT_EQ(HexOf(ComputeMasterSecret(
                PrfAlgorithm::kMd5Sha1,
                H("0302cac83ad4b1db3b9ab49ad05957de2a504a634a386fc600889321e1a971f57479466830ac3e"
                  "6f468e87f5385fa0c5"),
                H("4ae66303755184a3917fcb44880605fcc53baa01912b22ed94473fc69cebd558"),
                H("4ae663020ec16e6bb5130be918cfcafd4d765979a3136a5d50c593446e4e44db"))),
            "3d851bab6e5556e959a16bc36d66cfae32f672bfa9ecdef6096cbb1b23472df1da63dbbd982760641322"
            "1d149ed08ceb");
}

TEST(KeySchedule, MasterSecretTls12Sha384) {  // cavp-sha384-count0 (ClientHello/ServerHello randoms)
  EXPECT_EQ(HexOf(ComputeMasterSecret(
                PrfAlgorithm::kSha384,
                H("a5e2642633f5b8c81ad3fe0c2fe3a8e5ef806b06121dd10df4bb0fe857bfdcf522558e05d2682c"
                  "9a80c741a3aab1716f"),
                H("abe4bf5527429ac8eb13574d2709e8012bd1a113c6d3b1d3aa2c3840518778ac"),
                H("cb6e0b3eb02976b6466dfa9651c2919414f1648fd3a7838d02153e5bd39535b6"))),
            "b4d49bfa87747fe815457bc3da15073d6ac73389e703079a3503c09e14bd559a5b3c7c601c7365f6ea8c"
            "68d3d9596827");
}

TEST(KeySchedule, ExtendedMasterSecretSha384) {  // s2n-openssl-ems-sha384
  EXPECT_EQ(HexOf(ComputeExtendedMasterSecret(
                PrfAlgorithm::kSha384,
                H("05e12675c9264d82b53fa15d589c829af9be1ae3d881ab0b023b7b8cad8bc058"),
                H("e6cbbaa03909ea387714fe70c07546086dedfcee086fd2985dfdd50924393619009115758e490e"
                  "2e3b0c13bebdad5fbb"))),
            "aef116e65e2cd77d4e96b1ceeadb7912ddd9aaf3a907aa3344ec3a2de6cc3b699ca768fe389eab3b53c9"
            "8d8ccd830b06");
}

TEST(KeySchedule, ExtendedMasterSecretTls10FromTranscript) {  // tlslite-ng-ems-tls10
  Bytes messages(48, 0);
  Result<Bytes> session_hash = HandshakeHash(PrfAlgorithm::kMd5Sha1, messages);
  EXPECT_EQ(HexOf(session_hash),
            "b203621a65475445e6fcdca717c667b5c17fd92682ca5b304ac71074b558dda9e8eb4d66");
  ASSERT_TRUE(session_hash.ok());
  EXPECT_EQ(HexOf(ComputeExtendedMasterSecret(PrfAlgorithm::kMd5Sha1, Bytes(48, 0), *session_hash)),
            "2fe986dadaa9291e794ac91345e4fce784326d3728b498b7bca5da1df315eadf3a69eb9b418fe7d43ce0"
            "e81da0f01083");
}

TEST(KeySchedule, MasterSecretRejectsBadInputs) {
  Bytes pms(48, 1), random(32, 2);
  ExpectInternalError(ComputeMasterSecret(PrfAlgorithm::kSha256, pms, Bytes(31, 2), random)
                          .status(),
                      "client_random: 31 bytes, expected 32");
  ExpectInternalError(ComputeMasterSecret(PrfAlgorithm::kSha256, pms, random, Bytes(33, 2))
                          .status(),
                      "server_random: 33 bytes, expected 32");
  ExpectInternalError(ComputeMasterSecret(PrfAlgorithm::kSha256, Bytes{}, random, random).status(),
                      "pre_master_secret: empty");
  ExpectInternalError(
      ComputeExtendedMasterSecret(PrfAlgorithm::kSha256, pms, Bytes{}).status(),
      "session_hash: empty");
  ExpectInternalError(
      ComputeExtendedMasterSecret(PrfAlgorithm::kSha256, Bytes{}, random).status(),
      "pre_master_secret: empty");
}

// The one master-secret choice: EMS hashes the transcript at the call, else the randoms.
TEST(KeySchedule, MasterSecretChoosesByExtendedMasterSecret) {
  const Bytes pms(48, 1), client_random(32, 2), server_random(32, 3);
  Transcript transcript;
  transcript.Add(Bytes{0x01, 0x00, 0x00, 0x02, 0xaa, 0xbb});  // any bytes: a stand-in hello
  ASSERT_TRUE(transcript.SetAlgorithm(PrfAlgorithm::kSha256).ok());

  Result<Bytes> plain = ComputeMasterSecret(PrfAlgorithm::kSha256, pms, false, client_random,
                                            server_random, transcript);
  EXPECT_EQ(HexOf(plain), HexOf(ComputeMasterSecret(PrfAlgorithm::kSha256, pms, client_random,
                                                    server_random)));

  Result<Bytes> session_hash = transcript.Hash(PrfAlgorithm::kSha256);
  ASSERT_TRUE(session_hash.ok());
  Result<Bytes> extended = ComputeMasterSecret(PrfAlgorithm::kSha256, pms, true, client_random,
                                               server_random, transcript);
  EXPECT_EQ(HexOf(extended),
            HexOf(ComputeExtendedMasterSecret(PrfAlgorithm::kSha256, pms, *session_hash)));
  EXPECT_NE(HexOf(plain), HexOf(extended));

  // EMS does not read the randoms (RFC 7627 4), the classic derivation still checks them.
  EXPECT_TRUE(
      ComputeMasterSecret(PrfAlgorithm::kSha256, pms, true, Bytes{}, Bytes{}, transcript).ok());
  ExpectInternalError(ComputeMasterSecret(PrfAlgorithm::kSha256, pms, false, Bytes(31, 2),
                                          server_random, transcript)
                          .status(),
                      "client_random: 31 bytes, expected 32");
  ExpectInternalError(ComputeMasterSecret(PrfAlgorithm::kSha256, Bytes{}, true, client_random,
                                          server_random, transcript)
                          .status(),
                      "pre_master_secret: empty");
}

// ---- Key block ----

TEST(KeySchedule, KeyBlockUsesServerRandomFirst) {  // cavp-sha384-count0 (key-expansion randoms)
  Bytes master = H("b4d49bfa87747fe815457bc3da15073d6ac73389e703079a3503c09e14bd559a5b3c7c601c73"
                   "65f6ea8c68d3d9596827");
  Bytes client_random = H("954b5fe1849c2ede177438261f099a2fcd884d001b9fe1de754364b1f6a6dd8e");
  Bytes server_random = H("1b1c8568344a65c30828e7483c0e353e2c68641c9551efae6927d9cd627a107c");
  std::string expected =
      "10fd89ef689c7ef033387b8a8f3e5e8e7c11f680f6bdd71fbac3246a73e98d45d03185dde686e6b2369e4503e9"
      "dc5a6d2cee3e2bf2fa3f41d3de57dff3e197c8a9d5f74cc2d277119d894f8584b07a0a5822f0bd68b3433ec6ad"
      "af5c9406c5f3ddbb71bbe17ce98f3d4d5893d3179ef369f57aad908e2bf710639100c3ce7e0c";
  EXPECT_EQ(HexOf(ComputeKeyBlock(PrfAlgorithm::kSha384, master, client_random, server_random,
                                  128)),
            expected);
  // Swapping the randoms must change the output (the seed order is part of the definition).
  Result<Bytes> swapped =
      ComputeKeyBlock(PrfAlgorithm::kSha384, master, server_random, client_random, 128);
  ASSERT_TRUE(swapped.ok());
  EXPECT_NE(ToHex(*swapped), expected);
}

TEST(KeySchedule, KeyBlockSplitForSuite) {  // illustrated-tls12-ecdhe-x25519-aes128cbc-sha
  const CipherSuiteInfo* suite = FindCipherSuite(0xc013);
  ASSERT_NE(suite, nullptr);
  Bytes master = H("916abf9da55973e13614ae0a3f5d3f37b023ba129aee02cc9134338127cd7049781c8e19fc1e"
                   "b2a7387ac06ae237344c");
  Bytes client_random = H("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  Bytes server_random = H("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f");
  Result<Bytes> block = ComputeKeyBlock(*suite, master, client_random, server_random);
  EXPECT_EQ(HexOf(block),
            "1b7d117c7d5f690bc263cae8ef60af0f1878acc22ad8bdd8c601a617126f63540eb20906f781fad2f656"
            "d037b173ef3e11169f27231a84b6752a18e7a9fcb7cbcdd8f98dd8f769eb");
  ASSERT_TRUE(block.ok());
  Result<KeyBlock> keys = SplitKeyBlock(*suite, *block);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(ToHex(keys->client_write.mac_key), "1b7d117c7d5f690bc263cae8ef60af0f1878acc2");
  EXPECT_EQ(ToHex(keys->server_write.mac_key), "2ad8bdd8c601a617126f63540eb20906f781fad2");
  EXPECT_EQ(ToHex(keys->client_write.enc_key), "f656d037b173ef3e11169f27231a84b6");
  EXPECT_EQ(ToHex(keys->server_write.enc_key), "752a18e7a9fcb7cbcdd8f98dd8f769eb");
  EXPECT_TRUE(keys->client_write.fixed_iv.empty());  // TLS 1.2 CBC: explicit IVs only
  EXPECT_TRUE(keys->server_write.fixed_iv.empty());
}

TEST(KeySchedule, KeyBlockSplitForAeadSuiteTakesFixedIvs) {
  // RFC 5288 3: AES-128-GCM takes 16-byte keys and 4-byte salts, no MAC keys. The key block
  // is synthetic (0, 1, 2, ...) so each slice's position is visible.
  const CipherSuiteInfo* suite = FindCipherSuite(0x009c);
  ASSERT_NE(suite, nullptr);
  ASSERT_EQ(suite->KeyBlockLength(), 40u);
  Bytes block(40);
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<uint8_t>(i);
  Result<KeyBlock> keys = SplitKeyBlock(*suite, block);
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->client_write.mac_key.empty());
  EXPECT_EQ(ToHex(keys->client_write.enc_key), "000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(ToHex(keys->server_write.enc_key), "101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(ToHex(keys->client_write.fixed_iv), "20212223");
  EXPECT_EQ(ToHex(keys->server_write.fixed_iv), "24252627");
}

TEST(KeySchedule, KeyBlockRejectsBadInputs) {
  const CipherSuiteInfo* suite = FindCipherSuite(0xc013);
  ASSERT_NE(suite, nullptr);
  Bytes master(48, 1), random(32, 2);
  ExpectInternalError(SplitKeyBlock(*suite, Bytes(71, 0)).status(), "71 bytes, expected 72");
  ExpectInternalError(SplitKeyBlock(*suite, Bytes(73, 0)).status(), "73 bytes, expected 72");
  ExpectInternalError(
      ComputeKeyBlock(PrfAlgorithm::kSha256, Bytes(47, 1), random, random, 72).status(),
      "master_secret: 47 bytes, expected 48");
  ExpectInternalError(
      ComputeKeyBlock(PrfAlgorithm::kSha256, master, Bytes(0, 0), random, 72).status(),
      "client_random: 0 bytes");
  ExpectInternalError(ComputeKeyBlock(PrfAlgorithm::kSha256, master, random, random, 0).status(),
                      "length 0");
}

// ---- Finished ----

TEST(KeySchedule, VerifyDataTls12) {  // tlslite-ng-finished-tls12-sha256
  Bytes master(48, 0);
  Result<Bytes> hash = HandshakeHash(PrfAlgorithm::kSha256, Bytes(10, 0));
  EXPECT_EQ(HexOf(hash), "01d448afd928065458cf670b60f5a594d735af0172c8d67f22a81680132681ca");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(HexOf(ComputeVerifyData(PrfAlgorithm::kSha256, master, Side::kClient, *hash)),
            "8e8c7e036c5524539f7a5ccc");
  EXPECT_EQ(HexOf(ComputeVerifyData(PrfAlgorithm::kSha256, master, Side::kServer, *hash)),
            "a8f1df38737ced555c5a3d55");
}

TEST(KeySchedule, VerifyDataTls10) {  // tlslite-ng-finished-tls10
  Bytes master(48, 0);
  Bytes hash = H("a63c90cc3684ad8b0a2176a6a8fe90059694c4ebd673a5e2fd26e4b2e64f92e914ebd95f");
  EXPECT_EQ(HexOf(HandshakeHash(PrfAlgorithm::kMd5Sha1, Bytes(10, 0))), ToHex(hash));
  EXPECT_EQ(HexOf(ComputeVerifyData(PrfAlgorithm::kMd5Sha1, master, Side::kClient, hash)),
            "f84e8a8d78b8fe9e310b8a23");
  EXPECT_EQ(HexOf(ComputeVerifyData(PrfAlgorithm::kMd5Sha1, master, Side::kServer, hash)),
            "6b5942ce207fbbeee5e73c9d");
}

TEST(KeySchedule, VerifyDataRejectsBadInputs) {
  ExpectInternalError(ComputeVerifyData(PrfAlgorithm::kSha256, Bytes(48, 0),
                                        Side::kClient, Bytes(36, 0))
                          .status(),
                      "handshake_hash: 36 bytes, expected 32");
  ExpectInternalError(ComputeVerifyData(PrfAlgorithm::kMd5Sha1, Bytes(48, 0),
                                        Side::kClient, Bytes(32, 0))
                          .status(),
                      "handshake_hash: 32 bytes, expected 36");
  ExpectInternalError(ComputeVerifyData(PrfAlgorithm::kSha256, Bytes(49, 0),
                                        Side::kServer, Bytes(32, 0))
                          .status(),
                      "master_secret: 49 bytes, expected 48");
}

// ---- Transcript ----

// Three fake handshake messages of different lengths.
std::vector<Bytes> Messages() {
  return {H("0100000401020304"), H("020000020506"), Bytes(300, 0xab)};
}

Bytes Concat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const Bytes& p : parts) Append(out, p);
  return out;
}

TEST(Transcript, HashMatchesOneShotBeforeAndAfterSetAlgorithm) {
  const PrfAlgorithm kAll[] = {PrfAlgorithm::kMd5Sha1, PrfAlgorithm::kSha224,
                               PrfAlgorithm::kSha256,  PrfAlgorithm::kSha384,
                               PrfAlgorithm::kSha512,  PrfAlgorithm::kSha512_256};
  std::vector<Bytes> messages = Messages();
  for (PrfAlgorithm prf : kAll) {
    SCOPED_TRACE(std::string(PrfAlgorithmName(prf)));
    Transcript t;
    t.Add(messages[0]);
    // Before the algorithm is fixed: hashed from the buffer.
    EXPECT_EQ(HexOf(t.Hash(prf)), HexOf(HandshakeHash(prf, messages[0])));
    ASSERT_TRUE(t.SetAlgorithm(prf).ok());
    EXPECT_EQ(t.algorithm(), prf);
    EXPECT_EQ(HexOf(t.Hash(prf)), HexOf(HandshakeHash(prf, messages[0])));
    t.Add(messages[1]);
    t.Add(messages[2]);
    Result<Bytes> all = t.Hash(prf);
    EXPECT_EQ(HexOf(all), HexOf(HandshakeHash(prf, Concat(messages))));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), HandshakeHashLength(prf));
    EXPECT_EQ(t.messages(), Concat(messages));
  }
}

TEST(Transcript, KnownSha256AndMd5Sha1OfTenZeroBytes) {  // tlslite-ng-finished-tls12-sha256/tls10
  Transcript t;
  ASSERT_TRUE(t.SetAlgorithm(PrfAlgorithm::kSha256).ok());
  t.Add(Bytes(4, 0));
  t.Add(Bytes(6, 0));
  EXPECT_EQ(HexOf(t.Hash(PrfAlgorithm::kSha256)),
            "01d448afd928065458cf670b60f5a594d735af0172c8d67f22a81680132681ca");
  Transcript legacy;
  legacy.Add(Bytes(10, 0));
  ASSERT_TRUE(legacy.SetAlgorithm(PrfAlgorithm::kMd5Sha1).ok());
  Result<Bytes> h = legacy.Hash(PrfAlgorithm::kMd5Sha1);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 36u);
  EXPECT_EQ(ToHex(*h), "a63c90cc3684ad8b0a2176a6a8fe90059694c4ebd673a5e2fd26e4b2e64f92e914ebd95f");
}

TEST(Transcript, HashDoesNotDisturbRunningState) {
  std::vector<Bytes> messages = Messages();
  Transcript t;
  ASSERT_TRUE(t.SetAlgorithm(PrfAlgorithm::kSha256).ok());
  t.Add(messages[0]);
  ASSERT_TRUE(t.Hash(PrfAlgorithm::kSha256).ok());
  ASSERT_TRUE(t.Hash(PrfAlgorithm::kSha256).ok());
  t.Add(messages[1]);
  ASSERT_TRUE(t.Hash(PrfAlgorithm::kSha384).ok());  // another hash: one-shot, no side effects
  t.Add(messages[2]);
  EXPECT_EQ(HexOf(t.Hash(PrfAlgorithm::kSha256)),
            HexOf(HandshakeHash(PrfAlgorithm::kSha256, Concat(messages))));
}

TEST(Transcript, CopiesForkIndependently) {
  std::vector<Bytes> messages = Messages();
  Transcript a;
  ASSERT_TRUE(a.SetAlgorithm(PrfAlgorithm::kMd5Sha1).ok());
  a.Add(messages[0]);
  Transcript b = a;  // fork
  b.Add(messages[2]);
  a.Add(messages[1]);
  EXPECT_EQ(HexOf(a.Hash(PrfAlgorithm::kMd5Sha1)),
            HexOf(HandshakeHash(PrfAlgorithm::kMd5Sha1, Concat({messages[0], messages[1]}))));
  EXPECT_EQ(HexOf(b.Hash(PrfAlgorithm::kMd5Sha1)),
            HexOf(HandshakeHash(PrfAlgorithm::kMd5Sha1, Concat({messages[0], messages[2]}))));
  Transcript c;
  c = b;  // copy assignment
  c.Add(messages[1]);
  EXPECT_EQ(HexOf(c.Hash(PrfAlgorithm::kMd5Sha1)),
            HexOf(HandshakeHash(PrfAlgorithm::kMd5Sha1,
                                Concat({messages[0], messages[2], messages[1]}))));
  EXPECT_EQ(b.messages(), Concat({messages[0], messages[2]}));
  EXPECT_EQ(c.algorithm(), PrfAlgorithm::kMd5Sha1);
}

TEST(Transcript, AlgorithmCannotChange) {
  Transcript t;
  EXPECT_FALSE(t.algorithm().has_value());
  ASSERT_TRUE(t.SetAlgorithm(PrfAlgorithm::kSha256).ok());
  EXPECT_TRUE(t.SetAlgorithm(PrfAlgorithm::kSha256).ok());
  ExpectInternalError(t.SetAlgorithm(PrfAlgorithm::kSha384), "cannot change to sha384");
  EXPECT_EQ(t.algorithm(), PrfAlgorithm::kSha256);
}

TEST(Transcript, EmptyTranscriptHashesEmptyInput) {
  Transcript t;
  // SHA-256("") is the FIPS 180-4 empty-message digest.
  EXPECT_EQ(HexOf(t.Hash(PrfAlgorithm::kSha256)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace shakedown
