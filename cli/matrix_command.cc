#include "cli/matrix_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "harness/ledger/ledger.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "harness/targets/registry.h"
#include "reports/matrix_report.h"
#include "reports/report_dir.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "openssl:server" -> "openssl-server": a folder name.
std::string FolderName(const std::string& spec) {
  std::string out;
  for (char c : spec) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

}  // namespace

int RunMatrix(const MatrixOptions& options) {
  std::vector<std::string> targets = options.targets;
  if (targets.empty()) {
    targets.push_back("reference");
    for (const std::string& l : LibraryNames()) targets.push_back(l);
  }
  std::vector<MatrixColumn> columns;
  int status = kExitOk;
  for (const std::string& target : targets) {
    SuiteRunOptions suite;
    suite.target.target = target;
    suite.target.seed = options.seed;
    suite.target.isolate = options.isolate;
    suite.jobs = options.jobs;
    suite.no_progress = true;
    suite.paths = options.paths;
    RunSetup setup;
    Status init = setup.Init(suite.target, suite.jobs);
    if (!init.ok()) {
      std::cerr << "shakedown matrix: " << target << ": " << init.message() << "\n";
      return kExitUsage;
    }
    std::cout << "== " << target << "\n";
    // The per-vector lines of five suites would bury the matrix: only the summaries.
    std::ostringstream lines;
    std::streambuf* saved = std::cout.rdbuf(lines.rdbuf());
    Result<SuiteOutcome> outcome = PlaySuite(suite, setup);
    std::cout.rdbuf(saved);
    if (!outcome.ok()) {
      std::cerr << "shakedown matrix: " << target << ": " << outcome.status().message() << "\n";
      return kExitUsage;
    }
    status = std::max(status, outcome->status);
    const RunResult& r = outcome->result;
    MatrixColumn column;
    column.name = target;
    column.version = setup.LibraryVersion();
    column.report_dir = FolderName(target);
    column.ledger = outcome->ledger;
    std::cout << "   " << r.vectors.size() << " vectors: " << r.Count(Verdict::kPass) << " passed, "
              << r.Count(Verdict::kFail) << " failed, " << r.Count(Verdict::kExpectedFailure)
              << " known deviations, " << r.Count(Verdict::kNotApplicable)
              << " not applicable, " << r.Count(Verdict::kError) << " errors"
              << (column.ledger.empty() ? "" : " (ledger " + column.ledger + ")") << "\n";
    for (const VectorResult& v : r.vectors) {
      if (v.verdict == Verdict::kFail || v.verdict == Verdict::kError) {
        std::cout << "   " << VerdictName(v.verdict) << " " << v.id << "  " << v.rule << "\n";
      }
    }
    column.result = std::move(outcome->result);
    if (!options.report.empty()) {
      Status written = WriteReports(column.result, options.report + "/" + column.report_dir);
      if (!written.ok()) {
        std::cerr << "shakedown matrix: " << written.message() << "\n";
        status = kExitUsage;
      }
    }
    columns.push_back(std::move(column));
  }
  if (!options.report.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.report, ec);
    Status written = WriteMatrix(columns, options.report);
    if (!written.ok()) {
      std::cerr << "shakedown matrix: " << written.message() << "\n";
      return kExitUsage;
    }
    std::cout << "matrix: " << options.report << "/matrix.html\n";
  }
  const std::string markdown = MatrixMarkdown(columns);
  if (!options.markdown.empty()) {
    Status written = WriteTextFile(options.markdown, markdown);
    if (!written.ok()) {
      std::cerr << "shakedown matrix: " << written.message() << "\n";
      return kExitUsage;
    }
    std::cout << "markdown: " << options.markdown << "\n";
  }
  if (!options.check_markdown.empty() && ReadWholeFile(options.check_markdown) != markdown) {
    std::cerr << "shakedown matrix: " << options.check_markdown
              << " is stale: regenerate it with ./shakedown matrix --markdown "
              << options.check_markdown << "\n";
    status = std::max(status, kExitFailed);
  }
  return status;
}

