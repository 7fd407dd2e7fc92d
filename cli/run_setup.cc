#include "cli/run_setup.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cli/command.h"
#include "engine/wire/registry.h"
#include "harness/scenario/loader.h"
#include "harness/targets/isolated/isolated.h"
#include "harness/targets/library/library.h"
#include "platform/subprocess.h"

namespace shakedown {

std::vector<std::string> DefaultVectorPaths() {
  std::vector<std::string> paths = {RepoPath("vectors/conformance")};
  const std::string regressions = RepoPath("vectors/regressions");
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(regressions, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") {
      paths.push_back(regressions);
      break;
    }
  }
  return paths;
}

void AddTargetOptions(CLI::App* app, TargetOptions* o) {
  app->add_option("--target", o->target,
                  "reference (the engine in-process), tcp:HOST:PORT (a running server; for client "
                  "vectors shakedown listens on PORT), or exec:'COMMAND {port}' (started by "
                  "shakedown on a free port; {cert} {key} {ca} {ecdsa_cert} {ecdsa_key} "
                  "{ecdsa_p384_cert} {ecdsa_p384_key} {ecdsa_p521_cert} {ecdsa_p521_key} "
                  "{client_cert} {client_key} {ecdsa_client_cert} {ecdsa_client_key} name the "
                  "run's test PKI as PEM, {ocsp} {ecdsa_ocsp} good DER OCSP responses for the "
                  "server certificates (RFC 6066 8), {sni_cert} {sni_key} the alternate server "
                  "certificate for {sni_name} (target.sni, RFC 6066 3); a client's {session} is a "
                  "file to keep its "
                  "session in across connections), or a TLS library in-process: LIBRARY, "
                  "LIBRARY:server or LIBRARY:client (the libraries of this build: `shakedown "
                  "targets`; docs/TARGETS.md)")
      ->capture_default_str();
  app->add_option("--timeout-ms", o->timeout_ms,
                  "How long each expectation waits for a network target")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  app->add_option("--drain-ms", o->drain_ms,
                  "After a connection's last step, how long to go on reading from a network "
                  "target (until it closes) so that what it sends there is judged too; 0: only "
                  "what has arrived")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  app->add_flag("--isolate", o->isolate,
                "Run an in-process library in a worker process (one per job), so that a library "
                "that aborts, crashes or hangs fails that vector (target: died, with its stderr) "
                "and the run goes on with a fresh worker; a little slower");
  app->add_option("--target-versions", o->versions,
                  "The protocol versions the target enables, as IANA names joined by '+' "
                  "(TLSv1.0+TLSv1.1+TLSv1.2): vectors whose premise needs other versions "
                  "(the fallback-SCSV vectors need an older one) are reported not applicable. "
                  "The reference enables TLSv1.2 only")
      ->capture_default_str();
  app->add_option("--seed", o->seed, "Seed of the test PKI and every random byte")
      ->capture_default_str();
}

RunSetup::~RunSetup() {
  if (!pem_dir_.empty()) RemoveTree(pem_dir_);
}

namespace {

// This binary, for the worker processes of --isolate.
std::string SelfExecutable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("shakedown");
}

}  // namespace

TargetFactory RunSetup::factory() const {
  TargetSpec spec = spec_;
  TargetResources resources = resources_;
  if (!isolate_ || spec.kind != TargetSpec::Kind::kLibrary) {
    return [spec, resources](int) { return MakeAnyTarget(spec, resources); };
  }
  IsolationOptions isolation;
  isolation.worker_argv = {SelfExecutable(), "__library-worker", spec.library,
                           std::to_string(resources.seed)};
  // A library busy for this long on one request is hung (a vector's own waits are separate).
  isolation.reply_timeout_ms = std::max(5000, options_.timeout_ms);
  return [spec, resources, isolation](int) -> Result<std::unique_ptr<Target>> {
    SD_ASSIGN_OR_RETURN(std::unique_ptr<Library> local, MakeLibrary(spec.library, resources));
    return MakeIsolatedLibraryTarget(std::move(local), isolation);
  };
}

