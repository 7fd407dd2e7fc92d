// IANA registries the engine and the scenario language name things by: content types,
// handshake types, protocol versions, cipher suites, named groups, signature schemes,
// extension types, alert descriptions, certificate types and EC point formats.
// Each is a table of (number, IANA name); cipher suites also carry their algorithms and
// key-block layout, so every layer reads one source of truth.
#ifndef SHAKEDOWN_ENGINE_WIRE_REGISTRY_H_
#define SHAKEDOWN_ENGINE_WIRE_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shakedown {

// RFC 5246 6.2.1 ContentType.
enum class ContentType : uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
  kHeartbeat = 24,  // RFC 6520
};

// RFC 5246 7.4 HandshakeType (+ later registrations).
enum class HandshakeType : uint8_t {
  kHelloRequest = 0,
  kClientHello = 1,
  kServerHello = 2,
  kHelloVerifyRequest = 3,
  kNewSessionTicket = 4,
  kEndOfEarlyData = 5,
  kEncryptedExtensions = 8,
  kCertificate = 11,
  kServerKeyExchange = 12,
  kCertificateRequest = 13,
  kServerHelloDone = 14,
  kCertificateVerify = 15,
  kClientKeyExchange = 16,
  kFinished = 20,
  kCertificateUrl = 21,
  kCertificateStatus = 22,
  kKeyUpdate = 24,
  kMessageHash = 254,
};

// ProtocolVersion {major, minor} as one 16-bit number.
enum class ProtocolVersion : uint16_t {
  kSsl30 = 0x0300,
  kTls10 = 0x0301,
  kTls11 = 0x0302,
  kTls12 = 0x0303,
  kTls13 = 0x0304,
};

enum class NamedGroup : uint16_t {
  kSecp192r1 = 19,
  kSecp224r1 = 21,
  kSecp256r1 = 23,
  kSecp384r1 = 24,
  kSecp521r1 = 25,
  kX25519 = 29,
  kX448 = 30,
  kFfdhe2048 = 256,
  kFfdhe3072 = 257,
  kFfdhe4096 = 258,
  kFfdhe6144 = 259,
  kFfdhe8192 = 260,
};

// RFC 8446 4.2.3 SignatureScheme; in TLS 1.2 the same code points are the
// SignatureAndHashAlgorithm pairs of RFC 5246 7.4.1.4.1 (hash byte, signature byte).
enum class SignatureScheme : uint16_t {
  kRsaPkcs1Md5 = 0x0101,
  kRsaPkcs1Sha1 = 0x0201,
  kEcdsaSha1 = 0x0203,
  kRsaPkcs1Sha224 = 0x0301,
  kEcdsaSha224 = 0x0303,
  kRsaPkcs1Sha256 = 0x0401,
  kDsaSha256 = 0x0402,
  kEcdsaSecp256r1Sha256 = 0x0403,
  kRsaPkcs1Sha384 = 0x0501,
  kEcdsaSecp384r1Sha384 = 0x0503,
  kRsaPkcs1Sha512 = 0x0601,
  kEcdsaSecp521r1Sha512 = 0x0603,
  kRsaPssRsaeSha256 = 0x0804,
  kRsaPssRsaeSha384 = 0x0805,
  kRsaPssRsaeSha512 = 0x0806,
  kEd25519 = 0x0807,
  kEd448 = 0x0808,
  kRsaPssPssSha256 = 0x0809,
  kRsaPssPssSha384 = 0x080a,
  kRsaPssPssSha512 = 0x080b,
};

enum class ExtensionType : uint16_t {
  kServerName = 0,
  kMaxFragmentLength = 1,
  kStatusRequest = 5,
  kSupportedGroups = 10,
  kEcPointFormats = 11,
  kSignatureAlgorithms = 13,
  kUseSrtp = 14,
  kHeartbeat = 15,
  kApplicationLayerProtocolNegotiation = 16,
  kSignedCertificateTimestamp = 18,
  kPadding = 21,
  kEncryptThenMac = 22,
  kExtendedMasterSecret = 23,
  kRecordSizeLimit = 28,  // RFC 8449
  kSessionTicket = 35,
  kSupportedVersions = 43,
  kKeyShare = 51,
  kRenegotiationInfo = 0xff01,
};

// RFC 5246 7.4.4 ClientCertificateType, RFC 8422 5.5.
enum class ClientCertificateType : uint8_t {
  kRsaSign = 1,
  kDssSign = 2,
  kRsaFixedDh = 3,
  kDssFixedDh = 4,
  kEcdsaSign = 64,
  kRsaFixedEcdh = 65,
  kEcdsaFixedEcdh = 66,
};

