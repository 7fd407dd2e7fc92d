#include "cli/serve_command.h"

#include <botan/system_rng.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/connection/connection.h"
#include "engine/connection/observer.h"
#include "engine/connection/session.h"
#include "engine/crypto/ocsp.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "harness/net/endpoint.h"
#include "harness/net/socket.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop = true; }

// Session ids resumable for a day (RFC 5246 F.1.4's upper limit), up to this many.
constexpr size_t kSessionCacheSize = 4096;
constexpr uint64_t kSessionLifetimeSeconds = 24 * 3600;
// Clients beyond --workers wait in the kernel's listen queue (capped by net.core.somaxconn), so a
// burst of connections is not refused or slowed by SYN retries.
constexpr int kListenBacklog = 1024;

// Writes the throw-away PKI as PEM files into a fresh temporary directory.
Result<std::string> WritePki(const TestPki& pki) {
  SD_ASSIGN_OR_RETURN(std::string dir, MakeTempDir("shakedown-serve"));
  SD_RETURN_IF_ERROR(WriteCertificateChainPem(dir + "/ca.pem", {pki.ca_der}));
  const std::pair<const Credential*, const char*> files[] = {
      {&pki.rsa_server, "rsa_server"},
      {&pki.ecdsa_server, "ecdsa_server"},
      {&pki.rsa_client, "rsa_client"},
      {&pki.ecdsa_client, "ecdsa_client"},
  };
  for (const auto& [credential, name] : files) {
    SD_RETURN_IF_ERROR(WriteCredentialPem(*credential, dir + "/" + name + ".pem",
                                          dir + "/" + name + ".key"));
  }
  // RFC 6066 8: a good OCSP response from the CA for each server certificate, for --ocsp.
  for (const auto& [credential, name] : {files[0], files[1]}) {
    SD_ASSIGN_OR_RETURN(Bytes response, MakeTestOcspResponse(pki, credential->chain_der.front(),
                                                             OcspResponseKind::kGood));
    SD_RETURN_IF_ERROR(WriteTextFile(dir + "/" + name + ".ocsp.der",
                                     std::string(response.begin(), response.end())));
  }
  return dir;
}


constexpr char kName[] = "shakedown serve: ";

// The generated PKI is useless once this server is gone.
struct RemoveOnExit {
  std::string dir;
  ~RemoveOnExit() {
    if (!dir.empty()) RemoveTree(dir);
  }
};

// Fills `config` from the options: engine flags, client authentication, credentials (from files, or
// a generated PKI written to `pki_dir`) and trust anchors. Returns the exit code on failure.
std::optional<int> Configure(const ServeOptions& options, Config& config, RemoveOnExit& pki_dir) {
  if (Status applied = ApplyEngineFlags(options.engine, config); !applied.ok()) {
    std::cerr << kName << applied.message() << "\n";
    return kExitUsage;
  }
  config.client_auth = options.client_auth;
  config.suite_preference = options.prefer;

  if (!options.cert.empty()) {
    Result<Credential> credential = LoadCredentialPem(options.cert, options.key);
    if (!credential.ok()) {
      std::cerr << kName << credential.status().message() << "\n";
      return kExitUsage;
    }
    config.credentials.push_back(*credential);
  } else {
    std::unique_ptr<Botan::RandomNumberGenerator> rng;
    if (options.seed) {
      rng = std::make_unique<DeterministicRng>(*options.seed);
    } else {
      rng = std::make_unique<Botan::System_RNG>();
    }
    Result<TestPki> pki = GenerateTestPki(*rng);
    if (!pki.ok()) {
      std::cerr << kName << "generating the test PKI: " << pki.status().message() << "\n";
      return kExitFailed;
    }
    Result<std::string> dir = WritePki(*pki);
    if (!dir.ok()) {
      std::cerr << kName << "writing the test PKI: " << dir.status().message() << "\n";
      return kExitFailed;
    }
    pki_dir.dir = *dir;
    config.credentials = {pki->rsa_server, pki->ecdsa_server};
    if (options.ca.empty()) config.trusted_roots = {pki->ca_der};
    std::cout << "shakedown serve: throw-away PKI (removed on exit) in " << *dir << ":\n"
              << "  CA certificate (verify the server with it): " << *dir << "/ca.pem\n"
              << "  server certificates: rsa_server.pem, ecdsa_server.pem (CN and DNS "
              << "localhost, IP 127.0.0.1)\n"
              << "  client certificates and keys: rsa_client.pem/.key, "
              << "ecdsa_client.pem/.key\n"
              << "  good OCSP responses for --ocsp (RFC 6066 8): rsa_server.ocsp.der, "
              << "ecdsa_server.ocsp.der\n";
  }
  // RFC 6066 3: credentials chosen by the name the client asks for.
  for (const std::string& spec : options.sni) {
    const size_t eq = spec.find('=');
    const size_t comma = spec.find(',', eq == std::string::npos ? 0 : eq);
    if (eq == 0 || eq == std::string::npos || comma == std::string::npos ||
        comma == eq + 1 || comma + 1 == spec.size()) {
      std::cerr << kName << "--sni: '" << spec << "' is not NAME=CERT,KEY\n";
      return kExitUsage;
    }
    Result<Credential> credential =
        LoadCredentialPem(spec.substr(eq + 1, comma - eq - 1), spec.substr(comma + 1));
    if (!credential.ok()) {
      std::cerr << kName << "--sni " << spec.substr(0, eq) << ": "
                << credential.status().message() << "\n";
      return kExitUsage;
    }
    credential->names = {spec.substr(0, eq)};
    config.credentials.push_back(*credential);
  }
  config.refuse_unrecognized_name = options.refuse_unrecognized_name;
  if (!options.ocsp.empty()) {
    // RFC 6066 8: stapled as it is, in CertificateStatus, to clients that ask for ocsp.
    Result<Bytes> response = ReadBinaryFile(options.ocsp);
    if (!response.ok() || response->empty()) {
      std::cerr << kName
                << "--ocsp: " << (response.ok() ? "empty file" : response.status().message())
                << "\n";
      return kExitUsage;
    }
    config.ocsp_response = *response;
  }
  if (!options.ca.empty()) {
    Result<std::vector<Bytes>> roots = LoadCertificateChainPem(options.ca);
    if (!roots.ok()) {
      std::cerr << kName << "--ca: " << roots.status().message() << "\n";
      return kExitUsage;
    }
    config.trusted_roots = *roots;
  }
  return std::nullopt;
}

