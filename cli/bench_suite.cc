#include "cli/bench_suite.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/run_setup.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "harness/targets/registry.h"
#include "reports/results.h"

namespace shakedown {
namespace {

constexpr char kNoCli[] = "no exec: command (no CLI in Debian)";

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one.empty() ? "?" : one + " " + five + " " + fifteen;
}

std::string NowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buffer;
}

// Whether `name` is an executable on PATH.
bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream in(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(in, dir, ':');) {
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string Fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

// Plays `scenarios` against the target `setup` makes and times the runner.
TimedRun TimeRun(const std::vector<Scenario>& scenarios, const RunSetup& setup) {
  TimedRun timed;
  timed.vectors = scenarios.size();
  auto start = std::chrono::steady_clock::now();
  RunResult result = RunScenarios(scenarios, setup.factory(), setup.options());
  timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Equivalence-family rows come after the vectors' own; only the vectors are counted.
  const size_t n = std::min(result.vectors.size(), scenarios.size());
  std::vector<double> durations;
  std::string first_error;
  for (size_t i = 0; i < n; ++i) {
    const VectorResult& v = result.vectors[i];
    durations.push_back(v.duration_ms);
    switch (v.verdict) {
      case Verdict::kPass:
        ++timed.pass;
        break;
      case Verdict::kFail:
      case Verdict::kExpectedFailure:
        ++timed.fail;
        break;
      case Verdict::kError:
        ++timed.error_count;
        if (first_error.empty()) first_error = v.id + ": " + v.rule + ": " + v.message;
        break;
      case Verdict::kNotApplicable:
        ++timed.not_applicable;
        break;
    }
  }
  if (!durations.empty()) {
    std::nth_element(durations.begin(), durations.begin() + durations.size() / 2, durations.end());
    timed.median_ms = durations[durations.size() / 2];
  }
  // A run where nothing could be played (the target never started) is no measurement.
  timed.made = n == 0 || timed.error_count < static_cast<int>(n);
  if (!timed.made) timed.error = "every vector was an error; first: " + first_error;
  return timed;
}

TimedRun NotMade(const std::string& error) {
  TimedRun timed;
  timed.error = error;
  return timed;
}

std::string Rate(const TimedRun& run) { return run.made ? Fixed(run.VectorsPerSecond(), 1) : "-"; }

std::string Verdicts(const TimedRun& run) {
  if (!run.made) return "-";
  return std::to_string(run.pass) + "/" + std::to_string(run.fail) + "/" +
         std::to_string(run.error_count) + "/" + std::to_string(run.not_applicable);
}

std::string Wall(const TimedRun& run) { return run.made ? Fixed(run.seconds, 2) + " s" : "-"; }

std::string Median(const TimedRun& run) { return run.made ? Fixed(run.median_ms, 2) : "-"; }

// A table with a header line, a separator and right-aligned numeric columns [from, to).
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& lines, size_t from,
                        size_t to) {
  auto numeric = [from, to](size_t i) { return i >= from && i < to; };
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], line[i].size());
    }
  }
  auto emit = [&](std::ostringstream& out, const std::vector<std::string>& cells) {
    out << "|";
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      const std::string pad(widths[i] - cell.size(), ' ');
      out << " " << (numeric(i) ? pad + cell : cell + pad) << " |";
    }
    out << "\n";
  };
  std::ostringstream out;
  emit(out, header);
  out << "|";
  for (size_t i = 0; i < widths.size(); ++i) {
    out << (numeric(i) ? std::string(widths[i] + 1, '-') + ":" : std::string(widths[i] + 2, '-'))
        << "|";
  }
  out << "\n";
  for (const auto& line : lines) emit(out, line);
  return out.str();
}

nlohmann::json RunToJson(const TimedRun& run) {
  nlohmann::json j;
  j["made"] = run.made;
  if (!run.error.empty()) j["error"] = run.error;
  j["vectors"] = run.vectors;
  j["seconds"] = run.seconds;
  j["vectors_per_second"] = run.VectorsPerSecond();
  j["pass"] = run.pass;
  j["fail"] = run.fail;
  j["error_count"] = run.error_count;
  j["not_applicable"] = run.not_applicable;
  j["median_ms"] = run.median_ms;
  return j;
}

}  // namespace

double GoalRatio(const std::string& role) { return role == "client" ? 50.0 : 10.0; }

std::vector<size_t> SampleEvenly(size_t total, size_t n) {
  std::vector<size_t> indices;
  if (n == 0 || n >= total) {
    for (size_t i = 0; i < total; ++i) indices.push_back(i);
    return indices;
  }
  for (size_t i = 0; i < n; ++i) indices.push_back(i * total / n);
  return indices;
}

