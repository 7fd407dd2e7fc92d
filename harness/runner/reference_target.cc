#include "harness/runner/reference_target.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/connection/session.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/ocsp.h"
#include "engine/crypto/rng.h"
#include "harness/net/endpoint.h"

namespace shakedown {
namespace {

// Room for every session of one vector (a vector has a handful of connections).
constexpr size_t kSessionCacheCapacity = 64;
constexpr uint64_t kSessionLifetimeSeconds = 24 * 3600;  // RFC 5246 F.1.4's upper limit

// Everything of a Config that the SharedContext depends on, as a cache key.
std::string ContextKey(const Scenario& s) {
  std::string key = s.role == Side::kServer ? "S|" : "C|";
  key += std::string(ConfigName(s.target.certificate)) + "|" +
         std::string(ConfigName(s.target.client_auth)) + "|" +
         std::string(ConfigName(s.target.extended_master_secret)) +
         (s.target.session_tickets ? "|t|" : "|-|") + s.target.sni + "|";
  for (uint16_t suite : s.target.cipher_suites) key += std::to_string(suite) + ",";
  key += "|";
  for (NamedGroup g : s.target.groups) key += std::to_string(static_cast<uint16_t>(g)) + ",";
  return key;
}

class ReferenceConnection final : public TargetConnection {
 public:
  ReferenceConnection(std::unique_ptr<DeterministicRng> rng, std::unique_ptr<Connection> conn,
                      std::optional<Session>* session_sink)
      : rng_(std::move(rng)), conn_(std::move(conn)), session_sink_(session_sink) {}
  ~ReferenceConnection() override { Close(); }

  Status Write(ByteView data) override {
    conn_->ReceiveBytes(data);
    CollectNotes();
    return Status::Ok();
  }

  ReadResult Read(Deadline) override {
    ReadResult r;
    r.data = conn_->TakeOutput();
    CollectNotes();
    if (!r.data.empty()) {
      r.kind = ReadResult::Kind::kData;
    } else if (conn_->dead()) {
      r.kind = ReadResult::Kind::kEof;
    } else {
      r.kind = ReadResult::Kind::kSilent;  // the engine waits for input
    }
    return r;
  }

  Status CloseWrite() override {
    conn_->ReceiveEof();
    CollectNotes();
    return Status::Ok();
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    if (session_sink_ == nullptr) return;
    if (conn_->failure().has_value()) {
      // RFC 5246 7.2.2: after a fatal alert the session must not be resumed (checklist 12).
      session_sink_->reset();
    } else if (conn_->handshake_complete()) {
      if (std::optional<Session> s = conn_->session()) *session_sink_ = std::move(s);
    }
  }

  bool instant() const override { return true; }
  const Negotiated* negotiated() const override {
    return conn_->handshake_complete() ? &conn_->negotiated() : nullptr;
  }
  std::vector<std::string> TakeNotes() override { return std::move(notes_); }

 private:
  void CollectNotes() {
    for (const Event& e : conn_->TakeEvents()) {
      switch (e.type) {
        case EventType::kAlertSent:
          notes_.push_back("target sent alert " +
                           std::string(AlertName(static_cast<uint8_t>(e.alert)).value_or("?")) +
                           (e.detail.empty() ? "" : ": " + e.detail));
          break;
        case EventType::kHandshakeComplete:
          notes_.push_back("target: handshake complete");
          break;
        default:
          break;
      }
    }
  }

  std::unique_ptr<DeterministicRng> rng_;  // before conn_: the connection draws from it
  std::unique_ptr<Connection> conn_;
  std::optional<Session>* session_sink_;
  std::vector<std::string> notes_;
  bool closed_ = false;
};

class ReferenceTarget final : public Target {
 public:
  explicit ReferenceTarget(const TargetResources& resources) : resources_(resources) {}

  Result<std::unique_ptr<TargetConnection>> Connect(const Scenario& scenario,
                                                    size_t index) override {
    if (index == 0) {
      // Sessions live for one vector: a later vector must not resume an earlier one's.
      cache_ = std::make_unique<InMemorySessionCache>(kSessionCacheCapacity,
                                                      kSessionLifetimeSeconds);
      client_session_.reset();
    }
    SD_ASSIGN_OR_RETURN(Config config, ReferenceConfig(scenario, *resources_.pki));
    if (config.role == Side::kClient && index < scenario.connections.size() &&
        scenario.connections[index].resume) {
      config.resume = client_session_;
    }
    SD_ASSIGN_OR_RETURN(std::shared_ptr<SharedContext> shared, ContextFor(scenario, config));

    uint64_t salt = SeedFromName(scenario.id) ^ (0x9e3779b97f4a7c15ull * (index + 1));
    auto rng = std::make_unique<DeterministicRng>(resources_.seed ^ salt ^ 0x7461726765740000ull);
    Environment env;
    env.rng = rng.get();
    env.clock = [] { return kReferenceClock; };
    env.session_cache = cache_.get();
    env.shared = std::move(shared);
    Result<std::unique_ptr<Connection>> conn = Connection::Create(std::move(config), env);
    if (!conn.ok()) {
      return InternalError("reference target configuration: " + conn.status().message());
    }
    std::unique_ptr<Connection> c = std::move(conn).value();
    c->Start();
    return std::unique_ptr<TargetConnection>(
        new ReferenceConnection(std::move(rng), std::move(c), &client_session_));
  }