void StopOnSignals() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A client that resets the connection must not kill the server.
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int RunServe(const ServeOptions& options) {
  ServerOptions server_options;
  RemoveOnExit pki_dir;
  if (std::optional<int> failed = Configure(options, server_options.config, pki_dir)) {
    return *failed;
  }

  std::ofstream keylog;
  std::unique_ptr<KeyLogWriter> keylog_writer;
  if (!options.keylog.empty()) {
    keylog.open(options.keylog, std::ios::app);
    if (!keylog) {
      std::cerr << kName << "cannot open --keylog file " << options.keylog << "\n";
      return kExitUsage;
    }
    keylog_writer = std::make_unique<KeyLogWriter>(&keylog);
    server_options.observer = keylog_writer.get();
  }
  if (options.seed) {
    uint64_t base = *options.seed;
    server_options.make_rng = [base](uint64_t index) {
      return std::make_unique<DeterministicRng>(base ^ (index * 0x9e3779b97f4a7c15ull));
    };
  }
  InMemorySessionCache cache(kSessionCacheSize, kSessionLifetimeSeconds);
  server_options.session_cache = &cache;
  server_options.handshake_timeout = std::chrono::milliseconds(options.timeout_ms);
  server_options.request_timeout = std::chrono::milliseconds(options.timeout_ms);
  server_options.reply = options.reply;
  server_options.workers = static_cast<size_t>(options.workers);

  Result<std::unique_ptr<ReferenceServer>> server =
      ReferenceServer::Create(std::move(server_options));
  if (!server.ok()) {
    std::cerr << kName << server.status().message() << "\n";
    return kExitUsage;
  }
  Result<TcpListener> listener = ListenTcp(options.bind, options.port, kListenBacklog);
  if (!listener.ok()) {
    std::cerr << kName << listener.status().message() << "\n";
    return kExitFailed;
  }
  StopOnSignals();

  std::cout << "shakedown serve: listening on "
            << (options.bind.find(':') != std::string::npos ? "[" + options.bind + "]"
                                                            : options.bind)
            << ":" << listener->port << std::endl;
  uint64_t served = 0, failed = 0;
  Status status = (*server)->Run(*listener, g_stop, options.max_connections,
                                 [&](const ServedConnection& connection) {
                                   ++served;
                                   if (!connection.status.ok()) ++failed;
                                   std::cout << connection.Summary() << std::endl;
                                   if (keylog.is_open()) keylog.flush();
                                 });
  std::cout << "shakedown serve: served " << served << " connection(s), " << failed
            << " failed" << (g_stop ? " (stopped by signal)" : "") << std::endl;
  if (!status.ok()) {
    std::cerr << kName << status.message() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

Command AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the reference TLS 1.2 server on TCP. Each connection gets the handshake, then an HTTP "
      "request is answered with a short text page naming the negotiated parameters (see --reply "
      "for echoing, or for a server that only handshakes, as scripted tests want: shakedown run "
      "--target exec:'shakedown serve --port {port} --reply none ...'). Up to --workers "
      "connections are served at once, each on its own thread, so a slow or silent client costs "
      "only its own --timeout-ms; further clients wait in the listen queue until a worker is free. "
      "All connections share one session cache and one ticket key, so clients can resume on any "
      "worker. Prints one line per connection as it ends; stops on SIGINT/SIGTERM or after "
      "--max-connections (then waits for the connections in progress). Example: shakedown serve "
      "--port 4433, then openssl s_client -connect 127.0.0.1:4433 -CAfile <the printed ca.pem>");
  serve->add_option("--port", options->port, "TCP port to listen on; 0 picks a free one")
      ->capture_default_str();
  serve->add_option("--bind", options->bind, "Address to listen on (IPv4 or IPv6 literal)")
      ->capture_default_str();
  CLI::Option* cert = serve->add_option(
      "--cert", options->cert,
      "Certificate chain, PEM, leaf first. Without --cert/--key a throw-away PKI (CA, RSA and "
      "ECDSA server and client certificates) is generated into a temporary directory, printed "
      "at start-up");
  CLI::Option* key = serve->add_option("--key", options->key, "Private key for --cert, PEM");
  cert->needs(key);
  key->needs(cert);
  serve->add_option("--sni", options->sni,
                    "NAME=CERT,KEY (repeatable): serve this chain and key to clients whose "
                    "server_name (RFC 6066 3) is NAME (case-insensitive); other clients get "
                    "--cert or the generated certificates");
  serve->add_flag("--refuse-unrecognized-name", options->refuse_unrecognized_name,
                  "With --sni: answer a server_name no --sni entry names with a fatal "
                  "unrecognized_name (RFC 6066 3) instead of going on with the default "
                  "certificate");
  serve
      ->add_option("--ocsp", options->ocsp,
                   "OCSP stapling (RFC 6066 8): staple this DER OCSP response in a "
                   "CertificateStatus to clients whose status_request asks for ocsp (the "
                   "generated PKI writes good ones as rsa_server.ocsp.der / ecdsa_server.ocsp.der)")
      ->type_name("FILE");
  serve->add_option("--ca", options->ca,
                    "Trust anchors (PEM) for client certificates. Default with the generated "
                    "PKI: its CA; otherwise client chains are not validated against a root "
                    "(signatures are still checked)");
  auto client_auth = std::make_shared<std::string>("none");
  serve->add_option("--client-auth", *client_auth,
                    "Request a client certificate: none, optional (request, accept none), or "
                    "required (refuse clients without one)")
      ->check(CLI::IsMember({"none", "optional", "required"}))
      ->capture_default_str();
  auto prefer = std::make_shared<std::string>("server");
  serve
      ->add_option("--prefer", *prefer,
                   "Whose order picks the cipher suite among those both sides have: server (the "
                   "order of --suites) or client (the ClientHello's order); RFC 5246 7.4.1.3 "
                   "leaves it to the server")
      ->check(CLI::IsMember({"server", "client"}))
      ->capture_default_str();
  AddEngineFlags(serve, &options->engine, "Issue RFC 5077 session tickets");
  auto reply = std::make_shared<std::string>("http");
  serve
      ->add_option("--reply", *reply,
                   "After the handshake: http (an HTTP request gets the status page, other lines "
                   "are ignored), echo (every line is sent back) or none (send nothing; read until "
                   "the client closes: the reference as a scripted test's target)")
      ->check(CLI::IsMember({"http", "echo", "none"}))
      ->capture_default_str();
  serve->add_option("--keylog", options->keylog,
                    "Append NSS key log lines (CLIENT_RANDOM ...) to this file, for Wireshark");
  auto seed = std::make_shared<uint64_t>(0);
  CLI::Option* seed_option = serve->add_option("--seed", *seed,
                    "Make the server's randomness (and the generated PKI) a function of this "
                    "number: connection i uses a generator derived from it and i");
  serve->add_option("--max-connections", options->max_connections,
                    "Exit after serving this many connections; 0: until stopped")
      ->capture_default_str();
  serve
      ->add_option("--workers", options->workers,
                   "Connections served at once (one thread each), 1 to " +
                       std::to_string(kMaxServerWorkers) +
                       ". Only that many are accepted at a time; the rest wait in the listen "
                       "queue. Connection numbers stay in accept order")
      ->check(CLI::Range(1, static_cast<int>(kMaxServerWorkers)))
      ->capture_default_str();
  serve
      ->add_option("--timeout-ms", options->timeout_ms,
                   "Per connection: how long the handshake may take, and how long to wait for a "
                   "request (or the next echoed line; with --reply none, for the client's next "
                   "record)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  return {serve, [options, client_auth, prefer, reply, seed, seed_option] {
            options->reply = *reply == "echo"   ? ServerReply::kEcho
                             : *reply == "none" ? ServerReply::kNone
                                                : ServerReply::kHttp;
            options->client_auth = *client_auth == "required"   ? ClientAuthMode::kRequired
                                   : *client_auth == "optional" ? ClientAuthMode::kOptional
                                                                : ClientAuthMode::kNone;
            options->prefer =
                *prefer == "client" ? SuitePreference::kClient : SuitePreference::kServer;
            if (seed_option->count() > 0) options->seed = *seed;
            return RunServe(*options);
          }};
}

}  // namespace shakedown
