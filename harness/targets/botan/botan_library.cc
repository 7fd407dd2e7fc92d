// The Botan 2 adapter: Botan::TLS::Client / Botan::TLS::Server over the shared memory I/O.
// Kept in one file (over ~800 lines) on purpose: the adapter is one translation of the target
// block onto one library's API, read top to bottom beside that library's manual; splitting it
// would scatter each setting between files.
//
// Mapping of the target block (TLS 1.2 only: Policy::acceptable_protocol_version):
//   certificate      Credentials_Manager::cert_chain / private_key_for (PEM files, loaded once
//                    per file pair and kept for the whole run)
//   client_auth      Policy::require_/request_client_certificate_authentication
//   cipher_suites    Policy::ciphersuite_list (exactly the listed suites Botan implements, in
//                    the listed order) plus allowed_ciphers/macs/kex/signature_methods widened
//                    to them; empty: the reference target's default list restricted to the
//                    suites Botan implements (see AvailableSuites: not Botan's own defaults)
//   groups           Policy::key_exchange_groups (the listed groups Botan implements)
//   session_tickets  Policy::session_ticket_lifetime (0 disables them); a fixed ticket key
//                    (Credentials_Manager::psk "session-ticket")
//   renegotiation    allow_client_/allow_server_initiated_renegotiation; initiate: the adapter
//                    calls Channel::renegotiate(true) once the first handshake completed
//   ocsp             Policy::support_cert_status_message; the server staples pem.ocsp /
//                    pem.ecdsa_ocsp through Callbacks::tls_provide_cert_status
//   (encrypt-then-MAC: offered / accepted only when a CBC suite is enabled)
//   not expressible  extended_master_secret other than "enabled" (Botan 2 always offers and
//                    accepts EMS and cannot refuse a peer without it), max_fragment_length,
//                    record_size_limit, heartbeat (no such extensions in Botan 2's TLS 1.2),
//                    so also a server vector whose peer requests max_fragment_length (the
//                    premise is a server that honours it); client_auth on a server whose peer
//                    offers only RSA key-transport suites (Botan 2 sends CertificateRequest
//                    only for suites with a server signature)
//
// Determinism. Made deterministic: every random byte Botan draws for a connection (hello
// randoms, session ids, ephemeral keys, RSA padding, CBC IVs, ticket encryption nonces) comes
// from a DeterministicRng seeded from the run seed, the vector id and the connection index;
// the hello random carries no timestamp (Policy::include_time_in_hello_random = false); peer
// certificates and OCSP responses are validated at kLibraryClock (our own
// tls_verify_cert_chain). NOT deterministic (Botan 2.19 takes no clock): a Session's
// start_time is the wall clock (std::chrono::system_clock), so the bytes of a session ticket
// the server issues (the encrypted session includes its start time) differ between runs, and
// session lifetime checks in Session_Manager_In_Memory and ticket decryption use wall-clock
// age (harmless: a vector lasts milliseconds, lifetimes are hours).
#include "harness/targets/botan/botan_library.h"

#include <botan/auto_rng.h>
#include <botan/certstor.h>
#include <botan/data_src.h>
#include <botan/exceptn.h>
#include <botan/ocsp.h>
#include <botan/pkcs8.h>
#include <botan/tls_alert.h>
#include <botan/tls_callbacks.h>
#include <botan/tls_ciphersuite.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_handshake_msg.h>
#include <botan/tls_messages.h>
#include <botan/tls_policy.h>
#include <botan/tls_server.h>
#include <botan/tls_server_info.h>
#include <botan/tls_session.h>
#include <botan/tls_session_manager.h>
#include <botan/version.h>
#include <botan/x509_ca.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"
#include "harness/net/endpoint.h"

