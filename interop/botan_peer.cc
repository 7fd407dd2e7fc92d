#include "interop/botan_peer.h"

#include <botan/certstor.h>
#include <botan/credentials_manager.h>
#include <botan/pk_keys.h>
#include <botan/system_rng.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_policy.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager.h>
#include <botan/x509cert.h>

#include <exception>

namespace shakedown {
namespace interop {
namespace {

class Credentials final : public Botan::Credentials_Manager {
 public:
  explicit Credentials(const BotanPeerOptions& options) {
    if (options.trusted_ca != nullptr) {
      store_.add_certificate(
          Botan::X509_Certificate(options.trusted_ca->data(), options.trusted_ca->size()));
      has_ca_ = true;
    }
    if (options.credential != nullptr) {
      for (const Bytes& der : options.credential->chain_der) {
        chain_.emplace_back(der.data(), der.size());
      }
      key_ = options.credential->key;
    }
  }

  std::vector<Botan::Certificate_Store*> trusted_certificate_authorities(
      const std::string&, const std::string&) override {
    if (!has_ca_) return {};
    return {&store_};
  }

  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& key_types,
                                                  const std::string&,
                                                  const std::string&) override {
    if (!key_ || chain_.empty()) return {};
    for (const std::string& type : key_types) {
      if (type == key_->algo_name()) return chain_;
    }
    return {};
  }

  Botan::Private_Key* private_key_for(const Botan::X509_Certificate& cert, const std::string&,
                                      const std::string&) override {
    return !chain_.empty() && cert == chain_[0] ? key_.get() : nullptr;
  }

 private:
  Botan::Certificate_Store_In_Memory store_;
  bool has_ca_ = false;
  std::vector<Botan::X509_Certificate> chain_;
  std::shared_ptr<Botan::Private_Key> key_;
};

// Botan's default policy insists on OCSP/CRL data for every certificate; a throw-away test
// PKI has none.
class PeerPolicy final : public Botan::TLS::Policy {
 public:
  bool require_cert_revocation_info() const override { return false; }
};

// Records what the channel produces; the caller moves the bytes over the socket.
class Callbacks final : public Botan::TLS::Callbacks {
 public:
  void tls_emit_data(const uint8_t data[], size_t size) override {
    pending.insert(pending.end(), data, data + size);
  }
  void tls_record_received(uint64_t, const uint8_t data[], size_t size) override {
    result.received.append(reinterpret_cast<const char*>(data), size);
  }
  void tls_alert(Botan::TLS::Alert alert) override {
    if (alert.is_fatal()) {
      result.status = InternalError("Botan received fatal alert " + alert.type_string());
    }
  }
  bool tls_session_established(const Botan::TLS::Session& session) override {
    result.suite = session.ciphersuite().to_string();
    return true;  // cache it
  }
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                             const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp,
                             const std::vector<Botan::Certificate_Store*>& roots,
                             Botan::Usage_Type usage, const std::string& hostname,
                             const Botan::TLS::Policy& policy) override {
    for (const Botan::X509_Certificate& cert : chain) result.peer_chain.push_back(cert.BER_encode());
    // Throws (and so fails the handshake with bad_certificate) unless the chain validates.
    Botan::TLS::Callbacks::tls_verify_cert_chain(chain, ocsp, roots, usage, hostname, policy);
    result.peer_verified = true;
  }

  Bytes pending;
  BotanPeerResult result;
};

IoStatus Flush(Callbacks& callbacks, int fd, Deadline deadline) {
  if (callbacks.pending.empty()) return IoStatus::Ok();
  Bytes out = std::move(callbacks.pending);
  callbacks.pending.clear();
  return WriteAll(fd, out, deadline);
}

// Feeds socket input to `channel` until `done()`, the channel closes, EOF or the deadline.
IoStatus Pump(Botan::TLS::Channel& channel, Callbacks& callbacks, int fd, Deadline deadline,
              const std::function<bool()>& done, const std::atomic<bool>* stop) {
  uint8_t buffer[1 << 15];
  while (true) {
    SD_RETURN_IF_IO_ERROR(Flush(callbacks, fd, deadline));
    if (!callbacks.result.status.ok()) return IoStatus::Failed(callbacks.result.status);
    if (done() || channel.is_closed()) return IoStatus::Ok();
    if (deadline.expired() || (stop != nullptr && stop->load())) {
      return IoStatus::TimedOut("in the Botan peer");
    }
    IoResult<size_t> got =
        ReadSome(fd, buffer, sizeof(buffer), deadline.Min(Deadline::AfterMs(50)));
    if (!got.ok()) {
      if (got.timed_out()) continue;
      return got.status();
    }
    if (*got == 0) return IoStatus::Ok();  // EOF
    channel.received_data(buffer, *got);
  }
}

Status FromException(const std::exception& e) {
  if (const auto* tls = dynamic_cast<const Botan::TLS::TLS_Exception*>(&e)) {
    return Status::Error(static_cast<AlertDescription>(tls->type()),
                         std::string("Botan: ") + e.what());
  }
  return InternalError(std::string("Botan: ") + e.what());
}

}  // namespace

