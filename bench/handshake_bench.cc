#include "bench/handshake_bench.h"

#include <openssl/crypto.h>
#include <sys/utsname.h>
#include <time.h>

#include <botan/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include "engine/crypto/memo.h"
#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

// The whole process, not just the calling thread: Botan 2 runs one CRT half of every RSA
// private-key operation on a thread of its global pool, and that work is part of the cost.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

std::string FirstLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// "ECDHE_RSA" / "RSA" / ... in verdict lines.
std::string KexLabel(std::string_view suite_name) {
  for (BenchSuite suite : kAllBenchSuites) {
    if (InfoOf(suite).name == suite_name) return std::string(InfoOf(suite).label);
  }
  return std::string(suite_name);
}

constexpr BenchSuiteInfo kSuiteTable[] = {
    {BenchSuite::kEcdheRsaAes128GcmSha256, 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     "ecdhe_rsa", "ECDHE_RSA", BenchKeyExchange::kEcdhe, false, "ECDHE-RSA-AES128-GCM-SHA256",
     "x25519, RSA-2048, rsa_pkcs1_sha256"},
    {BenchSuite::kRsaAes128GcmSha256, 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa", "RSA",
     BenchKeyExchange::kRsa, false, "AES128-GCM-SHA256", "RSA-2048 key transport"},
    {BenchSuite::kDheRsaAes128GcmSha256, 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
     "dhe_rsa", "DHE_RSA", BenchKeyExchange::kDhe, false, "DHE-RSA-AES128-GCM-SHA256",
     "ffdhe2048 (OpenSSL: its own 2048-bit group), RSA-2048, rsa_pkcs1_sha256"},
    {BenchSuite::kEcdheEcdsaAes128GcmSha256, 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
     "ecdhe_ecdsa", "ECDHE_ECDSA", BenchKeyExchange::kEcdhe, true,
     "ECDHE-ECDSA-AES128-GCM-SHA256", "x25519, ECDSA P-256, ecdsa_secp256r1_sha256"},
};

std::string Pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

const BenchSuiteInfo& InfoOf(BenchSuite suite) {
  for (const BenchSuiteInfo& info : kSuiteTable) {
    if (info.suite == suite) return info;
  }
  return kSuiteTable[0];  // unreachable: every enumerator has a row
}

uint16_t SuiteId(BenchSuite suite) { return InfoOf(suite).id; }

std::string_view SuiteName(BenchSuite suite) { return InfoOf(suite).name; }

std::string_view SuiteShortName(BenchSuite suite) { return InfoOf(suite).short_name; }

std::optional<BenchSuite> SuiteFromShortName(std::string_view name) {
  for (BenchSuite suite : kAllBenchSuites) {
    if (SuiteShortName(suite) == name || SuiteName(suite) == name) return suite;
  }
  return std::nullopt;
}

std::string_view ModeName(HandshakeMode mode) {
  return mode == HandshakeMode::kFull ? "full" : "resumed";
}

Result<BenchFixture> MakeBenchFixture(uint64_t seed) {
  DeterministicRng rng(seed);
  TestPkiOptions options;
  options.rsa_bits = 2048;
  SD_ASSIGN_OR_RETURN(TestPki pki, GenerateTestPki(rng, options));
  BenchFixture fixture;
  fixture.server = pki.rsa_server;
  fixture.cert_pem = CertificatesToPem(fixture.server.chain_der);
  SD_ASSIGN_OR_RETURN(fixture.key_pem, PrivateKeyToPem(*fixture.server.key));
  fixture.ecdsa_server = pki.ecdsa_server;
  fixture.ecdsa_cert_pem = CertificatesToPem(fixture.ecdsa_server.chain_der);
  SD_ASSIGN_OR_RETURN(fixture.ecdsa_key_pem, PrivateKeyToPem(*fixture.ecdsa_server.key));
  return fixture;
}

