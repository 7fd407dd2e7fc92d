#include "cli/export_command.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/run_setup.h"
#include "engine/crypto/transcript.h"
#include "harness/peer/violation.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "reports/text_util.h"
#include "tools/coverage/vector_paths.h"

namespace shakedown {
namespace {

namespace fs = std::filesystem;

// The requirement each rule an invariants-judged run can fail with stands for: the ref of an
// exported finding (the input's own refs are those of the vector it was mutated from).
std::string RefForRule(const std::string& rule) {
  static const std::vector<std::pair<ViolationRule, const char*>> kInvariantRefs = {
      {ViolationRule::kFinishedVerifyData, "RFC5246 7.4.9"},
      {ViolationRule::kIllegalOrder, "RFC5246 7.3"},
      {ViolationRule::kCcsBeforeKeys, "CVE-2014-0224"},
      {ViolationRule::kAcceptedTamperedFinished, "RFC5246 7.4.9"},
      {ViolationRule::kAcceptedTamperedCertificateVerify, "RFC5246 7.4.8"},
      {ViolationRule::kAcceptedTamperedServerKeyExchange, "RFC5246 7.4.3"},
      {ViolationRule::kAfterFatalAlert, "RFC5246 7.2.2"},
      {ViolationRule::kResumptionMismatch, "RFC5246 7.4.1.3"},
      {ViolationRule::kEmsNotEchoed, "RFC7627 5.2"},
      {ViolationRule::kEmsUnsolicited, "RFC7627 5.2"},
      {ViolationRule::kEmsNotOffered, "RFC7627 5.3"},
      {ViolationRule::kExtensionUnsolicited, "RFC5246 7.4.1.4"},
      {ViolationRule::kSuiteNotOffered, "RFC5246 7.4.1.3"},
      {ViolationRule::kRenegotiationInfoNotOffered, "RFC5746 3.4"},
      {ViolationRule::kServerKeyExchangeSignature, "RFC5246 7.4.3"},
      {ViolationRule::kCertificateVerifySignature, "RFC5246 7.4.8"},
      {ViolationRule::kZeroLengthFragment, "RFC5246 6.2.1"},
      {ViolationRule::kHeartbeatNotAllowed, "RFC6520 2"},
      {ViolationRule::kHeartbeatUnsolicitedResponse, "RFC6520 4"},
      {ViolationRule::kHeartbeatPayloadMismatch, "RFC6520 4"},
  };
  for (const auto& [violation, ref] : kInvariantRefs) {
    if (rule == InvariantRule(violation)) return ref;
  }
  if (rule == kRuleCloseAfterFatal) return "RFC5246 7.2.2";
  if (rule == kRuleAgreement) return "RFC5246 8.1";
  if (rule == kRuleUndecodable) return "RFC5246 6.2";  // framing, or a record that won't open
  if (rule == kRuleFlood) return "RFC5246 6.2.1";
  return "";  // a death: no RFC section; the input's refs stay
}

// "invariant: accepted: tampered Finished" -> "accepted-tampered-finished".
std::string RuleSlug(std::string_view rule) {
  constexpr std::string_view kInvariant = "invariant: ";
  if (rule.substr(0, kInvariant.size()) == kInvariant) rule.remove_prefix(kInvariant.size());
  std::string slug;
  for (char c : rule) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      slug += lower;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "finding" : slug;
}

// 8 hex digits of the SHA-256 of what the scenario does (its canonical CBOR without the
// naming: id, title, refs, notes), so the same finding gets the same name.
Result<std::string> ContentHash(Scenario s) {
  s.id = "x";
  s.title = "x";
  s.refs = {"RFC5246"};
  s.notes.clear();
  s.judge = JudgedBy::kInvariants;
  SD_ASSIGN_OR_RETURN(Bytes digest,
                      HandshakeHash(PrfAlgorithm::kSha256, SerializeScenarioCbor(s)));
  return ToHex(ByteView(digest).subview(0, 4));
}

std::string Outcome(const VectorResult& r) {
  if (r.verdict == Verdict::kPass) return "passes (no invariant fails)";
  return std::string(r.verdict == Verdict::kFail ? "FAILS " : "cannot be played: ") + r.rule +
         "\n    " + TerminalText(r.message, 600);
}

int Fail(const std::string& message) {
  std::cerr << "shakedown export: " << message << "\n";
  return kExitUsage;
}

}  // namespace

int RunExport(const ExportOptions& options, Target& target) {
  bool fuzz_input = false;
  Result<Scenario> input = LoadVectorOrFuzzInput(options.file, &fuzz_input);
  if (!input.ok()) return Fail(input.status().message());
  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(options.seed);
  if (!pki.ok()) return Fail("generating the test PKI: " + pki.status().message());
  RunOptions run;
  run.pki = *pki;
  run.seed = options.seed;

  // First as the fuzzer ran it (its own id seeds the peer's randomness): the rule it breaks.
  Scenario s = *input;
  s.judge = JudgedBy::kInvariants;
  const VectorResult found = RunVector(s, target, run);
  const std::string side(SideName(s.role));
  std::cout << options.file << ": " << (fuzz_input ? "a fuzz input" : "the vector " + s.id)
            << ", a " << side << " target, " << s.connections.size() << " connection(s)\n"
            << "  against " << target.describe() << " (seed " << options.seed
            << "), judged by the invariants: " << Outcome(found) << "\n";
  if (found.verdict == Verdict::kError) {
    return Fail(options.file + ": the scripted peer cannot play it (" + found.rule + ": " +
                found.message + "); nothing written");
  }

  Result<std::string> hash = ContentHash(s);
  if (!hash.ok()) return Fail("hashing the scenario: " + hash.status().message());
  const bool failed = found.verdict == Verdict::kFail;
  std::string id = options.id;
  if (id.empty()) {
    id = "regressions." + side + "." + (failed ? RuleSlug(found.rule) : "no-finding") + "-" +
         *hash;
  }
  Status id_ok = CheckRegressionId(id, s.role);
  if (!id_ok.ok()) return Fail("--id: " + id_ok.message());

  const std::string original_title = s.title;
  s.id = id;
  s.title = "Fuzz finding " + *hash + ": a " + side + " target keeps every invariant" +
            (failed ? " (found failing " + found.rule + ")" : "");
  // The input's refs are those of the vector the fuzzer mutated: the broken rule's section
  // says what this vector is about, when there is one.
  const std::string ref = failed ? RefForRule(found.rule) : "";
  if (!ref.empty()) s.refs = {ref};
  s.notes = "Exported by `shakedown export` from " + options.file + " (" +
            (fuzz_input ? std::string("a fuzz input, mutated from a vector titled")
                        : "the vector " + input->id + ", titled") +
            " \"" + original_title + "\"). Judged by the invariants alone "
            "(\"judge\": \"invariants\"): its expect steps were mutated with the rest and only "
            "mark where the target speaks. When exported (seed " + std::to_string(options.seed) +
            ") it " +
            (failed ? "failed against " + target.describe() + " with " + found.rule + ": " +
                          TerminalText(found.message, 300) + "."
                    : "passed against " + target.describe() + ".");
  if (!options.note.empty()) s.notes += " " + options.note;

  const std::string relative = RegressionFileForId(id);
  const std::string dir = options.out.empty() ? RepoPath("vectors/regressions") : options.out;
  const std::string path = dir + "/" + relative;
  const std::string shown = options.out.empty() ? "vectors/regressions/" + relative : path;
  s.source = path;
  s.topic = TopicForPath(path);

  // What will be written must load back to exactly this scenario before anything is written.
  const std::string text = SerializeScenarioJson(s);
  Result<Scenario> parsed = ParseScenarioJson(text, path);
  if (!parsed.ok()) return Fail(path + ": the vector would not load: " + parsed.status().message());
  if (*parsed != s) return Fail(path + ": the vector would not load back to the same scenario");

  std::error_code ec;
  if (fs::exists(path, ec) && !options.force) {
    return Fail(path + ": exists; --force overwrites it (or give another --id)");
  }
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Fail(path + ": cannot create its directory: " + ec.message());
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) return Fail(path + ": cannot write");
  }
  Result<Scenario> back = LoadScenarioFile(path);
  if (!back.ok()) return Fail(path + ": written, but does not load: " + back.status().message());
  if (*back != s) return Fail(path + ": written, but loads back as another scenario");

  // Under its new id the peer's random bytes differ: run it once more exactly as the suite will.
  const VectorResult now = RunVector(*back, target, run);
  std::cout << "written " << shown << " (id " << id << ")\n"
            << "  as the suite runs it, against " << target.describe() << ": " << Outcome(now)
            << "\n";
  if (now.verdict != found.verdict || now.rule != found.rule) {
    std::cout << "  note: under its new id the verdict differs from the input's (the peer's "
                 "random bytes follow the id); check the vector before committing it\n";
  }
  std::cout << (now.verdict == Verdict::kFail
                    ? "  the bug is still there: the suite fails on this vector until it is "
                      "fixed\n"
                    : "  it passes now: the suite keeps it passing\n")
            << "run it with:\n  ./shakedown run " << shown << "\n";
  return kExitOk;
}

