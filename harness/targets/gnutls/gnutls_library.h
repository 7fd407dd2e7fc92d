// GnuTLS 3.7 in-process: the shakedown Library adapter over gnutls_session_t with memory I/O
// (harness/targets/library). TLS 1.2 only; the vector's target block becomes a priority
// string, credentials and session flags (gnutls_library.cc says how, and what GnuTLS cannot
// express: Unsupported()).
#ifndef SHAKEDOWN_HARNESS_TARGETS_GNUTLS_GNUTLS_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_GNUTLS_GNUTLS_LIBRARY_H_

#include <memory>

#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// "gnutls": one per worker thread (not thread-safe; GnuTLS itself is).
std::unique_ptr<Library> MakeGnuTlsLibrary(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_GNUTLS_GNUTLS_LIBRARY_H_
