#include "cli/connect_command.h"

#include <arpa/inet.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>
#include <errno.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/alert.h"
#include "engine/connection/connection.h"
#include "engine/connection/observer.h"
#include "engine/connection/session.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "harness/net/endpoint.h"
#include "harness/net/pump.h"
#include "harness/net/socket.h"

namespace shakedown {
namespace {

constexpr size_t kResponseBytesShown = 1024;
constexpr size_t kResponseLinesShown = 20;

bool IsIpLiteral(const std::string& host) {
  uint8_t buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// The leaf's subject, or why it cannot be shown (Botan throws on bad input).
std::string LeafSubject(const std::vector<Bytes>& chain) {
  if (chain.empty()) return "none";
  try {
    Botan::X509_Certificate leaf(chain[0].data(), chain[0].size());
    return leaf.subject_dn().to_string() + " (chain of " + std::to_string(chain.size()) + ")";
  } catch (const std::exception& e) {
    return std::string("unparseable: ") + e.what();
  }
}

// The start of the response, printable, indented.
std::string Excerpt(const std::string& response) {
  std::string out = "  ";
  size_t lines = 0;
  for (size_t i = 0; i < response.size() && i < kResponseBytesShown; ++i) {
    char c = response[i];
    if (c == '\r') continue;
    if (c == '\n') {
      if (++lines == kResponseLinesShown) return out + "\n  [...]";
      out += "\n  ";
    } else if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      out += '.';
    }
  }
  if (response.size() > kResponseBytesShown) out += "\n  [...]";
  return out;
}

void PrintResult(const ClientResult& result) {
  const Negotiated& n = result.negotiated;
  std::cout << "handshake: " << DescribeNegotiated(n) << "\n"
            << "session id: " << (n.session_id.empty() ? "none" : ToHex(n.session_id)) << "\n"
            << "server certificate: " << LeafSubject(n.peer_chain) << "\n";
  // RFC 6066 8: only a response that checked is kept (else the handshake failed).
  if (!n.ocsp_response.empty()) {
    std::cout << "OCSP status: good (stapled response of " << n.ocsp_response.size()
              << " bytes verified)\n";
  } else if (n.status_request) {
    std::cout << "OCSP status: requested and answered, no response stapled\n";
  }
}

// What one connection did: the handshake, the error (alert and reason), the response.
void PrintConnection(int number, const std::string& target, const ClientResult& result) {
  std::cout << "connection " << number << " to " << target << ": "
            << (result.handshake_complete ? "handshake complete" : "handshake failed")
            << "\n";
  if (result.handshake_complete) PrintResult(result);
  if (!result.status.ok()) {
    std::optional<std::string_view> alert = AlertName(static_cast<uint8_t>(result.status.alert()));
    std::cout << "error (" << (alert ? std::string(*alert) : "internal_error")
              << "): " << result.status.message() << "\n";
  }
  if (!result.response.empty()) {
    std::cout << "response (" << result.response.size() << " bytes):\n"
              << Excerpt(result.response) << "\n";
  }
}

// Fills `client` from the options: engine flags, credentials, trust anchors, SNI and the request.
// Returns the exit code on failure.
std::optional<int> Configure(const ConnectOptions& options, const HostPort& target,
                             ClientOptions& client) {
  Config& config = client.config;
  if (Status applied = ApplyEngineFlags(options.engine, config); !applied.ok()) {
    std::cerr << "shakedown connect: " << applied.message() << "\n";
    return kExitUsage;
  }
  if (!options.cert.empty()) {
    Result<Credential> credential = LoadCredentialPem(options.cert, options.key);
    if (!credential.ok()) {
      std::cerr << "shakedown connect: " << credential.status().message() << "\n";
      return kExitUsage;
    }
    config.credentials.push_back(*credential);
  }
  if (!options.ca.empty()) {
    Result<std::vector<Bytes>> roots = LoadCertificateChainPem(options.ca);
    if (!roots.ok()) {
      std::cerr << "shakedown connect: --ca: " << roots.status().message() << "\n";
      return kExitUsage;
    }
    config.trusted_roots = *roots;
  }
  config.request_ocsp_status = options.ocsp_status;
  config.server_name = options.servername     ? *options.servername
                       : IsIpLiteral(target.host) ? std::string()
                                                  : target.host;
  client.timeout = std::chrono::milliseconds(options.timeout_ms);
  if (options.no_request) {
    client.wait_for_close = true;  // the server ends the connection
    return std::nullopt;
  }
  std::string host_header = !config.server_name.empty() ? config.server_name : target.host;
  client.request = "GET / HTTP/1.0\r\nHost: " + host_header + "\r\n\r\n";
  // A server that keeps the connection open after answering: stop after a quiet second.
  client.idle = std::chrono::milliseconds(1000);
  return std::nullopt;
}

// --session: the session a previous process stored. A file that does not exist is no session; one
// that does not parse is an error (exit 2), never silently a full handshake.
Result<std::optional<Session>> LoadSessionFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<Session>();
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<Session> session =
      ParseSession(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!session.ok()) {
    return IllegalParameter("--session " + path + ": not a session this command stored (" +
                            session.status().message() + ")");
  }
  return std::optional<Session>(*session);
}

// Stores the connection's session, or removes the file when there is none to resume: RFC 5246 7.2.2
// forbids resuming a session whose connection ended in a fatal alert.
Status StoreSessionFile(const std::string& path, const ClientResult& result) {
  if (!result.status.ok() || !result.session) {
    if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
      return InternalError("--session " + path + ": cannot remove: " + std::strerror(errno));
    }
    return Status::Ok();
  }
  Bytes bytes = SerializeSession(*result.session);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) return InternalError("--session " + path + ": cannot write");
  return Status::Ok();
}

}  // namespace

