// What a libFuzzer campaign against a real library already knows, so that it stops only at
// something new. A real library fails some conformance vectors unmutated (its ledger), and the
// seeds are those vectors: every descendant of such a seed would stop the run at once. So a
// finding a *seed* shows while libFuzzer reads the initial corpus (before its first mutation)
// is printed as `#known ...` and becomes known; later inputs with only a known finding are
// counted, not stopped. A new finding (and any sanitizer report) still stops the run.
//
// Environment: SHAKEDOWN_LIBFUZZ_KNOWN="finding;finding" adds findings already saved (to go on
// past them: the text the FINDING line names); SHAKEDOWN_LIBFUZZ_ABORT_ALL=1 turns this off.
// Used by the library fuzzers (harness/fuzz/library_fuzz_main.cc) and the differential
// fuzzers (fuzzers/differential_fuzzer.cc).
#ifndef SHAKEDOWN_HARNESS_FUZZ_KNOWN_FINDINGS_H_
#define SHAKEDOWN_HARNESS_FUZZ_KNOWN_FINDINGS_H_

#include <cstddef>
#include <set>
#include <string>

namespace shakedown {

class KnownFindings {
 public:
  // Reads the two environment variables (and prints what SHAKEDOWN_LIBFUZZ_KNOWN adds).
  KnownFindings();

  // libFuzzer calls the custom mutator only after the initial corpus is read.
  void StartMutating() { mutating_ = true; }

  // True when `finding` must stop the run. While the seeds are read it is learned instead
  // (printed with `seed`, the seed's id); afterwards, a known one is counted.
  bool Stops(const std::string& finding, const std::string& seed);

  // "#known at exit: ..." lines.
  void PrintSummary() const;

 private:
  bool mutating_ = false;
  bool abort_all_ = false;
  std::set<std::string> known_;
  size_t hits_ = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_KNOWN_FINDINGS_H_
