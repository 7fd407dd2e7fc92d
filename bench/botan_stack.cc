// Botan 2's TLS client and server, in memory. Policies, credentials, session managers and
// rngs live for the whole run; each handshake builds a fresh TLS::Client and TLS::Server.
#include <botan/credentials_manager.h>
#include <botan/tls_callbacks.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_handshake_msg.h>
#include <botan/tls_messages.h>
#include <botan/tls_policy.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager.h>
#include <botan/x509cert.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench/handshake_bench.h"
#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

constexpr int kMaxFlights = 16;

// The same negotiation as the other stacks: TLS 1.2, one suite, x25519, rsa_pkcs1_sha256,
// no tickets (resumption by session id).
class BenchPolicy final : public Botan::TLS::Policy {
 public:
  explicit BenchPolicy(BenchSuite suite) : suite_(suite) {}

  std::vector<std::string> allowed_ciphers() const override { return {"AES-128/GCM"}; }
  std::vector<std::string> allowed_macs() const override { return {"AEAD"}; }
  std::vector<std::string> allowed_signature_hashes() const override { return {"SHA-256"}; }
  // Botan 2 files RSA key transport suites under the "IMPLICIT" authentication method.
  std::vector<std::string> allowed_signature_methods() const override {
    const BenchSuiteInfo& info = InfoOf(suite_);
    if (info.key_exchange == BenchKeyExchange::kRsa) return {"RSA", "IMPLICIT"};
    return {info.ecdsa ? "ECDSA" : "RSA"};
  }
  std::vector<Botan::TLS::Signature_Scheme> allowed_signature_schemes() const override {
    return {InfoOf(suite_).ecdsa ? Botan::TLS::Signature_Scheme::ECDSA_SHA256
                                 : Botan::TLS::Signature_Scheme::RSA_PKCS1_SHA256};
  }
  // Botan 2 leaves RSA key transport and DHE out of its default list.
  std::vector<std::string> allowed_key_exchange_methods() const override {
    switch (InfoOf(suite_).key_exchange) {
      case BenchKeyExchange::kEcdhe:
        return {"ECDH"};
      case BenchKeyExchange::kDhe:
        return {"DH"};
      case BenchKeyExchange::kRsa:
        break;
    }
    return {"RSA"};
  }
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override {
    if (InfoOf(suite_).key_exchange == BenchKeyExchange::kDhe) {
      return {Botan::TLS::Group_Params::FFDHE_2048};
    }
    if (InfoOf(suite_).ecdsa) {
      // RFC 8422 5.1: the certificate's curve is one the client lists too.
      return {Botan::TLS::Group_Params::X25519, Botan::TLS::Group_Params::SECP256R1};
    }
    return {Botan::TLS::Group_Params::X25519};
  }
  bool allow_tls10() const override { return false; }
  bool allow_tls11() const override { return false; }
  bool allow_tls12() const override { return true; }
  bool allow_dtls10() const override { return false; }
  bool allow_dtls12() const override { return false; }
  uint32_t session_ticket_lifetime() const override { return 0; }

 private:
  BenchSuite suite_;
};

class BenchCredentials final : public Botan::Credentials_Manager {
 public:
  BenchCredentials(std::vector<Botan::X509_Certificate> chain,
                   std::shared_ptr<Botan::Private_Key> key)
      : chain_(std::move(chain)), key_(std::move(key)) {}

  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& key_types,
                                                  const std::string& type,
                                                  const std::string& context) override {
    if (type != "tls-server") return {};
    for (const std::string& key_type : key_types) {
      if (key_type == key_->algo_name()) return chain_;
    }
    return {};
  }

  Botan::Private_Key* private_key_for(const Botan::X509_Certificate& cert,
                                      const std::string& type,
                                      const std::string& context) override {
    return key_.get();
  }

 private:
  std::vector<Botan::X509_Certificate> chain_;
  std::shared_ptr<Botan::Private_Key> key_;
};

class Endpoint final : public Botan::TLS::Callbacks {
 public:
  explicit Endpoint(bool cache_sessions) : cache_sessions_(cache_sessions) {}

  void tls_emit_data(const uint8_t data[], size_t size) override {
    output_.insert(output_.end(), data, data + size);
  }
  void tls_record_received(uint64_t seq_no, const uint8_t data[], size_t size) override {}
  void tls_alert(Botan::TLS::Alert alert) override {
    if (alert.is_fatal()) alert_ = alert.type_string();
  }
  bool tls_session_established(const Botan::TLS::Session& session) override {
    return cache_sessions_;
  }
  // Like the other stacks: the chain is not validated (there is no trust anchor), but the
  // ServerKeyExchange signature is still verified with the certificate's key.
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& cert_chain,
                             const std::vector<std::shared_ptr<const Botan::OCSP::Response>>&,
                             const std::vector<Botan::Certificate_Store*>& trusted_roots,
                             Botan::Usage_Type usage, const std::string& hostname,
                             const Botan::TLS::Policy& policy) override {}
  void tls_inspect_handshake_msg(const Botan::TLS::Handshake_Message& message) override {
    if (message.type() == Botan::TLS::CERTIFICATE) saw_certificate_ = true;
    if (message.type() == Botan::TLS::SERVER_HELLO) {
      suite_ = static_cast<const Botan::TLS::Server_Hello&>(message).ciphersuite();
    }
  }

  std::vector<uint8_t> TakeOutput() { return std::move(output_); }
  const std::string& alert() const { return alert_; }
  bool saw_certificate() const { return saw_certificate_; }
  uint16_t suite() const { return suite_; }

 private:
  bool cache_sessions_;
  std::vector<uint8_t> output_;
  std::string alert_;
  bool saw_certificate_ = false;
  uint16_t suite_ = 0;
};

