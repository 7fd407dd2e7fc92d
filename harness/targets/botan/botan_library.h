// The Botan 2 in-process library target: Botan::TLS::Client / Botan::TLS::Server driven
// through memory I/O (harness/targets/library), configured from a vector's target block.
#ifndef SHAKEDOWN_HARNESS_TARGETS_BOTAN_BOTAN_LIBRARY_H_
#define SHAKEDOWN_HARNESS_TARGETS_BOTAN_BOTAN_LIBRARY_H_

#include <memory>

#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// "botan": Botan 2 (the system libbotan-2) as a TLS 1.2 client or server.
std::unique_ptr<Library> MakeBotanLibrary(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_BOTAN_BOTAN_LIBRARY_H_
