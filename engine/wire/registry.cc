#include "engine/wire/registry.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <vector>

#include "engine/base/alert.h"

namespace shakedown {
namespace {

constexpr RegistryEntry kContentTypes[] = {
    {20, "change_cipher_spec"}, {21, "alert"}, {22, "handshake"},
    {23, "application_data"},   {24, "heartbeat"},
};

constexpr RegistryEntry kHandshakeTypes[] = {
    {0, "hello_request"},        {1, "client_hello"},
    {2, "server_hello"},         {3, "hello_verify_request"},
    {4, "new_session_ticket"},   {5, "end_of_early_data"},
    {8, "encrypted_extensions"}, {11, "certificate"},
    {12, "server_key_exchange"}, {13, "certificate_request"},
    {14, "server_hello_done"},   {15, "certificate_verify"},
    {16, "client_key_exchange"}, {20, "finished"},
    {21, "certificate_url"},     {22, "certificate_status"},
    {24, "key_update"},          {254, "message_hash"},
};

constexpr RegistryEntry kProtocolVersions[] = {
    {0x0300, "SSLv3"}, {0x0301, "TLSv1.0"}, {0x0302, "TLSv1.1"},
    {0x0303, "TLSv1.2"}, {0x0304, "TLSv1.3"},
};

constexpr RegistryEntry kNamedGroups[] = {
    {19, "secp192r1"}, {21, "secp224r1"}, {23, "secp256r1"},  {24, "secp384r1"},
    {25, "secp521r1"}, {29, "x25519"},    {30, "x448"},       {256, "ffdhe2048"},
    {257, "ffdhe3072"}, {258, "ffdhe4096"}, {259, "ffdhe6144"}, {260, "ffdhe8192"},
};

constexpr RegistryEntry kSignatureSchemes[] = {
    {0x0101, "rsa_pkcs1_md5"},          {0x0201, "rsa_pkcs1_sha1"},
    {0x0203, "ecdsa_sha1"},             {0x0301, "rsa_pkcs1_sha224"},
    {0x0303, "ecdsa_sha224"},           {0x0401, "rsa_pkcs1_sha256"},
    {0x0402, "dsa_sha256"},             {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},       {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},       {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},    {0x0807, "ed25519"},
    {0x0808, "ed448"},                  {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},     {0x080b, "rsa_pss_pss_sha512"},
};

constexpr RegistryEntry kExtensionTypes[] = {
    {0, "server_name"},
    {1, "max_fragment_length"},
    {5, "status_request"},
    {10, "supported_groups"},
    {11, "ec_point_formats"},
    {13, "signature_algorithms"},
    {14, "use_srtp"},
    {15, "heartbeat"},
    {16, "application_layer_protocol_negotiation"},
    {18, "signed_certificate_timestamp"},
    {21, "padding"},
    {22, "encrypt_then_mac"},
    {23, "extended_master_secret"},
    {28, "record_size_limit"},
    {35, "session_ticket"},
    {43, "supported_versions"},
    {51, "key_share"},
    {0xff01, "renegotiation_info"},
};

constexpr RegistryEntry kClientCertificateTypes[] = {
    {1, "rsa_sign"},        {2, "dss_sign"},         {3, "rsa_fixed_dh"},
    {4, "dss_fixed_dh"},    {64, "ecdsa_sign"},      {65, "rsa_fixed_ecdh"},
    {66, "ecdsa_fixed_ecdh"},
};

constexpr RegistryEntry kEcPointFormats[] = {
    {0, "uncompressed"},
    {1, "ansiX962_compressed_prime"},
    {2, "ansiX962_compressed_char2"},
};

using KX = KeyExchange;
using BC = BulkCipher;
using CT = CipherType;
using MA = MacAlgorithm;
constexpr PrfHash k256 = PrfHash::kSha256;
constexpr PrfHash k384 = PrfHash::kSha384;

// Lengths per RFC 5246 App. C, RFC 5288 3 (GCM: 4-byte salt, 8-byte explicit nonce),
// RFC 7905 2 (ChaCha20-Poly1305: 12-byte fixed IV, no explicit nonce), RFC 6655 3 and RFC 7251 2
// (CCM: as GCM, with a 16-byte tag, or 8 bytes for _CCM_8; the SHA-256 PRF).
//  id, name, kx, cipher, type, mac, prf, mac_key, key, fixed_iv, record_iv, mac_len, block, ok
constexpr CipherSuiteInfo kCipherSuites[] = {
    {0x0000, "TLS_NULL_WITH_NULL_NULL", KX::kNull, BC::kNull, CT::kStream, MA::kNull, k256, 0, 0, 0, 0, 0, 0, false},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", KX::kRsa, BC::kRc4_128, CT::kStream, MA::kMd5, k256, 16, 5, 0, 0, 16, 0, false},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", KX::kRsa, BC::kRc4_128, CT::kStream, MA::kMd5, k256, 16, 16, 0, 0, 16, 0, false},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", KX::kRsa, BC::kRc4_128, CT::kStream, MA::kSha1, k256, 20, 16, 0, 0, 20, 0, false},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", KX::kRsa, BC::kTripleDesEdeCbc, CT::kBlock, MA::kSha1, k256, 20, 24, 0, 8, 20, 8, false},
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", KX::kDhAnon, BC::kRc4_128, CT::kStream, MA::kMd5, k256, 16, 16, 0, 0, 16, 0, false},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", KX::kRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha1, k256, 20, 16, 0, 16, 20, 16, true},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", KX::kDheRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha1, k256, 20, 16, 0, 16, 20, 16, true},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", KX::kDhAnon, BC::kAes128Cbc, CT::kBlock, MA::kSha1, k256, 20, 16, 0, 16, 20, 16, false},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", KX::kRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha1, k256, 20, 32, 0, 16, 20, 16, true},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", KX::kDheRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha1, k256, 20, 32, 0, 16, 20, 16, true},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", KX::kRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha256, k256, 32, 16, 0, 16, 32, 16, true},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", KX::kRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha256, k256, 32, 32, 0, 16, 32, 16, true},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", KX::kDheRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha256, k256, 32, 16, 0, 16, 32, 16, true},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", KX::kDheRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha256, k256, 32, 32, 0, 16, 32, 16, true},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", KX::kRsa, BC::kAes128Gcm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", KX::kRsa, BC::kAes256Gcm, CT::kAead, MA::kAead, k384, 0, 32, 4, 8, 16, 0, true},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", KX::kDheRsa, BC::kAes128Gcm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", KX::kDheRsa, BC::kAes256Gcm, CT::kAead, MA::kAead, k384, 0, 32, 4, 8, 16, 0, true},
    {0x1301, "TLS_AES_128_GCM_SHA256", KX::kTls13, BC::kAes128Gcm, CT::kAead, MA::kAead, k256, 0, 16, 12, 0, 16, 0, false},
    {0x1302, "TLS_AES_256_GCM_SHA384", KX::kTls13, BC::kAes256Gcm, CT::kAead, MA::kAead, k384, 0, 32, 12, 0, 16, 0, false},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", KX::kTls13, BC::kChaCha20Poly1305, CT::kAead, MA::kAead, k256, 0, 32, 12, 0, 16, 0, false},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", KX::kEcdheEcdsa, BC::kAes128Cbc, CT::kBlock, MA::kSha1, k256, 20, 16, 0, 16, 20, 16, true},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", KX::kEcdheEcdsa, BC::kAes256Cbc, CT::kBlock, MA::kSha1, k256, 20, 32, 0, 16, 20, 16, true},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", KX::kEcdheRsa, BC::kRc4_128, CT::kStream, MA::kSha1, k256, 20, 16, 0, 0, 20, 0, false},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", KX::kEcdheRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha1, k256, 20, 16, 0, 16, 20, 16, true},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", KX::kEcdheRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha1, k256, 20, 32, 0, 16, 20, 16, true},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", KX::kEcdheEcdsa, BC::kAes128Cbc, CT::kBlock, MA::kSha256, k256, 32, 16, 0, 16, 32, 16, true},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", KX::kEcdheEcdsa, BC::kAes256Cbc, CT::kBlock, MA::kSha384, k384, 48, 32, 0, 16, 48, 16, true},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", KX::kEcdheRsa, BC::kAes128Cbc, CT::kBlock, MA::kSha256, k256, 32, 16, 0, 16, 32, 16, true},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", KX::kEcdheRsa, BC::kAes256Cbc, CT::kBlock, MA::kSha384, k384, 48, 32, 0, 16, 48, 16, true},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", KX::kEcdheEcdsa, BC::kAes128Gcm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", KX::kEcdheEcdsa, BC::kAes256Gcm, CT::kAead, MA::kAead, k384, 0, 32, 4, 8, 16, 0, true},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", KX::kEcdheRsa, BC::kAes128Gcm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", KX::kEcdheRsa, BC::kAes256Gcm, CT::kAead, MA::kAead, k384, 0, 32, 4, 8, 16, 0, true},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM", KX::kRsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM", KX::kRsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 16, 0, true},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", KX::kDheRsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", KX::kDheRsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 16, 0, true},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", KX::kRsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 8, 0, true},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", KX::kRsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 8, 0, true},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", KX::kDheRsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 8, 0, true},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", KX::kDheRsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 8, 0, true},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", KX::kEcdheEcdsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 16, 0, true},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", KX::kEcdheEcdsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 16, 0, true},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", KX::kEcdheEcdsa, BC::kAes128Ccm, CT::kAead, MA::kAead, k256, 0, 16, 4, 8, 8, 0, true},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", KX::kEcdheEcdsa, BC::kAes256Ccm, CT::kAead, MA::kAead, k256, 0, 32, 4, 8, 8, 0, true},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", KX::kEcdheRsa, BC::kChaCha20Poly1305, CT::kAead, MA::kAead, k256, 0, 32, 12, 0, 16, 0, true},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", KX::kEcdheEcdsa, BC::kChaCha20Poly1305, CT::kAead, MA::kAead, k256, 0, 32, 12, 0, 16, 0, true},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", KX::kDheRsa, BC::kChaCha20Poly1305, CT::kAead, MA::kAead, k256, 0, 32, 12, 0, 16, 0, true},
};

