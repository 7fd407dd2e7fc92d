// The scenario loader on arbitrary JSON text. Every input either fails with an error that
// names the source, or loads; a loaded scenario must survive serialize -> load unchanged
// (JSON and CBOR) and serialize to the same text twice. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/scenario/loader.h"

namespace {

constexpr char kSource[] = "vectors/conformance/fuzz/input.json";

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shakedown;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Scenario> first = ParseScenarioJson(text, kSource);
  if (!first.ok()) {
    // A loading error always says where it comes from.
    Check(first.status().message().rfind(kSource, 0) == 0);
    return 0;
  }
  Check(first->source == kSource && first->topic == "fuzz");

  const std::string json = SerializeScenarioJson(*first);
  Result<Scenario> second = ParseScenarioJson(json, kSource);
  Check(second.ok());
  Check(*second == *first);
  Check(SerializeScenarioJson(*second) == json);

  Result<Scenario> from_cbor = ParseScenarioCbor(SerializeScenarioCbor(*first), kSource);
  Check(from_cbor.ok());
  Check(*from_cbor == *first);
  return 0;
}
