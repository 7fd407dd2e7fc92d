// The in-process mbedTLS target: mbedTLS 2.28 (Debian's libmbedtls) driven through memory
// I/O (harness/targets/library), TLS 1.2 only, configured from each vector's target block.
#ifndef SHAKEDOWN_HARNESS_TARGETS_MBEDTLS_MBEDTLS_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_MBEDTLS_MBEDTLS_LIBRARY_H_

#include <memory>

#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// "mbedtls": one per worker thread.
std::unique_ptr<Library> MakeMbedTlsLibrary(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_MBEDTLS_MBEDTLS_LIBRARY_H_