int RunConnect(const ConnectOptions& options) {
  Result<HostPort> target = ParseHostPort(options.target);
  if (!target.ok()) {
    std::cerr << "shakedown connect: " << target.status().message() << "\n";
    return kExitUsage;
  }
  ClientOptions client;
  if (std::optional<int> failed = Configure(options, *target, client)) return *failed;

  std::ofstream keylog;
  std::unique_ptr<KeyLogWriter> keylog_writer;
  if (!options.keylog.empty()) {
    keylog.open(options.keylog, std::ios::app);
    if (!keylog) {
      std::cerr << "shakedown connect: cannot open --keylog file " << options.keylog << "\n";
      return kExitUsage;
    }
    keylog_writer = std::make_unique<KeyLogWriter>(&keylog);
    client.observer = keylog_writer.get();
  }
  signal(SIGPIPE, SIG_IGN);

  int connections = options.resume ? 2 : 1;
  std::optional<Session> session;
  if (!options.session_file.empty()) {
    Result<std::optional<Session>> stored = LoadSessionFile(options.session_file);
    if (!stored.ok()) {
      std::cerr << "shakedown connect: " << stored.status().message() << "\n";
      return kExitUsage;
    }
    session = *stored;
    if (session) {
      std::cout << "offering the session stored in " << options.session_file << "\n";
    }
  }
  for (int i = 0; i < connections; ++i) {
    std::unique_ptr<DeterministicRng> rng;
    if (options.seed) {
      rng = std::make_unique<DeterministicRng>(*options.seed ^ (i * 0x9e3779b97f4a7c15ull));
      client.rng = rng.get();
    }
    client.config.resume = session;
    if (i == 1) {
      std::cout << "\nreconnecting, offering session "
                << (session->session_id.empty() ? "(ticket)" : ToHex(session->session_id))
                << "\n";
    }
    ClientResult result = RunClient(target->host, target->port, client);
    if (keylog.is_open()) keylog.flush();
    PrintConnection(i + 1, options.target, result);
    if (!options.session_file.empty() && i + 1 == connections) {
      if (Status stored = StoreSessionFile(options.session_file, result); !stored.ok()) {
        std::cerr << "shakedown connect: " << stored.message() << "\n";
        return kExitFailed;
      }
    }
    if (!result.status.ok()) return kExitFailed;
    if (result.handshake_complete && i == 0 && session && !options.resume) {
      std::cout << "resumption: "
                << (result.negotiated.resumed ? "resumed (abbreviated handshake)"
                                              : "not resumed (the server did a full handshake)")
                << "\n";
    }
    if (i == 1) {
      std::cout << "resumption: "
                << (result.negotiated.resumed ? "resumed (abbreviated handshake)"
                                              : "not resumed (the server did a full handshake)")
                << "\n";
    }
    session = result.session;
    if (i == 0 && options.resume && !session) {
      std::cout << "resumption: no session to offer (the server gave none)\n";
      break;
    }
  }
  return kExitOk;
}

