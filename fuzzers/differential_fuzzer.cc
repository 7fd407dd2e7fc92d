// The differential fuzzer: each mutated scenario (the scenario fuzzers' input and mutator) is
// played against the reference engine and against every in-process TLS library of this build
// (harness/targets, the system -dev packages) in one role (SHAKEDOWN_FUZZ_ROLE, per binary in
// fuzzers/BUILD), then compared (harness/fuzz/differential.h): a library that goes on where
// the reference refuses, refuses where it goes on, or breaks an invariant where the reference
// breaks none. SHAKEDOWN_DIFF_LIBRARIES="openssl,gnutls" plays a subset.
//
// Feedback: the engine's edges (the libraries are not instrumented here; their own edges are
// the library fuzzers' business), the table pairs the reference reached, and one counter per
// (library, kind of difference) so that an input showing a new kind of difference is kept.
// Differences the seeds already show (the libraries' ledgered deviations) are learned, not stops
// (harness/fuzz/known_findings.h); a new one aborts, so libFuzzer keeps the input. A finding of the
// reference's own invariants aborts too, as in the scenario fuzzers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "harness/fuzz/decoded_scenarios.h"
#include "harness/fuzz/differential.h"
#include "harness/fuzz/known_findings.h"
#include "harness/fuzz/pair_feedback.h"
#include "harness/fuzz/scenario_mutator.h"
#include "harness/scenario/loader.h"
#include "harness/targets/registry.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using namespace shakedown;

constexpr size_t kMaxLibraries = 8;
constexpr size_t kKinds = 3;  // DifferenceKind
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t g_difference_counters[kMaxLibraries * kKinds];

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "differential fuzzer: %s\n", what.c_str());
  std::abort();
}

DecodedScenarios& Decoded() {
  static DecodedScenarios* decoded = new DecodedScenarios();
  return *decoded;
}

std::vector<std::string> Wanted() {
  std::vector<std::string> names = LibraryNames();
  const char* env = std::getenv("SHAKEDOWN_DIFF_LIBRARIES");
  if (env == nullptr || *env == '\0') return names;
  std::vector<std::string> wanted;
  std::stringstream list(env);
  for (std::string name; std::getline(list, name, ',');) {
    bool known = false;
    for (const std::string& n : names) known |= n == name;
    if (!known) Die("SHAKEDOWN_DIFF_LIBRARIES: no library '" + name + "' in this build");
    wanted.push_back(name);
  }
  return wanted;
}

DifferentialFuzzTarget& Differential() {
  static DifferentialFuzzTarget* target = [] {
    ScenarioFuzzTarget::Options options;
    options.role = Side::SHAKEDOWN_FUZZ_ROLE;
    options.decoded = &Decoded();
    // The PKI as the CLI gives it to library targets: the peer's keys, as PEM files (left in
    // the temporary directory for the process's life).
    Result<TargetResources> resources =
        MakeRunResourcesWithPem(options.seed, "shakedown-difffuzz-pki");
    if (!resources.ok()) Die("the PKI as PEM files: " + resources.status().ToString());
    std::vector<DifferentialFuzzTarget::Other> others;
    for (const std::string& name : Wanted()) {
      Result<std::unique_ptr<Library>> library = MakeLibrary(name, *resources);
      if (!library.ok()) Die(name + ": " + library.status().ToString());
      others.push_back({name, MakeLibraryTarget(std::move(library).value())});
    }
    if (others.size() > kMaxLibraries) Die("more libraries than counters");
    Result<std::unique_ptr<DifferentialFuzzTarget>> t =
        DifferentialFuzzTarget::Create(options, std::move(others));
    if (!t.ok()) Die("the fuzz target: " + t.status().ToString());
    std::string names;
    for (const std::string& n : (*t)->names()) names += " " + n;
    std::fprintf(stderr, "#differential: the reference against%s\n", names.c_str());
    return std::move(t).value().release();
  }();
  return *target;
}

ScenarioMutator& Mutator() {
  static ScenarioMutator* mutator =
      new ScenarioMutator(LLVMFuzzerMutate, Differential().reference().limits(), &Decoded());
  return *mutator;
}

PairFeedback& Pairs() {
  static PairFeedback* pairs =
      new PairFeedback(Differential().reference().pairs(), "differential fuzzer");
  return *pairs;
}

KnownFindings& Known() {
  static KnownFindings* known = new KnownFindings();
  return *known;
}

size_t g_inputs = 0, g_compared = 0, g_differing = 0;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Pairs();
  Known();
  std::atexit([] {
    Pairs().Print("at exit");
    std::fprintf(stderr,
                 "#differential at exit: %zu inputs, %zu library runs compared, %zu with a "
                 "difference\n",
                 g_inputs, g_compared, g_differing);
    Known().PrintSummary();
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DifferentialOutcome out = Differential().RunInput(ByteView(data, size));
  ++g_inputs;
  g_compared += out.compared.size();
  Pairs().Count(out.reference.pairs);
  if (!out.differences.empty()) ++g_differing;
  const std::vector<std::string>& names = Differential().names();
  for (const Difference& d : out.differences) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] != d.target) continue;
      uint8_t& c = g_difference_counters[i * kKinds + static_cast<size_t>(d.kind)];
      if (c < 255) ++c;
    }
  }
  std::string finding, detail;
  if (out.reference.kind == FuzzOutcome::Kind::kFinding) {
    finding = "reference: " + out.reference.result.rule;
    detail = out.reference.result.message;
  }
  if (finding.empty() && out.differences.empty()) return 0;
  Result<Scenario> scenario = ParseScenarioCbor(ByteView(data, size), "fuzz-input");
  const std::string seed = scenario.ok() ? scenario->id : "?";
  if (!finding.empty() && !Known().Stops(finding, seed)) finding.clear();
  for (const Difference& d : out.differences) {
    if (!finding.empty()) break;
    if (Known().Stops(d.signature, seed)) {
      finding = d.signature;
      detail = d.detail;
    }
  }
  if (finding.empty()) return 0;
  std::fprintf(stderr,
               "\nFINDING: %s\n  %s\n  the scenario:\n%s\n"
               "  replay it with: ./shakedown replay --target LIBRARY <the crash- file libFuzzer "
               "names below> (and --target reference); shrink it with ./shakedown minimize "
               "--against LIBRARY <file>\n",
               finding.c_str(), detail.c_str(),
               scenario.ok() ? SerializeScenarioJson(*scenario).c_str() : "(undecodable)");
  std::abort();
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  Known().StartMutating();
  return Mutator().MutateCbor(data, size, max_size, seed, Differential().reference().fallback());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* a, size_t a_size, const uint8_t* b,
                                            size_t b_size, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
  Known().StartMutating();
  return Mutator().CrossOverCbor(a, a_size, b, b_size, out, max_out, seed,
                                 Differential().reference().fallback());
}