namespace shakedown {
namespace {

constexpr size_t kMaxSteps = 10000;
constexpr size_t kChunk = 16 * 1024;
constexpr size_t kMaxWarningNotes = 8;  // a warning-alert flood would fill the trace
constexpr uint16_t kTls12 = 0x0303;

std::string Hex16(uint16_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += kDigits[(v >> shift) & 0xf];
  return s;
}

std::string SuiteLabel(uint16_t id) {
  const CipherSuiteInfo* info = FindCipherSuite(id);
  return info != nullptr ? std::string(info->name) : Hex16(id);
}

std::string GroupLabel(NamedGroup g) { return std::to_string(static_cast<uint16_t>(g)); }

// A suite Botan 2 implements and allows in TLS 1.2.
bool BotanHasSuite(uint16_t id) {
  const Botan::TLS::Ciphersuite suite = Botan::TLS::Ciphersuite::by_id(id);
  return suite.valid() && suite.usable_in_version(Botan::TLS::Protocol_Version::TLS_V12);
}

bool BotanHasGroup(NamedGroup g) {
  switch (static_cast<uint16_t>(g)) {
    case 23:
    case 24:
    case 25:
    case 26:
    case 27:
    case 28:
    case 29:
    case 256:
    case 257:
    case 258:
    case 259:
    case 260:
      return true;
    default:
      return false;
  }
}

// The suites to enable: the listed ones Botan implements. Empty list: the reference target's
// default list (harness/net DefaultCipherSuites: every suite the engine implements but CCM)
// restricted to what Botan implements, NOT Botan's own default policy, which leaves out RSA
// key transport, CBC and DHE suites and would turn most vectors (whose peer offers one such
// suite against "the target's defaults") into handshake_failure on configuration alone.
std::vector<uint16_t> AvailableSuites(const TargetConfig& t) {
  std::vector<uint16_t> out;
  const std::vector<uint16_t> wanted =
      t.cipher_suites.empty() ? DefaultCipherSuites() : t.cipher_suites;
  for (uint16_t id : wanted) {
    if (BotanHasSuite(id)) out.push_back(id);
  }
  return out;
}

std::vector<NamedGroup> AvailableGroups(const TargetConfig& t) {
  std::vector<NamedGroup> out;
  for (NamedGroup g : t.groups) {
    if (BotanHasGroup(g)) out.push_back(g);
  }
  return out;
}

Bytes ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// ---- Policy ----

class BotanPolicy final : public Botan::TLS::Policy {
 public:
  BotanPolicy(const Scenario& s) : role_(s.role), t_(s.target) {
    suites_ = AvailableSuites(t_);
    for (NamedGroup g : AvailableGroups(t_)) {
      groups_.push_back(static_cast<Botan::TLS::Group_Params>(static_cast<uint16_t>(g)));
    }
    for (uint16_t id : suites_) {
      const Botan::TLS::Ciphersuite cs = Botan::TLS::Ciphersuite::by_id(id);
      AddUnique(ciphers_, cs.cipher_algo());
      AddUnique(macs_, cs.mac_algo());
      AddUnique(kex_, cs.kex_algo());
      AddUnique(sigs_, cs.sig_algo());
      if (cs.cbc_ciphersuite()) any_cbc_ = true;
    }
  }

  bool acceptable_protocol_version(Botan::TLS::Protocol_Version v) const override {
    return v == Botan::TLS::Protocol_Version::TLS_V12;
  }
  bool allow_tls10() const override { return false; }
  bool allow_tls11() const override { return false; }
  bool allow_tls12() const override { return true; }
  bool allow_dtls10() const override { return false; }
  bool allow_dtls12() const override { return false; }
  // Determinism: no gmt_unix_time in the hello randoms (RFC 5246 7.4.1.2 leaves it free).
  bool include_time_in_hello_random() const override { return false; }

  std::vector<std::string> allowed_ciphers() const override {
    return Widen(Policy::allowed_ciphers(), ciphers_);
  }
  std::vector<std::string> allowed_macs() const override {
    return Widen(Policy::allowed_macs(), macs_);
  }
  std::vector<std::string> allowed_key_exchange_methods() const override {
    return Widen(Policy::allowed_key_exchange_methods(), kex_);
  }
  std::vector<std::string> allowed_signature_methods() const override {
    return Widen(Policy::allowed_signature_methods(), sigs_);
  }
  bool acceptable_ciphersuite(const Botan::TLS::Ciphersuite& suite) const override {
    return std::find(suites_.begin(), suites_.end(), suite.ciphersuite_code()) != suites_.end();
  }
  std::vector<uint16_t> ciphersuite_list(Botan::TLS::Protocol_Version, bool) const override {
    return suites_;
  }
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override {
    if (t_.groups.empty()) return Policy::key_exchange_groups();
    return groups_;
  }

  uint32_t session_ticket_lifetime() const override { return t_.session_tickets ? 24 * 3600 : 0; }
  bool allow_insecure_renegotiation() const override { return false; }
  bool allow_client_initiated_renegotiation() const override {
    return t_.renegotiation != RenegotiationPolicy::kRefuse;
  }
  bool allow_server_initiated_renegotiation() const override {
    return t_.renegotiation != RenegotiationPolicy::kRefuse;
  }
  bool require_client_certificate_authentication() const override {
    return t_.client_auth == ClientAuthMode::kRequired;
  }
  bool request_client_certificate_authentication() const override {
    return t_.client_auth != ClientAuthMode::kNone;
  }
  bool support_cert_status_message() const override { return t_.ocsp; }
  // RFC 7366 is for CBC suites only: offered / accepted only when a CBC suite is enabled
  // (Botan's default would offer it with an AEAD-only list too).
  bool negotiate_encrypt_then_mac() const override { return any_cbc_; }
  // Path validation is ours (BotanCallbacks::tls_verify_cert_chain): no CRL/OCSP required.
  bool require_cert_revocation_info() const override { return false; }

