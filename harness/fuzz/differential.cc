#include "harness/fuzz/differential.h"

#include <algorithm>
#include <utility>

namespace shakedown {
namespace {

std::string Describe(const ConnectionEnd& end) {
  std::string out;
  if (!end.refusal.empty()) {
    out = "refused (" + end.refusal + ") at step " + std::to_string(end.step);
  } else if (end.last_progress_step >= 0) {
    out = "went on at step " + std::to_string(end.last_progress_step);
  } else {
    out = "sent nothing";
  }
  return out + (end.completed ? ", completed" : "");
}

bool Compared(const FuzzOutcome& o) {
  return o.kind != FuzzOutcome::Kind::kSkipped && o.result.verdict != Verdict::kNotApplicable;
}

}  // namespace

std::vector<Difference> CompareRuns(const std::string& name, const FuzzOutcome& reference,
                                    const FuzzOutcome& other) {
  std::vector<Difference> out;
  // A reference that breaks an invariant is a finding of its own, not a yardstick.
  if (!Compared(reference) || !Compared(other) || reference.kind == FuzzOutcome::Kind::kFinding) {
    return out;
  }
  if (other.kind == FuzzOutcome::Kind::kFinding) {
    Difference d;
    d.target = name;
    d.kind = DifferenceKind::kInvariant;
    d.reference = "no invariant broken";
    d.other = other.result.rule;
    d.signature = name + " breaks " + other.result.rule + " where the reference breaks none";
    d.detail = "at connection " + std::to_string(other.result.failed_connection) + ", step " +
               std::to_string(other.result.failed_step) + ": " + other.result.message;
    out.push_back(std::move(d));
    return out;
  }
  const std::vector<ConnectionEnd>& a = reference.result.ends;
  const std::vector<ConnectionEnd>& b = other.result.ends;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const bool ra = !a[i].refusal.empty(), rb = !b[i].refusal.empty();
    if (ra == rb) continue;
    // The refusing side refused at `refused.step`; the other differs only if it went on there
    // or later, never refusing (silence, waiting for the rest of a message, is no answer).
    const ConnectionEnd& refused = ra ? a[i] : b[i];
    const ConnectionEnd& went_on = ra ? b[i] : a[i];
    if (went_on.last_progress_step < refused.step) continue;
    Difference d;
    d.target = name;
    d.kind = ra ? DifferenceKind::kReferenceRefuses : DifferenceKind::kOtherRefuses;
    d.connection = static_cast<int>(i);
    d.reference = Describe(a[i]);
    d.other = Describe(b[i]);
    d.signature = ra ? name + " goes on where the reference refuses (" + a[i].refusal + ")"
                     : name + " refuses (" + b[i].refusal + ") where the reference goes on";
    d.detail = "connection " + std::to_string(i) + ": the reference " + d.reference + "; " + name +
               " " + d.other;
    out.push_back(std::move(d));
    break;  // later connections follow from this one
  }
  return out;
}

Result<std::unique_ptr<DifferentialFuzzTarget>> DifferentialFuzzTarget::Create(
    const ScenarioFuzzTarget::Options& options, std::vector<Other> others) {
  std::unique_ptr<DifferentialFuzzTarget> t(new DifferentialFuzzTarget());
  t->options_ = options;
  ScenarioFuzzTarget::Options reference = options;
  reference.target = TargetSpec();  // the reference engine
  SD_ASSIGN_OR_RETURN(t->reference_, ScenarioFuzzTarget::Create(reference));
  for (Other& o : others) {
    if (o.target == nullptr) return InternalError("differential: no target for " + o.name);
    ScenarioFuzzTarget::Options each = options;
    each.decoded = nullptr;  // the reference decodes; the others get the decoded scenario
    SD_ASSIGN_OR_RETURN(std::unique_ptr<ScenarioFuzzTarget> target,
                        ScenarioFuzzTarget::Create(each, std::move(o.target)));
    t->names_.push_back(o.name);
    t->others_.push_back(std::move(target));
  }
  return t;
}

DifferentialOutcome DifferentialFuzzTarget::RunInput(ByteView cbor) {
  std::string why;
  std::shared_ptr<const Scenario> scenario = DecodeFuzzInput(cbor, options_.decoded, &why);
  if (scenario != nullptr) return RunScenario(*scenario);
  DifferentialOutcome out;
  out.reference.why_skipped = "not a scenario: " + why;
  return out;
}

DifferentialOutcome DifferentialFuzzTarget::RunScenario(const Scenario& scenario) {
  DifferentialOutcome out;
  out.reference = reference_->RunScenario(scenario);
  if (out.reference.kind == FuzzOutcome::Kind::kSkipped) return out;
  for (size_t i = 0; i < others_.size(); ++i) {
    FuzzOutcome other = others_[i]->RunScenario(scenario);
    if (!Compared(other)) continue;
    out.compared.push_back(names_[i]);
    for (Difference& d : CompareRuns(names_[i], out.reference, other)) {
      out.differences.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace shakedown