int RunLedger(const LedgerOptions& options) {
  SuiteRunOptions suite = options.suite;
  suite.no_ledger = true;
  suite.ledger.clear();
  RunSetup setup;
  Status init = setup.Init(suite.target, suite.jobs);
  if (!init.ok()) {
    std::cerr << "shakedown ledger: " << init.message() << "\n";
    return kExitUsage;
  }
  const bool library = setup.spec().kind == TargetSpec::Kind::kLibrary;
  const std::string mm = library ? MajorMinor(setup.LibraryVersion()) : "";
  std::string out = options.out;
  if (out.empty() && library) {
    out = RepoPath("vectors/expectations/" + LedgerFileName(setup.spec().library, mm));
  }
  if (out.empty()) {
    std::cerr << "shakedown ledger: --out FILE is needed for a target that is no in-process "
                 "library\n";
    return kExitUsage;
  }
  Result<SuiteOutcome> outcome = PlaySuite(suite, setup);
  if (!outcome.ok()) {
    std::cerr << "shakedown ledger: " << outcome.status().message() << "\n";
    return kExitUsage;
  }
  // Replay every failure on a fresh target: an entry is confirmed when it fails the same way.
  // A failed equivalence family (a result of its own, without a file) is replayed with all its
  // members: only together do they tell the family's answers apart.
  std::set<std::string> families;
  for (const VectorResult& v : outcome->result.vectors) {
    if (v.verdict == Verdict::kFail && v.file.empty() && v.id.rfind("equivalence.", 0) == 0) {
      families.insert(v.id.substr(std::string("equivalence.").size()));
    }
  }
  std::vector<Scenario> failing;
  for (const VectorResult& v : outcome->result.vectors) {
    if (v.verdict != Verdict::kFail && !families.count(v.equivalence)) continue;
    if (v.file.empty()) continue;
    Result<Scenario> s = LoadScenarioFile(v.file);
    if (s.ok()) failing.push_back(std::move(s).value());
  }
  std::map<std::string, std::string> replayed;  // id -> rule
  if (!failing.empty()) {
    RunOptions run = setup.options();
    RunResult again = RunScenarios(failing, setup.factory(), run);
    for (const VectorResult& v : again.vectors) {
      if (v.verdict == Verdict::kFail) replayed[v.id] = v.rule;
    }
  }
  std::map<std::string, std::string> rule_of;
  for (const VectorResult& v : outcome->result.vectors) rule_of[v.id] = v.rule;
  Ledger fresh = LedgerFromRun(
      outcome->result, library ? setup.spec().library : setup.spec().ToString(),
      mm.empty() ? "unknown" : mm, [&](const std::string& id) {
        auto it = replayed.find(id);
        return it != replayed.end() && it->second == rule_of[id];
      });
  // Keep what a person already reviewed: an entry of the old ledger with the same id and rule.
  int kept = 0;
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) {
    Result<Ledger> old = LoadLedger(out);
    if (!old.ok()) {
      std::cerr << "shakedown ledger: " << old.status().message() << "\n";
      return kExitUsage;
    }
    for (LedgerEntry& e : fresh.entries) {
      for (const LedgerEntry& o : old->entries) {
        if (o.id == e.id && o.rule == e.rule && o.reviewed) {
          e.rfc = o.rfc;
          e.notes = o.notes;
          e.reviewed = true;
          ++kept;
        }
      }
    }
  }
  std::filesystem::create_directories(std::filesystem::path(out).parent_path(), ec);
  Status written = WriteTextFile(out, LedgerJson(fresh));
  if (!written.ok()) {
    std::cerr << "shakedown ledger: " << written.message() << "\n";
    return kExitUsage;
  }
  int confirmed = 0;
  for (const LedgerEntry& e : fresh.entries) confirmed += e.confirmed_by_replay;
  std::cout << "ledger: " << out << ": " << fresh.entries.size() << " entries (" << kept
            << " reviewed entries kept, " << fresh.entries.size() - kept
            << " to review: fill in \"rfc\" with the requirement and set \"reviewed\"; "
            << confirmed << " confirmed by a replay)\n";
  return kExitOk;
}

