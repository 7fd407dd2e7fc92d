// Record protection for one direction of a connection (RFC 5246 6.2.3): AEAD
// (AES-128/256-GCM per RFC 5288, AES-128/256-CCM and CCM_8 per RFC 6655 and RFC 7251,
// ChaCha20-Poly1305 per RFC 7905) and CBC with
// HMAC-SHA1/SHA256/SHA384, MAC-then-encrypt (RFC 5246 6.2.3.2) or encrypt-then-MAC (RFC 7366),
// each with its 64-bit sequence number.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_
#define SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/traffic_keys.h"
#include "engine/wire/registry.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace shakedown {

// How a hostile peer shapes one protected record; the engine itself never sets any of it. The
// scripted peer seals with the engine's own protection so that a shaped record differs from a
// correct one only where the vector says (harness/peer, SCENARIOS.md "seal").
struct SealShape {
  // CBC: the padding_length value (0..255); the content, MAC (not with encrypt-then-MAC) and
  // padding must still fill whole blocks. Unset: the fewest bytes.
  std::optional<uint8_t> cbc_padding;
  // CBC: these bytes are encrypted instead of content || MAC || padding (whole blocks): for
  // shapes no correct sender makes (padding longer than the record, CVE-2016-2107).
  std::optional<Bytes> cbc_inner;
  // CBC: XORed into content || MAC || padding before encryption, from `xor_at` on (negative:
  // from the end, -1 being the padding_length byte): a byte of the MAC or the padding wrong
  // under a valid encryption (POODLE-TLS, checklist 9).
  Bytes xor_inner;
  int64_t xor_at = 0;
  // AES-GCM and AES-CCM: the record's explicit nonce instead of the sequence number (RFC 5288 3
  // and RFC 6655 3 leave it to the sender).
  std::optional<std::array<uint8_t, 8>> gcm_explicit_nonce;

  bool empty() const {
    return !cbc_padding && !cbc_inner && xor_inner.empty() && !gcm_explicit_nonce;
  }
};

class RecordProtection {
 public:
  virtual ~RecordProtection() = default;

  // The cipher state for one direction. `rng` supplies CBC explicit IVs and must outlive
  // the object; AEAD suites ignore it (GCM's explicit nonce is the sequence number).
  // `encrypt_then_mac`: RFC 7366 for a CBC suite (ignored by AEAD suites, which RFC 7366 3
  // leaves as they are). Fails with internal_error if the suite is not supported or key
  // lengths do not match.
  static Result<std::unique_ptr<RecordProtection>> Create(const CipherSuiteInfo& suite,
                                                          const TrafficKeys& keys,
                                                          Botan::RandomNumberGenerator* rng,
                                                          bool encrypt_then_mac = false);

  // TLSPlaintext.fragment -> TLSCiphertext.fragment. The type and version are those of the
  // record header (they enter the MAC or the AEAD additional data). Uses one sequence number.
  Result<Bytes> Seal(ContentType type, ProtocolVersion version, ByteView plaintext) {
    return SealShaped(type, version, plaintext, SealShape());
  }
  // Seal, shaped. Errors (internal_error): a shape the suite's protection does not have (a CBC
  // option on an AEAD suite, an explicit nonce on ChaCha20-Poly1305), padding that does not fill
  // whole blocks, an XOR past the end.
  virtual Result<Bytes> SealShaped(ContentType type, ProtocolVersion version, ByteView plaintext,
                                   const SealShape& shape) = 0;

  // TLSCiphertext.fragment -> TLSPlaintext.fragment. Every authentication, padding or
  // length failure is the same bad_record_mac (RFC 5246 6.2.3.2, no padding oracle);
  // a plaintext over 2^14 bytes is record_overflow. Uses one sequence number.
  virtual Result<Bytes> Open(ContentType type, ProtocolVersion version, ByteView ciphertext) = 0;

  // The sequence number the next Seal/Open will use.
  virtual uint64_t sequence_number() const = 0;
};

// One AEAD operation with the algorithm, key length and tag length a suite's records use, on a
// caller's nonce and additional data: for known-answer checks against published vectors, whose
// nonces and additional data are not a record's (harness/kat.cc). AeadSeal returns ciphertext ||
// tag; AeadOpen fails with bad_record_mac when the tag does not verify. internal_error for a
// suite without an AEAD or a key of the wrong length.
Result<Bytes> AeadSeal(const CipherSuiteInfo& suite, ByteView key, ByteView nonce, ByteView ad,
                       ByteView plaintext);
Result<Bytes> AeadOpen(const CipherSuiteInfo& suite, ByteView key, ByteView nonce, ByteView ad,
                       ByteView ciphertext);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_
