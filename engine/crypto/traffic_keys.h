// The keys one direction of a connection protects records with: the slice of the key
// block (RFC 5246 6.3) that belongs to the client or to the server.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_TRAFFIC_KEYS_H_
#define SHAKEDOWN_ENGINE_CRYPTO_TRAFFIC_KEYS_H_

#include "engine/base/bytes.h"

namespace shakedown {

struct TrafficKeys {
  Bytes mac_key;   // empty for AEAD suites
  Bytes enc_key;
  Bytes fixed_iv;  // implicit IV / salt (AEAD); empty for CBC in TLS 1.1+
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_TRAFFIC_KEYS_H_
