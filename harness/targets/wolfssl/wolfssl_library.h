// wolfSSL (the system's libwolfssl, Debian 5.5.4) as an in-process library target: one
// WOLFSSL over memory I/O (wolfSSL's custom I/O callbacks) per connection, TLS 1.2 only.
#ifndef SHAKEDOWN_HARNESS_TARGETS_WOLFSSL_WOLFSSL_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_WOLFSSL_WOLFSSL_LIBRARY_H_

#include <memory>

#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// "wolfssl": resources.pem holds the run's PKI as PEM files, resources.seed its seed.
std::unique_ptr<Library> MakeWolfSslLibrary(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_WOLFSSL_WOLFSSL_LIBRARY_H_