// Cipher-suite registry entries: the suites plus the two signalling values, in numeric order.
const std::vector<RegistryEntry>& CipherSuiteEntries() {
  static const std::vector<RegistryEntry>* entries = [] {
    auto* v = new std::vector<RegistryEntry>{
        {kEmptyRenegotiationInfoScsv, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
        {kFallbackScsv, "TLS_FALLBACK_SCSV"},
    };
    for (const CipherSuiteInfo& s : kCipherSuites) v->push_back({s.id, s.name});
    std::sort(v->begin(), v->end(),
              [](const RegistryEntry& a, const RegistryEntry& b) { return a.value < b.value; });
    return v;
  }();
  return *entries;
}

const std::vector<RegistryEntry>& AlertEntries() {
  static const std::vector<RegistryEntry>* entries = [] {
    auto* v = new std::vector<RegistryEntry>();
    size_t n = 0;
    const AlertInfo* table = AlertTable(&n);
    for (size_t i = 0; i < n; ++i) {
      v->push_back({static_cast<uint16_t>(table[i].description), table[i].name});
    }
    return v;
  }();
  return *entries;
}

template <size_t N>
const RegistryEntry* Table(const RegistryEntry (&table)[N], size_t* count_out) {
  *count_out = N;
  return table;
}

}  // namespace