int RunTargets() {
  std::cout << "reference          the engine in-process (TLS 1.2)\n"
               "tcp:HOST:PORT      a running server (or a client that connects to PORT)\n"
               "exec:'COMMAND'     a command shakedown starts, with {port} and the PKI "
               "placeholders\n";
  TargetResources none;
  for (const std::string& name : LibraryNames()) {
    TargetSpec spec;
    spec.kind = TargetSpec::Kind::kLibrary;
    spec.library = name;
    const std::string version = LibraryVersionText(spec, none);
    const std::string ledger =
        "vectors/expectations/" + LedgerFileName(name, MajorMinor(version));
    std::error_code ec;
    const bool shipped = std::filesystem::exists(RepoPath(ledger), ec);
    std::string pad(name.size() < 19 ? 19 - name.size() : 1, ' ');
    std::cout << name << pad << version << " in-process, both roles (" << name << ":server, "
              << name << ":client); ledger " << (shipped ? ledger : "none shipped") << "\n";
  }
  return kExitOk;
}

Command AddMatrixCommand(CLI::App& app) {
  auto options = std::make_shared<MatrixOptions>();
  CLI::App* cmd = app.add_subcommand(
      "matrix",
      "Run the suite against the reference and every in-process TLS library of this build "
      "(both roles, each library's shipped ledger applied) and draw the conformance matrix: "
      "vectors x implementations, deviations grouped by requirement. Exit codes: 0 every "
      "implementation passed or failed only as its ledger says, 1 otherwise, 2 usage error.");
  cmd->add_option("--target", options->targets,
                  "Implementations to run (repeatable; default: reference and every library of "
                  "`shakedown targets`)");
  cmd->add_option("--report", options->report,
                  "Write matrix.html, matrix.json and one report folder per implementation");
  cmd->add_option("--markdown", options->markdown,
                  "Write the Markdown summary (docs/MATRIX.md) here");
  cmd->add_option("--check-markdown", options->check_markdown,
                  "Exit 1 when this file differs from the Markdown summary of this run");
  cmd->add_option("-j,--jobs", options->jobs, "Vectors run in parallel per implementation")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--seed", options->seed, "Seed of the test PKI and every random byte")
      ->capture_default_str();
  cmd->add_flag("--isolate", options->isolate,
                "Run each library in worker processes: a library that aborts, crashes or hangs "
                "fails that vector (target: died) and the matrix goes on");
  cmd->add_option("paths", options->paths, "Vector files or directories (default: the suite)");
  return {cmd, [options] { return RunMatrix(*options); }};
}

Command AddLedgerCommand(CLI::App& app) {
  auto options = std::make_shared<LedgerOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ledger",
      "Run the suite against a target with no ledger and write the failures as a deviation "
      "ledger for a person to review (each failure is replayed once: confirmed_by_replay). "
      "Entries of an existing ledger at --out that fail the same way keep their review. "
      "Exit codes: 0 written, 2 usage error.");
  AddTargetOptions(cmd, &options->suite.target);
  cmd->add_option("--out", options->out,
                  "The ledger file (default for an in-process library: "
                  "vectors/expectations/LIBRARY-MAJOR.MINOR.json)");
  cmd->add_option("-j,--jobs", options->suite.jobs, "Vectors run in parallel")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--role", options->suite.role, "Only the vectors where the target plays this role")
      ->check(CLI::IsMember({"server", "client"}));
  cmd->add_option("paths", options->suite.paths, "Vector files or directories (default: the suite)");
  options->suite.no_progress = true;
  return {cmd, [options] { return RunLedger(*options); }};
}

Command AddTargetsCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "targets", "List the kinds of target and the in-process TLS libraries of this build, with "
                 "their versions and shipped deviation ledgers.");
  return {cmd, [] { return RunTargets(); }};
}

}  // namespace shakedown
