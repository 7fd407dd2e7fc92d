#include "harness/targets/registry.h"

#include <functional>
#include <utility>

#include "harness/targets/botan/botan_library.h"
#include "harness/targets/gnutls/gnutls_library.h"
#include "harness/targets/library/library.h"
#include "harness/targets/mbedtls/mbedtls_library.h"
#include "harness/targets/openssl/openssl_library.h"
#include "harness/targets/wolfssl/wolfssl_library.h"

namespace shakedown {
namespace {

struct LibraryEntry {
  const char* name;
  std::function<std::unique_ptr<Library>(const TargetResources&)> make;
};

// One row per adapter package (harness/targets/<library>/): adding a library is a package
// and a row here.
const std::vector<LibraryEntry>& Libraries() {
  static const std::vector<LibraryEntry> kLibraries = {
      {"openssl", MakeOpenSslLibrary}, {"gnutls", MakeGnuTlsLibrary},   {"botan", MakeBotanLibrary},
      {"wolfssl", MakeWolfSslLibrary}, {"mbedtls", MakeMbedTlsLibrary},
  };
  return kLibraries;
}

}  // namespace

std::vector<std::string> LibraryNames() {
  std::vector<std::string> names;
  for (const LibraryEntry& e : Libraries()) names.push_back(e.name);
  return names;
}

Result<TargetSpec> ParseAnyTargetSpec(std::string_view spec) {
  return ParseTargetSpec(spec, LibraryNames());
}

Result<std::unique_ptr<Target>> MakeAnyTarget(const TargetSpec& spec,
                                              const TargetResources& resources) {
  if (spec.kind != TargetSpec::Kind::kLibrary) return MakeTarget(spec, resources);
  if (resources.pki == nullptr || resources.pem.dir.empty()) {
    return InternalError("an in-process library target needs the PKI written as PEM");
  }
  for (const LibraryEntry& e : Libraries()) {
    if (spec.library == e.name) return MakeLibraryTarget(e.make(resources));
  }
  return InternalError("no in-process library \"" + spec.library + "\" in this build");
}

Result<std::unique_ptr<Library>> MakeLibrary(const std::string& name,
                                             const TargetResources& resources) {
  for (const LibraryEntry& e : Libraries()) {
    if (name == e.name) return e.make(resources);
  }
  return InternalError("no in-process library \"" + name + "\" in this build");
}

std::string LibraryVersionText(const TargetSpec& spec, const TargetResources& resources) {
  if (spec.kind != TargetSpec::Kind::kLibrary) return "";
  for (const LibraryEntry& e : Libraries()) {
    if (spec.library == e.name) return e.make(resources)->version();
  }
  return "";
}

}  // namespace shakedown
