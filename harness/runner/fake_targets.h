// Targets that break an invariant on purpose, for tests of the oracle and of what consumes its
// verdicts (fuzz targets, minimize, export). Test-only.
#ifndef SHAKEDOWN_HARNESS_RUNNER_FAKE_TARGETS_H_
#define SHAKEDOWN_HARNESS_RUNNER_FAKE_TARGETS_H_

#include <memory>
#include <string>

#include "harness/runner/target.h"

namespace shakedown {

// Answers whatever it is sent first with two fatal alerts: it breaks "nothing after a fatal
// alert" (RFC 5246 7.2.2) on every scenario.
class TwoFatalAlertsTarget final : public Target {
 public:
  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario&, size_t) override;
  std::string describe() const override { return "two-fatal-alerts"; }
};

// Answers whatever it is sent first with Alert(fatal, handshake_failure), then closes: it
// refuses every handshake, breaking no invariant (a refusal is always allowed).
class RefusingTarget final : public Target {
 public:
  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario&, size_t) override;
  std::string describe() const override { return "refusing"; }
};

// Never answers, yet claims a completed handshake: it breaks "completed only along the table"
// as soon as the peer has not completed one.
class ClaimsCompletionTarget final : public Target {
 public:
  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario&, size_t) override;
  std::string describe() const override { return "claims-completion"; }
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_RUNNER_FAKE_TARGETS_H_