BotanPeerResult RunBotanClient(uint16_t port, const BotanPeerOptions& options,
                               const std::string& request) {
  Callbacks callbacks;
  Deadline deadline = Deadline::After(options.timeout);
  IoResult<Fd> socket = ConnectTcp("127.0.0.1", port, deadline);
  if (!socket.ok()) {
    callbacks.result.status = socket.status();
    return callbacks.result;
  }
  try {
    Botan::System_RNG rng;
    Botan::TLS::Session_Manager_In_Memory sessions(rng);
    Credentials credentials(options);
    PeerPolicy policy;
    Botan::TLS::Client client(callbacks, sessions, credentials, policy, rng,
                              Botan::TLS::Server_Information("localhost", port));
    Status status = Pump(client, callbacks, socket->get(), deadline,
                         [&] { return client.is_active(); }, nullptr);
    if (status.ok() && !client.is_active()) status = InternalError("Botan: handshake not completed");
    if (status.ok()) {
      client.send(request);
      status = Pump(client, callbacks, socket->get(), deadline, [] { return false; }, nullptr);
    }
    if (!client.is_closed()) {
      client.close();
      (void)Flush(callbacks, socket->get(), Deadline::AfterMs(1000));
    }
    if (callbacks.result.status.ok()) callbacks.result.status = status;
  } catch (const std::exception& e) {
    callbacks.result.status = FromException(e);
  }
  return callbacks.result;
}

BotanServer::BotanServer(BotanPeerOptions options) : options_(std::move(options)) {
  Result<TcpListener> listener = ListenTcp();
  if (!listener.ok()) {
    status_ = listener.status();
    return;
  }
  listener_ = std::move(*listener);
  thread_ = std::thread([this] {
    Botan::System_RNG rng;
    std::unique_ptr<Botan::TLS::Session_Manager_In_Memory> sessions;
    std::unique_ptr<Credentials> credentials;
    try {
      sessions = std::make_unique<Botan::TLS::Session_Manager_In_Memory>(rng);
      credentials = std::make_unique<Credentials>(options_);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex_);
      BotanPeerResult failed;
      failed.status = FromException(e);
      results_.push_back(failed);
      return;
    }
    PeerPolicy policy;
    while (!stop_) {
      IoResult<Fd> socket = AcceptTcp(listener_, Deadline::AfterMs(100));
      if (!socket.ok()) continue;
      Callbacks callbacks;
      Deadline deadline = Deadline::After(options_.timeout);
      try {
        Botan::TLS::Server server(callbacks, *sessions, *credentials, policy, rng);
        size_t echoed = 0;
        Status status = Pump(server, callbacks, socket->get(), deadline,
                             [&] {
                               // Echo complete lines as they arrive; never "done" by itself.
                               size_t end = callbacks.result.received.rfind('\n');
                               if (server.is_active() && end != std::string::npos &&
                                   end + 1 > echoed) {
                                 server.send(callbacks.result.received.substr(echoed,
                                                                              end + 1 - echoed));
                                 echoed = end + 1;
                               }
                               return false;
                             },
                             &stop_);
        if (!server.is_closed()) {
          server.close();
          (void)Flush(callbacks, socket->get(), Deadline::AfterMs(1000));
        }
        if (callbacks.result.status.ok()) callbacks.result.status = status;
      } catch (const std::exception& e) {
        callbacks.result.status = FromException(e);
        (void)Flush(callbacks, socket->get(), Deadline::AfterMs(1000));  // the alert
      }
      std::lock_guard<std::mutex> lock(mutex_);
      results_.push_back(callbacks.result);
    }
  });
}

BotanServer::~BotanServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::optional<BotanPeerResult> BotanServer::WaitResult(std::chrono::milliseconds timeout) {
  Deadline deadline = Deadline::After(timeout);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!results_.empty()) return results_.front();
    }
    if (deadline.expired()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string BotanServer::Log() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string log = "Botan server (" + std::to_string(results_.size()) + " connections):\n";
  for (const BotanPeerResult& result : results_) {
    log += "  " + result.status.ToString() + " suite=" + result.suite +
           " peer_verified=" + (result.peer_verified ? "yes" : "no") +
           " received=" + std::to_string(result.received.size()) + " bytes\n";
  }
  return log;
}

}  // namespace interop
}  // namespace shakedown
