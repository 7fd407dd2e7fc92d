// Botan 2's TLS library as an in-process peer, for what Botan's command-line tools cannot
// do: client authentication (tls_client cannot present a certificate; tls_server never
// requests one). A client that sends one request and reads until the server closes, and a
// sequential echo server on its own thread. Every Botan exception becomes a Status.
#ifndef SHAKEDOWN_INTEROP_BOTAN_PEER_H_
#define SHAKEDOWN_INTEROP_BOTAN_PEER_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/pki.h"
#include "harness/net/socket.h"

namespace shakedown {
namespace interop {

struct BotanPeerOptions {
  // Client: presented when the server asks. Server: its certificate (required).
  const Credential* credential = nullptr;
  // Client: validates the server's chain (name "localhost"). Server: validates client chains,
  // and makes the server send a CertificateRequest naming this CA.
  const Bytes* trusted_ca = nullptr;
  std::chrono::milliseconds timeout{15000};
};

struct BotanPeerResult {
  Status status;              // OK, or the Botan exception / I/O error / alert
  std::string suite;          // Botan's name, e.g. "ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  bool peer_verified = false;  // Botan's path validation of the peer's chain succeeded
  std::vector<Bytes> peer_chain;
  std::string received;  // application data
};

// Connects to 127.0.0.1:port, completes the handshake, sends `request`, reads until the
// server closes.
BotanPeerResult RunBotanClient(uint16_t port, const BotanPeerOptions& options,
                               const std::string& request);

// Echoes lines back, serving connections one at a time until destroyed.
class BotanServer {
 public:
  explicit BotanServer(BotanPeerOptions options);
  ~BotanServer();

  const Status& status() const { return status_; }
  uint16_t port() const { return listener_.port; }
  // The first finished connection's result, waiting up to `timeout`.
  std::optional<BotanPeerResult> WaitResult(std::chrono::milliseconds timeout);
  std::string Log();

 private:
  BotanPeerOptions options_;
  Status status_;
  TcpListener listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<BotanPeerResult> results_;
};

}  // namespace interop
}  // namespace shakedown

#endif  // SHAKEDOWN_INTEROP_BOTAN_PEER_H_