 private:
  static std::vector<std::string> Widen(std::vector<std::string> base,
                                        const std::vector<std::string>& extra) {
    for (const std::string& s : extra) AddUnique(base, s);
    return base;
  }

  Side role_;
  TargetConfig t_;
  std::vector<uint16_t> suites_;
  std::vector<Botan::TLS::Group_Params> groups_;
  std::vector<std::string> ciphers_, macs_, kex_, sigs_;
  bool any_cbc_ = false;
};

// ---- Credentials ----

// The run's CA, loaded once.
struct CaStore {
  Botan::Certificate_Store_In_Memory store;
};

// One certificate chain and key (or none), plus the trusted CA. Shared by every connection
// whose target block names the same certificate.
class BotanCredentials final : public Botan::Credentials_Manager {
 public:
  BotanCredentials(std::shared_ptr<CaStore> ca, std::vector<Botan::X509_Certificate> chain,
                   std::shared_ptr<Botan::Private_Key> key, Bytes ocsp, bool verify_clients)
      : ca_(std::move(ca)),
        chain_(std::move(chain)),
        key_(std::move(key)),
        ocsp_(std::move(ocsp)),
        verify_clients_(verify_clients) {}

  std::vector<Botan::Certificate_Store*> trusted_certificate_authorities(
      const std::string& type, const std::string&) override {
    // A Botan 2 server sends CertificateRequest whenever it has CAs for "tls-server",
    // whatever its policy says: only give them when the target block asks for client auth.
    if (type == "tls-server" && !verify_clients_) return {};
    return {&ca_->store};
  }

  // target.sni (RFC 6066 3): the alternate chain and key for `name`; `fatal`: a name neither
  // certificate carries is refused with unrecognized_name.
  void SetAlternate(std::vector<Botan::X509_Certificate> chain,
                    std::shared_ptr<Botan::Private_Key> key, std::string name,
                    std::string default_name, bool fatal) {
    alt_chain_ = std::move(chain);
    alt_key_ = std::move(key);
    alt_name_ = std::move(name);
    default_name_ = std::move(default_name);
    refuse_unknown_ = fatal;
  }

  // `hostname`: a server's, the client's server_name ("" for none).
  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& key_types,
                                                  const std::string&,
                                                  const std::string& hostname) override {
    const bool alternate = alt_key_ != nullptr && !hostname.empty() && hostname == alt_name_;
    if (alt_key_ != nullptr && refuse_unknown_ && !hostname.empty() && !alternate &&
        hostname != default_name_) {
      throw Botan::TLS::TLS_Exception(Botan::TLS::Alert::UNRECOGNIZED_NAME,
                                      "no certificate for " + hostname);
    }
    const std::shared_ptr<Botan::Private_Key>& key = alternate ? alt_key_ : key_;
    const std::vector<Botan::X509_Certificate>& chain = alternate ? alt_chain_ : chain_;
    if (key == nullptr || chain.empty()) return {};
    const std::string algo = key->algo_name();
    if (!key_types.empty() &&
        std::find(key_types.begin(), key_types.end(), algo) == key_types.end()) {
      return {};
    }
    return chain;
  }

  Botan::Private_Key* private_key_for(const Botan::X509_Certificate& cert, const std::string&,
                                      const std::string&) override {
    if (alt_key_ != nullptr && !alt_chain_.empty() && cert == alt_chain_.front()) {
      return alt_key_.get();
    }
    if (key_ == nullptr || chain_.empty() || !(cert == chain_.front())) return nullptr;
    return key_.get();
  }

  Botan::SymmetricKey psk(const std::string& type, const std::string& context,
                          const std::string& identity) override {
    if (type == "tls-server" && context == "session-ticket") {
      // A fixed ticket key (as the reference target's): tickets of one connection open in
      // the next.
      return Botan::SymmetricKey(std::vector<uint8_t>(32, 0x5d));
    }
    return Credentials_Manager::psk(type, context, identity);
  }

  const Bytes& ocsp() const { return ocsp_; }

