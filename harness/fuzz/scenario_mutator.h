// The structure-aware mutator of the scenario fuzzers: it changes a Scenario (the model the
// JSON vectors load into) the way a test author would — skip, repeat, reorder and inject
// messages, set or delete fields and extensions, change the peer's suites, groups, versions
// and signature schemes, fragment or coalesce records, corrupt encodings and protected
// records, add a resumption connection — and falls back to a byte mutator only inside byte
// fields. The scripted peer then keeps the cryptography valid for whatever the scenario sends.
//
// Every mutation keeps the scenario loadable: it is checked by a round trip through the
// canonical encoding (SerializeScenarioCbor -> ParseScenarioCbor), and one that does not
// survive is discarded and another is tried. So an input the fuzz target cannot decode is
// never produced by the mutator; if libFuzzer hands one in, the target skips it.
#ifndef SHAKEDOWN_HARNESS_FUZZ_SCENARIO_MUTATOR_H_
#define SHAKEDOWN_HARNESS_FUZZ_SCENARIO_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string_view>

#include "engine/base/bytes.h"
#include "harness/fuzz/decoded_scenarios.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Mutates `size` bytes at `data` in place, up to `max_size`; returns the new size
// (libFuzzer's LLVMFuzzerMutate has this shape). The default flips, inserts and erases bytes.
using ByteMutator = std::function<size_t(uint8_t* data, size_t size, size_t max_size)>;

// Bounds on what a mutation may grow, so one input stays cheap to run.
struct MutatorLimits {
  size_t max_connections = 3;
  size_t max_steps = 40;    // per connection
  size_t max_bytes = 1024;  // one byte field (raw, payload, extension body, mask)
  size_t max_list = 16;     // one list field (suites, schemes, ...)
  int max_repeat = 4;
  size_t max_encoded = 16384;  // the whole scenario, CBOR-encoded
  // A raw step may repeat past max_repeat while its bytes stay under this: the record-size
  // vectors send 2^14 + 1 bytes as one byte repeated.
  size_t max_repeated_raw_bytes = 1 << 15;

  // Far above any vector's: for tools that only shrink or replay what they are given.
  static MutatorLimits Loose() { return {64, 4096, 1 << 20, 4096, 1 << 16, 1 << 26}; }
};

// The kinds of mutation, for statistics and tests.
enum class Mutation {
  kInsertStep,
  kDeleteStep,
  kDuplicateStep,
  kSwapSteps,
  kReplaceMessage,
  kSetField,
  kDeleteField,
  kSetExtension,
  kPeerConfig,
  kRecordOptions,
  kInject,
  kCorrupt,
  kRepeat,
  kAddResumption,
  kDeleteConnection,
  kBytes,
};
inline constexpr int kMutationKinds = static_cast<int>(Mutation::kBytes) + 1;
std::string_view MutationName(Mutation m);

class ScenarioMutator {
 public:
  // `decoded` (optional, not owned): where the CBOR glue looks inputs up and records what its
  // outputs decode to, so that neither it nor the fuzz target decodes the same bytes twice.
  explicit ScenarioMutator(ByteMutator bytes = nullptr, MutatorLimits limits = {},
                           DecodedScenarios* decoded = nullptr);

  // Applies one mutation that keeps `scenario` loadable and within the limits; returns the
  // kind applied, or false (scenario unchanged) when none succeeded in a few tries.
  bool Mutate(Scenario* scenario, uint64_t seed, Mutation* applied = nullptr);

  // Steps of `b` spliced into `a`: `a`'s last connection up to its last send, then `b`'s
  // steps after its send of the same message (a seed's deviation, then the rest of a normal
  // flight); or a prefix of one connection of `a`, then a suffix of one of `b`'s; or `b`'s
  // connections appended as resumptions. The result is loadable, else `a`.
  Scenario CrossOver(const Scenario& a, const Scenario& b, uint64_t seed);

  // libFuzzer glue: CBOR in, CBOR out. An undecodable input is replaced by `fallback`. The
  // output is the encoding the round-trip check decoded (no second encoding).
  size_t MutateCbor(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                    const Scenario& fallback);
  size_t CrossOverCbor(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size,
                       uint8_t* out, size_t max_out, unsigned seed, const Scenario& fallback);

  // True if `scenario` survives the canonical round trip unchanged and fits the limits.
  bool Loadable(const Scenario& scenario) const;

 private:
  // Mutate and CrossOver; `encoding` receives the result's canonical CBOR when they return a
  // changed scenario, and is left empty when they do not.
  bool MutateEncoded(Scenario* scenario, uint64_t seed, Mutation* applied, Bytes* encoding);
  Scenario CrossOverEncoded(const Scenario& a, const Scenario& b, uint64_t seed,
                            Bytes* encoding);
  // Loadable, with the encoding that was checked.
  bool Encodes(const Scenario& scenario, Bytes* encoding) const;
  // The scenario `cbor` decodes to, or `fallback`.
  std::shared_ptr<const Scenario> DecodeOr(ByteView cbor, const Scenario& fallback);
  bool Apply(Mutation kind, Scenario* s, std::mt19937_64& rng);
  void MutateBytes(Bytes* bytes, std::mt19937_64& rng, size_t min_size);

  ByteMutator bytes_;
  MutatorLimits limits_;
  DecodedScenarios* decoded_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_SCENARIO_MUTATOR_H_