std::optional<double> Ratio(const SuiteBenchRow& row) {
  if (!row.same_in_process.made || !row.same_exec.made) return std::nullopt;
  if (row.same_exec.VectorsPerSecond() <= 0) return std::nullopt;
  return row.same_in_process.VectorsPerSecond() / row.same_exec.VectorsPerSecond();
}

std::string BotanPolicyText() {
  return "allow_tls10 = false\n"
         "allow_tls11 = false\n"
         "allow_dtls10 = false\n"
         "allow_dtls12 = false\n"
         "signature_methods = ECDSA RSA IMPLICIT\n"
         "key_exchange_methods = ECDH RSA\n";
}

std::optional<std::string> ExecCommandFor(const std::string& library, const std::string& role,
                                          const std::string& botan_policy) {
  // The default target profile: RSA server certificate, no client auth, no tickets, default
  // suites and groups, EMS enabled; a client presents an RSA client certificate.
  const bool server = role == "server";
  if (library == "openssl") {
    if (server) {
      return "openssl s_server -quiet -tls1_2 -accept {port} -cert {cert} -key {key} -no_ticket";
    }
    return "openssl s_client -quiet -tls1_2 -connect 127.0.0.1:{port} -servername localhost "
           "-CAfile {ca} -verify_return_error -cert {client_cert} -key {client_key} -no_ticket "
           "-sess_out {session} $(test -s {session} && echo -sess_in {session})";
  }
  if (library == "gnutls") {
    const std::string priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:+RSA:+SHA256:+SHA384:%NO_TICKETS";
    if (server) {
      return "gnutls-serv -q -p {port} --priority " + priority +
             " --x509certfile {cert} --x509keyfile {key} --noticket --disable-client-cert";
    }
    return "gnutls-cli -p {port} --priority " + priority +
           " --x509cafile {ca} --sni-hostname localhost --verify-hostname localhost "
           "--x509certfile {client_cert} --x509keyfile {client_key} 127.0.0.1";
  }
  if (library == "botan") {
    if (server) return "botan tls_server {cert} {key} --port={port} --policy=" + botan_policy;
    return "botan tls_client localhost --port={port} --policy=" + botan_policy +
           " --skip-system-cert-store --trusted-cas=$(dirname {ca}) --session-db={session} "
           "--session-db-pass=x";
  }
  // wolfSSL and mbed TLS: Debian ships the libraries (libwolfssl35, libmbedtls14) but no
  // command-line client or server (their example programs are not packaged).
  return std::nullopt;
}

std::string FormatSuiteBenchTable(const std::vector<SuiteBenchRow>& rows) {
  std::vector<std::vector<std::string>> lines;
  for (const SuiteBenchRow& row : rows) {
    std::optional<double> ratio = Ratio(row);
    std::string goal = ">=" + Fixed(GoalRatio(row.role), 0) + "x ";
    if (ratio) {
      goal += *ratio >= GoalRatio(row.role) ? "MET" : "NOT MET";
    } else if (!row.no_exec_reason.empty()) {
      goal = row.no_exec_reason;
    } else {
      goal += "no figure";
    }
    lines.push_back({row.library, row.role,
                     row.whole.made ? std::to_string(row.whole.vectors) : "-", Rate(row.whole),
                     std::to_string(row.same_in_process.vectors), Rate(row.same_in_process),
                     Rate(row.same_exec), ratio ? Fixed(*ratio, 1) + "x" : "-", goal});
  }
  std::string out =
      FormatTable({"library", "role", "suite vectors", "in-process vectors/s (suite)",
                   "compared vectors", "in-process vectors/s", "exec vectors/s", "ratio", "goal"},
                  lines, 2, 8);
  std::vector<std::vector<std::string>> detail;
  for (const SuiteBenchRow& row : rows) {
    std::string median_ratio = "-";
    if (row.same_in_process.made && row.same_exec.made && row.same_in_process.median_ms > 0) {
      median_ratio = Fixed(row.same_exec.median_ms / row.same_in_process.median_ms, 1) + "x";
    }
    detail.push_back({row.library, row.role, Wall(row.whole), Verdicts(row.whole),
                      Wall(row.same_in_process), Verdicts(row.same_in_process),
                      Median(row.same_in_process), Wall(row.same_exec), Verdicts(row.same_exec),
                      Median(row.same_exec), median_ratio});
  }
  out +=
      "\nWall times, verdicts (pass/fail/error/not applicable; no ledger applied) and the median "
      "ms per vector of the compared set (a median ignores the few vectors that wait out "
      "--timeout-ms):\n\n";
  out += FormatTable(
      {"library", "role", "suite wall", "suite verdicts", "compared wall", "compared verdicts",
       "median ms", "exec wall", "exec verdicts", "exec median ms", "median ratio"},
      detail, 2, 11);
  bool any_error = false;
  for (const SuiteBenchRow& row : rows) {
    for (const TimedRun* run : {&row.whole, &row.same_in_process, &row.same_exec}) {
      if (!run->made && !run->error.empty()) {
        if (!any_error) out += "\nRuns that could not be made:\n";
        any_error = true;
        out += "  " + row.library + " " + row.role + ": " + run->error + "\n";
      }
    }
  }
  return out;
}