Result<StackResult> TimeHandshakes(const BenchLimits& limits,
                                   const std::function<Status()>& handshake) {
  // The warm-up fills caches and lazily built objects, as a long-running server's would be.
  SD_RETURN_IF_ERROR(handshake().WithContext("warm-up handshake"));
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = ProcessCpuSeconds();
  // A measurement on a starved machine still ends: at most 20x its CPU budget in wall time.
  const double wall_cap = 20 * limits.seconds + 1;
  uint64_t iterations = 0;
  double cpu = 0;
  double wall = 0;
  while (true) {
    Status status = handshake();
    if (!status.ok()) {
      return status.WithContext("handshake " + std::to_string(iterations + 1));
    }
    ++iterations;
    cpu = ProcessCpuSeconds() - cpu_start;
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    if (limits.max_iterations != 0 && iterations >= limits.max_iterations) break;
    if (iterations >= limits.min_iterations && (cpu >= limits.seconds || wall >= wall_cap)) break;
  }
  StackResult result;
  result.iterations = iterations;
  result.cpu_seconds = cpu;
  result.wall_seconds = wall;
  // A clock too coarse to see the loop would give an infinite rate; it is not a measurement.
  if (cpu <= 0 || wall <= 0) return InternalError("the timed loop took no measurable time");
  result.handshakes_per_second = iterations / cpu;
  result.wall_handshakes_per_second = iterations / wall;
  return result;
}

const std::vector<BenchStack>& AllBenchStacks() {
  static const std::vector<BenchStack> kStacks = {
      {"reference", &RunReferenceStack, true},
      {"botan", &RunBotanStack, true},
      {"openssl", &RunOpenSslStack, true},
      {"floor", &RunPublicKeyFloor, false},
  };
  return kStacks;
}

const BenchStack* FindBenchStack(std::string_view name) {
  for (const BenchStack& stack : AllBenchStacks()) {
    if (stack.name == name) return &stack;
  }
  return nullptr;
}

MachineInfo DescribeMachine() {
  MachineInfo machine;
  machine.cpus = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) machine.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  utsname uts{};
  if (uname(&uts) == 0) machine.kernel = std::string(uts.sysname) + " " + uts.release;
  // The 1, 5 and 15 minute averages; the rest of the line is process counts.
  std::istringstream loadavg(FirstLineOf("/proc/loadavg"));
  std::string one, five, fifteen;
  loadavg >> one >> five >> fifteen;
  machine.load_average = one + " " + five + " " + fifteen;
  machine.botan_version = Botan::short_version_string();
  machine.openssl_version = OpenSSL_version(OPENSSL_VERSION);
#if defined(__clang__)
  machine.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  machine.compiler = std::string("gcc ") + __VERSION__;
#endif
#if defined(NDEBUG)
  machine.compiler += ", NDEBUG";
#endif
  return machine;
}

const BenchMeasurement* BenchReport::Find(std::string_view stack, std::string_view suite,
                                          std::string_view mode) const {
  for (const BenchMeasurement& m : measurements) {
    if (m.stack == stack && m.suite == suite && m.mode == mode) return &m;
  }
  return nullptr;
}

bool BenchReport::any_error() const {
  for (const BenchMeasurement& m : measurements) {
    if (!m.error.empty()) return true;
  }
  return false;
}

