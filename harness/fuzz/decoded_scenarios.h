// Scenarios by their canonical CBOR, decoded once per process.
//
// libFuzzer hands the same bytes around several times per execution: the custom mutator
// decodes an input, mutates it, checks that the result survives the canonical round trip
// (which decodes it again), may be called again on its own output (stacked mutations), and
// then the fuzz target decodes what it is given. Decoding was the largest single cost of an
// execution (docs/FUZZING.md, "Throughput"). Here the mutator records what each encoding it
// produced decodes to, and every later decoder of the same bytes takes that instead.
//
// Only exact byte strings are matched, and only encodings that were just decoded (or checked
// to decode) to the scenario kept are recorded, so a lookup gives what ParseScenarioCbor
// would. Bounded: at capacity it starts over. Not thread-safe: one per fuzzing process.
#ifndef SHAKEDOWN_HARNESS_FUZZ_DECODED_SCENARIOS_H_
#define SHAKEDOWN_HARNESS_FUZZ_DECODED_SCENARIOS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/base/bytes.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

class DecodedScenarios {
 public:
  // The source name every scenario decoded here carries (ParseScenarioCbor's source_name).
  static constexpr char kSourceName[] = "fuzz-input";

  explicit DecodedScenarios(size_t capacity = 4096) : capacity_(capacity) {}

  // What `cbor` decodes to; null if it does not decode, with the loader's error in `*why`.
  std::shared_ptr<const Scenario> Decode(ByteView cbor, std::string* why = nullptr);
  // Records that `cbor` decodes to `scenario` (the caller has checked it).
  void Remember(ByteView cbor, Scenario scenario);

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

 private:
  void Keep(std::string key, std::shared_ptr<const Scenario> scenario);

  const size_t capacity_;
  std::unordered_map<std::string, std::shared_ptr<const Scenario>> scenarios_;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_DECODED_SCENARIOS_H_
