// The reference engine on real sockets: a sequential TLS server that answers an HTTP GET with a
// short status page (or echoes lines, or says nothing), and a client that sends one request and
// reads the answer (or waits for the server to close). `shakedown serve` / `shakedown connect` and
// the interop tests use these, so the CLI and the tests exercise the same code.
#ifndef SHAKEDOWN_HARNESS_NET_ENDPOINT_H_
#define SHAKEDOWN_HARNESS_NET_ENDPOINT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/connection/session.h"
#include "harness/net/socket.h"
#include "platform/io_status.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace shakedown {

class SharedContext;

// ---- Cipher suites by name ----

// The suites the engine negotiates, strongest first: ECDHE before RSA key transport, AEAD
// before CBC, ECDSA before RSA authentication.
std::vector<uint16_t> DefaultCipherSuites();
// IANA names ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") to ids, in the given order. Errors
// name the first value that is not a registered suite or that the engine cannot negotiate.
Result<std::vector<uint16_t>> CipherSuitesFromNames(const std::vector<std::string>& names);

// A credential from PEM files: the chain (leaf first) and its private key. Errors name the
// file (see LoadCertificateChainPem, LoadPrivateKeyPem).
Result<Credential> LoadCredentialPem(const std::string& cert_path, const std::string& key_path);

// ---- Server ----

// The first line of the status page's body, so a test can recognise the page.
inline constexpr std::string_view kStatusPageTitle = "shakedown reference server";
// A full HTTP/1.0 response whose text/plain body lists the negotiated parameters.
std::string StatusPageResponse(const Negotiated& negotiated);

struct ServedConnection {
  uint64_t index = 0;  // 1-based, in accept order
  std::string peer;    // "address:port"
  bool handshake_complete = false;
  Negotiated negotiated;  // meaningful once the handshake completed
  std::string request;    // application data received
  bool answered = false;  // a status page or an echo was sent
  IoStatus status;        // OK, or why the connection failed (TLS, I/O or timeout)
  std::vector<Event> events;
  // One line for logs: "#3 127.0.0.1:4242 ok TLSv1.2 TLS_..." or "#3 ... failed: <why>".
  std::string Summary() const;
};

// What the server does with application data once the handshake completed.
enum class ServerReply {
  kHttp,  // an HTTP request gets the status page and close_notify; other lines are ignored
  kEcho,  // every complete line is sent back, until the peer closes or goes quiet
  kNone,  // nothing: reads until the peer closes, as a scripted test's target must (the
          // reference in process sends no application data either)
};

struct ServerOptions {
  Config config;                          // role is forced to kServer
  SessionCache* session_cache = nullptr;  // shared by all connections; null: no resumption
  // Randomness per connection (one generator each, as DeterministicRng wants). Default: the system
  // RNG. Also called with index 0 to build the shared context.
  std::function<std::unique_ptr<Botan::RandomNumberGenerator>(uint64_t index)> make_rng;
  std::function<uint64_t()> clock;  // default: the system clock, in seconds
  Observer* observer = nullptr;
  std::chrono::milliseconds handshake_timeout{10000};
  // How long to wait for the request after the handshake, and for each further line in echo mode
  // (kNone: how long the peer may stay quiet before the server closes).
  std::chrono::milliseconds request_timeout{10000};
  ServerReply reply = ServerReply::kHttp;
};

// Serves connections one at a time on the calling thread. Not thread-safe (SharedContext is not);
// run one per thread.
class ReferenceServer {
 public:
  // Prepares the credentials once. Errors: the configuration is unusable.
  static Result<std::unique_ptr<ReferenceServer>> Create(ServerOptions options);
  ~ReferenceServer();

  // Handshake; then application data as options.reply says, until the peer closes, the request is
  // answered, or the peer goes quiet for request_timeout.
  ServedConnection Serve(Fd socket, const std::string& peer,
                         const std::atomic<bool>* cancel = nullptr);

  // Accepts and serves until `stop` is set or `max_connections` (0: no limit) have been
  // served, calling `on_connection` after each. Errors: accept() itself failed.
  Status Run(const TcpListener& listener, const std::atomic<bool>& stop,
             uint64_t max_connections,
             const std::function<void(const ServedConnection&)>& on_connection);

 private:
  explicit ReferenceServer(ServerOptions options) : options_(std::move(options)) {}

  ServerOptions options_;
  std::shared_ptr<SharedContext> shared_;
  uint64_t served_ = 0;
};

// ---- Client ----

struct ClientOptions {
  Config config;                                   // role is forced to kClient
  Botan::RandomNumberGenerator* rng = nullptr;     // null: the system RNG
  std::function<uint64_t()> clock;                 // default: the system clock
  Observer* observer = nullptr;
  std::string request;  // sent once the handshake completes; empty: none
  // With no request: read until the server closes (answering its close_notify) instead of closing
  // right after the handshake. A scripted test's server decides when it ends.
  bool wait_for_close = false;
  // Stop reading once the response contains this; empty: read until the peer closes.
  std::string expect;
  // Once something has arrived, stop after this long without more (for servers that keep the
  // connection open); 0: off.
  std::chrono::milliseconds idle{0};
  std::chrono::milliseconds timeout{10000};  // the whole exchange, connect included
};

struct ClientResult {
  IoStatus status;  // OK: the handshake completed and the response was read as asked
  bool handshake_complete = false;
  Negotiated negotiated;
  std::optional<Session> session;  // to resume with
  std::string response;
  std::vector<Event> events;
};

// Connects, handshakes, sends the request, reads the response, sends close_notify.
ClientResult RunClient(const std::string& host, uint16_t port, const ClientOptions& options,
                       const std::atomic<bool>* cancel = nullptr);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_NET_ENDPOINT_H_
