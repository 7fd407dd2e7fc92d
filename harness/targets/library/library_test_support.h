// What the in-process library tests share: the run's test PKI written as PEM once per test
// binary, the run options, and playing one conformance vector against a fresh target.
#ifndef SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_TEST_SUPPORT_H_
#define SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_TEST_SUPPORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"
#include "harness/targets/library/library.h"
#include "reports/results.h"

namespace shakedown {

// The PKI of seed kTestSeed, its PEM files (removed at exit) and the seed. Aborts if they
// cannot be made: no test of the binary could run.
inline constexpr uint64_t kTestSeed = 7;
const TargetResources& TestResources();
// Options for RunScenarios with that PKI and seed; expectations wait 200 ms.
RunOptions TestRunOptions();

// Loads vectors/conformance/<file> (the test's data); a load error fails the test.
Scenario LoadConformanceVector(const std::string& file);
// Plays the vectors/conformance files in one run, a target from `make` per worker.
RunResult RunConformanceVectors(const std::vector<std::string>& files, const TargetFactory& make);
// Plays vectors/conformance/<file> (the test's data) against the target `make` returns.
VectorResult RunConformanceVector(const std::string& file,
                                  const std::function<std::unique_ptr<Target>()>& make);

// Garbage (400 records announcing 65535 bytes) and, on a fresh connection, an early end of
// input (after half a record header, for a server) through the TargetConnection of the
// library `make` returns, in both roles: each ends (no data forever after garbage; EOF with a
// note after the early end), never a crash.
void ExpectGarbageAndEarlyEofEnd(const std::function<std::unique_ptr<Library>()>& make);

// "<id>: <rule>: <message>" and the trace, one line per entry: for failure messages.
std::string Explain(const VectorResult& v);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_TARGETS_LIBRARY_LIBRARY_TEST_SUPPORT_H_
