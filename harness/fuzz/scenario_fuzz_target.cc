#include "harness/fuzz/scenario_fuzz_target.h"

#include <utility>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

// The fallbacks: one complete ECDHE_RSA handshake per role, with the peer's defaults.
constexpr char kServerFallback[] = R"({
  "id": "server.fuzz.fallback", "title": "A full handshake with the target as server",
  "refs": ["RFC5246 7.3"], "target_role": "server",
  "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
  "steps": [
    {"send": "ClientHello"},
    {"expect": ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"]},
    {"send": "ClientKeyExchange"}, {"send": "ChangeCipherSpec"}, {"send": "Finished"},
    {"expect": ["ChangeCipherSpec", "Finished"]},
    {"send": "ApplicationData", "data": "ping"},
    {"expect": {"silence_ms": 50}}
  ]})";

constexpr char kClientFallback[] = R"({
  "id": "client.fuzz.fallback", "title": "A full handshake with the target as client",
  "refs": ["RFC5246 7.3"], "target_role": "client",
  "peer": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]},
  "steps": [
    {"expect": ["ClientHello"]},
    {"send": "ServerHello"}, {"send": "Certificate"}, {"send": "ServerKeyExchange"},
    {"send": "ServerHelloDone"},
    {"expect": ["ClientKeyExchange", "ChangeCipherSpec", "Finished"]},
    {"send": "ChangeCipherSpec"}, {"send": "Finished"},
    {"send": "ApplicationData", "data": "ping"},
    {"expect": {"silence_ms": 50}}
  ]})";

bool WithinLimits(const Scenario& s, const MutatorLimits& limits, std::string* why) {
  if (s.connections.size() > limits.max_connections) {
    *why = "more than " + std::to_string(limits.max_connections) + " connections";
    return false;
  }
  for (const ConnectionScript& c : s.connections) {
    if (c.steps.size() > limits.max_steps) {
      *why = "more than " + std::to_string(limits.max_steps) + " steps in a connection";
      return false;
    }
    for (const Step& step : c.steps) {
      const auto* send = std::get_if<SendStep>(&step.action);
      const bool small_raw =
          send != nullptr && send->message == MessageName::kRaw &&
          send->raw.size() * static_cast<size_t>(send->repeat) <= limits.max_repeated_raw_bytes;
      if (send != nullptr && send->repeat > limits.max_repeat && !small_raw) {
        *why = "a step repeated more than " + std::to_string(limits.max_repeat) + " times";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

bool IsFinding(const VectorResult& result) { return result.verdict == Verdict::kFail; }

Result<std::unique_ptr<ScenarioFuzzTarget>> ScenarioFuzzTarget::Create(const Options& options) {
  SD_ASSIGN_OR_RETURN(std::shared_ptr<const TestPki> pki, MakeRunPki(options.seed));
  TargetResources resources;
  resources.pki = pki;
  resources.seed = options.seed;
  SD_ASSIGN_OR_RETURN(std::unique_ptr<Target> target, MakeTarget(options.target, resources));
  return Build(options, std::move(pki), std::move(target));
}

Result<std::unique_ptr<ScenarioFuzzTarget>> ScenarioFuzzTarget::Create(
    const Options& options, std::unique_ptr<Target> target) {
  SD_ASSIGN_OR_RETURN(std::shared_ptr<const TestPki> pki, MakeRunPki(options.seed));
  return Build(options, std::move(pki), std::move(target));
}

Result<std::unique_ptr<ScenarioFuzzTarget>> ScenarioFuzzTarget::Build(
    const Options& options, std::shared_ptr<const TestPki> pki, std::unique_ptr<Target> target) {
  RunOptions run;
  run.pki = pki;
  run.seed = options.seed;
  run.timeout_ms = options.timeout_ms;
  run.judge_expectations = false;
  run.max_trace_hex_bytes = 64;
  SD_ASSIGN_OR_RETURN(
      Scenario fallback,
      ParseScenarioJson(options.role == Side::kServer ? kServerFallback : kClientFallback,
                        "vectors/conformance/fuzz/fallback.json"));
  return std::unique_ptr<ScenarioFuzzTarget>(
      new ScenarioFuzzTarget(options, std::move(run), std::move(target), std::move(fallback)));
}

ScenarioFuzzTarget::ScenarioFuzzTarget(const Options& options, RunOptions run,
                                       std::unique_ptr<Target> target, Scenario fallback)
    : options_(options),
      run_(std::move(run)),
      target_(std::move(target)),
      fallback_(std::move(fallback)),
      pairs_(options.role) {}

std::shared_ptr<const Scenario> DecodeFuzzInput(ByteView cbor, DecodedScenarios* decoded,
                                                std::string* why) {
  if (decoded != nullptr) return decoded->Decode(cbor, why);
  Result<Scenario> scenario = ParseScenarioCbor(cbor, DecodedScenarios::kSourceName);
  if (!scenario.ok()) {
    *why = scenario.status().message();
    return nullptr;
  }
  return std::make_shared<const Scenario>(std::move(scenario).value());
}

FuzzOutcome ScenarioFuzzTarget::RunInput(ByteView cbor) {
  std::string why;
  std::shared_ptr<const Scenario> scenario = DecodeFuzzInput(cbor, options_.decoded, &why);
  if (scenario != nullptr) return RunScenario(*scenario);
  FuzzOutcome out;
  out.why_skipped = "not a scenario: " + why;
  return out;
}

FuzzOutcome ScenarioFuzzTarget::RunScenario(const Scenario& scenario) {
  FuzzOutcome out;
  if (scenario.role != options_.role) {
    out.why_skipped = std::string("a scenario for a ") + SideName(scenario.role) + " target";
    return out;
  }
  if (!WithinLimits(scenario, options_.limits, &out.why_skipped)) return out;
  out.result = RunVector(scenario, *target_, run_);
  out.pairs = pairs_.Reached(out.result.transitions);
  if (out.result.verdict == Verdict::kError) {
    out.why_skipped = out.result.rule + ": " + out.result.message;
    return out;
  }
  out.kind = IsFinding(out.result) ? FuzzOutcome::Kind::kFinding : FuzzOutcome::Kind::kPassed;
  return out;
}

}  // namespace shakedown
