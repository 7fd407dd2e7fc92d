// The reference target: the engine's sans-I/O Connection in-process, configured from a
// scenario's `target` block. Reads never wait (the output is there or the engine waits for
// input), which makes a whole conformance run take a few seconds.
#ifndef SHAKEDOWN_HARNESS_RUNNER_REFERENCE_TARGET_H_
#define SHAKEDOWN_HARNESS_RUNNER_REFERENCE_TARGET_H_

#include <cstdint>
#include <memory>

#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// The fixed clock of the reference target (2026-01-01T00:00:00Z): inside the test PKI's
// validity, and the same for every run, so a seed reproduces every byte.
inline constexpr uint64_t kReferenceClock = 1767225600;

// The engine Config a scenario's target block asks for (credentials from `pki`). Errors: an
// unusable combination (e.g. a server without a certificate).
Result<Config> ReferenceConfig(const Scenario& scenario, const TestPki& pki);

std::unique_ptr<Target> MakeReferenceTarget(const TargetResources& resources);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_REFERENCE_TARGET_H_
