// Key exchange for TLS 1.2: RSA key transport of the pre-master secret (RFC 5246 7.4.7.1)
// and ephemeral ECDH over x25519 (RFC 7748) and the NIST curves secp256r1/secp384r1/secp521r1
// (RFC 8422). Botan does the arithmetic; this layer adds the TLS encodings and the checks the
// RFCs require on peer values, and maps every failure to the alert it should produce.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_KEY_EXCHANGE_H_
#define SHAKEDOWN_ENGINE_CRYPTO_KEY_EXCHANGE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace Botan {
class Private_Key;
class Public_Key;
class RandomNumberGenerator;
}  // namespace Botan

namespace shakedown {

// ---- RSA key transport ----

// RFC 5246 7.4.7.1: struct { ProtocolVersion client_version; opaque random[46]; }.
inline constexpr size_t kRsaPreMasterSecretLength = 48;

// client_version || 46 random bytes. client_version is the version offered in the
// ClientHello, not the negotiated one (RFC 5246 7.4.7.1).
Bytes MakeRsaPreMasterSecret(uint16_t client_version, Botan::RandomNumberGenerator& rng);

// RSAES-PKCS1-v1_5 encryption of `pre_master_secret` to the server's key. Any length that
// fits the key is accepted, so scripted peers can send wrong-length secrets on purpose.
// Errors: a non-RSA key -> unsupported_certificate; too long -> internal_error.
Result<Bytes> EncryptPreMasterSecret(const Botan::Public_Key& server_key,
                                     ByteView pre_master_secret, Botan::RandomNumberGenerator& rng);

// Textbook RSA (m^e mod n) of a caller-built block, left-padded to the modulus length. For
// negative vectors that need malformed PKCS#1 padding (the ROBOT matrix, checklist 45b).
// `block` must be numerically less than n; a non-RSA key -> unsupported_certificate,
// a block >= n -> internal_error.
Result<Bytes> EncryptRsaRaw(const Botan::Public_Key& server_key, ByteView block);

// The server side of RSA key transport. Cheap to create: the costly Botan decryptor of each key
// is built once per process, and results are remembered per (key, ciphertext, version)
// (engine/crypto/memo.h). Thread-compatible.
class RsaKeyTransportServer {
 public:
  // Errors: a non-RSA key -> internal_error.
  static Result<RsaKeyTransportServer> Create(std::shared_ptr<const Botan::Private_Key> key);

  RsaKeyTransportServer(RsaKeyTransportServer&&) noexcept;
  RsaKeyTransportServer& operator=(RsaKeyTransportServer&&) noexcept;
  ~RsaKeyTransportServer();

  // RFC 5246 7.4.7.1: never fails in a way the peer can tell apart. A 48-byte R is drawn
  // before decrypting; if the PKCS#1 padding is wrong, the plaintext is not 48 bytes, or its
  // first two bytes differ from `client_hello_version`, R is used instead of the plaintext,
  // selected in constant time by Botan's decrypt_or_random. The result always starts with
  // `client_hello_version` ("ClientHello.client_version || R"), so a bad ciphertext only shows
  // up later as a Finished that does not verify. R comes from a generator seeded with a secret
  // derived from the private key and with the ciphertext ("implicit rejection", as OpenSSL 3.2
  // does against Marvin-style oracles): unpredictable without the key, and the same answer to
  // the same ciphertext, so the result is a pure function of the inputs.
  Bytes DecryptPreMasterSecret(ByteView encrypted, uint16_t client_hello_version) const;

  size_t modulus_bytes() const { return modulus_bytes_; }

 private:
  RsaKeyTransportServer() = default;

  std::shared_ptr<const Botan::Private_Key> key_;
  Bytes key_id_;
  Bytes rejection_secret_;
  size_t modulus_bytes_ = 0;
};

// One-shot form of RsaKeyTransportServer::DecryptPreMasterSecret. A non-RSA key yields
// client_hello_version || R as well.
Bytes DecryptPreMasterSecret(std::shared_ptr<const Botan::Private_Key> server_key,
                             ByteView encrypted, uint16_t client_hello_version);

// ---- ECDHE ----

// x25519, secp256r1, secp384r1, secp521r1.
bool IsSupportedEcdheGroup(NamedGroup group);

// Checks a peer's public value for `group` without using it: x25519 needs exactly 32 bytes;
// NIST curves need the uncompressed form 04 || X || Y (RFC 8422 5.4) of the right length,
// with coordinates below p, on the curve (RFC 8422 5.11). Every failure is illegal_parameter
// (checklist 58; RFC 8422 names no alert for bad points, so vectors should also accept
// decode_error, which BoringSSL sends). An unsupported group is illegal_parameter too: the
// peer used a group this side did not offer.
Status CheckEcdhePublicValue(NamedGroup group, ByteView public_value);

// An ephemeral ECDH key pair: the group, the private scalar and the public value. The public
// value and each shared secret are remembered per (group, scalar[, peer value])
// (engine/crypto/memo.h); Botan key objects are built only when a result is not yet known.
class EcdheKeyPair {
 public:
  // Draws the scalar from `rng`: 32 bytes for x25519 (RFC 7748 5); for NIST curves the
  // order's length plus 8 bytes, reduced into [1, n-1] (FIPS 186-4 B.4.1, extra random bits).
  // Errors: an unsupported group -> handshake_failure (this side cannot do it).
  static Result<EcdheKeyPair> Generate(NamedGroup group, Botan::RandomNumberGenerator& rng);

  // For known-answer tests. x25519: the 32-byte scalar as RFC 7748 encodes it (clamped by
  // X25519 itself). NIST curves: the big-endian scalar d, 1 <= d < n, of the order's length.
  // Errors: wrong length or out-of-range scalar -> internal_error; unsupported group ->
  // handshake_failure.
  static Result<EcdheKeyPair> FromPrivateKey(NamedGroup group, ByteView private_key);

  EcdheKeyPair(EcdheKeyPair&&) noexcept;
  EcdheKeyPair& operator=(EcdheKeyPair&&) noexcept;
  ~EcdheKeyPair();

  NamedGroup group() const { return group_; }
  // x25519: 32 bytes. NIST curves: the uncompressed point 04 || X || Y (RFC 8422 5.4).
  const Bytes& public_value() const { return public_value_; }

  // The pre-master secret: x25519's 32-byte output (RFC 7748 6.1), or the x-coordinate of
  // the shared point, left-padded to the field size and never stripped (RFC 8422 5.10).
  // Errors (illegal_parameter): anything CheckEcdhePublicValue rejects, and an all-zero
  // x25519 output (RFC 7748 6.1, RFC 8422 5.11: a low-order peer value).
  Result<Bytes> Agree(ByteView peer_public) const;

 private:
  EcdheKeyPair() = default;

  NamedGroup group_ = NamedGroup::kX25519;
  Bytes private_key_;  // the scalar, as FromPrivateKey takes it
  Bytes public_value_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_KEY_EXCHANGE_H_
