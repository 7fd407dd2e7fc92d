// The TLS pseudo-random function: RFC 5246 5 (P_hash with the suite's PRF hash) for TLS 1.2
// and RFC 2246 5 (P_MD5 xor P_SHA-1) for TLS 1.0/1.1. Everything the key schedule derives
// goes through Prf(); it is implemented here on Botan's HMAC, not with Botan's TLS KDF, so
// the known-answer tests exercise this code.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_PRF_H_
#define SHAKEDOWN_ENGINE_CRYPTO_PRF_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace shakedown {

// The PRF, and with it the handshake hash (RFC 5246 7.4.9: the hash the PRF is built on;
// RFC 2246 7.4.9: MD5 || SHA-1 for TLS 1.0/1.1).
enum class PrfAlgorithm {
  kMd5Sha1,  // TLS 1.0/1.1
  kSha224,
  kSha256,
  kSha384,
  kSha512,
  kSha512_256,
};

// The TLS 1.2 PRF of a cipher suite (RFC 5246 5: SHA-256 unless the suite says otherwise).
PrfAlgorithm PrfFor(PrfHash hash);

// Short names, as the KAT files spell them: "md5-sha1", "sha224", "sha256", "sha384",
// "sha512", "sha512_256".
std::string_view PrfAlgorithmName(PrfAlgorithm prf);
std::optional<PrfAlgorithm> PrfAlgorithmFromName(std::string_view name);

// Output length of the handshake hash for `prf`: 36 for MD5 || SHA-1, else the hash's.
size_t HandshakeHashLength(PrfAlgorithm prf);

// Upper bound on one PRF output; TLS 1.2 never needs more than a few hundred bytes, so a
// larger request is a caller bug (internal_error), not a reason to allocate.
inline constexpr size_t kMaxPrfOutput = 1 << 16;

// PRF(secret, label, seed) truncated to `out_len` bytes. The label is used as given (no
// length prefix, no terminator). Fails with internal_error if `out_len` exceeds
// kMaxPrfOutput or Botan rejects the secret (longer than HMAC accepts).
Result<Bytes> Prf(PrfAlgorithm prf, ByteView secret, std::string_view label, ByteView seed,
                  size_t out_len);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_PRF_H_