 private:
  std::shared_ptr<CaStore> ca_;
  std::vector<Botan::X509_Certificate> chain_;
  std::shared_ptr<Botan::Private_Key> key_;
  Bytes ocsp_;
  std::vector<Botan::X509_Certificate> alt_chain_;
  std::shared_ptr<Botan::Private_Key> alt_key_;
  std::string alt_name_, default_name_;
  bool refuse_unknown_ = false;
  bool verify_clients_;
};

// ---- One connection ----

std::string AlertLabel(Botan::TLS::Alert::Type type) {
  return Botan::TLS::Alert(type, true).type_string();
}

class BotanConnection;

class BotanCallbacks final : public Botan::TLS::Callbacks {
 public:
  explicit BotanCallbacks(BotanConnection* conn) : conn_(conn) {}

  void tls_emit_data(const uint8_t data[], size_t size) override;
  void tls_record_received(uint64_t, const uint8_t[], size_t) override {}
  void tls_alert(Botan::TLS::Alert alert) override;
  bool tls_session_established(const Botan::TLS::Session& session) override;
  void tls_session_activated() override;
  void tls_inspect_handshake_msg(const Botan::TLS::Handshake_Message& message) override;
  void tls_verify_cert_chain(
      const std::vector<Botan::X509_Certificate>& cert_chain,
      const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp_responses,
      const std::vector<Botan::Certificate_Store*>& trusted_roots, Botan::Usage_Type usage,
      const std::string& hostname, const Botan::TLS::Policy& policy) override;
  std::vector<uint8_t> tls_provide_cert_status(
      const std::vector<Botan::X509_Certificate>& chain,
      const Botan::TLS::Certificate_Status_Request& csr) override;

 private:
  BotanConnection* conn_;
};

// What the current handshake showed so far (tls_inspect_handshake_msg).
struct HandshakeView {
  Bytes client_random;
  Bytes server_random;
  Bytes server_session_id;
  bool key_exchange = false;  // a ClientKeyExchange: a full handshake
};

class BotanConnection final : public LibraryConnection {
 public:
  BotanConnection(const Scenario& scenario, std::unique_ptr<DeterministicRng> rng,
                  std::shared_ptr<BotanCredentials> creds,
                  Botan::TLS::Session_Manager* server_sessions,
                  std::optional<Botan::TLS::Session> resume,
                  std::optional<Botan::TLS::Session>* client_session_sink)
      : role_(scenario.role),
        renegotiation_(scenario.target.renegotiation),
        server_name_(scenario.peer.server_name),
        rng_(std::move(rng)),
        creds_(std::move(creds)),
        policy_(scenario),
        callbacks_(this),
        server_sessions_(server_sessions),
        client_session_sink_(client_session_sink) {
    if (role_ == Side::kClient) {
      // Each client connection has its own session manager: it holds the session to offer
      // (when the connection resumes) and, once complete, the new one, which Close() keeps.
      own_sessions_ = std::make_unique<Botan::TLS::Session_Manager_In_Memory>(*rng_);
      if (resume.has_value()) own_sessions_->save(*resume);
    }
  }

  ~BotanConnection() override {
    // Destroying a Botan channel must not write into a LibraryIo that is gone.
    io_ = nullptr;
    channel_.reset();
  }

  void Drive(LibraryIo& io) override {
    io_ = &io;
    if (!finished_ && channel_ == nullptr) Start();
    size_t steps = 0;
    std::vector<uint8_t> buf(kChunk);
    while (!finished_ && io.unread() > 0) {
      if (++steps > kMaxSteps) {
        io.Note("botan: still busy after " + std::to_string(kMaxSteps) + " steps, stopped");
        finished_ = true;
        break;
      }
      const size_t n = io.Read(buf.data(), buf.size());
      Feed(buf.data(), n);
      MaybeInitiateRenegotiation();
    }
    if (!finished_ && io.eof && io.unread() == 0) {
      // A closed socket: Botan 2 has no end-of-input call; an application stops using the
      // channel when its socket reads end of file, without sending anything.
      io.Note("botan: the peer closed the connection (end of file); channel " +
              std::string(channel_ != nullptr && channel_->is_active() ? "active" : "not active") +
              ", closed without close_notify");
      finished_ = true;
    }
    io_ = nullptr;
  }

  bool finished() const override { return finished_; }
  const Negotiated* negotiated() const override {
    return negotiated_.has_value() ? &*negotiated_ : nullptr;
  }

  void Close(LibraryIo&) override {
    if (role_ != Side::kClient || client_session_sink_ == nullptr) return;
    if (failed_) {
      // RFC 5246 7.2.2: a session whose connection failed must not be resumed.
      client_session_sink_->reset();
      return;
    }
    if (!negotiated_.has_value()) return;
    Botan::TLS::Session session;
    try {
      if (own_sessions_->load_from_server_info(ServerInfo(), session)) {
        *client_session_sink_ = session;
      }
    } catch (const std::exception&) {
    }
  }