class BotanBench {
 public:
  BotanBench(BenchSuite suite, HandshakeMode mode, std::vector<Botan::X509_Certificate> chain,
             std::shared_ptr<Botan::Private_Key> key)
      : mode_(mode),
        suite_id_(SuiteId(suite)),
        policy_(suite),
        credentials_(std::move(chain), std::move(key)),
        client_rng_(201),
        server_rng_(202),
        client_sessions_(client_rng_),
        server_sessions_(server_rng_),
        server_info_("localhost", 443) {}

  Status Init() {
    // The session every timed handshake resumes comes from one full handshake.
    if (mode_ == HandshakeMode::kResumed) return Handshake(/*expect_resumed=*/false);
    return Status::Ok();
  }
  Status Next() { return Handshake(mode_ == HandshakeMode::kResumed); }

 private:
  Status Handshake(bool expect_resumed) {
    const bool resumption = mode_ == HandshakeMode::kResumed;
    Botan::TLS::Session_Manager& client_sessions =
        resumption ? static_cast<Botan::TLS::Session_Manager&>(client_sessions_) : no_sessions_;
    Botan::TLS::Session_Manager& server_sessions =
        resumption ? static_cast<Botan::TLS::Session_Manager&>(server_sessions_) : no_sessions_;
    Endpoint client_end(resumption);
    Endpoint server_end(resumption);
    try {
      Botan::TLS::Server server(server_end, server_sessions, credentials_, policy_, server_rng_);
      Botan::TLS::Client client(client_end, client_sessions, credentials_, policy_, client_rng_,
                                server_info_, Botan::TLS::Protocol_Version::TLS_V12);
      for (int flight = 0; flight < kMaxFlights; ++flight) {
        std::vector<uint8_t> to_server = client_end.TakeOutput();
        if (!to_server.empty()) server.received_data(to_server);
        std::vector<uint8_t> to_client = server_end.TakeOutput();
        if (!to_client.empty()) client.received_data(to_client);
        if (!client_end.alert().empty() || !server_end.alert().empty()) {
          return InternalError("fatal alert: client got '" + client_end.alert() +
                               "', server got '" + server_end.alert() + "'");
        }
        if (client.is_active() && server.is_active()) {
          if (client_end.saw_certificate() == expect_resumed ||
              server_end.saw_certificate() == expect_resumed) {
            return InternalError(std::string("expected a ") +
                                 (expect_resumed ? "resumed" : "full") + " handshake");
          }
          if (client_end.suite() != suite_id_ || server_end.suite() != suite_id_) {
            return InternalError("negotiated a different cipher suite");
          }
          return Status::Ok();
        }
        if (to_server.empty() && to_client.empty()) return InternalError("handshake stalled");
      }
      return InternalError("handshake did not finish");
    } catch (const std::exception& e) {
      return InternalError(std::string("Botan: ") + e.what());
    }
  }

  HandshakeMode mode_;
  uint16_t suite_id_;
  BenchPolicy policy_;
  BenchCredentials credentials_;
  DeterministicRng client_rng_;
  DeterministicRng server_rng_;
  Botan::TLS::Session_Manager_In_Memory client_sessions_;
  Botan::TLS::Session_Manager_In_Memory server_sessions_;
  Botan::TLS::Session_Manager_Noop no_sessions_;
  Botan::TLS::Server_Information server_info_;
};

}  // namespace

Result<StackResult> RunBotanStack(const BenchFixture& fixture, BenchSuite suite,
                                  HandshakeMode mode, const BenchLimits& limits) {
  std::vector<Botan::X509_Certificate> chain;
  try {
    for (const Bytes& der : fixture.ServerFor(suite).chain_der) chain.emplace_back(der);
  } catch (const std::exception& e) {
    return InternalError(std::string("botan: certificate: ") + e.what());
  }
  BotanBench bench(suite, mode, std::move(chain), fixture.ServerFor(suite).key);
  SD_RETURN_IF_ERROR(bench.Init().WithContext("botan"));
  Result<StackResult> result = TimeHandshakes(limits, [&bench] { return bench.Next(); });
  if (!result.ok()) return result.status().WithContext("botan");
  result->stack = "botan";
  result->suite = std::string(SuiteName(suite));
  result->mode = std::string(ModeName(mode));
  return result;
}

}  // namespace shakedown