int RunBenchSuite(const BenchSuiteOptions& options) {
  const std::vector<std::string> libraries = SplitCommas(options.libraries);
  const std::vector<std::string> roles = SplitCommas(options.roles);
  const std::vector<std::string> known = LibraryNames();
  for (const std::string& library : libraries) {
    if (std::find(known.begin(), known.end(), library) == known.end()) {
      std::cerr << "shakedown bench suite: no in-process library '" << library
                << "' in this build\n";
      return kExitUsage;
    }
  }
  for (const std::string& role : roles) {
    if (role != "server" && role != "client") {
      std::cerr << "shakedown bench suite: unknown role '" << role << "' (server, client)\n";
      return kExitUsage;
    }
  }
  if (libraries.empty() || roles.empty()) {
    std::cerr << "shakedown bench suite: nothing to measure\n";
    return kExitUsage;
  }
  const std::string started = NowUtc();
  const std::string load_average = LoadAverage();
  std::cout << "shakedown bench suite: " << started << ", " << sysconf(_SC_NPROCESSORS_ONLN)
            << " CPUs, load average " << load_average << ", --jobs " << options.jobs
            << ", --timeout-ms " << options.timeout_ms << "\n";

  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths = DefaultVectorPaths();
  TreeLoad load = LoadScenarioTree(paths);
  std::vector<Scenario> all;
  for (LoadedVector& v : load.vectors) {
    if (v.ok()) all.push_back(std::move(*v.scenario));
  }
  std::cout << all.size() << " vectors loaded";
  if (load.failed() > 0) std::cout << " (" << load.failed() << " failed to load, left out)";
  std::cout << "\n";

  // The Botan CLI takes its policy from a file.
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("shakedown-bench-suite-" + std::to_string(getpid())))
                              .string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string botan_policy = dir + "/botan-policy.txt";
  {
    std::ofstream out(botan_policy);
    out << BotanPolicyText();
  }

  std::vector<SuiteBenchRow> rows;
  for (const std::string& role : roles) {
    const Side side = role == "server" ? Side::kServer : Side::kClient;
    std::vector<Scenario> suite, profile;
    for (const Scenario& s : all) {
      if (s.role != side) continue;
      suite.push_back(s);
      if (s.target == TargetConfig()) profile.push_back(s);
    }
    std::vector<Scenario> compared;
    for (size_t i : SampleEvenly(profile.size(), options.exec_sample)) {
      compared.push_back(profile[i]);
    }
    std::cout << role << " role: " << suite.size() << " vectors, " << profile.size()
              << " of the default target profile (the exec command lines'), " << compared.size()
              << " compared\n";

    for (const std::string& library : libraries) {
      SuiteBenchRow row;
      row.library = library;
      row.role = role;
      row.profile_vectors = profile.size();
      TargetOptions target;
      target.target = library + ":" + role;
      target.timeout_ms = options.timeout_ms;
      RunSetup in_process;
      Status init = in_process.Init(target, options.jobs);
      if (!init.ok()) {
        row.whole = NotMade(target.target + ": " + init.message());
        row.same_in_process = row.whole;
      } else {
        if (!options.no_whole_suite) {
          std::cerr << library << " " << role << ": in process, whole suite (" << suite.size()
                    << " vectors)...\n";
          row.whole = TimeRun(suite, in_process);
        }
        std::cerr << library << " " << role << ": in process, " << compared.size()
                  << " compared vectors...\n";
        row.same_in_process = TimeRun(compared, in_process);
      }

      std::optional<std::string> command = ExecCommandFor(library, role, botan_policy);
      if (!command) {
        row.no_exec_reason = kNoCli;
      } else {
        row.exec_command = *command;
        const std::string tool = command->substr(0, command->find(' '));
        if (!OnPath(tool)) {
          row.same_exec = NotMade(tool + " is not installed (exec: " + *command + ")");
        } else {
          TargetOptions exec;
          exec.target = "exec:" + *command;
          exec.timeout_ms = options.timeout_ms;
          RunSetup exec_setup;
          Status exec_init = exec_setup.Init(exec, options.jobs);
          if (!exec_init.ok()) {
            row.same_exec = NotMade(exec.target + ": " + exec_init.message());
          } else {
            std::cerr << library << " " << role << ": exec, " << compared.size()
                      << " compared vectors...\n";
            row.same_exec = TimeRun(compared, exec_setup);
          }
        }
      }
      std::optional<double> ratio = Ratio(row);
      std::cerr << library << " " << role << ": in process " << Rate(row.same_in_process)
                << " vectors/s, exec " << Rate(row.same_exec) << " vectors/s"
                << (ratio ? ", " + Fixed(*ratio, 1) + "x" : "") << "\n";
      rows.push_back(std::move(row));
    }
  }
  std::filesystem::remove_all(dir, ec);

  std::cout << "\n" << FormatSuiteBenchTable(rows);
  std::cout << "\nExec command lines (docs/TARGETS.md, the default target profile):\n";
  for (const SuiteBenchRow& row : rows) {
    std::cout << "  " << row.library << " " << row.role << ": "
              << (row.exec_command.empty() ? row.no_exec_reason : row.exec_command) << "\n";
  }

  bool any_not_made = false;
  for (const SuiteBenchRow& row : rows) {
    if ((!options.no_whole_suite && !row.whole.made) || !row.same_in_process.made ||
        (!row.exec_command.empty() && !row.same_exec.made)) {
      any_not_made = true;
    }
  }
  if (!options.json.empty()) {
    nlohmann::json j;
    j["command"] = CommandLine();
    j["started"] = started;
    j["cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
    j["load_average"] = load_average;
    j["jobs"] = options.jobs;
    j["timeout_ms"] = options.timeout_ms;
    j["exec_sample"] = options.exec_sample;
    j["rows"] = nlohmann::json::array();
    for (const SuiteBenchRow& row : rows) {
      nlohmann::json r;
      r["library"] = row.library;
      r["role"] = row.role;
      r["whole_suite"] = RunToJson(row.whole);
      r["profile_vectors"] = row.profile_vectors;
      r["compared_in_process"] = RunToJson(row.same_in_process);
      r["compared_exec"] = RunToJson(row.same_exec);
      r["exec_command"] = row.exec_command;
      if (!row.no_exec_reason.empty()) r["no_exec"] = row.no_exec_reason;
      std::optional<double> ratio = Ratio(row);
      r["ratio"] = ratio ? nlohmann::json(*ratio) : nlohmann::json();
      r["goal"] = GoalRatio(row.role);
      r["goal_met"] = ratio ? nlohmann::json(*ratio >= GoalRatio(row.role)) : nlohmann::json();
      j["rows"].push_back(r);
    }
    std::ofstream out(options.json);
    out << j.dump(2) << "\n";
    if (!out) {
      std::cerr << "shakedown bench suite: cannot write " << options.json << "\n";
      return kExitUsage;
    }
  }
  return any_not_made ? kExitFailed : kExitOk;
}