  // ---- from the callbacks ----
  void Emit(const uint8_t* data, size_t n) {
    if (io_ != nullptr) io_->Write(data, n);
  }
  void Note(std::string line) {
    if (io_ != nullptr) io_->Note(std::move(line));
  }
  void OnAlert(const Botan::TLS::Alert& alert) {
    if (!alert.is_fatal() && alert.type() != Botan::TLS::Alert::CLOSE_NOTIFY &&
        ++warnings_noted_ > kMaxWarningNotes) {
      if (warnings_noted_ == kMaxWarningNotes + 1) {
        Note("botan: further warning alerts are not noted");
      }
      return;
    }
    Note(std::string("botan: received ") + (alert.is_fatal() ? "fatal" : "warning") + " alert " +
         alert.type_string());
    if (alert.is_fatal()) failed_ = true;
    if (alert.type() == Botan::TLS::Alert::CLOSE_NOTIFY) {
      Note("botan: answers close_notify with its own and closes");
    }
  }
  void OnSessionEstablished(const Botan::TLS::Session& session) { pending_session_ = session; }
  void OnSessionActivated() {
    if (!pending_session_.has_value()) return;
    const Botan::TLS::Session& s = *pending_session_;
    Negotiated n;
    n.version = static_cast<ProtocolVersion>(
        static_cast<uint16_t>(s.version().major_version() << 8 | s.version().minor_version()));
    n.suite = FindCipherSuite(s.ciphersuite_code());
    n.session_id = view_.server_session_id;
    n.resumed = !view_.key_exchange;
    n.extended_master_secret = s.supports_extended_master_secret();
    n.encrypt_then_mac = s.supports_encrypt_then_mac();
    n.secure_renegotiation = channel_ != nullptr && channel_->secure_renegotiation_supported();
    n.client_random = view_.client_random;
    n.server_random = view_.server_random;
    n.master_secret.assign(s.master_secret().begin(), s.master_secret().end());
    n.server_name = role_ == Side::kClient ? server_name_ : std::string();
    n.renegotiations = activations_;
    ++activations_;
    negotiated_ = std::move(n);
    Note("botan: handshake complete: " + SuiteLabel(s.ciphersuite_code()) +
         (negotiated_->resumed ? ", resumed" : ", full") +
         (negotiated_->extended_master_secret ? ", EMS" : "") +
         (negotiated_->renegotiations > 0
              ? ", renegotiation " + std::to_string(negotiated_->renegotiations)
              : ""));
  }
  void OnHandshakeMessage(const Botan::TLS::Handshake_Message& m) {
    // Read the typed messages: serialize() of a received hello throws on an extension Botan
    // does not know (Unknown_Extension cannot be encoded).
    if (const auto* ch = dynamic_cast<const Botan::TLS::Client_Hello*>(&m)) {
      view_ = HandshakeView();
      view_.client_random.assign(ch->random().begin(), ch->random().end());
    } else if (const auto* sh = dynamic_cast<const Botan::TLS::Server_Hello*>(&m)) {
      view_.server_random.assign(sh->random().begin(), sh->random().end());
      view_.server_session_id.assign(sh->session_id().begin(), sh->session_id().end());
    } else if (m.type() == Botan::TLS::CLIENT_KEX) {
      view_.key_exchange = true;
    }
  }
  const Bytes& ocsp() const { return creds_->ocsp(); }

 private:
  Botan::TLS::Server_Information ServerInfo() const {
    return Botan::TLS::Server_Information(server_name_, 443);
  }

  void Start() {
    try {
      if (role_ == Side::kServer) {
        channel_ = std::make_unique<Botan::TLS::Server>(callbacks_, *server_sessions_, *creds_,
                                                        policy_, *rng_);
      } else {
        channel_ = std::make_unique<Botan::TLS::Client>(callbacks_, *own_sessions_, *creds_,
                                                        policy_, *rng_, ServerInfo(),
                                                        Botan::TLS::Protocol_Version::TLS_V12);
      }
    } catch (const std::exception& e) {
      Note(std::string("botan: cannot start the connection: ") + e.what());
      failed_ = true;
      finished_ = true;
    }
  }

  void Feed(const uint8_t* data, size_t n) {
    out_before_ = io_ != nullptr ? io_->outbound.size() : 0;
    try {
      channel_->received_data(data, n);
    } catch (const Botan::TLS::TLS_Exception& e) {
      Fail(AlertLabel(e.type()), e.what());
    } catch (const Botan::Integrity_Failure& e) {
      Fail("bad_record_mac", e.what());
    } catch (const Botan::Decoding_Error& e) {
      Fail("decode_error", e.what());
    } catch (const std::exception& e) {
      Fail("internal_error", e.what());
    } catch (...) {
      Fail("internal_error", "unknown exception");
    }
    if (!finished_ && channel_->is_closed()) {
      Note("botan: connection closed");
      finished_ = true;
    }
  }