Command AddConnectCommand(CLI::App& app) {
  auto options = std::make_shared<ConnectOptions>();
  CLI::App* connect =
      app.add_subcommand("connect",
                         "Connect the reference TLS 1.2 client to HOST:PORT, send 'GET / HTTP/1.0' "
                         "(unless --no-request), and print the negotiated parameters and the start "
                         "of the response. Exit codes: 0 handshake completed (both, with "
                         "--resume), 1 handshake or peer failure (the alert and reason are "
                         "printed), or no answer, 2 usage error.");
  connect->add_option("target", options->target, "HOST:PORT, or [IPv6]:PORT")->required();
  AddEngineFlags(connect, &options->engine,
                 "Ask for an RFC 5077 session ticket (used by --resume and --session when one is "
                 "issued)");
  CLI::Option* cert = connect->add_option("--cert", options->cert,
                                          "Client certificate chain, PEM, leaf first: sent if the "
                                          "server asks for one");
  CLI::Option* key = connect->add_option("--key", options->key, "Private key for --cert, PEM");
  cert->needs(key);
  key->needs(cert);
  connect->add_option("--ca", options->ca,
                      "Trust anchors (PEM) to validate the server's chain. Default: the chain "
                      "is not validated against a root (its signatures are still checked)");
  auto servername = std::make_shared<std::string>();
  CLI::Option* servername_option = connect->add_option(
      "--servername", *servername,
      "Name to send in the server_name extension (SNI) and the Host header. Default: HOST "
      "unless it is an IP address (RFC 6066 3 forbids literals in SNI)");
  connect->add_flag("--resume", options->resume,
                    "Connect a second time offering the first connection's session, and report "
                    "whether the server resumed it");
  connect
      ->add_option("--session", options->session_file,
                   "Offer the session stored in FILE (if it exists), and store this run's session "
                   "there afterwards (removed when there is none to resume): resumption across "
                   "processes, as an exec: client target needs")
      ->type_name("FILE");
  connect->add_flag("--ocsp-status", options->ocsp_status,
                    "OCSP stapling (RFC 6066 8): offer status_request (ocsp) and check a stapled "
                    "response: successful, signed by the issuer of the server's certificate (the "
                    "next certificate of its chain or a --ca root), good for its serial, current. "
                    "Anything else aborts with bad_certificate_status_response");
  connect->add_flag("--no-request", options->no_request,
                    "Send nothing after the handshake: read until the server closes (answering its "
                    "close_notify). For scripted tests: shakedown run --target exec:'shakedown "
                    "connect 127.0.0.1:{port} --no-request ...'");
  connect->add_option("--keylog", options->keylog,
                      "Append NSS key log lines (CLIENT_RANDOM ...) to this file, for Wireshark");
  auto seed = std::make_shared<uint64_t>(0);
  CLI::Option* seed_option = connect->add_option(
      "--seed", *seed,
      "Make the client's randomness a function of this number (the second connection of "
      "--resume uses one derived from it)");
  connect->add_option("--timeout-ms", options->timeout_ms,
                      "Limit for each connection: connect, handshake and response")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  return {connect, [options, servername, servername_option, seed, seed_option] {
            if (servername_option->count() > 0) options->servername = *servername;
            if (seed_option->count() > 0) options->seed = *seed;
            return RunConnect(*options);
          }};
}

}  // namespace shakedown