int RunLibraryWorker(const std::string& name, uint64_t seed) {
  Result<TargetResources> made = MakeRunResourcesWithPem(seed, "shakedown-worker-pki");
  if (!made.ok()) {
    std::cerr << "library worker: " << made.status().message() << "\n";
    return kExitUsage;
  }
  const TargetResources& resources = *made;
  int status = kExitUsage;
  {
    Result<std::unique_ptr<Library>> library = MakeLibrary(name, resources);
    if (library.ok()) {
      std::unique_ptr<Target> target = MakeLibraryTarget(std::move(library).value());
      status = ServeLibraryTarget(*target, 0);
    } else {
      std::cerr << "library worker: " << library.status().message() << "\n";
    }
  }
  RemoveTree(resources.pem.dir);
  return status;
}

Status RunSetup::Init(const TargetOptions& o, int jobs) {
  isolate_ = o.isolate;
  Result<TargetSpec> spec = ParseAnyTargetSpec(o.target);
  if (!spec.ok()) return spec.status();
  spec_ = *spec;
  Result<std::shared_ptr<const TestPki>> pki = MakeRunPki(o.seed);
  if (!pki.ok()) return InternalError("generating the test PKI: " + pki.status().message());
  resources_.pki = *pki;
  resources_.seed = o.seed;
  if (spec_.kind == TargetSpec::Kind::kExec || spec_.kind == TargetSpec::Kind::kLibrary) {
    Result<PemFiles> pem = WritePkiPemToTempDir(**pki, "shakedown-pki");
    if (!pem.ok()) return pem.status();
    pem_dir_ = pem->dir;
    resources_.pem = *pem;
  }
  if (spec_.kind == TargetSpec::Kind::kTcp && jobs > 1) {
    // One server (or one listening port) cannot be shared by workers that each expect
    // their own connection order.
    return InternalError("--jobs > 1 needs the reference or an exec: target");
  }
  options_.timeout_ms = o.timeout_ms;
  options_.drain_ms = o.drain_ms;
  // "TLSv1.1+TLSv1.2": ascending, each once.
  options_.target_versions.clear();
  std::string rest = o.versions;
  while (true) {
    const size_t plus = rest.find('+');
    const std::string name = rest.substr(0, plus);
    std::optional<uint16_t> v = ValueOf(Registry::kProtocolVersion, name);
    if (!v) {
      return InternalError("--target-versions: unknown version \"" + name +
                           "\" (SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3, joined by '+')");
    }
    options_.target_versions.push_back(*v);
    if (plus == std::string::npos) break;
    rest = rest.substr(plus + 1);
  }
  std::sort(options_.target_versions.begin(), options_.target_versions.end());
  options_.target_versions.erase(
      std::unique(options_.target_versions.begin(), options_.target_versions.end()),
      options_.target_versions.end());
  if ((spec_.kind == TargetSpec::Kind::kReference || spec_.kind == TargetSpec::Kind::kLibrary) &&
      options_.target_versions != std::vector<uint16_t>{0x0303}) {
    return InternalError("--target-versions: the reference engine and the in-process libraries "
                         "enable TLSv1.2 only");
  }
  options_.seed = o.seed;
  options_.pki = *pki;
  options_.jobs = jobs;
  return Status::Ok();
}

Result<Scenario> LoadVectorOrFuzzInput(const std::string& path, bool* fuzz_input) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError(path + ": cannot read");
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t first = 0;
  while (first < data.size() && std::isspace(data[first])) ++first;
  *fuzz_input = first == data.size() || data[first] != '{';
  if (*fuzz_input) return ParseScenarioCbor(data, path);
  return LoadScenarioFile(path);
}

}  // namespace shakedown
