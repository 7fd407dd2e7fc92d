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
// Known failures: a real library fails some conformance vectors unmutated (`shakedown run
// --target mbedtls` lists them), and the seeds are those vectors, so every descendant of such a
// seed would stop the fuzzer at once. So an invariant a seed breaks while libFuzzer reads the
// initial corpus (before its first mutation) is printed as `#known` and becomes known: later
// inputs that break only a known invariant are counted, not aborted; a new invariant, and any
// ASan/UBSan report, still stops the run. SHAKEDOWN_LIBFUZZ_ABORT_ALL=1 turns this off;
// SHAKEDOWN_LIBFUZZ_KNOWN="rule;rule" adds rules already found (a campaign that goes on past
// a finding it has saved: the rule as its FINDING line names it, "invariant: ...").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "harness/fuzz/decoded_scenarios.h"
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

constexpr size_t kMaxPairs = 8192;
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t g_pair_counters[kMaxPairs];

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
    // peer uses (MakeRunPki is deterministic in the seed), as PEM files the adapter loads.
    Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(options.seed);
    if (!pki.ok()) Die("the PKI", pki.status());
    Result<PemFiles> pem = WritePkiPemToTempDir(**pki, "shakedown-libfuzz-pki");
    if (!pem.ok()) Die("the PEM files", pem.status());
    TargetResources resources;
    resources.pki = *pki;
    resources.seed = options.seed;
    resources.pem = *pem;  // left in the temporary directory for the process's life
    Result<std::unique_ptr<ScenarioFuzzTarget>> t = ScenarioFuzzTarget::Create(
        options, MakeLibraryTarget(SHAKEDOWN_FUZZ_LIBRARY(resources)));
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

std::vector<bool>& Seen() {
  static std::vector<bool>* seen = new std::vector<bool>(FuzzTarget().pairs().size());
  return *seen;
}
size_t g_legal_seen = 0, g_probes_seen = 0;
size_t g_passed = 0, g_skipped = 0;

// Known failures (see the top of the file): set while the initial corpus is read.
bool g_mutating = false;
std::set<std::string>& Known() {
  static std::set<std::string>* known = new std::set<std::string>();
  return *known;
}
size_t g_known_hits = 0;
bool AbortAll() {
  static const bool abort_all = [] {
    const char* v = std::getenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL");
    return v != nullptr && *v != '\0' && *v != '0';
  }();
  return abort_all;
}

void PrintPairs(const char* when) {
  std::fprintf(stderr, "#pairs %s: %zu of %zu legal (state, message) pairs, %zu out-of-order\n",
               when, g_legal_seen, FuzzTarget().pairs().legal_total(), g_probes_seen);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (FuzzTarget().pairs().size() > kMaxPairs) {
    std::fprintf(stderr, "library fuzzer: %zu table pairs exceed the %zu counters\n",
                 FuzzTarget().pairs().size(), kMaxPairs);
    std::abort();
  }
  if (const char* known = std::getenv("SHAKEDOWN_LIBFUZZ_KNOWN")) {
    std::string list = known;
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(';', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) {
        Known().insert(list.substr(start, end - start));
        std::fprintf(stderr, "#known (SHAKEDOWN_LIBFUZZ_KNOWN): %s\n",
                     list.substr(start, end - start).c_str());
      }
      start = end + 1;
    }
  }
  std::atexit([] {
    PrintPairs("at exit");
    std::fprintf(stderr, "#inputs at exit: %zu played, %zu skipped (other role, limits, error)\n",
                 g_passed, g_skipped);
    std::fprintf(stderr, "#known at exit: %zu invariant(s) seeds break; %zu mutated inputs broke only those\n",
                 Known().size(), g_known_hits);
    for (const std::string& rule : Known()) std::fprintf(stderr, "#known:   %s\n", rule.c_str());
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzOutcome out = FuzzTarget().RunInput(ByteView(data, size));
  ++(out.kind == FuzzOutcome::Kind::kSkipped ? g_skipped : g_passed);
  bool grew = false;
  for (size_t p : out.pairs) {
    if (g_pair_counters[p] < 255) ++g_pair_counters[p];
    if (!Seen()[p]) {
      Seen()[p] = true;
      ++(FuzzTarget().pairs().IsLegal(p) ? g_legal_seen : g_probes_seen);
      grew = true;
    }
  }
  if (grew) PrintPairs("now");
  if (out.kind != FuzzOutcome::Kind::kFinding) return 0;
  const VectorResult& r = out.result;
  if (!AbortAll()) {
    if (!g_mutating) {
      if (Known().insert(r.rule).second) {
        Result<Scenario> seed = ParseScenarioCbor(ByteView(data, size), "fuzz-input");
        std::fprintf(stderr, "#known (a seed breaks it, so it stops no run): %s (seed %s)\n",
                     r.rule.c_str(), seed.ok() ? seed->id.c_str() : "?");
      }
      return 0;
    }
    if (Known().count(r.rule) != 0) {
      ++g_known_hits;
      return 0;
    }
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
  g_mutating = true;
  return Mutator().MutateCbor(data, size, max_size, seed, FuzzTarget().fallback());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t a_size, const uint8_t* b,
                                            size_t b_size, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
  g_mutating = true;
  return Mutator().CrossOverCbor(a, a_size, b, b_size, out, max_out, seed, FuzzTarget().fallback());
}
