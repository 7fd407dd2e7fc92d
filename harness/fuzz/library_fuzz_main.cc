// The library fuzzers: the scenario fuzzer (fuzzers/scenario_fuzzer.cc) with an in-process TLS
// library as its target instead of the reference engine — mbedTLS, wolfSSL, OpenSSL, GnuTLS or
// Botan built from the Debian source by tools/instrumented-libs with ASan, UBSan and libFuzzer's
// coverage, so the feedback includes the library's own edges (docs/FUZZING.md, "Fuzzing real
// libraries").
//
// Per binary (harness/fuzz/BUILD): SHAKEDOWN_FUZZ_ROLE (kServer, kClient: the role the library
// plays) and SHAKEDOWN_FUZZ_LIBRARY (its adapter's factory, Make<Name>Library). The input, the
// mutator, the oracle (the invariants alone) and the table-pair counters are the scenario
// fuzzer's; a broken invariant aborts, so libFuzzer keeps the input as a reproducer.
//
// Known failures: a real library fails some conformance vectors unmutated (its ledger), and the
// seeds are those vectors; an invariant a seed breaks is learned, not a stop
// (harness/fuzz/known_findings.h, with its SHAKEDOWN_LIBFUZZ_KNOWN / _ABORT_ALL switches).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "harness/fuzz/decoded_scenarios.h"
#include "harness/fuzz/known_findings.h"
#include "harness/fuzz/pair_feedback.h"
#include "harness/fuzz/scenario_fuzz_target.h"
#include "harness/fuzz/scenario_mutator.h"
#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace shakedown {
// The adapter's factory (harness/targets/<lib>/<lib>_library.h declares it so).
std::unique_ptr<Library> SHAKEDOWN_FUZZ_LIBRARY(const TargetResources& resources);
}  // namespace shakedown

namespace {

using namespace shakedown;

[[noreturn]] void Die(const char* what, const Status& status) {
  std::fprintf(stderr, "library fuzzer: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

DecodedScenarios& Decoded() {
  static DecodedScenarios* decoded = new DecodedScenarios();
  return *decoded;
}

ScenarioFuzzTarget& FuzzTarget() {
  static ScenarioFuzzTarget* target = [] {
    ScenarioFuzzTarget::Options options;
    options.role = Side::SHAKEDOWN_FUZZ_ROLE;
    options.decoded = &Decoded();
    // The run's PKI as the CLI gives it to library targets: the same keys the fuzz target's
    // peer uses (MakeRunPki is deterministic in the seed), as PEM files the adapter loads,
    // left in the temporary directory for the process's life.
    Result<TargetResources> resources =
        MakeRunResourcesWithPem(options.seed, "shakedown-libfuzz-pki");
    if (!resources.ok()) Die("the PKI as PEM files", resources.status());
    Result<std::unique_ptr<ScenarioFuzzTarget>> t =
        ScenarioFuzzTarget::Create(options, MakeLibraryTarget(SHAKEDOWN_FUZZ_LIBRARY(*resources)));
    if (!t.ok()) Die("the fuzz target", t.status());
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
  static PairFeedback* pairs = new PairFeedback(FuzzTarget().pairs(), "library fuzzer");
  return *pairs;
}
size_t g_passed = 0, g_skipped = 0;

KnownFindings& Known() {
  static KnownFindings* known = new KnownFindings();
  return *known;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Pairs();
  Known();  // reads the environment now, so its lines come first
  std::atexit([] {
    Pairs().Print("at exit");
    std::fprintf(stderr, "#inputs at exit: %zu played, %zu skipped (other role, limits, error)\n",
                 g_passed, g_skipped);
    Known().PrintSummary();
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzOutcome out = FuzzTarget().RunInput(ByteView(data, size));
  ++(out.kind == FuzzOutcome::Kind::kSkipped ? g_skipped : g_passed);
  Pairs().Count(out.pairs);
  if (out.kind != FuzzOutcome::Kind::kFinding) return 0;
  const VectorResult& r = out.result;
  {
    Result<Scenario> seed = ParseScenarioCbor(ByteView(data, size), "fuzz-input");
    if (!Known().Stops(r.rule, seed.ok() ? seed->id : "?")) return 0;
  }
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
  Known().StartMutating();
  return Mutator().MutateCbor(data, size, max_size, seed, FuzzTarget().fallback());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t a_size, const uint8_t* b,
                                            size_t b_size, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
  Known().StartMutating();
  return Mutator().CrossOverCbor(a, a_size, b, b_size, out, max_out, seed, FuzzTarget().fallback());
}