CLI::App* AddBenchSuiteCommand(CLI::App* bench, BenchSuiteOptions* options) {
  CLI::App* suite = bench->add_subcommand(
      "suite",
      "The conformance suite per in-process library target (vectors/s), next to the same "
      "library's CLI through exec: (docs/TARGETS.md's command lines, default target profile) on "
      "the same vectors: the vectors of that role whose target block is the default profile, "
      "or an even sample of them (--exec-sample). Prints a table with the ratio and the goal "
      "(>= 10x in server role, >= 50x in client role). wolfSSL and mbed TLS have no CLI in "
      "Debian: no exec row. Exit code 1 only if a run could not be made, not for a goal.");
  suite->add_option("--libraries", options->libraries, "Comma-separated in-process libraries")
      ->capture_default_str();
  suite->add_option("--roles", options->roles, "Comma-separated: server, client")
      ->capture_default_str();
  suite
      ->add_option("--exec-sample", options->exec_sample,
                   "Compare on an even, deterministic sample of N vectors of the exec command "
                   "line's profile (0: all of them)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  suite->add_option("-j,--jobs", options->jobs, "Vectors run in parallel, in process and exec")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  suite
      ->add_option("--timeout-ms", options->timeout_ms,
                   "How long each expectation waits for an exec target (as `run`)")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  suite->add_flag("--no-whole-suite", options->no_whole_suite,
                  "Skip the in-process pass over the whole suite of each role (only the ratio)");
  suite->add_option("--json", options->json, "Also write the results as JSON to this file");
  suite->add_option("paths", options->paths,
                    "Vector files or directories. Default: vectors/conformance and "
                    "vectors/regressions");
  return suite;
}

}  // namespace shakedown
