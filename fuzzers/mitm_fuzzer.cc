// The `mitm` fuzzer: a reference client and a reference server talking through a man in the
// middle that tampers with the records and handshake messages in flight; the input is a
// configuration and a list of tampering operations (harness/fuzz/mitm_input.h), mutated by
// libFuzzer's byte mutations and the TLS dictionary. The oracle (harness/fuzz/mitm_oracle.h):
// either both sides complete with equal master secrets, transcripts and parameters and deliver
// each other's data unchanged, or whatever a side accepted is what its peer sent; nothing after
// a fatal alert; untampered connections always complete. A broken rule prints the input and
// both sides' end states, then aborts, so libFuzzer keeps the input as a reproducer; running
// this binary on that file (`mitm_fuzzer crash-...`) replays it: given files (not a corpus
// directory), it prints every input's description and end states, and says when an input
// breaks no rule (a reproducer that no longer reproduces).
//
// Feedback: code edges, plus one extra counter per end state (connection, side, completed,
// resumed, fatal alert sent), so reaching a new way for a handshake to end is new coverage.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>

#include "engine/base/bytes.h"
#include "harness/fuzz/mitm_fuzz_target.h"

namespace {

using namespace shakedown;

constexpr size_t kEndStates = 2 * 2 * 2 * 2 * 257;
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t g_end_states[kEndStates];

bool g_replay = false;  // run on files: describe every input, not only findings

MitmFuzzTarget& Target() {
  static MitmFuzzTarget* target = [] {
    Result<std::unique_ptr<MitmFuzzTarget>> t = MitmFuzzTarget::Create();
    if (!t.ok()) {
      std::fprintf(stderr, "mitm fuzzer: %s\n", t.status().ToString().c_str());
      std::abort();
    }
    return std::move(t).value().release();
  }();
  return *target;
}

void CountEndState(size_t connection, bool client, const MitmSideRecord& s) {
  const size_t alert = s.fatal_alert_sent ? static_cast<size_t>(*s.fatal_alert_sent) + 1 : 0;
  const size_t i = (((connection * 2 + client) * 2 + s.completed) * 2 + s.resumed) * 257 + alert;
  if (i < kEndStates && g_end_states[i] < 255) ++g_end_states[i];
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    struct stat st;
    if ((*argv)[i][0] != '-' && stat((*argv)[i], &st) == 0 && S_ISREG(st.st_mode)) {
      g_replay = true;
    }
  }
  Target();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const MitmRunResult r = Target().RunInput(ByteView(data, size));
  for (size_t n = 0; n < r.connections.size() && n < 2; ++n) {
    CountEndState(n, true, r.connections[n].client);
    CountEndState(n, false, r.connections[n].server);
  }
  if (r.findings.empty()) {
    // libFuzzer may run a file twice (its leak check): describe each input once.
    static std::set<Bytes>* described = new std::set<Bytes>();
    if (g_replay && described->insert(Bytes(data, data + size)).second) {
      std::fprintf(stderr, "mitm input:\n  %s%sno rule broken (this input does not reproduce)\n",
                   DescribeMitmInput(r.input).c_str(), r.summary.c_str());
    }
    return 0;
  }
  std::fprintf(stderr,
               "\nFINDING: %s\n  the input:\n  %s  what happened:\n%s"
               "  replay it with: bazel-out/k8-opt-fuzz/bin/fuzzers/mitm_fuzzer <the crash- file "
               "libFuzzer names below>\n",
               r.findings[0].rule.c_str(), DescribeMitmInput(r.input).c_str(), r.summary.c_str());
  std::abort();
}
