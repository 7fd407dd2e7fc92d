#include "harness/fuzz/decoded_scenarios.h"

#include <utility>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

std::string KeyOf(ByteView cbor) {
  return std::string(reinterpret_cast<const char*>(cbor.data()), cbor.size());
}

}  // namespace

std::shared_ptr<const Scenario> DecodedScenarios::Decode(ByteView cbor, std::string* why) {
  std::string key = KeyOf(cbor);
  auto it = scenarios_.find(key);
  if (it != scenarios_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  Result<Scenario> parsed = ParseScenarioCbor(cbor, kSourceName);
  if (!parsed.ok()) {
    if (why != nullptr) *why = parsed.status().message();
    return nullptr;
  }
  auto scenario = std::make_shared<const Scenario>(std::move(parsed).value());
  Keep(std::move(key), scenario);
  return scenario;
}

void DecodedScenarios::Remember(ByteView cbor, Scenario scenario) {
  scenario.source = kSourceName;
  Keep(KeyOf(cbor), std::make_shared<const Scenario>(std::move(scenario)));
}

void DecodedScenarios::Keep(std::string key, std::shared_ptr<const Scenario> scenario) {
  if (scenarios_.size() >= capacity_) scenarios_.clear();
  scenarios_.insert_or_assign(std::move(key), std::move(scenario));
}

}  // namespace shakedown
