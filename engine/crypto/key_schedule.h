// The TLS 1.2 (and 1.0/1.1) key schedule on top of the PRF: master secret, extended master
// secret, key block and its split into per-direction traffic keys, Finished verify_data.
// Every size mistake (a random that is not 32 bytes, a master secret that is not 48, a key
// block of the wrong length) is a caller bug and fails with internal_error.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_KEY_SCHEDULE_H_
#define SHAKEDOWN_ENGINE_CRYPTO_KEY_SCHEDULE_H_

#include <cstddef>

#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/base/status.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/traffic_keys.h"
#include "engine/crypto/transcript.h"
#include "engine/wire/registry.h"

namespace shakedown {

inline constexpr size_t kRandomLength = 32;        // RFC 5246 7.4.1.2 Random
inline constexpr size_t kMasterSecretLength = 48;  // RFC 5246 8.1
inline constexpr size_t kVerifyDataLength = 12;    // RFC 5246 7.4.9 (cipher suites' default)

// RFC 5246 8.1: PRF(pre_master_secret, "master secret",
//                   ClientHello.random + ServerHello.random)[0..47].
Result<Bytes> ComputeMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                  ByteView client_random, ByteView server_random);

// RFC 7627 4: PRF(pre_master_secret, "extended master secret", session_hash)[0..47], where
// session_hash is the handshake hash of ClientHello..ClientKeyExchange (Transcript::Hash).
Result<Bytes> ComputeExtendedMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                          ByteView session_hash);

// The master secret of a full handshake, the one place that chooses between the two above:
// with `extended_master_secret` negotiated, RFC 7627 4 over the session hash
// transcript.Hash(prf) (so call it right after ClientKeyExchange entered the transcript);
// otherwise RFC 5246 8.1 over the randoms, and the transcript is not read.
Result<Bytes> ComputeMasterSecret(PrfAlgorithm prf, ByteView pre_master_secret,
                                  bool extended_master_secret, ByteView client_random,
                                  ByteView server_random, const Transcript& transcript);

// RFC 5246 6.3: PRF(master_secret, "key expansion",
//                   server_random + client_random)[0..length-1].
Result<Bytes> ComputeKeyBlock(PrfAlgorithm prf, ByteView master_secret, ByteView client_random,
                              ByteView server_random, size_t length);
// The same for a TLS 1.2 suite: its PRF hash and suite.KeyBlockLength().
Result<Bytes> ComputeKeyBlock(const CipherSuiteInfo& suite, ByteView master_secret,
                              ByteView client_random, ByteView server_random);

struct KeyBlock {
  TrafficKeys client_write;
  TrafficKeys server_write;
};

// RFC 5246 6.3: client MAC key, server MAC key, client key, server key, client IV, server IV,
// with the suite's lengths (TLS 1.1+ layout: CBC suites take no IV from the key block).
// `key_block` must be exactly suite.KeyBlockLength() bytes.
Result<KeyBlock> SplitKeyBlock(const CipherSuiteInfo& suite, ByteView key_block);

// RFC 5246 7.4.9: PRF(master_secret, "client finished" | "server finished",
//                     Hash(handshake_messages))[0..11]. `handshake_hash` must have the
// length of the PRF's handshake hash (HandshakeHashLength).
Result<Bytes> ComputeVerifyData(PrfAlgorithm prf, ByteView master_secret, Side sender,
                                ByteView handshake_hash);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_KEY_SCHEDULE_H_