int RunExport(const ExportOptions& options) {
  TargetOptions reference;
  reference.seed = options.seed;
  RunSetup setup;
  Status init = setup.Init(reference, 1);
  if (!init.ok()) return Fail(init.message());
  Result<std::unique_ptr<Target>> target = setup.factory()(0);
  if (!target.ok()) return Fail(target.status().message());
  return RunExport(options, **target);
}

Command AddExportCommand(CLI::App& app) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write a fuzz finding (a crash-* reproducer, a .cbor input, or the .min.json of "
      "`shakedown minimize`) as a regression vector under vectors/regressions/, which "
      "`shakedown run` runs with the conformance suite, judged by the invariants. Exit codes: "
      "0 written, 2 the input does not load or cannot be played, a bad --id, an existing file "
      "without --force, or a write that fails.");
  cmd->footer(
      "The vector goes to DIR/<role>/<what>.json with the id regressions.<role>.<what>, and "
      "says \"judge\": \"invariants\": its expect steps came from the fuzzer's mutations, so "
      "the suite judges it as the fuzzer did, by the invariants alone. <what> is the rule it "
      "fails against the reference engine when exported (or no-finding) and 8 hex digits of "
      "the scenario's SHA-256, unless --id; its ref is the failed rule's RFC section (else the "
      "input's refs); its notes say which file it came from and which rule it failed, plus "
      "--note. It is run once against the reference engine (--seed, as the fuzzer's) and the "
      "command says whether it fails there now (the bug is still in this build: run export in "
      "the build that has it) or passes (fixed, or it does not reproduce); it is written "
      "either way, then loaded back and compared. See docs/FUZZING.md.");
  cmd->add_option("file", options->file, "The finding")->required();
  cmd->add_option("--out", options->out,
                  "The regressions directory (default: the repository's vectors/regressions); "
                  "the vector goes to DIR/<role>/<what>.json");
  cmd->add_option("--id", options->id,
                  "The vector's id instead of the generated one: regressions.<role>.<what>, "
                  "<role> the target's (server or client), <what> of a-z 0-9 . _ - (dots "
                  "become dashes in the file name)");
  cmd->add_option("--note", options->note,
                  "Text added to the vector's notes, e.g. which bug it catches");
  cmd->add_flag("--force", options->force, "Overwrite an existing vector");
  cmd->add_option("--seed", options->seed, "The run seed (as the fuzzer's: 1)")
      ->capture_default_str();
  return {cmd, [options] { return RunExport(*options); }};
}

}  // namespace shakedown