  std::string describe() const override { return "reference"; }

 private:
  Result<std::shared_ptr<SharedContext>> ContextFor(const Scenario& scenario,
                                                    const Config& config) {
    // Preparing credentials costs more than a handshake: once per configuration per target.
    std::string key = ContextKey(scenario);
    auto it = contexts_.find(key);
    if (it != contexts_.end()) return it->second;
    DeterministicRng rng(resources_.seed ^ SeedFromName(key));
    Result<std::shared_ptr<SharedContext>> ctx = SharedContext::Create(config, rng);
    if (!ctx.ok()) return InternalError("reference target context: " + ctx.status().message());
    contexts_[key] = *ctx;
    return *ctx;
  }

  TargetResources resources_;
  std::map<std::string, std::shared_ptr<SharedContext>> contexts_;
  std::unique_ptr<InMemorySessionCache> cache_;
  std::optional<Session> client_session_;
};

}  // namespace

Result<Config> ReferenceConfig(const Scenario& scenario, const TestPki& pki) {
  const TargetConfig& t = scenario.target;
  Config c;
  c.role = scenario.role == Side::kServer ? Side::kServer : Side::kClient;
  c.cipher_suites = t.cipher_suites.empty() ? DefaultCipherSuites() : t.cipher_suites;
  if (!t.groups.empty()) c.groups = t.groups;
  if (c.role == Side::kServer) {
    if (t.certificate == CertificateKey::kRsa) {
      c.credentials = {pki.rsa_server};
    } else if (t.certificate == CertificateKey::kEcdsa) {
      c.credentials = {pki.ecdsa_server};
    } else if (t.certificate == CertificateKey::kEcdsaP384) {
      c.credentials = {pki.ecdsa_p384_server};
    } else if (t.certificate == CertificateKey::kEcdsaP521) {
      c.credentials = {pki.ecdsa_p521_server};
    } else {
      return InternalError("target.certificate \"" + std::string(ConfigName(t.certificate)) +
                           "\": a server target needs a certificate");
    }
    if (!t.sni.empty()) {
      // RFC 6066 3: the server "MAY use the information contained in the extension to guide its
      // selection of an appropriate certificate chain". The default credential stays unnamed
      // (for clients without SNI and, under "continue", unknown names) and is bound to its own
      // name too, so that "fatal" refuses only names no certificate carries.
      Credential own = c.credentials.front();
      own.names = {TestPkiOptions().server_name};
      Credential alternate = pki.alternate_server;
      alternate.names = {TestPkiOptions().alternate_server_name};
      c.credentials.push_back(std::move(own));
      c.credentials.push_back(std::move(alternate));
      c.refuse_unrecognized_name = t.sni == "fatal";
    }
  } else {
    if (t.certificate == CertificateKey::kRsa) c.credentials = {pki.rsa_client};
    if (t.certificate == CertificateKey::kEcdsa) c.credentials = {pki.ecdsa_client};
    c.server_name = scenario.peer.server_name;
  }
  // A real deployment validates the peer's chain: the peer's certificates come from the same
  // test CA (RFC 5246 7.4.2, 7.4.6).
  c.trusted_roots = {pki.ca_der};
  c.client_auth = t.client_auth;
  c.extended_master_secret = t.extended_master_secret;
  c.session_tickets = t.session_tickets;
  c.renegotiation = t.renegotiation;
  c.heartbeat = t.heartbeat;
  // A client asks for max_fragment_length; a server honours requests by default (Config).
  if (scenario.role == Side::kClient) c.max_fragment_length = t.max_fragment_length;
  c.record_size_limit = t.record_size_limit;
  // RFC 6066 8: a server staples a good response from the test CA for its certificate; a
  // client requests one and checks it.
  if (t.ocsp && c.role == Side::kServer && !c.credentials.empty()) {
    SD_ASSIGN_OR_RETURN(c.ocsp_response,
                        MakeTestOcspResponse(pki, c.credentials.front().chain_der.front(),
                                             OcspResponseKind::kGood));
  }
  if (t.ocsp && c.role == Side::kClient) c.request_ocsp_status = true;
  // A fixed ticket key: tickets issued in one connection of a vector open in the next.
  c.ticket_key = Bytes(32, 0x5d);
  return c;
}

std::unique_ptr<Target> MakeReferenceTarget(const TargetResources& resources) {
  return std::make_unique<ReferenceTarget>(resources);
}

}  // namespace shakedown