  void Fail(const std::string& alert, const std::string& what) {
    // Channel::received_data sends this fatal alert before rethrowing (Botan 2 channel.cpp),
    // unless it has no record layer yet (nothing received but garbage before a ClientHello).
    const bool wrote = io_ != nullptr && io_->outbound.size() > out_before_;
    if (wrote) {
      Note("botan: sent fatal alert " + alert + ": " + what);
    } else {
      Note("botan: fatal error (" + alert + ", no alert reached the wire): " + what);
    }
    failed_ = true;
    finished_ = true;
  }

  void MaybeInitiateRenegotiation() {
    if (finished_ || renegotiation_ != RenegotiationPolicy::kInitiate || initiated_) return;
    if (activations_ == 0 || channel_ == nullptr || !channel_->is_active()) return;
    initiated_ = true;
    try {
      Note(role_ == Side::kServer ? "botan: starts a renegotiation (HelloRequest)"
                                  : "botan: starts a renegotiation (ClientHello)");
      channel_->renegotiate(true);
    } catch (const std::exception& e) {
      Note(std::string("botan: renegotiate() failed: ") + e.what());
    }
  }

  Side role_;
  RenegotiationPolicy renegotiation_;
  std::string server_name_;
  std::unique_ptr<DeterministicRng> rng_;
  std::shared_ptr<BotanCredentials> creds_;
  BotanPolicy policy_;
  BotanCallbacks callbacks_;
  Botan::TLS::Session_Manager* server_sessions_;
  std::unique_ptr<Botan::TLS::Session_Manager_In_Memory> own_sessions_;
  std::optional<Botan::TLS::Session>* client_session_sink_;
  std::unique_ptr<Botan::TLS::Channel> channel_;  // last: destroyed first
  LibraryIo* io_ = nullptr;
  bool finished_ = false;
  bool failed_ = false;
  bool initiated_ = false;
  int activations_ = 0;
  size_t warnings_noted_ = 0;
  size_t out_before_ = 0;
  HandshakeView view_;
  std::optional<Botan::TLS::Session> pending_session_;
  std::optional<Negotiated> negotiated_;
};

void BotanCallbacks::tls_emit_data(const uint8_t data[], size_t size) { conn_->Emit(data, size); }
void BotanCallbacks::tls_alert(Botan::TLS::Alert alert) { conn_->OnAlert(alert); }
bool BotanCallbacks::tls_session_established(const Botan::TLS::Session& session) {
  conn_->OnSessionEstablished(session);
  return true;  // cache it (server: its session manager; client: the connection's own)
}
void BotanCallbacks::tls_session_activated() { conn_->OnSessionActivated(); }
void BotanCallbacks::tls_inspect_handshake_msg(const Botan::TLS::Handshake_Message& message) {
  conn_->OnHandshakeMessage(message);
}

void BotanCallbacks::tls_verify_cert_chain(
    const std::vector<Botan::X509_Certificate>& cert_chain,
    const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp_responses,
    const std::vector<Botan::Certificate_Store*>& trusted_roots, Botan::Usage_Type usage,
    const std::string& hostname, const Botan::TLS::Policy& policy) {
  // Botan's default, but at kLibraryClock instead of the wall clock.
  if (cert_chain.empty()) throw Botan::Invalid_Argument("Certificate chain was empty");
  Botan::Path_Validation_Restrictions restrictions(policy.require_cert_revocation_info(),
                                                   policy.minimum_signature_strength());
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(kLibraryClock));
  Botan::Path_Validation_Result result =
      Botan::x509_path_validate(cert_chain, restrictions, trusted_roots,
                                usage == Botan::Usage_Type::TLS_SERVER_AUTH ? hostname : "", usage,
                                when, std::chrono::milliseconds(0), ocsp_responses);
  if (!result.successful_validation()) {
    throw Botan::TLS::TLS_Exception(Botan::TLS::Alert::BAD_CERTIFICATE,
                                    "Certificate validation failure: " + result.result_string());
  }
}

std::vector<uint8_t> BotanCallbacks::tls_provide_cert_status(
    const std::vector<Botan::X509_Certificate>&, const Botan::TLS::Certificate_Status_Request&) {
  return conn_->ocsp();
}

// ---- The library ----

