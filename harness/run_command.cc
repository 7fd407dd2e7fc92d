// `shakedown run`, `shakedown replay` and `shakedown list`: the conformance suite against a
// target, one vector with its full decoded trace, and the vectors with their references.
#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/command.h"
#include "harness/net/subprocess.h"
#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "reports/console.h"
#include "reports/report_dir.h"
#include "reports/results.h"
#include "reports/text_util.h"

namespace shakedown {
namespace {

constexpr size_t kHexPerLine = 64;  // hex digits per line in replay

std::string IsoNowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// Options shared by run and replay.
struct TargetOptions {
  std::string target = "reference";
  int timeout_ms = 2000;
  uint64_t seed = 1;
};

void AddTargetOptions(CLI::App* app, TargetOptions* o) {
  app->add_option("--target", o->target,
                  "reference (the engine in-process), tcp:HOST:PORT (a running server; for "
                  "client vectors shakedown listens on PORT), or exec:'COMMAND {port}' "
                  "(started by shakedown on a free port; {cert} {key} {ca} {ecdsa_cert} "
                  "{ecdsa_key} {client_cert} {client_key} name the run's test PKI as PEM)")
      ->capture_default_str();
  app->add_option("--timeout-ms", o->timeout_ms,
                  "How long each expectation waits for a network target")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  app->add_option("--seed", o->seed, "Seed of the test PKI and every random byte")
      ->capture_default_str();
}

// Everything a run needs besides the vectors; cleans up its PEM directory.
class RunSetup {
 public:
  ~RunSetup() {
    if (!pem_dir_.empty()) RemoveTree(pem_dir_);
  }

  // Errors are usage errors (bad spec) or setup failures; both exit 2.
  Status Init(const TargetOptions& o, int jobs) {
    Result<TargetSpec> spec = ParseTargetSpec(o.target);
    if (!spec.ok()) return spec.status();
    spec_ = *spec;
    Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(o.seed);
    if (!pki.ok()) return InternalError("generating the test PKI: " + pki.status().message());
    resources_.pki = *pki;
    resources_.seed = o.seed;
    if (spec_.kind == TargetSpec::Kind::kExec) {
      Result<std::string> dir = MakeTempDir("shakedown-pki");
      if (!dir.ok()) return dir.status();
      pem_dir_ = *dir;
      Result<PemFiles> pem = WritePkiPem(**pki, pem_dir_);
      if (!pem.ok()) return pem.status();
      resources_.pem = *pem;
    }
    if (spec_.kind == TargetSpec::Kind::kTcp && jobs > 1) {
      // One server (or one listening port) cannot be shared by workers that each expect
      // their own connection order.
      return InternalError("--jobs > 1 needs the reference or an exec: target");
    }
    options_.timeout_ms = o.timeout_ms;
    options_.seed = o.seed;
    options_.pki = *pki;
    options_.jobs = jobs;
    return Status::Ok();
  }

  TargetFactory factory() const {
    TargetSpec spec = spec_;
    TargetResources resources = resources_;
    return [spec, resources](int) { return MakeTarget(spec, resources); };
  }
  const RunOptions& options() const { return options_; }
  const TargetSpec& spec() const { return spec_; }

 private:
  TargetSpec spec_;
  TargetResources resources_;
  RunOptions options_;
  std::string pem_dir_;
};

std::string StepHeader(const Scenario& s, int connection, int step) {
  if (connection < 0 || static_cast<size_t>(connection) >= s.connections.size()) return "";
  const std::vector<Step>& steps = s.connections[connection].steps;
  if (step < 0 || static_cast<size_t>(step) >= steps.size()) return "";
  return DescribeStep(steps[step]);
}

void PrintHex(const std::string& hex) {
  for (size_t i = 0; i < hex.size(); i += kHexPerLine) {
    std::cout << "        " << hex.substr(i, kHexPerLine) << "\n";
  }
}

Result<Scenario> LoadForReplay(const std::string& path) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".cbor") == 0) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return InternalError(path + ": cannot read");
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return ParseScenarioCbor(data, path);
  }
  return LoadScenarioFile(path);
}

// The value of a target-profile key for one vector.
std::optional<std::string> ProfileValue(const TargetConfig& t, const std::string& key) {
  if (key == "certificate") return std::string(ConfigName(t.certificate));
  if (key == "client_auth") return std::string(ConfigName(t.client_auth));
  if (key == "session_tickets") return std::string(t.session_tickets ? "true" : "false");
  if (key == "extended_master_secret") return std::string(ConfigName(t.extended_master_secret));
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
                           "--profile " + c + ": unknown key \"" + key +
                               "\" (certificate, client_auth, session_tickets, "
                               "extended_master_secret)");
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

}  // namespace