BenchReport RunHandshakeBench(const BenchFixture& fixture, const BenchRequest& request,
                              std::ostream* progress) {
  // The memo of public-key results (engine/crypto/memo.h) exists for the suite and the
  // fuzzers, which repeat identical operations; here it would let the reference skip work
  // (chain validation, repeated certificates) that the other stacks do per handshake.
  const bool memos_were_enabled = MemosEnabled();
  SetMemosEnabled(false);
  struct RestoreMemos {
    bool enabled;
    ~RestoreMemos() { SetMemosEnabled(enabled); }
  } restore{memos_were_enabled};
  BenchReport report;
  report.request = request;
  report.machine = DescribeMachine();
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  report.date = date;

  struct Job {
    const BenchStack* stack;
    BenchSuite suite;
    HandshakeMode mode;
    size_t index;  // into report.measurements
  };
  std::vector<Job> jobs;
  for (BenchSuite suite : request.suites) {
    for (HandshakeMode mode : request.modes) {
      for (const std::string& name : request.stacks) {
        const BenchStack* stack = FindBenchStack(name);
        if (stack == nullptr || (mode == HandshakeMode::kResumed && !stack->has_resumed)) {
          continue;
        }
        BenchMeasurement m;
        m.stack = name;
        m.suite = std::string(SuiteName(suite));
        m.mode = std::string(ModeName(mode));
        jobs.push_back({stack, suite, mode, report.measurements.size()});
        report.measurements.push_back(std::move(m));
      }
    }
  }

  const int rounds = std::max(1, request.rounds);
  BenchLimits limits;
  limits.seconds = request.seconds / rounds;
  limits.min_iterations = request.min_iterations;
  for (int round = 0; round < rounds; ++round) {
    for (const Job& job : jobs) {
      BenchMeasurement& m = report.measurements[job.index];
      if (!m.error.empty()) continue;  // already failed: no rate will be reported
      Result<StackResult> result = job.stack->run(fixture, job.suite, job.mode, limits);
      if (!result.ok()) {
        m.error = result.status().ToString();
        m.best.reset();
      } else {
        m.round_rates.push_back(result->handshakes_per_second);
        if (!m.best || result->handshakes_per_second > m.best->handshakes_per_second) {
          m.best = *result;
        }
      }
      if (progress != nullptr) {
        *progress << "  round " << (round + 1) << "/" << rounds << "  " << m.stack << " "
                  << SuiteShortName(job.suite) << " " << m.mode << ": "
                  << (result.ok() ? Format("%.1f handshakes/s", result->handshakes_per_second)
                                  : "ERROR " + m.error)
                  << "\n";
      }
    }
  }
  return report;
}

namespace {

// Rate of a measurement that completed, or nullopt.
std::optional<double> RateOf(const BenchReport& report, std::string_view stack,
                             std::string_view suite, std::string_view mode) {
  const BenchMeasurement* m = report.Find(stack, suite, mode);
  if (m == nullptr || !m->best) return std::nullopt;
  return m->best->handshakes_per_second;
}

}  // namespace

std::vector<TargetVerdict> EvaluateTargets(const BenchReport& report) {
  std::vector<TargetVerdict> verdicts;
  for (BenchSuite suite : report.request.suites) {
    const std::string name(SuiteName(suite));
    const std::string kex = KexLabel(name);
    std::optional<double> ref_full = RateOf(report, "reference", name, "full");
    std::optional<double> floor = RateOf(report, "floor", name, "full");
    if (ref_full && floor) {
      double share = *ref_full / *floor;
      TargetVerdict v;
      v.met = share >= 0.90;
      v.text = "full " + kex + ": reference " + Format("%.1f%%", 100 * share) +
               " of floor (target >= 90%): " + (v.met ? "MET" : "NOT MET");
      verdicts.push_back(v);
    }
    std::optional<double> ref_resumed = RateOf(report, "reference", name, "resumed");
    std::optional<double> ossl_resumed = RateOf(report, "openssl", name, "resumed");
    if (ref_resumed && ossl_resumed) {
      double ratio = *ref_resumed / *ossl_resumed;
      TargetVerdict v;
      v.met = ratio > 1.0;
      v.text = "resumed " + kex + ": reference " + Format("%.2fx", ratio) +
               " OpenSSL (target > 1.00x): " + (v.met ? "MET" : "NOT MET");
      verdicts.push_back(v);
    }
  }
  return verdicts;
}