const RegistryEntry* RegistryEntries(Registry registry, size_t* count_out) {
  switch (registry) {
    case Registry::kContentType: return Table(kContentTypes, count_out);
    case Registry::kHandshakeType: return Table(kHandshakeTypes, count_out);
    case Registry::kProtocolVersion: return Table(kProtocolVersions, count_out);
    case Registry::kNamedGroup: return Table(kNamedGroups, count_out);
    case Registry::kSignatureScheme: return Table(kSignatureSchemes, count_out);
    case Registry::kExtensionType: return Table(kExtensionTypes, count_out);
    case Registry::kClientCertificateType: return Table(kClientCertificateTypes, count_out);
    case Registry::kEcPointFormat: return Table(kEcPointFormats, count_out);
    case Registry::kCipherSuite:
      *count_out = CipherSuiteEntries().size();
      return CipherSuiteEntries().data();
    case Registry::kAlertDescription:
      *count_out = AlertEntries().size();
      return AlertEntries().data();
  }
  *count_out = 0;
  return nullptr;
}

std::string_view RegistryLabel(Registry registry) {
  switch (registry) {
    case Registry::kContentType: return "content type";
    case Registry::kHandshakeType: return "handshake type";
    case Registry::kProtocolVersion: return "protocol version";
    case Registry::kCipherSuite: return "cipher suite";
    case Registry::kNamedGroup: return "named group";
    case Registry::kSignatureScheme: return "signature scheme";
    case Registry::kExtensionType: return "extension type";
    case Registry::kAlertDescription: return "alert description";
    case Registry::kClientCertificateType: return "client certificate type";
    case Registry::kEcPointFormat: return "EC point format";
  }
  return "registry";
}

std::optional<std::string_view> NameOf(Registry registry, uint16_t value) {
  size_t n = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &n);
  for (size_t i = 0; i < n; ++i) {
    if (entries[i].value == value) return entries[i].name;
  }
  return std::nullopt;
}

std::optional<uint16_t> ValueOf(Registry registry, std::string_view name) {
  size_t n = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &n);
  for (size_t i = 0; i < n; ++i) {
    if (entries[i].name == name) return entries[i].value;
  }
  return std::nullopt;
}

std::string Describe(Registry registry, uint16_t value) {
  if (auto name = NameOf(registry, value)) return std::string(*name);
  char buf[16];
  std::snprintf(buf, sizeof buf, " 0x%04x", value);
  return std::string(RegistryLabel(registry)) + buf;
}

const CipherSuiteInfo* CipherSuiteTable(size_t* count_out) {
  *count_out = std::size(kCipherSuites);
  return kCipherSuites;
}

const CipherSuiteInfo* FindCipherSuite(uint16_t id) {
  for (const CipherSuiteInfo& s : kCipherSuites) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const CipherSuiteInfo* FindCipherSuite(std::string_view name) {
  for (const CipherSuiteInfo& s : kCipherSuites) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace shakedown
