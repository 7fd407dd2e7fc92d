// `shakedown bench handshake`: full and resumed TLS 1.2 handshakes per second between a client
// and a server of the same stack, in memory, on one thread. Stacks: the reference engine,
// Botan 2's TLS, OpenSSL 3 (memory BIOs), and the public-key floor (only the public-key
// operations a handshake needs, with Botan's primitives built once), so the engine's overhead
// can be read as a ratio. All stacks use one RSA-2048 server credential, x25519 for ECDHE,
// rsa_pkcs1_sha256 signatures and no certificate-chain validation, so they do the same work.
#ifndef SHAKEDOWN_BENCH_HANDSHAKE_BENCH_H_
#define SHAKEDOWN_BENCH_HANDSHAKE_BENCH_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/status.h"
#include "engine/crypto/pki.h"

namespace shakedown {

enum class BenchSuite {
  kEcdheRsaAes128GcmSha256,    // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, x25519
  kRsaAes128GcmSha256,         // TLS_RSA_WITH_AES_128_GCM_SHA256
  kDheRsaAes128GcmSha256,      // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ffdhe2048
  kEcdheEcdsaAes128GcmSha256,  // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, x25519, P-256 key
};
enum class HandshakeMode { kFull, kResumed };

inline constexpr BenchSuite kAllBenchSuites[] = {
    BenchSuite::kEcdheRsaAes128GcmSha256, BenchSuite::kRsaAes128GcmSha256,
    BenchSuite::kDheRsaAes128GcmSha256, BenchSuite::kEcdheEcdsaAes128GcmSha256};

enum class BenchKeyExchange { kEcdhe, kRsa, kDhe };

// One row per suite: what every stack configures from it.
struct BenchSuiteInfo {
  BenchSuite suite;
  uint16_t id;
  std::string_view name;        // IANA name
  std::string_view short_name;  // what --suites takes: "ecdhe_rsa", "rsa", "dhe_rsa", "ecdhe_ecdsa"
  std::string_view label;       // in verdict lines: "ECDHE_RSA", ...
  BenchKeyExchange key_exchange;
  bool ecdsa;                         // the server's credential is ECDSA P-256 (else RSA-2048)
  std::string_view openssl_cipher;    // OpenSSL's name for the suite
  std::string_view description;       // the group, certificate and signature, for reports
};
const BenchSuiteInfo& InfoOf(BenchSuite suite);

uint16_t SuiteId(BenchSuite suite);
std::string_view SuiteName(BenchSuite suite);  // IANA name
std::string_view SuiteShortName(BenchSuite suite);
std::optional<BenchSuite> SuiteFromShortName(std::string_view name);
std::string_view ModeName(HandshakeMode mode);  // "full" or "resumed"

// The server credentials every stack uses: an RSA-2048 and an ECDSA P-256 leaf signed by a
// throw-away CA, and the same leaves and keys as PEM for OpenSSL.
struct BenchFixture {
  Credential server;
  std::string cert_pem;
  std::string key_pem;
  Credential ecdsa_server;
  std::string ecdsa_cert_pem;
  std::string ecdsa_key_pem;

