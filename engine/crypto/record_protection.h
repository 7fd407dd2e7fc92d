// Record protection for one direction of a connection (RFC 5246 6.2.3): AEAD
// (AES-128/256-GCM per RFC 5288, ChaCha20-Poly1305 per RFC 7905) and MAC-then-encrypt
// CBC with HMAC-SHA1/SHA256/SHA384 (RFC 5246 6.2.3.2), each with its 64-bit sequence number.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_
#define SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_

#include <cstdint>
#include <memory>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/traffic_keys.h"
#include "engine/wire/registry.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace shakedown {

class RecordProtection {
 public:
  virtual ~RecordProtection() = default;

  // The cipher state for one direction. `rng` supplies CBC explicit IVs and must outlive
  // the object; AEAD suites ignore it (GCM's explicit nonce is the sequence number).
  // Fails with internal_error if the suite is not supported or key lengths do not match.
  static Result<std::unique_ptr<RecordProtection>> Create(const CipherSuiteInfo& suite,
                                                          const TrafficKeys& keys,
                                                          Botan::RandomNumberGenerator* rng);

  // TLSPlaintext.fragment -> TLSCiphertext.fragment. The type and version are those of the
  // record header (they enter the MAC or the AEAD additional data). Uses one sequence number.
  virtual Result<Bytes> Seal(ContentType type, ProtocolVersion version, ByteView plaintext) = 0;

  // TLSCiphertext.fragment -> TLSPlaintext.fragment. Every authentication, padding or
  // length failure is the same bad_record_mac (RFC 5246 6.2.3.2, no padding oracle);
  // a plaintext over 2^14 bytes is record_overflow. Uses one sequence number.
  virtual Result<Bytes> Open(ContentType type, ProtocolVersion version, ByteView ciphertext) = 0;

  // The sequence number the next Seal/Open will use.
  virtual uint64_t sequence_number() const = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_RECORD_PROTECTION_H_
