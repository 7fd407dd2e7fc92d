#include "cli/run_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <set>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/run_setup.h"
#include "harness/ledger/ledger.h"
#include "engine/wire/registry.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "reports/console.h"
#include "reports/report_dir.h"
#include "reports/results.h"

namespace shakedown {
namespace {

std::string IsoNowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// A list of registry values as a profile value: IANA names joined by '+' ("default" when the
// vector leaves the target its defaults), as docs/TARGETS.md's profiles.py names profiles.
template <typename T>
std::string ProfileList(Registry registry, const std::vector<T>& values) {
  if (values.empty()) return "default";
  std::string out;
  for (const T& v : values) {
    if (!out.empty()) out += "+";
    out += Describe(registry, static_cast<uint16_t>(v));
  }
  return out;
}

// The keys ProfileValue knows, for --help and errors.
constexpr char kProfileKeys[] =
    "certificate, client_auth, cipher_suites, groups, session_tickets, extended_master_secret, "
    "versions, renegotiation, heartbeat, max_fragment_length, record_size_limit, ocsp, sni";

// The value of a target-profile key for one vector.
std::optional<std::string> ProfileValue(const TargetConfig& t, const std::string& key) {
  if (key == "certificate") return std::string(ConfigName(t.certificate));
  if (key == "cipher_suites") return ProfileList(Registry::kCipherSuite, t.cipher_suites);
  if (key == "groups") return ProfileList(Registry::kNamedGroup, t.groups);
  if (key == "client_auth") return std::string(ConfigName(t.client_auth));
  if (key == "session_tickets") return std::string(t.session_tickets ? "true" : "false");
  if (key == "extended_master_secret") return std::string(ConfigName(t.extended_master_secret));
  if (key == "versions") return ProfileList(Registry::kProtocolVersion, t.versions);
  if (key == "renegotiation") return std::string(ConfigName(t.renegotiation));
  if (key == "heartbeat") return std::string(ConfigName(t.heartbeat));
  if (key == "max_fragment_length") return std::to_string(t.max_fragment_length);
  if (key == "record_size_limit") return std::to_string(t.record_size_limit);
  if (key == "ocsp") return std::string(t.ocsp ? "true" : "false");
  if (key == "sni") return t.sni.empty() ? std::string("none") : t.sni;
  return std::nullopt;
}

// Keeps the vectors whose target block matches every KEY=VALUE (vectors that failed to load
// stay: they are errors to report). Returns how many were left out.
Result<size_t> FilterByProfile(const std::vector<std::string>& constraints, TreeLoad* load) {
  std::vector<std::pair<std::string, std::string>> wanted;
  for (const std::string& c : constraints) {
    size_t eq = c.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Error(AlertDescription::kInternalError,
                           "--profile " + c + ": expected KEY=VALUE");
    }
    std::string key = c.substr(0, eq);
    if (!ProfileValue(TargetConfig(), key)) {
      return Status::Error(AlertDescription::kInternalError,
                           "--profile " + c + ": unknown key \"" + key + "\" (" +
                               kProfileKeys + ")");
    }
    wanted.emplace_back(key, c.substr(eq + 1));
  }
  const size_t before = load->vectors.size();
  std::vector<LoadedVector> kept;
  for (LoadedVector& v : load->vectors) {
    bool match = true;
    if (v.ok()) {
      for (const auto& [key, value] : wanted) {
        match = match && *ProfileValue(v.scenario->target, key) == value;
      }
    }
    if (match) kept.push_back(std::move(v));
  }
  load->vectors = std::move(kept);
  return before - load->vectors.size();
}

// The ledger the run applies: --ledger, or a library's shipped one. nullopt: none.
Result<std::optional<Ledger>> ChooseLedger(const SuiteRunOptions& options,
                                           const RunSetup& setup) {
  std::string path = options.ledger;
  if (path.empty() && !options.no_ledger && setup.spec().kind == TargetSpec::Kind::kLibrary) {
    const std::string mm = MajorMinor(setup.LibraryVersion());
    const std::string shipped =
        RepoPath("vectors/expectations/" + LedgerFileName(setup.spec().library, mm));
    std::error_code ec;
    if (!mm.empty() && std::filesystem::exists(shipped, ec)) path = shipped;
  }
  if (path.empty()) return std::optional<Ledger>();
  Result<Ledger> ledger = LoadLedger(path);
  if (!ledger.ok()) return ledger.status();
  return std::optional<Ledger>(std::move(ledger).value());
}

}  // namespace

