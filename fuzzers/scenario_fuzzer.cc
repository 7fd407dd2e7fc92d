// The scenario fuzzer: libFuzzer drives the reference engine in one role (SHAKEDOWN_FUZZ_ROLE,
// set per binary in fuzzers/BUILD) with scenarios — the conformance vectors' model, in
// canonical CBOR — mutated by the structure-aware ScenarioMutator, while the scripted peer
// keeps every key, transcript and Finished valid for what was actually sent. The oracle is the
// invariants alone (harness/fuzz/scenario_fuzz_target.h); a broken one aborts, so libFuzzer
// keeps the input as a reproducer (`./shakedown replay crash-...`).
//
// Feedback: code edges, plus one libFuzzer extra counter per (state, incoming message) pair of
// the legal table (harness/fuzz/table_pairs.h), so a new pair is new coverage even when no new
// edge is hit. The pairs reached are printed as they grow and at exit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/crypto/memo.h"
#include "harness/fuzz/decoded_scenarios.h"
#include "harness/fuzz/pair_feedback.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/fuzz/scenario_mutator.h"
#include "harness/scenario/loader.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using namespace shakedown;

// One decoding of each input for the mutator and the target (decoded_scenarios.h).
DecodedScenarios& Decoded() {
  static DecodedScenarios* decoded = new DecodedScenarios();
  return *decoded;
}

ScenarioFuzzTarget& FuzzTarget() {
  static ScenarioFuzzTarget* target = [] {
    ScenarioFuzzTarget::Options options;
    options.role = Side::SHAKEDOWN_FUZZ_ROLE;
    options.decoded = &Decoded();
    Result<std::unique_ptr<ScenarioFuzzTarget>> t = ScenarioFuzzTarget::Create(options);
    if (!t.ok()) {
      std::fprintf(stderr, "scenario fuzzer: %s\n", t.status().ToString().c_str());
      std::abort();
    }
    return std::move(t).value().release();
  }();
  return *target;
}

ScenarioMutator& Mutator() {
  static ScenarioMutator* mutator =
      new ScenarioMutator(LLVMFuzzerMutate, FuzzTarget().limits(), &Decoded());
  return *mutator;
}

PairFeedback& Pairs() {
  static PairFeedback* pairs = new PairFeedback(FuzzTarget().pairs(), "scenario fuzzer");
  return *pairs;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Pairs();
  std::atexit([] {
    Pairs().Print("at exit");
    const MemoStats memo = GetMemoStats();
    std::fprintf(stderr,
                 "#reuse at exit: public-key results %llu reused, %llu computed; "
                 "decodings %zu reused, %zu done\n",
                 static_cast<unsigned long long>(memo.hits),
                 static_cast<unsigned long long>(memo.misses), Decoded().hits(),
                 Decoded().misses());
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzOutcome out = FuzzTarget().RunInput(ByteView(data, size));
  Pairs().Count(out.pairs);
  if (out.kind != FuzzOutcome::Kind::kFinding) return 0;
  const VectorResult& r = out.result;
  std::fprintf(
      stderr,
      "\nFINDING: %s\n  at connection %d, step %d: %s\n  the scenario:\n%s\n"
      "  replay it with: ./shakedown replay <the crash- file libFuzzer names below>\n",
      r.rule.c_str(), r.failed_connection, r.failed_step, r.message.c_str(),
      SerializeScenarioJson(*ParseScenarioCbor(ByteView(data, size), "fuzz-input")).c_str());
  std::abort();
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return Mutator().MutateCbor(data, size, max_size, seed, FuzzTarget().fallback());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t a_size, const uint8_t* b,
                                            size_t b_size, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
  return Mutator().CrossOverCbor(a, a_size, b, b_size, out, max_out, seed, FuzzTarget().fallback());
}
