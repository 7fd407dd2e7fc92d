// `shakedown connect`: the reference client against any TLS server; sends an HTTP GET and
// prints what was negotiated and the start of the answer.
#ifndef SHAKEDOWN_CLI_CONNECT_COMMAND_H_
#define SHAKEDOWN_CLI_CONNECT_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/engine_flags.h"

namespace shakedown {

struct ConnectOptions {
  std::string target;  // HOST:PORT or [IPv6]:PORT
  EngineFlags engine;  // suites, groups, EMS, tickets
  // Client certificate chain and key (PEM), sent if the server asks.
  std::string cert;
  std::string key;
  std::string ca;  // trust anchors for the server's chain; empty: no root check
  // RFC 6066 8: ask for a stapled OCSP response and check it (bad_certificate_status_response).
  bool ocsp_status = false;
  // SNI and Host header; unset: HOST unless it is an IP literal.
  std::optional<std::string> servername;
  bool resume = false;  // connect twice, offering the first session
  // Resume the session stored here (if the file exists) and store the new one: resumption across
  // processes. Empty: none.
  std::string session_file;
  // Send nothing after the handshake; read until the server closes.
  bool no_request = false;
  std::string keylog;
  std::optional<uint64_t> seed;  // deterministic randomness
  int timeout_ms = 10000;
};

int RunConnect(const ConnectOptions& options);
Command AddConnectCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_CONNECT_COMMAND_H_
