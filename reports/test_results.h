// Hand-built RunResults shared by the report tests.
#ifndef SHAKEDOWN_REPORTS_TEST_RESULTS_H_
#define SHAKEDOWN_REPORTS_TEST_RESULTS_H_

#include <string>
#include <vector>

#include "reports/results.h"

namespace shakedown {

// Three vectors in two topics: a pass, a fail at step 3 and an error, with refs, traces
// and transitions (the pass takes a legal full RSA handshake; the fail has an illegal step).
RunResult SmallRun();

// Strings a hostile peer or a broken vector file could put into results.
std::vector<std::string> HostileStrings();

// Every text field of a run set from HostileStrings() (ids made distinct), verdicts mixed.
RunResult HostileRun();

}  // namespace shakedown

#endif  // SHAKEDOWN_REPORTS_TEST_RESULTS_H_