// The client peer asks for max_fragment_length (its config, or a ClientHello edit).
bool PeerRequestsMaxFragmentLength(const Scenario& scenario) {
  if (scenario.peer.max_fragment_length != 0) return true;
  for (const ConnectionScript& c : scenario.connections) {
    for (const Step& step : c.steps) {
      const SendStep* send = std::get_if<SendStep>(&step.action);
      if (send == nullptr) continue;
      for (const FieldEdit& e : send->set) {
        if (e.field == "extensions.max_fragment_length") return true;
      }
    }
  }
  return false;
}

// The suites a server target could pick: the peer's offer among those the target enables.
// True when every one is static RSA key transport (no suite at all: false).
bool OnlyRsaKeyTransport(const Scenario& scenario) {
  if (scenario.peer.cipher_suites.empty()) return false;
  const std::vector<uint16_t> enabled = AvailableSuites(scenario.target);
  bool any = false;
  for (uint16_t id : scenario.peer.cipher_suites) {
    if (std::find(enabled.begin(), enabled.end(), id) == enabled.end()) continue;
    any = true;
    if (Botan::TLS::Ciphersuite::by_id(id).kex_method() != Botan::TLS::Kex_Algo::STATIC_RSA) {
      return false;
    }
  }
  return any;
}

class BotanLibrary final : public Library {
 public:
  bool selects_certificate_by_name() const override { return true; }
  explicit BotanLibrary(const TargetResources& resources) : resources_(resources) {}

  std::string name() const override { return "botan"; }
  std::string version() const override { return Botan::version_string(); }

