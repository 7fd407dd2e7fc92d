// Every target kind in one place: the reference, tcp:, exec: (harness/runner) and the
// in-process TLS libraries (harness/targets/<library>/). The CLI makes its targets here.
#ifndef SHAKEDOWN_HARNESS_TARGETS_REGISTRY_H_
#define SHAKEDOWN_HARNESS_TARGETS_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "harness/runner/target.h"
#include "harness/targets/library/library.h"

namespace shakedown {

// The in-process libraries built into this binary, in matrix order ("openssl", "gnutls", ...).
std::vector<std::string> LibraryNames();

// ParseTargetSpec knowing the libraries: "openssl", "gnutls:server", ...
Result<TargetSpec> ParseAnyTargetSpec(std::string_view spec);

// MakeTarget for every kind. A library target needs resources.pem (WritePkiPem).
Result<std::unique_ptr<Target>> MakeAnyTarget(const TargetSpec& spec,
                                              const TargetResources& resources);

// A new instance of the library adapter `name` (for a worker process, or a target of one's
// own); errors: no such library in this build.
Result<std::unique_ptr<Library>> MakeLibrary(const std::string& name,
                                             const TargetResources& resources);

// The library's version text at run time ("OpenSSL 3.0.19 27 Jan 2026"); "" for a spec that
// is no library or a library not in this build.
std::string LibraryVersionText(const TargetSpec& spec, const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_REGISTRY_H_
