#include "harness/fuzz/known_findings.h"

#include <cstdio>
#include <cstdlib>

namespace shakedown {

KnownFindings::KnownFindings() {
  const char* all = std::getenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL");
  abort_all_ = all != nullptr && *all != '\0' && *all != '0';
  const char* known = std::getenv("SHAKEDOWN_LIBFUZZ_KNOWN");
  if (known == nullptr) return;
  const std::string list = known;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(';', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) {
      known_.insert(list.substr(start, end - start));
      std::fprintf(stderr, "#known (SHAKEDOWN_LIBFUZZ_KNOWN): %s\n",
                   list.substr(start, end - start).c_str());
    }
    start = end + 1;
  }
}

bool KnownFindings::Stops(const std::string& finding, const std::string& seed) {
  if (abort_all_) return true;
  if (!mutating_) {
    if (known_.insert(finding).second) {
      std::fprintf(stderr, "#known (a seed shows it, so it stops no run): %s (seed %s)\n",
                   finding.c_str(), seed.c_str());
    }
    return false;
  }
  if (known_.count(finding) == 0) return true;
  ++hits_;
  return false;
}

void KnownFindings::PrintSummary() const {
  std::fprintf(stderr,
               "#known at exit: %zu finding(s) seeds show; %zu mutated inputs showed only those\n",
               known_.size(), hits_);
  for (const std::string& f : known_) std::fprintf(stderr, "#known:   %s\n", f.c_str());
}

}  // namespace shakedown