  // The credential a suite authenticates with, and its PEM.
  const Credential& ServerFor(BenchSuite suite) const {
    return InfoOf(suite).ecdsa ? ecdsa_server : server;
  }
  const std::string& CertPemFor(BenchSuite suite) const {
    return InfoOf(suite).ecdsa ? ecdsa_cert_pem : cert_pem;
  }
  const std::string& KeyPemFor(BenchSuite suite) const {
    return InfoOf(suite).ecdsa ? ecdsa_key_pem : key_pem;
  }
};

// Generates the fixture from `seed` (two RSA-2048 key generations: about a second).
Result<BenchFixture> MakeBenchFixture(uint64_t seed = 1);

// When a measurement stops: after at least `seconds` of the process's CPU time and
// `min_iterations` handshakes, or at `max_iterations` (0: no cap). seconds = 0 with a cap
// gives a fixed number of handshakes (the smoke test).
struct BenchLimits {
  double seconds = 1.0;
  uint64_t min_iterations = 3;
  uint64_t max_iterations = 0;
};

struct StackResult {
  std::string stack;  // "reference", "botan", "openssl", "floor"
  std::string suite;  // IANA name
  std::string mode;   // "full", "resumed"
  // Per second of the process's CPU time, which other processes on a shared machine disturb
  // far less than wall time. Process, not thread: Botan 2 computes one CRT half of each RSA
  // private-key operation on a pool thread, and OpenSSL does not, so thread time would
  // flatter the Botan-based stacks. wall_handshakes_per_second is kept beside it.
  double handshakes_per_second = 0;
  double wall_handshakes_per_second = 0;
  uint64_t iterations = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
};

// Runs `handshake` once untimed (warm-up), then repeatedly until `limits` say stop. Any
// failed handshake ends the measurement with its Status: a failure never becomes a rate.
Result<StackResult> TimeHandshakes(const BenchLimits& limits,
                                   const std::function<Status()>& handshake);

// One runner per stack. Each builds its long-lived objects (contexts, policies, credentials)
// outside the timed loop, as a server would, and checks every handshake: completed on both
// sides, the expected suite, and resumed exactly when `mode` says so.
Result<StackResult> RunReferenceStack(const BenchFixture& fixture, BenchSuite suite,
                                      HandshakeMode mode, const BenchLimits& limits);
Result<StackResult> RunBotanStack(const BenchFixture& fixture, BenchSuite suite,
                                  HandshakeMode mode, const BenchLimits& limits);
Result<StackResult> RunOpenSslStack(const BenchFixture& fixture, BenchSuite suite,
                                    HandshakeMode mode, const BenchLimits& limits);
// Full mode only (a resumed handshake has no public-key operations). One "handshake" is:
//   ECDHE_RSA: 1 RSA-2048 PKCS#1 v1.5 SHA-256 sign + 1 verify + 2 x25519 key generations
//              + 2 agreements;
//   RSA:       1 PKCS#1 v1.5 decrypt (decrypt_or_random, as a server must) + 1 encrypt.
// The "encrypt/verify" is read as the one RSA public-key operation the client does
// (encrypting the pre-master secret is the same m^e mod n as a verify); no stack validates
// the certificate chain, so there is no CA-signature verify to count.
Result<StackResult> RunPublicKeyFloor(const BenchFixture& fixture, BenchSuite suite,
                                      HandshakeMode mode, const BenchLimits& limits);

using StackRunner = Result<StackResult> (*)(const BenchFixture&, BenchSuite, HandshakeMode,
                                            const BenchLimits&);
struct BenchStack {
  std::string_view name;
  StackRunner run;
  bool has_resumed;
};
// reference, botan, openssl, floor.
const std::vector<BenchStack>& AllBenchStacks();
const BenchStack* FindBenchStack(std::string_view name);

struct BenchRequest {
  std::vector<std::string> stacks;  // names from AllBenchStacks(), in report order
  std::vector<BenchSuite> suites;
  std::vector<HandshakeMode> modes = {HandshakeMode::kFull, HandshakeMode::kResumed};
  // CPU seconds per measurement, split evenly over `rounds` rounds; stacks take turns within
  // each round and the best round counts, which filters out bursts of load from others.
  double seconds = 3.0;
  int rounds = 3;
  uint64_t min_iterations = 3;
};

struct MachineInfo {
  int cpus = 0;
  std::string cpu_model;
  std::string kernel;
  std::string load_average;  // /proc/loadavg when the run started
  std::string botan_version;
  std::string openssl_version;
  std::string compiler;
};
MachineInfo DescribeMachine();

struct BenchMeasurement {
  std::string stack, suite, mode;
  std::optional<StackResult> best;  // the fastest round; empty if any round failed
  std::vector<double> round_rates;  // handshakes per process CPU-second, one per round
  std::string error;                // the first failure, if any
};

struct BenchReport {
  std::string command;
  std::string date;  // UTC, ISO 8601
  MachineInfo machine;
  BenchRequest request;
  std::vector<BenchMeasurement> measurements;

  const BenchMeasurement* Find(std::string_view stack, std::string_view suite,
                               std::string_view mode) const;
  bool any_error() const;
};

// Runs every (suite, mode, stack) measurement of `request`. `progress`, if set, gets a line
// per finished measurement.
BenchReport RunHandshakeBench(const BenchFixture& fixture, const BenchRequest& request,
                              std::ostream* progress);

struct TargetVerdict {
  std::string text;  // "full ECDHE_RSA: reference 93.1% of floor (target >= 90%): MET"
  bool met = false;
};
// The targets, for each suite measured with the stacks they need: reference full
// handshakes >= 90% of the public-key floor; reference resumed handshakes faster than
// OpenSSL's resumed handshakes.
std::vector<TargetVerdict> EvaluateTargets(const BenchReport& report);

// Machine, command, one table per suite, then the verdicts.
std::string FormatBenchReport(const BenchReport& report);
nlohmann::json BenchReportToJson(const BenchReport& report);

}  // namespace shakedown

#endif  // SHAKEDOWN_BENCH_HANDSHAKE_BENCH_H_
