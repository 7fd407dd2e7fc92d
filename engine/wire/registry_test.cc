#include "engine/wire/registry.h"

#include <gtest/gtest.h>

#include <set>

namespace shakedown {
namespace {

constexpr Registry kAll[] = {
    Registry::kContentType,      Registry::kHandshakeType,   Registry::kProtocolVersion,
    Registry::kCipherSuite,      Registry::kNamedGroup,      Registry::kSignatureScheme,
    Registry::kExtensionType,    Registry::kAlertDescription, Registry::kClientCertificateType,
    Registry::kEcPointFormat,
};

TEST(Registry, EveryTableIsSortedUniqueAndRoundTrips) {
  for (Registry r : kAll) {
    size_t n = 0;
    const RegistryEntry* e = RegistryEntries(r, &n);
    ASSERT_GT(n, 0u) << RegistryLabel(r);
    std::set<std::string_view> names;
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) {
        EXPECT_LT(e[i - 1].value, e[i].value) << RegistryLabel(r) << " " << e[i].name;
      }
      EXPECT_TRUE(names.insert(e[i].name).second) << "duplicate name " << e[i].name;
      EXPECT_EQ(*ValueOf(r, e[i].name), e[i].value);
      EXPECT_EQ(*NameOf(r, e[i].value), e[i].name);
    }
  }
}

TEST(Registry, KnownIanaNumbers) {
  EXPECT_EQ(*ValueOf(Registry::kHandshakeType, "client_key_exchange"), 16);
  EXPECT_EQ(*ValueOf(Registry::kExtensionType, "renegotiation_info"), 0xff01);
  EXPECT_EQ(*ValueOf(Registry::kExtensionType, "extended_master_secret"), 23);
  EXPECT_EQ(*ValueOf(Registry::kNamedGroup, "x25519"), 29);
  EXPECT_EQ(*ValueOf(Registry::kSignatureScheme, "rsa_pss_rsae_sha256"), 0x0804);
  EXPECT_EQ(*ValueOf(Registry::kCipherSuite, "TLS_FALLBACK_SCSV"), 0x5600);
  EXPECT_EQ(*ValueOf(Registry::kCipherSuite, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"), 0x00ff);
  EXPECT_EQ(*ValueOf(Registry::kAlertDescription, "bad_record_mac"), 20);
  EXPECT_EQ(*ValueOf(Registry::kProtocolVersion, "TLSv1.2"), 0x0303);
}

TEST(Registry, UnknownValuesAndNames) {
  EXPECT_FALSE(NameOf(Registry::kHandshakeType, 99).has_value());
  EXPECT_FALSE(ValueOf(Registry::kCipherSuite, "TLS_RSA_WITH_AES_128_GCM").has_value());
  EXPECT_EQ(Describe(Registry::kExtensionType, 0x1234), "extension type 0x1234");
  EXPECT_EQ(Describe(HandshakeType::kFinished), "finished");
}

TEST(CipherSuites, KeyBlockLayoutsMatchTheRfcs) {
  // RFC 5246 6.3 with App. C lengths: AES-128-CBC-SHA has 2*(20+16) bytes, no IVs in TLS 1.2.
  const CipherSuiteInfo* cbc = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
  ASSERT_NE(cbc, nullptr);
  EXPECT_EQ(cbc->id, 0xc013);
  EXPECT_EQ(cbc->KeyBlockLength(), 72u);
  // RFC 5288 3: GCM takes a 4-byte salt from the key block.
  const CipherSuiteInfo* gcm = FindCipherSuite(0x009d);
  ASSERT_NE(gcm, nullptr);
  EXPECT_EQ(gcm->name, "TLS_RSA_WITH_AES_256_GCM_SHA384");
  EXPECT_EQ(gcm->prf, PrfHash::kSha384);
  EXPECT_EQ(gcm->KeyBlockLength(), 72u);
  // RFC 7905 2: ChaCha20-Poly1305 takes a 12-byte IV.
  const CipherSuiteInfo* chacha = FindCipherSuite(0xcca8);
  ASSERT_NE(chacha, nullptr);
  EXPECT_EQ(chacha->KeyBlockLength(), 88u);
  EXPECT_EQ(chacha->record_iv_length, 0);
}

TEST(CipherSuites, EverySuiteTheIssuesNameIsSupported) {
  for (const char* name : {
           "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
           "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
           "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
           "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}) {
    const CipherSuiteInfo* s = FindCipherSuite(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_TRUE(s->engine_supported) << name;
  }
  EXPECT_FALSE(FindCipherSuite("TLS_RSA_WITH_RC4_128_SHA")->engine_supported);
}

}  // namespace
}  // namespace shakedown
