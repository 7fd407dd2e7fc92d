// TLS 1.2 digital signatures by SignatureScheme: the ServerKeyExchange signature over
// client_random || server_random || params (RFC 5246 7.4.3) and CertificateVerify over the
// handshake messages (RFC 5246 7.4.8). RSA PKCS#1 v1.5, RSA-PSS with rsaEncryption keys,
// ECDSA (DER-encoded, RFC 8422 5.4) and Ed25519 (RFC 8422 5.1.3).
#ifndef SHAKEDOWN_ENGINE_CRYPTO_SIGNATURE_H_
#define SHAKEDOWN_ENGINE_CRYPTO_SIGNATURE_H_

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace Botan {
class PK_Signer;
class PK_Verifier;
class Private_Key;
class Public_Key;
class RandomNumberGenerator;
}  // namespace Botan

namespace shakedown {

// Schemes this layer can sign and verify: rsa_pkcs1_sha1/sha256/sha384/sha512,
// rsa_pss_rsae_sha256/sha384/sha512, ecdsa_sha1, ecdsa_secp256r1_sha256,
// ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512, ed25519. (MD5, SHA-224, DSA and the
// rsa_pss_pss_* schemes for id-RSASSA-PSS keys are not supported.)
bool IsSupportedSignatureScheme(SignatureScheme scheme);

// Whether `scheme` can be used with `key`: RSA schemes with RSA keys, ECDSA schemes with
// ECDSA keys, ed25519 with Ed25519 keys. In TLS 1.2 an ECDSA scheme names only the hash, not
// the curve: RFC 8446 4.2.3 says "the old semantics did not constrain the signing curve",
// so any ECDSA key matches any ECDSA scheme. False for unsupported schemes.
bool SchemeMatchesKey(SignatureScheme scheme, const Botan::Public_Key& key);

// Chooses the scheme to sign with for `key`.
// `peer_offered` is the peer's signature_algorithms list (ClientHello extension, or
// CertificateRequest.supported_signature_algorithms); nullopt means the ClientHello carried
// no signature_algorithms, and RFC 5246 7.4.1.4.1 then fixes SHA-1 with the key's type
// (checklist 31). Otherwise the first entry of `preference` (default: the built-in order,
// SHA-256 first, SHA-1 last; ECDSA prefers the hash that matches the key's curve) that the
// peer offered and the key matches. Errors: no overlap -> handshake_failure.
Result<SignatureScheme> ChooseSignatureScheme(
    const Botan::Public_Key& key, const std::optional<std::vector<SignatureScheme>>& peer_offered,
    const std::vector<SignatureScheme>* preference = nullptr);

// Signs with one private key, for any number of messages and schemes. A signature is a pure
// function of (key, scheme, message), so results are remembered (engine/crypto/memo.h) and the
// costly Botan signer of each key and scheme is built once per process: RSA PKCS#1 v1.5 is
// deterministic (RFC 8017 8.2), ECDSA takes RFC 6979 nonces, and the RSA-PSS salt comes from a
// generator seeded with a secret derived from the private key and the message (as RFC 6979
// does for ECDSA nonces): unpredictable without the key, equal for equal inputs.
class Signer {
 public:
  // Errors: a key type other than RSA, ECDSA or Ed25519 -> internal_error.
  static Result<Signer> Create(std::shared_ptr<const Botan::Private_Key> key);

  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  ~Signer();

  // The signature field's contents (without the 2-byte length). Besides the schemes
  // Verifier accepts, signs with rsa_pkcs1_md5, rsa_pkcs1_sha224 and ecdsa_sha224, which
  // nothing here verifies (for vectors that must carry such a signature).
  // Errors: an unsupported scheme, or one that does not match the key -> internal_error
  // (a local mistake: the choice should come from ChooseSignatureScheme).
  // `pss_salt_length` (RSA-PSS schemes only): a salt of that many bytes instead of the hash's
  // length, which RFC 8446 4.2.3 requires; for vectors whose signature must be refused for its
  // salt alone (the verifier here enforces the length).
  Result<Bytes> Sign(SignatureScheme scheme, ByteView message,
                     std::optional<size_t> pss_salt_length = std::nullopt) const;

  const Botan::Private_Key& key() const { return *key_; }

 private:
  Signer() = default;

  std::shared_ptr<const Botan::Private_Key> key_;
  Bytes key_id_;       // SHA-256 of the public key: names the key in memo keys
  Bytes salt_secret_;  // SHA-256 of the private key, seeds PSS salts
};

// Verifies a peer's signature.
// RFC 5246 7.4.3 / 7.4.8 (checklist 40, 44): a signature that does not verify, including a
// malformed encoding, is decrypt_error. A scheme this layer does not support or that does
// not match the key is illegal_parameter (checklist 40: "illegal_parameter for the
// unoffered algorithm"; BoringSSL sends the same for a wrong key type).
Status VerifySignature(const Botan::Public_Key& key, SignatureScheme scheme, ByteView message,
                       ByteView signature);

// VerifySignature for many signatures by one key, keeping each scheme's Botan verifier.
// Verifications that succeed are remembered per (key, scheme, message, signature): the same
// certificate's signatures arrive again and again. Not thread-safe.
class Verifier {
 public:
  explicit Verifier(std::shared_ptr<const Botan::Public_Key> key);
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;
  ~Verifier();

  Status Verify(SignatureScheme scheme, ByteView message, ByteView signature);

 private:
  std::shared_ptr<const Botan::Public_Key> key_;
  Bytes key_id_;
  std::map<SignatureScheme, std::unique_ptr<Botan::PK_Verifier>> verifiers_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_SIGNATURE_H_