Command AddRunCommand(CLI::App& app) {
  struct Options {
    TargetOptions target;
    std::string report;
    int jobs = 1;
    bool no_progress = false;
    std::string role;
    std::vector<std::string> profile;  // KEY=VALUE constraints on the vectors' target block
    std::vector<std::string> paths;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run scenario vectors against a target with the scripted peer on the other side. "
      "Prints one line per vector and a summary. Exit codes: 0 all passed, 1 some vector "
      "failed, 2 usage error, or a vector that does not load or cannot run.");
  AddTargetOptions(cmd, &options->target);
  cmd->add_option("--report", options->report,
                  "Write junit.xml, results.json and report.html into this directory");
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
                  "certificate=rsa --profile client_auth=none (keys: certificate, client_auth, "
                  "session_tickets, extended_master_secret). An external target's command line "
                  "implements one profile; see docs/TARGETS.md")
      ->allow_extra_args(false);
  cmd->add_option("paths", options->paths,
                  "Vector files or directories (walked for *.json). Default: vectors/conformance");

  auto run = [options] {
    RunSetup setup;
    Status init = setup.Init(options->target, options->jobs);
    if (!init.ok()) {
      std::cerr << "shakedown run: " << init.message() << "\n";
      return kExitUsage;
    }
    std::vector<std::string> paths = options->paths;
    if (paths.empty()) paths = {RepoPath("vectors/conformance")};
    TreeLoad load = LoadScenarioTree(paths);
    if (!options->role.empty()) {
      Side keep = options->role == "server" ? Side::kServer : Side::kClient;
      size_t before = load.vectors.size();
      std::vector<LoadedVector> kept;
      for (LoadedVector& v : load.vectors) {
        if (!v.ok() || v.scenario->role == keep) kept.push_back(std::move(v));
      }
      load.vectors = std::move(kept);
      std::cout << "--role " << options->role << ": " << before - load.vectors.size()
                << " vector(s) for the other role left out\n";
    }

    if (!options->profile.empty()) {
      Result<size_t> left_out = FilterByProfile(options->profile, &load);
      if (!left_out.ok()) {
        std::cerr << "shakedown run: " << left_out.status().message() << "\n";
        return kExitUsage;
      }
      std::cout << "--profile: " << *left_out << " vector(s) for other target profiles left out\n";
    }

    ConsoleReporter console(std::cout, std::cerr,
                            ConsoleOptions::FromEnvironment(options->no_progress));
    console.OnRunStart(load.vectors.size());
    RunResult result = RunAll(load, setup.factory(), setup.options(),
                              [&console](const VectorResult& v) { console.OnVectorDone(v); });
    result.target = setup.spec().ToString();
    result.started_at = IsoNowUtc();
    std::string line = "shakedown run --target " + setup.spec().ToString();
    if (options->jobs != 1) line += " --jobs " + std::to_string(options->jobs);
    if (!options->role.empty()) line += " --role " + options->role;
    for (const std::string& p : options->profile) line += " --profile " + p;
    for (const std::string& p : paths) line += " " + p;
    result.command_line = line;
    console.OnRunDone(result);

    int status = kExitOk;
    if (result.Count(Verdict::kFail) > 0) status = kExitFailed;
    if (result.Count(Verdict::kError) > 0) {
      std::cerr << "shakedown run: " << result.Count(Verdict::kError)
                << " vector(s) did not load or could not run (exit code 2 even though "
                << result.Count(Verdict::kPass) << " passed)\n";
      status = kExitUsage;
    }
    if (!options->report.empty()) {
      Status written = WriteReports(result, options->report);
      if (!written.ok()) {
        std::cerr << "shakedown run: writing the report: " << written.message() << "\n";
        status = kExitUsage;
      } else {
        std::cout << "report: " << options->report << "/" << kHtmlFileName << "\n";
      }
    }
    return status;
  };
  return {cmd, run};
}

