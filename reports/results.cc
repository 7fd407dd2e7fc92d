#include "reports/results.h"

#include <algorithm>

namespace shakedown {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kError:
      return "error";
    case Verdict::kNotApplicable:
      return "not_applicable";
    case Verdict::kExpectedFailure:
      return "expected_failure";
  }
  return "error";  // out-of-range enum value: treat as the harness's fault
}

int RunResult::Count(Verdict verdict) const {
  return static_cast<int>(std::count_if(vectors.begin(), vectors.end(),
                                        [&](const VectorResult& v) { return v.verdict == verdict; }));
}

}  // namespace shakedown