Result<SuiteOutcome> PlaySuite(const SuiteRunOptions& options, const RunSetup& setup) {
  Result<std::optional<Ledger>> ledger = ChooseLedger(options, setup);
  if (!ledger.ok()) return ledger.status();
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths = DefaultVectorPaths();
  TreeLoad load = LoadScenarioTree(paths);
  std::string role = options.role;
  if (setup.spec().role) {
    // "openssl:server": the spec names the role.
    const std::string spec_role = *setup.spec().role == Side::kServer ? "server" : "client";
    if (!role.empty() && role != spec_role) {
      return InternalError("--role " + role + " and --target " + setup.spec().ToString() +
                           " name different roles");
    }
    role = spec_role;
  }
  if (!role.empty()) {
    Side keep = role == "server" ? Side::kServer : Side::kClient;
    size_t before = load.vectors.size();
    std::vector<LoadedVector> kept;
    for (LoadedVector& v : load.vectors) {
      if (!v.ok() || v.scenario->role == keep) kept.push_back(std::move(v));
    }
    load.vectors = std::move(kept);
    std::cout << "--role " << role << ": " << before - load.vectors.size()
              << " vector(s) for the other role left out\n";
  }

  if (!options.profile.empty()) {
    Result<size_t> left_out = FilterByProfile(options.profile, &load);
    if (!left_out.ok()) return left_out.status();
    std::cout << "--profile: " << *left_out << " vector(s) for other target profiles left out\n";
  }

  ConsoleReporter console(std::cout, std::cerr,
                          ConsoleOptions::FromEnvironment(options.no_progress));
  console.OnRunStart(load.vectors.size());
  RunOptions run = setup.options();
  run.judge_expectations = !options.invariants_only;
  SuiteOutcome outcome;
  RunResult& result = outcome.result;
  result = RunAll(load, setup.factory(), run,
                  [&console](const VectorResult& v) { console.OnVectorDone(v); });
  // A library names its version (what a ledger is for): "openssl in-process (OpenSSL 3.0...)".
  if (setup.spec().kind != TargetSpec::Kind::kLibrary || result.target.empty()) {
    result.target = setup.spec().ToString();
  }
  result.started_at = IsoNowUtc();
  std::string line = "shakedown run --target " + setup.spec().ToString();
  if (options.jobs != 1) line += " --jobs " + std::to_string(options.jobs);
  if (!options.role.empty()) line += " --role " + options.role;
  for (const std::string& p : options.profile) line += " --profile " + p;
  if (options.invariants_only) line += " --invariants-only";
  if (!options.ledger.empty()) line += " --ledger " + options.ledger;
  if (options.no_ledger) line += " --no-ledger";
  for (const std::string& p : options.paths) line += " " + p;
  result.command_line = line;

  if (ledger->has_value()) {
    const Ledger& l = **ledger;
    // An entry whose vector is not in this run: stale unless the vector exists (a filtered
    // run). The whole default tree is read only when some entry needs it.
    std::optional<std::set<std::string>> all_ids;
    auto exists = [&all_ids](const std::string& id) {
      if (!all_ids) {
        all_ids.emplace();
        for (const LoadedVector& v : LoadScenarioTree(DefaultVectorPaths()).vectors) {
          if (!v.ok()) continue;
          all_ids->insert(v.scenario->id);
          // A family's own result (run_all.cc) exists while any member does.
          if (!v.scenario->equivalence.empty()) {
            all_ids->insert("equivalence." + v.scenario->equivalence);
          }
        }
      }
      return all_ids->count(id) > 0;
    };
    LedgerSummary s = ApplyLedger(l, exists, &result);
    outcome.ledger = l.path;
    std::cout << "ledger " << l.path << " (" << l.library << " " << l.version << ", "
              << l.entries.size() << " entries): " << s.expected_failures
              << " expected failure(s), " << s.unexpected_passes << " unexpected pass(es), "
              << s.changed << " failing otherwise, " << s.stale << " stale, " << s.not_run
              << " not in this run\n";
  }
  console.OnRunDone(result);

  outcome.status = kExitOk;
  if (result.Count(Verdict::kFail) > 0) outcome.status = kExitFailed;
  if (result.Count(Verdict::kError) > 0) {
    std::cerr << "shakedown run: " << result.Count(Verdict::kError)
              << " vector(s) did not load or could not run (exit code 2 even though "
              << result.Count(Verdict::kPass) << " passed)\n";
    outcome.status = kExitUsage;
  }
  return outcome;
}