Command AddReplayCommand(CLI::App& app) {
  struct Options {
    TargetOptions target;
    std::string file;
    bool no_hex = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Run one vector (.json, or a .cbor fuzz input) and print its full decoded trace step "
      "by step, each expectation, and the verdict. Exit codes: 0 passed, 1 failed, 2 usage "
      "error or a vector that does not load or cannot run.");
  AddTargetOptions(cmd, &options->target);
  cmd->add_option("file", options->file, "The vector")->required();
  cmd->add_flag("--no-hex", options->no_hex, "Decoded summaries only, without the wire bytes");

  auto run = [options] {
    Result<Scenario> scenario = LoadForReplay(options->file);
    if (!scenario.ok()) {
      std::cerr << "shakedown replay: " << scenario.status().message() << "\n";
      return kExitUsage;
    }
    RunSetup setup;
    Status init = setup.Init(options->target, 1);
    if (!init.ok()) {
      std::cerr << "shakedown replay: " << init.message() << "\n";
      return kExitUsage;
    }
    Result<std::unique_ptr<Target>> target = setup.factory()(0);
    if (!target.ok()) {
      std::cerr << "shakedown replay: " << target.status().message() << "\n";
      return kExitUsage;
    }
    const Scenario& s = *scenario;
    std::cout << s.id << ": " << TerminalText(s.title, 200) << "\n"
              << "  role: target is the " << (s.role == Side::kServer ? "server" : "client")
              << "; target: " << (*target)->describe() << "\n  refs:";
    for (const std::string& r : s.refs) std::cout << " " << TerminalText(r, 80);
    std::cout << "\n";
    if (!s.notes.empty()) std::cout << "  notes: " << TerminalText(s.notes, 2000) << "\n";

    VectorResult r = RunVector(s, **target, setup.options());
    int connection = -1;
    int step = -2;
    for (const TraceEntry& t : r.trace) {
      if (t.connection != connection) {
        connection = t.connection;
        step = -2;
        std::cout << "\nconnection " << connection << "\n";
      }
      if (t.step != step) {
        step = t.step;
        std::string header = StepHeader(s, connection, step);
        if (!header.empty()) std::cout << "  step " << step << ": " << header << "\n";
      }
      const char* arrow = t.kind == TraceEntry::Kind::kSent       ? "->"
                          : t.kind == TraceEntry::Kind::kReceived ? "<-"
                                                                  : " #";
      char at[32];
      std::snprintf(at, sizeof(at), "%8.2f ms", t.at_ms);
      std::cout << "    " << at << " " << arrow << " " << TerminalText(t.summary, 4000) << "\n";
      if (!options->no_hex && !t.hex.empty()) PrintHex(t.hex);
    }
    std::cout << "\n" << VerdictName(r.verdict);
    if (r.verdict != Verdict::kPass) {
      std::cout << " at connection " << r.failed_connection << ", step " << r.failed_step << ": "
                << r.rule << "\n  " << TerminalText(r.message, 4000);
    }
    char took[32];
    std::snprintf(took, sizeof(took), "%.2f", r.duration_ms);
    std::cout << " (" << took << " ms)\n";
    if (r.verdict == Verdict::kPass) return kExitOk;
    return r.verdict == Verdict::kFail ? kExitFailed : kExitUsage;
  };
  return {cmd, run};
}

Command AddListCommand(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List vectors: id, target role, topic and references, one line each; files that do not "
      "load are listed with the reason. Exit codes: 0 all load, 2 some do not.");
  cmd->add_option("paths", *paths,
                  "Vector files or directories. Default: vectors/conformance");
  auto run = [paths] {
    std::vector<std::string> p = *paths;
    if (p.empty()) p = {RepoPath("vectors/conformance")};
    TreeLoad load = LoadScenarioTree(p);
    for (const LoadedVector& v : load.vectors) {
      if (!v.ok()) {
        std::cout << "ERROR  " << TerminalText(v.error ? v.error->ToString() : v.file, 4000)
                  << "\n";
        continue;
      }
      const Scenario& s = *v.scenario;
      std::string refs;
      for (const std::string& r : s.refs) refs += (refs.empty() ? "" : ", ") + r;
      std::cout << TerminalText(s.id, 200) << "  "
                << (s.role == Side::kServer ? "server" : "client") << "  "
                << TerminalText(s.topic, 80) << "  " << TerminalText(refs, 1000) << "\n";
    }
    std::cout << load.loaded() << " vectors";
    if (load.failed() > 0) std::cout << ", " << load.failed() << " do not load";
    std::cout << "\n";
    return load.failed() > 0 ? kExitUsage : kExitOk;
  };
  return {cmd, run};
}

}  // namespace shakedown