std::string FormatBenchReport(const BenchReport& report) {
  std::ostringstream out;
  const MachineInfo& m = report.machine;
  out << "Machine: " << m.cpus << " CPUs, " << m.cpu_model << "; " << m.kernel
      << "; load average at start " << m.load_average << "\n";
  out << "Libraries: Botan " << m.botan_version << ", " << m.openssl_version << "; built with "
      << m.compiler << "\n";
  out << "Command: " << report.command << "\n";
  out << "Date: " << report.date << "\n";
  out << "Rates are handshakes per CPU-second of the process (client and server on one thread, "
         "plus Botan's RSA thread-pool work), best of "
      << std::max(1, report.request.rounds) << " rounds of "
      << Format("%.2f", report.request.seconds / std::max(1, report.request.rounds))
      << " s; no chain validation.\n";

  const std::vector<std::string> header = {"stack",       "mode",     "handshakes/s",
                                           "ms/handshake", "of floor", "vs OpenSSL"};
  const size_t widths[] = {10, 8, 13, 13, 9, 11};
  for (BenchSuite suite : report.request.suites) {
    const std::string name(SuiteName(suite));
    out << "\n" << name << " (" << InfoOf(suite).description << ")\n ";
    for (size_t i = 0; i < header.size(); ++i) out << " " << Pad(header[i], widths[i], i >= 2);
    out << "\n";
    for (HandshakeMode mode : report.request.modes) {
      const std::string mode_name(ModeName(mode));
      for (const std::string& stack : report.request.stacks) {
        const BenchMeasurement* meas = report.Find(stack, name, mode_name);
        if (meas == nullptr) continue;
        std::vector<std::string> cells = {stack, mode_name};
        if (!meas->best) {
          out << "  " << Pad(stack, widths[0], false) << " " << Pad(mode_name, widths[1], false)
              << "  ERROR: " << meas->error << "\n";
          continue;
        }
        double rate = meas->best->handshakes_per_second;
        cells.push_back(Format("%.1f", rate));
        cells.push_back(Format("%.3f", 1000.0 / rate));
        std::optional<double> floor = RateOf(report, "floor", name, "full");
        cells.push_back(mode == HandshakeMode::kFull && floor
                            ? Format("%.1f%%", 100 * rate / *floor)
                            : "-");
        std::optional<double> ossl = RateOf(report, "openssl", name, mode_name);
        cells.push_back(ossl && stack != "openssl" ? Format("%.2fx", rate / *ossl) : "-");
        out << " ";
        for (size_t i = 0; i < cells.size(); ++i) out << " " << Pad(cells[i], widths[i], i >= 2);
        out << "\n";
      }
    }
  }

  std::vector<TargetVerdict> verdicts = EvaluateTargets(report);
  if (!verdicts.empty()) out << "\nTargets:\n";
  for (const TargetVerdict& v : verdicts) out << "  " << v.text << "\n";
  if (report.any_error()) {
    out << "\nSome handshakes failed: their rates are not reported.\n";
  }
  return out.str();
}

nlohmann::json BenchReportToJson(const BenchReport& report) {
  nlohmann::json j;
  j["command"] = report.command;
  j["date"] = report.date;
  const MachineInfo& m = report.machine;
  j["machine"] = {{"cpus", m.cpus},
                  {"cpu_model", m.cpu_model},
                  {"kernel", m.kernel},
                  {"load_average", m.load_average},
                  {"botan", m.botan_version},
                  {"openssl", m.openssl_version},
                  {"compiler", m.compiler}};
  j["seconds"] = report.request.seconds;
  j["rounds"] = report.request.rounds;
  j["results"] = nlohmann::json::array();
  for (const BenchMeasurement& meas : report.measurements) {
    nlohmann::json r = {{"stack", meas.stack},
                        {"suite", meas.suite},
                        {"mode", meas.mode},
                        {"round_handshakes_per_cpu_second", meas.round_rates}};
    if (meas.best) {
      r["handshakes_per_second"] = meas.best->handshakes_per_second;
      r["wall_handshakes_per_second"] = meas.best->wall_handshakes_per_second;
      r["iterations"] = meas.best->iterations;
      r["cpu_seconds"] = meas.best->cpu_seconds;
      r["wall_seconds"] = meas.best->wall_seconds;
    } else {
      r["error"] = meas.error;
    }
    j["results"].push_back(r);
  }
  j["targets"] = nlohmann::json::array();
  for (const TargetVerdict& v : EvaluateTargets(report)) {
    j["targets"].push_back({{"text", v.text}, {"met", v.met}});
  }
  return j;
}

}  // namespace shakedown