int RunSuite(const SuiteRunOptions& options) {
  RunSetup setup;
  Status init = setup.Init(options.target, options.jobs);
  if (!init.ok()) {
    std::cerr << "shakedown run: " << init.message() << "\n";
    return kExitUsage;
  }
  Result<SuiteOutcome> outcome = PlaySuite(options, setup);
  if (!outcome.ok()) {
    std::cerr << "shakedown run: " << outcome.status().message() << "\n";
    return kExitUsage;
  }
  int status = outcome->status;
  if (!options.report.empty()) {
    Status written = WriteReports(outcome->result, options.report);
    if (!written.ok()) {
      std::cerr << "shakedown run: writing the report: " << written.message() << "\n";
      status = kExitUsage;
    } else {
      std::cout << "report: " << options.report << "/" << kHtmlFileName << "\n";
    }
  }
  return status;
}

namespace {

void AddSuiteOptions(CLI::App* cmd, SuiteRunOptions* options) {
  AddTargetOptions(cmd, &options->target);
  cmd->add_option("-j,--jobs", options->jobs, "Vectors run in parallel (each worker has its "
                                              "own target instance)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--no-progress", options->no_progress, "No progress bar on stderr");
  cmd->add_option("--role", options->role,
                  "Run only the vectors where the target plays this role (an external target "
                  "usually implements one)")
      ->check(CLI::IsMember({"server", "client"}));
  cmd->add_option("--profile", options->profile,
                  "Run only the vectors whose `target` block matches, e.g. --profile "
                  "certificate=rsa --profile client_auth=none (keys: " +
                      std::string(kProfileKeys) +
                      "; the lists as IANA names joined by '+', or \"default\" for vectors that "
                      "name none; max_fragment_length and record_size_limit 0 for none). An "
                      "external target's command line implements one profile; see "
                      "docs/TARGETS.md")
      ->allow_extra_args(false);
  cmd->add_option("paths", options->paths,
                  "Vector files or directories (walked for *.json). Default: vectors/conformance "
                  "and vectors/regressions (exported fuzz findings; left out when empty)");
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  auto options = std::make_shared<SuiteRunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run scenario vectors against a target with the scripted peer on the other side. "
      "Prints one line per vector and a summary. Exit codes: 0 all passed (known deviations "
      "of a ledger are expected failures), 1 some vector failed (or a ledgered vector passed, "
      "or a ledger entry is stale), 2 usage error, or a vector that does not load or cannot "
      "run.");
  AddSuiteOptions(cmd, options.get());
  cmd->add_option("--report", options->report,
                  "Write junit.xml, results.json and report.html into this directory");
  cmd->add_flag("--invariants-only", options->invariants_only,
                "Judge every vector by the invariants alone, as the fuzzers judge their inputs "
                "(the expect steps only let the target speak): what the seeds catch unmutated");
  cmd->add_option("--ledger", options->ledger,
                  "A deviation ledger (JSON, docs/TARGETS.md): its failures are expected "
                  "failures; a listed vector that passes, or a listed vector that no longer "
                  "exists, fails the run. Default for an in-process library: "
                  "vectors/expectations/LIBRARY-MAJOR.MINOR.json when it exists");
  cmd->add_flag("--no-ledger", options->no_ledger,
                "Apply no ledger, not even a library's shipped one");

  return {cmd, [options] { return RunSuite(*options); }};
}


}  // namespace shakedown