  std::optional<std::string> Unsupported(const Scenario& scenario) const override {
    const TargetConfig& t = scenario.target;
    if (!t.versions.empty() && !(t.versions.size() == 1 && t.versions[0] == kTls12)) {
      return std::string("target.versions: the Botan adapter enables TLS 1.2 only");
    }
    if (t.extended_master_secret != EmsPolicy::kEnabled) {
      return "target.extended_master_secret \"" +
             std::string(ConfigName(t.extended_master_secret)) +
             "\": Botan 2 always offers and accepts EMS (RFC 7627) and has no policy to " +
             (t.extended_master_secret == EmsPolicy::kDisabled ? "disable it"
                                                               : "refuse peers without it");
    }
    if (t.heartbeat != HeartbeatMode::kOff) {
      return std::string("target.heartbeat: Botan 2 has no Heartbeat (RFC 6520; removed in 2.0)");
    }
    if (t.max_fragment_length != 0) {
      return std::string(
          "target.max_fragment_length: Botan 2 does not implement max_fragment_length "
          "(RFC 6066 4)");
    }
    if (t.record_size_limit != 0) {
      return std::string(
          "target.record_size_limit: Botan 2 does not implement record_size_limit (RFC 8449)");
    }
    if (scenario.role == Side::kServer && PeerRequestsMaxFragmentLength(scenario)) {
      return std::string(
          "max_fragment_length requested by the peer: the vector presupposes a server that "
          "honours it (RFC 6066 4), and Botan 2 does not implement the extension");
    }
    if (scenario.role == Side::kServer && t.client_auth != ClientAuthMode::kNone &&
        OnlyRsaKeyTransport(scenario)) {
      return "target.client_auth \"" + std::string(ConfigName(t.client_auth)) +
             "\" with RSA key transport (the only kind of suite the peer offers that the "
             "target enables): a Botan 2 server never sends CertificateRequest for a suite "
             "without a server signature (Ciphersuite::signature_used)";
    }
    if (!t.cipher_suites.empty() && AvailableSuites(t).empty()) {
      std::string list;
      for (uint16_t id : t.cipher_suites) list += (list.empty() ? "" : ", ") + SuiteLabel(id);
      return "target.cipher_suites: Botan 2 implements none of " + list;
    }
    if (!t.groups.empty() && AvailableGroups(t).empty()) {
      std::string list;
      for (NamedGroup g : t.groups) list += (list.empty() ? "" : ", ") + GroupLabel(g);
      return "target.groups: Botan 2 implements none of " + list;
    }
    return std::nullopt;
  }

  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario& scenario, size_t index) override {
    try {
      return OpenOrThrow(scenario, index);
    } catch (const std::exception& e) {
      return InternalError(std::string("botan: ") + e.what());
    }
  }

 private:
  Result<std::unique_ptr<LibraryConnection>> OpenOrThrow(const Scenario& scenario, size_t index) {
    const uint64_t salt = SeedFromName(scenario.id) ^ (0x9e3779b97f4a7c15ull * (index + 1));
    if (index == 0 || server_sessions_ == nullptr) {
      // Sessions live for one vector.
      server_sessions_.reset();  // before the generator it draws from
      vector_rng_ = std::make_unique<DeterministicRng>(resources_.seed ^ SeedFromName(scenario.id) ^
                                                       0x626f74616e000000ull);
      server_sessions_ = std::make_unique<Botan::TLS::Session_Manager_In_Memory>(
          *vector_rng_, 64, std::chrono::seconds(24 * 3600));
      client_session_.reset();
    }
    SD_ASSIGN_OR_RETURN(std::shared_ptr<BotanCredentials> creds, CredentialsFor(scenario));
    std::optional<Botan::TLS::Session> resume;
    if (scenario.role == Side::kClient && index < scenario.connections.size() &&
        scenario.connections[index].resume) {
      resume = client_session_;
    }
    auto rng = std::make_unique<DeterministicRng>(resources_.seed ^ salt ^ 0x626f74616e00ull);
    std::unique_ptr<LibraryConnection> conn = std::make_unique<BotanConnection>(
        scenario, std::move(rng), std::move(creds), server_sessions_.get(), std::move(resume),
        &client_session_);
    return conn;
  }

  static Result<std::vector<Botan::X509_Certificate>> LoadChain(const std::string& path) {
    std::vector<Botan::X509_Certificate> chain;
    Botan::DataSource_Stream src(path);
    while (!src.end_of_data()) {
      try {
        chain.emplace_back(src);
      } catch (const Botan::Decoding_Error&) {
        break;  // trailing whitespace after the last certificate
      }
    }
    if (chain.empty()) return InternalError("no certificate in " + path);
    return chain;
  }

  Result<std::shared_ptr<BotanCredentials>> CredentialsFor(const Scenario& scenario) {
    SD_ASSIGN_OR_RETURN(std::optional<PemCredential> files,
                        CredentialFiles(scenario, resources_.pem));
    if (ca_ == nullptr) {
      ca_ = std::make_shared<CaStore>();
      ca_->store.add_certificate(Botan::X509_Certificate(resources_.pem.ca));
    }
    Bytes ocsp;
    const std::string key = files.has_value() ? files->chain + "|" + files->key : "-";
    if (scenario.role == Side::kServer && scenario.target.ocsp && files.has_value()) {
      if (files->chain == resources_.pem.cert) ocsp = ReadFileBytes(resources_.pem.ocsp);
      if (files->chain == resources_.pem.ecdsa_cert) {
        ocsp = ReadFileBytes(resources_.pem.ecdsa_ocsp);
      }
    }
    const bool verify_clients =
        scenario.role == Side::kServer && scenario.target.client_auth != ClientAuthMode::kNone;
    const bool sni = scenario.role == Side::kServer && !scenario.target.sni.empty();
    const std::string cache_key = key + (ocsp.empty() ? "" : "|ocsp") +
                                  (verify_clients ? "|clients" : "") +
                                  (sni ? "|sni-" + scenario.target.sni : "");
    auto it = creds_.find(cache_key);
    if (it != creds_.end()) return it->second;
    std::vector<Botan::X509_Certificate> chain;
    std::shared_ptr<Botan::Private_Key> private_key;
    if (files.has_value()) {
      SD_ASSIGN_OR_RETURN(chain, LoadChain(files->chain));
      Botan::DataSource_Stream key_src(files->key);
      private_key = Botan::PKCS8::load_key(key_src);
    }
    auto creds = std::make_shared<BotanCredentials>(ca_, std::move(chain), std::move(private_key),
                                                    std::move(ocsp), verify_clients);
    if (sni) {
      SD_ASSIGN_OR_RETURN(std::vector<Botan::X509_Certificate> alt_chain,
                          LoadChain(resources_.pem.sni_cert));
      Botan::DataSource_Stream key_src(resources_.pem.sni_key);
      creds->SetAlternate(std::move(alt_chain), Botan::PKCS8::load_key(key_src),
                          resources_.pem.sni_name, TestPkiOptions().server_name,
                          scenario.target.sni == "fatal");
    }
    creds_[cache_key] = creds;
    return creds;
  }

  TargetResources resources_;
  std::shared_ptr<CaStore> ca_;
  std::map<std::string, std::shared_ptr<BotanCredentials>> creds_;
  std::unique_ptr<DeterministicRng> vector_rng_;
  std::unique_ptr<Botan::TLS::Session_Manager_In_Memory> server_sessions_;
  std::optional<Botan::TLS::Session> client_session_;
};

}  // namespace

std::unique_ptr<Library> MakeBotanLibrary(const TargetResources& resources) {
  return std::make_unique<BotanLibrary>(resources);
}

}  // namespace shakedown
