// `shakedown serve`: the reference server on TCP, for standard TLS clients (openssl s_client,
// gnutls-cli, botan tls_client, curl) to talk to.
#ifndef SHAKEDOWN_CLI_SERVE_COMMAND_H_
#define SHAKEDOWN_CLI_SERVE_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/engine_flags.h"
#include "engine/connection/connection.h"
#include "harness/net/endpoint.h"

namespace shakedown {

struct ServeOptions {
  uint16_t port = 4433;  // 0: a free port
  std::string bind = "127.0.0.1";
  // PEM chain and key; both empty: a throw-away PKI is generated and printed.
  std::string cert;
  std::string key;
  std::string ca;  // trust anchors for client certificates
  std::string ocsp;  // RFC 6066 8: a DER OCSPResponse to staple when a client asks; "": none
  // RFC 6066 3: "NAME=CERT,KEY": a credential for clients that ask for NAME (SNI).
  std::vector<std::string> sni;
  bool refuse_unrecognized_name = false;  // a fatal unrecognized_name for other names
  ClientAuthMode client_auth = ClientAuthMode::kNone;
  SuitePreference prefer = SuitePreference::kServer;  // whose order picks the suite
  EngineFlags engine;  // suites, groups, EMS, tickets
  ServerReply reply = ServerReply::kHttp;
  std::string keylog;
  std::optional<uint64_t> seed;  // deterministic randomness (and PKI)
  uint64_t max_connections = 0;  // 0: until SIGINT/SIGTERM
  int timeout_ms = 10000;
  int workers = static_cast<int>(kDefaultServerWorkers);  // connections served at once
};

int RunServe(const ServeOptions& options);
Command AddServeCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_SERVE_COMMAND_H_
