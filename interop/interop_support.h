// Shared by the interop tests: the test PKI on disk, the reference engine's server on a
// thread and its client, and peer tools (openssl, gnutls-cli/serv, botan) as subprocesses.
// Every wait has a deadline; peers are killed when their Subprocess goes out of scope.
#ifndef SHAKEDOWN_INTEROP_INTEROP_SUPPORT_H_
#define SHAKEDOWN_INTEROP_INTEROP_SUPPORT_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/connection/session.h"
#include "engine/crypto/pki.h"
#include "harness/net/endpoint.h"
#include "harness/net/socket.h"
#include "platform/subprocess.h"

namespace shakedown {
namespace interop {

inline constexpr char kEcdheRsaSuite[] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
inline constexpr char kEcdheEcdsaSuite[] = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
inline constexpr char kRsaSuite[] = "TLS_RSA_WITH_AES_128_GCM_SHA256";

// How long one peer run or one engine exchange may take.
inline constexpr std::chrono::milliseconds kPeerTimeout{15000};

// The test PKI, generated once per test binary from a fixed seed. RSA keys are 2048 bits,
// the minimum Botan's and GnuTLS's default policies accept.
const TestPki& Pki();

// The PKI written as PEM, once per binary, under TempRoot().
struct PkiFiles {
  std::string dir;
  std::string ca;      // ca.pem
  std::string ca_dir;  // a directory holding only ca.pem (botan --trusted-cas)
  std::string rsa_server_cert, rsa_server_key;
  std::string ecdsa_server_cert, ecdsa_server_key;
  std::string rsa_client_cert, rsa_client_key;
  std::string ecdsa_client_cert, ecdsa_client_key;
  // A Botan TLS policy (Text_Policy) that also allows RSA key transport, which Botan's
  // default policy refuses.
  std::string botan_policy;
};
const PkiFiles& Files();

// The absolute path of a peer tool, or empty. Tests fail (not skip) when it is missing.
std::string Tool(const std::string& name);

uint16_t SuiteId(const std::string& name);

// ---- The engine's server ----

// `suite` only, with `credentials`; client authentication off; short timeouts.
ServerOptions EngineServerOptions(const std::string& suite, std::vector<Credential> credentials);

// A ReferenceServer on a free loopback port, serving on its own thread until destroyed.
class EngineServer {
 public:
  explicit EngineServer(ServerOptions options);
  ~EngineServer();

  const Status& status() const { return status_; }  // why it could not start
  uint16_t port() const { return listener_.port; }
  // The n-th served connection (1-based), waiting until the deadline.
  std::optional<ServedConnection> WaitServed(size_t n, std::chrono::milliseconds timeout);
  // One Summary() line per connection served so far, for failure messages.
  std::string Log();

 private:
  Status status_;
  TcpListener listener_;
  InMemorySessionCache cache_{256, 3600};
  std::unique_ptr<ReferenceServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ServedConnection> served_;
};

// The server's n-th connection (1-based), which must have completed with `suite`; records a
// test failure (with the server's log) otherwise.
ServedConnection ExpectServed(EngineServer& server, size_t n, const std::string& suite);

// ---- The engine's client ----

// Offers `suite` only, SNI "localhost", sends `request`, reads until the peer closes, the
// response contains `expect` (if not empty), or a quiet second.
ClientOptions EngineClientOptions(const std::string& suite, const std::string& request,
                                  const std::string& expect = "");
ClientResult EngineConnect(uint16_t port, const ClientOptions& options);
// For failure messages: status, negotiated parameters, response excerpt.
std::string Describe(const ClientResult& result);

// ---- Peers ----

// A peer client run to completion: started with `input` on a stdin pipe (left open so the
// tool does not quit before the server answers), waited for up to `timeout`, killed if it
// overstays. status is OK when it exited; the exit code is in exit.
struct PeerRun {
  std::unique_ptr<Subprocess> process;
  IoStatus status;
  ExitStatus exit;
  std::string out;
  std::string err;
  std::string Describe() const;
};
PeerRun RunPeerClient(std::vector<std::string> argv, const std::string& input,
                      std::chrono::milliseconds timeout = kPeerTimeout);

// Starts a peer server: `make_argv(port)` on a free port, waiting until it listens. Retries
// with another port (up to 3 times) if the child exits first, e.g. because another process
// took the port in between.
Result<std::unique_ptr<Subprocess>> StartPeerServer(
    const std::function<std::vector<std::string>(uint16_t port)>& make_argv, uint16_t* port_out,
    std::chrono::milliseconds timeout = kPeerTimeout);

// Waits until `process`'s stdout contains `text` (tools write their logs some time after the
// event); false at the deadline.
bool WaitForStdout(const Subprocess& process, const std::string& text,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Upper-case hex, as Botan's tools print session ids.
std::string ToUpperHex(ByteView bytes);

// Occurrences of `needle` in `haystack`.
size_t Count(const std::string& haystack, const std::string& needle);

}  // namespace interop
}  // namespace shakedown

#endif  // SHAKEDOWN_INTEROP_INTEROP_SUPPORT_H_
