// OpenSSL 3.0 as an in-process library target ("openssl"): libssl over memory BIOs, driven
// by harness/targets/library. One SSL_CTX per target configuration (cached across vectors),
// one SSL per connection.
#ifndef SHAKEDOWN_HARNESS_TARGETS_OPENSSL_OPENSSL_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_OPENSSL_OPENSSL_LIBRARY_H_

#include <memory>

#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// The OpenSSL adapter, configured from each vector's target block; `resources.pem` holds the
// run's PKI as PEM files and `resources.seed` seeds OpenSSL's randomness.
std::unique_ptr<Library> MakeOpenSslLibrary(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_OPENSSL_OPENSSL_LIBRARY_H_
