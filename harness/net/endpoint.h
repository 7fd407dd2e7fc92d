// The reference engine on real sockets: a TLS server that serves connections concurrently on a
// bounded pool of threads and answers an HTTP GET with a short status page (or echoes lines, or
// says nothing), and a client that sends one request and reads the answer (or waits for the
// server to close). `shakedown serve` / `shakedown connect` and
// the interop tests use these, so the CLI and the tests exercise the same code.
#ifndef SHAKEDOWN_HARNESS_NET_ENDPOINT_H_
#define SHAKEDOWN_HARNESS_NET_ENDPOINT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
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
// before CBC, ECDSA before RSA authentication. AES-CCM only when named (endpoint.cc says why).
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

// `shakedown serve`'s default for ServerOptions::workers, and the largest value it accepts.
inline constexpr size_t kDefaultServerWorkers = 16;
inline constexpr size_t kMaxServerWorkers = 1024;

struct ServerOptions {
  // Role is forced to kServer. An empty ticket_key is drawn once (from make_rng(0)), so that every
  // worker's context opens the tickets of the others.
  Config config;
  // Shared by all connections, used under the server's own lock (any implementation will do, but
  // anything else using it at the same time must lock too); null: no session-ID resumption.
  SessionCache* session_cache = nullptr;
  // Randomness per connection (one generator each, as DeterministicRng wants), by 1-based accept
  // order. Default: the system RNG. Also called with index 0 to draw the ticket key and to build
  // the contexts. Called on the thread that calls Create, Serve or Run, never on a worker.
  std::function<std::unique_ptr<Botan::RandomNumberGenerator>(uint64_t index)> make_rng;
  // Default: the system clock, in seconds. Called from every worker: must be thread-safe.
  std::function<uint64_t()> clock;
  // Called from every worker, but never from two at once (the server serialises the calls).
  Observer* observer = nullptr;
  std::chrono::milliseconds handshake_timeout{10000};
  // How long to wait for the request after the handshake, and for each further line in echo mode
  // (kNone: how long the peer may stay quiet before the server closes).
  std::chrono::milliseconds request_timeout{10000};
  ServerReply reply = ServerReply::kHttp;
  // Run serves up to this many connections at once, one thread each (at least 1). It accepts a
  // connection only when a worker is free, so the rest wait in the listener's backlog; a client
  // that stays silent holds one worker for its own timeout and delays no other.
  size_t workers = kDefaultServerWorkers;
};

// Serves connections concurrently (Run) or one at a time (Serve). Each worker has its own
// SharedContext (it is not thread-safe), all built from one Config and one ticket key.
class ReferenceServer {
 public:
  // Prepares the credentials once. Errors: the configuration is unusable, workers is 0.
  static Result<std::unique_ptr<ReferenceServer>> Create(ServerOptions options);
  ~ReferenceServer();

  // One connection on the calling thread: handshake; then application data as options.reply says,
  // until the peer closes, the request is answered, or the peer goes quiet for request_timeout.
  // Not to be called from two threads at once, nor while Run runs (they share a context).
  ServedConnection Serve(Fd socket, const std::string& peer,
                         const std::atomic<bool>* cancel = nullptr);

  // Accepts on the calling thread, and serves on options.workers threads, until `stop` is set
  // (which also cancels the connections in progress) or `max_connections` (0: no limit) were
  // accepted; then waits for the connections in progress and returns. `on_connection` is called
  // once per connection as it ends, from the workers but never from two at once. Errors: accept()
  // itself failed (reported once the connections in progress ended).
  Status Run(const TcpListener& listener, const std::atomic<bool>& stop,
             uint64_t max_connections,
             const std::function<void(const ServedConnection&)>& on_connection);

 private:
  explicit ReferenceServer(ServerOptions options) : options_(std::move(options)) {}

  // A context built from options_.config, for one more worker.
  Result<std::shared_ptr<SharedContext>> NewContext();
  ServedConnection ServeOn(const std::shared_ptr<SharedContext>& context, uint64_t index,
                           std::unique_ptr<Botan::RandomNumberGenerator> rng, Fd socket,
                           const std::string& peer, const std::atomic<bool>* cancel);

  ServerOptions options_;
  std::unique_ptr<SessionCache> locked_cache_;  // wraps options_.session_cache
  std::unique_ptr<Observer> locked_observer_;   // wraps options_.observer
  // Serialises the observer's and on_connection's calls (one lock, so that `serve` can flush the
  // key log in on_connection while another worker writes to it).
  std::mutex callback_mutex_;
  std::shared_ptr<SharedContext> shared_;  // Serve's, and Run's first worker's
  std::vector<std::shared_ptr<SharedContext>> worker_contexts_;  // Run's other workers'
  std::atomic<uint64_t> served_{0};  // connections accepted (or given to Serve) so far
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