// RFC 8422 5.1.2 ECPointFormat.
enum class EcPointFormat : uint8_t {
  kUncompressed = 0,
  kAnsiX962CompressedPrime = 1,
  kAnsiX962CompressedChar2 = 2,
};

// Special cipher suite values that are signals, not suites.
inline constexpr uint16_t kEmptyRenegotiationInfoScsv = 0x00ff;  // RFC 5746 3.3
inline constexpr uint16_t kFallbackScsv = 0x5600;                // RFC 7507

// ---- Generic (number, name) registries ----

enum class Registry {
  kContentType,
  kHandshakeType,
  kProtocolVersion,
  kCipherSuite,
  kNamedGroup,
  kSignatureScheme,
  kExtensionType,
  kAlertDescription,
  kClientCertificateType,
  kEcPointFormat,
};

struct RegistryEntry {
  uint16_t value;
  std::string_view name;
};

// The entries of a registry, in numeric order.
const RegistryEntry* RegistryEntries(Registry registry, size_t* count_out);
// What a registry is called in messages ("cipher suite", "named group", ...).
std::string_view RegistryLabel(Registry registry);
std::optional<std::string_view> NameOf(Registry registry, uint16_t value);
std::optional<uint16_t> ValueOf(Registry registry, std::string_view name);
// The IANA name, or "<label> 0x1234" for a value the registry does not know: for traces.
std::string Describe(Registry registry, uint16_t value);

inline std::string Describe(HandshakeType t) {
  return Describe(Registry::kHandshakeType, static_cast<uint16_t>(t));
}
inline std::string Describe(ContentType t) {
  return Describe(Registry::kContentType, static_cast<uint16_t>(t));
}
inline std::string Describe(ProtocolVersion v) {
  return Describe(Registry::kProtocolVersion, static_cast<uint16_t>(v));
}
inline std::string Describe(ExtensionType t) {
  return Describe(Registry::kExtensionType, static_cast<uint16_t>(t));
}

// ---- Cipher suites ----

enum class KeyExchange { kNull, kRsa, kDheRsa, kEcdheRsa, kEcdheEcdsa, kDhAnon, kTls13 };
enum class BulkCipher {
  kNull,
  kRc4_128,
  kTripleDesEdeCbc,
  kAes128Cbc,
  kAes256Cbc,
  kAes128Gcm,
  kAes256Gcm,
  kAes128Ccm,  // RFC 6655: the tag length (16, or 8 for _CCM_8) is mac_length
  kAes256Ccm,
  kChaCha20Poly1305,
};
enum class CipherType { kStream, kBlock, kAead };
enum class MacAlgorithm { kNull, kMd5, kSha1, kSha256, kSha384, kAead };
enum class PrfHash { kSha256, kSha384 };

struct CipherSuiteInfo {
  uint16_t id;
  std::string_view name;  // IANA name
  KeyExchange key_exchange;
  BulkCipher cipher;
  CipherType cipher_type;
  MacAlgorithm mac;
  PrfHash prf;  // TLS 1.2 PRF hash (RFC 5246 5; SHA-256 unless the suite says otherwise)
  // Key block layout, RFC 5246 6.3 and RFC 5288/7905: the key block is
  // client MAC key, server MAC key, client key, server key, client IV, server IV.
  uint8_t mac_key_length;
  uint8_t enc_key_length;
  uint8_t fixed_iv_length;   // implicit IV part from the key block (AEAD)
  uint8_t record_iv_length;  // explicit per-record IV/nonce (CBC: block size; GCM, CCM: 8)
  uint8_t mac_length;        // HMAC output or AEAD tag length
  uint8_t block_length;      // cipher block size; 0 for stream and AEAD ciphers
  // Whether the engine can negotiate this suite. Others exist so vectors can offer them
  // (RC4, export, anonymous, NULL, TLS 1.3) and expect a refusal.
  bool engine_supported;

  size_t KeyBlockLength() const {
    return 2u * (mac_key_length + enc_key_length + fixed_iv_length);
  }
  bool IsEcdhe() const {
    return key_exchange == KeyExchange::kEcdheRsa || key_exchange == KeyExchange::kEcdheEcdsa;
  }
  bool IsDhe() const { return key_exchange == KeyExchange::kDheRsa; }
  bool IsCcm() const {
    return cipher == BulkCipher::kAes128Ccm || cipher == BulkCipher::kAes256Ccm;
  }
  // A ServerKeyExchange carries ephemeral (EC)DH parameters (RFC 5246 7.4.3).
  bool IsEphemeral() const { return IsEcdhe() || IsDhe(); }
};

const CipherSuiteInfo* CipherSuiteTable(size_t* count_out);
const CipherSuiteInfo* FindCipherSuite(uint16_t id);
const CipherSuiteInfo* FindCipherSuite(std::string_view name);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_REGISTRY_H_
