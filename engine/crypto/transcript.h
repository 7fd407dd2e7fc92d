// The running handshake transcript (RFC 5246 7.4.9 handshake_messages): every handshake
// message, header included, in wire order, excluding HelloRequest and records' headers.
//
// The hash function is known only once ServerHello fixes the suite, while the transcript
// starts with ClientHello; and hashes are needed at several points (EMS session hash at
// ClientKeyExchange, CertificateVerify, both Finished). So a Transcript keeps the raw bytes
// and, after SetAlgorithm, also a running hash it can fork: Hash() never disturbs it.
// Transcripts are copyable.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_TRANSCRIPT_H_
#define SHAKEDOWN_ENGINE_CRYPTO_TRANSCRIPT_H_

#include <memory>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/prf.h"

namespace Botan {
class HashFunction;
}

namespace shakedown {

// One-shot handshake hash of `messages`: the PRF's hash for TLS 1.2, MD5 || SHA-1 (36
// bytes) for kMd5Sha1 (RFC 2246 7.4.9). Fails with internal_error only if Botan does.
Result<Bytes> HandshakeHash(PrfAlgorithm prf, ByteView messages);

class Transcript {
 public:
  Transcript();
  ~Transcript();
  Transcript(const Transcript& other);
  Transcript& operator=(const Transcript& other);
  Transcript(Transcript&& other) noexcept;
  Transcript& operator=(Transcript&& other) noexcept;

  // Appends one handshake message (4-byte header + body) or any contiguous part of one.
  void Add(ByteView handshake_bytes);

  // Fixes the hash (after ServerHello) and starts hashing incrementally, beginning with
  // everything buffered so far. Setting the same algorithm again is a no-op; a different
  // one is internal_error (the suite cannot change mid-handshake).
  Status SetAlgorithm(PrfAlgorithm prf);
  std::optional<PrfAlgorithm> algorithm() const { return algorithm_; }

  // The hash of everything added so far. With the algorithm set by SetAlgorithm this forks
  // the running state; any other algorithm hashes messages() in one shot (e.g. a
  // CertificateVerify whose hash differs from the PRF's).
  Result<Bytes> Hash(PrfAlgorithm prf) const;

  // Every byte added, in order (some signature schemes sign the full transcript).
  const Bytes& messages() const { return messages_; }

 private:
  Bytes messages_;
  std::optional<PrfAlgorithm> algorithm_;
  // One hash, or MD5 and SHA-1 for kMd5Sha1. Empty before SetAlgorithm, or if Botan ever
  // failed mid-update (Hash() then falls back to hashing messages_).
  std::vector<std::unique_ptr<Botan::HashFunction>> running_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_TRANSCRIPT_H_
