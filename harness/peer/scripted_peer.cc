#include "harness/peer/scripted_peer.h"

#include <botan/bigint.h>
#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "engine/crypto/key_exchange.h"
#include "engine/crypto/key_schedule.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/rng.h"
#include "engine/crypto/signature.h"
#include "engine/crypto/transcript.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/extensions.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/record.h"
#include "harness/peer/field_edits.h"

namespace shakedown {
namespace {

// RFC 5246 6.2.1 / App. E.1: the peer writes {3,3} in every record header unless a step
// overrides it (many stacks use {3,1} for the first ClientHello; both are legal).
constexpr uint16_t kDefaultRecordVersion = 0x0303;
constexpr uint8_t kHandshakeRecord = static_cast<uint8_t>(ContentType::kHandshake);
constexpr uint8_t kCcsRecord = static_cast<uint8_t>(ContentType::kChangeCipherSpec);
constexpr uint8_t kAlertRecord = static_cast<uint8_t>(ContentType::kAlert);
constexpr uint8_t kAppDataRecord = static_cast<uint8_t>(ContentType::kApplicationData);

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::vector<uint16_t> DefaultSuites() {
  std::vector<uint16_t> out;
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  for (size_t i = 0; i < n; ++i) {
    const CipherSuiteInfo& s = table[i];
    if (s.engine_supported && (s.key_exchange == KeyExchange::kRsa || s.IsEcdhe())) {
      out.push_back(s.id);
    }
  }
  return out;
}

const std::vector<SignatureScheme>& DefaultSchemes() {
  static const std::vector<SignatureScheme> kSchemes = {SignatureScheme::kEcdsaSecp256r1Sha256,
                                                        SignatureScheme::kRsaPssRsaeSha256,
                                                        SignatureScheme::kRsaPkcs1Sha256,
                                                        SignatureScheme::kEcdsaSecp384r1Sha384,
                                                        SignatureScheme::kRsaPssRsaeSha384,
                                                        SignatureScheme::kRsaPkcs1Sha384,
                                                        SignatureScheme::kRsaPkcs1Sha512,
                                                        SignatureScheme::kRsaPkcs1Sha1,
                                                        SignatureScheme::kEcdsaSha1};
  return kSchemes;
}

Bytes RandomBytes(Botan::RandomNumberGenerator& rng, size_t n) {
  Bytes out(n);
  if (n > 0) rng.randomize(out.data(), n);
  return out;
}

Bytes ToBytes(const Random& r) { return Bytes(r.begin(), r.end()); }
ByteView View(const Random& r) { return ByteView(r.data(), r.size()); }

bool Contains(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool HasExt(const std::optional<Extensions>& block, ExtensionType type) {
  return block.has_value() && block->Has(type);
}

bool EditsField(const std::vector<FieldEdit>& edits, std::string_view field) {
  for (const FieldEdit& e : edits) {
    if (e.field == field) return true;
  }
  return false;
}

// What one send step puts on the wire, before records: the encoded message or record body
// after `set` and `corrupt`.
struct Outgoing {
  MessageName name = MessageName::kRaw;
  uint8_t content_type = kHandshakeRecord;
  Bytes payload;
  bool tampered = false;      // Finished / CertificateVerify / SKE signature no longer valid
  bool restructured = false;  // corruption changed the framing (truncate, append, header xor)
};

class ScriptedPeerImpl final : public ScriptedPeer {
 public:
  ScriptedPeerImpl(Scenario scenario, PeerResources resources)
      : scenario_(std::move(scenario)), resources_(std::move(resources)) {
    peer_is_client_ = scenario_.role == Side::kServer;
    peer_sender_ = peer_is_client_ ? Side::kClient : Side::kServer;
    target_sender_ = peer_is_client_ ? Side::kServer : Side::kClient;
    suites_ = scenario_.peer.cipher_suites.empty() ? DefaultSuites() : scenario_.peer.cipher_suites;
    groups_ = scenario_.peer.groups;
    if (groups_.empty()) groups_ = {NamedGroup::kX25519, NamedGroup::kSecp256r1};
    schemes_ = scenario_.peer.signature_schemes;
    if (schemes_.empty()) schemes_ = DefaultSchemes();
  }

  Status StartConnection(size_t index) override;
  Result<Bytes> Send(const SendStep& step, const SendStep* next) override;
  std::vector<WireItem> Receive(ByteView bytes) override;
  std::vector<Violation> TakeViolations() override {
    std::vector<Violation> out = std::move(violations_);
    violations_.clear();
    return out;
  }
  const PeerView& view() const override { return view_; }

 private:
  // Everything that lives for one connection.
  struct Conn {
    size_t index = 0;
    std::unique_ptr<DeterministicRng> rng;
    std::optional<Session> offer;             // client peer: the session offered in the ClientHello
    std::optional<Session> candidate;         // server peer: the cached session it may resume
    std::optional<ClientHello> client_hello;  // as sent (client peer) or received
    std::optional<ServerHello> server_hello;
    Random client_random{};
    Random server_random{};
    const CipherSuiteInfo* suite = nullptr;
    bool resumed = false;
    bool ems = false;
    std::vector<Bytes> target_chain;
    std::shared_ptr<const Botan::Public_Key> target_key;
    std::optional<EcdhServerParams> target_ecdhe;  // client peer: the target's SKE params
    std::optional<EcdheKeyPair> own_ecdhe;
    std::optional<CertificateRequest> certificate_request;  // client peer: received
    bool key_exchange_done = false;
    Bytes pre_master_secret;
    Bytes master_secret;
    std::optional<KeyBlock> keys;
    std::unique_ptr<RecordProtection> write;
    std::unique_ptr<RecordProtection> read;
    Transcript transcript;
    HandshakeTracker tracker;
    bool table_off = false;  // the exchange left the legal table (the peer deviated)
    RecordReader reader;
    HandshakeFramer framer;
    bool reader_failed = false;
    bool fatal_alert_received = false;
    bool own_finished_sent = false;
    bool own_finished_tampered = false;
    bool target_finished_seen = false;
    bool target_finished_verified = false;
    std::string pending_tamper;  // a tampered message the target has not yet reacted to
    std::string pending_resumption_mismatch;  // server peer: an abbreviated hello it forged
    Bytes ticket;                             // received (client peer) or issued (server peer)
    bool completed = false;
    // Coalescing: a payload held for the next send, and records framed before a key change.
    bool has_pending = false;
    uint8_t pending_type = 0;
    Bytes pending_payload;
    RecordOptions pending_options;
    Bytes carry;
  };

  void AddViolation(std::string rule, std::string detail) {
    violations_.push_back({std::move(rule), std::move(detail)});
  }

  // ---- Credentials ----
  const Credential* ServerCredential() const;
  const Credential* ClientCredential() const;

  // ---- Sending ----
  Result<Outgoing> Build(const SendStep& step);
  Result<TypedHandshake> BuildDefault(const SendStep& step, std::vector<FieldEdit>* edits);
  Result<ClientHello> BuildClientHello();
  Result<ServerHello> BuildServerHello();
  Result<ServerKeyExchange> BuildServerKeyExchange();
  Result<ClientKeyExchange> BuildClientKeyExchange(std::vector<FieldEdit>* edits);
  Result<CertificateVerify> BuildCertificateVerify();
  Result<Bytes> SignServerKeyExchange(const ServerKeyExchange& ske, SignatureScheme scheme);
  void CommitSent(const TypedHandshake& message);
  Status AfterFirstSend(const Outgoing& out);
  void TrackOwn(const Outgoing& out, const SendStep& step, uint8_t record_type);
  Status Emit(uint8_t type, Bytes payload, const RecordOptions& options, bool hold, Bytes* out);
  Status Frame(uint8_t type, ByteView payload, const RecordOptions& options, Bytes* out);
  Status FlushPending(Bytes* out);

  // ---- Receiving ----
  void ProcessRecord(const Record& record, std::vector<WireItem>* items);
  void ProcessHandshake(const HandshakeMessage& message, Bytes wire, std::vector<WireItem>* items);
  void ProcessTargetServerHello(const ServerHello& sh);
  void ProcessTargetClientHello(const ClientHello& ch);
  std::string ProcessTargetKeyExchange(const ClientKeyExchange& cke);
  void ProcessCcs(WireItem* item);
  void CheckOrder(const FlowStep& step, const std::string& what);
  void CheckAfterFatal(const WireItem& item);
  void CheckTamperAccepted(const std::string& what);

  // ---- Keys ----
  void ComputeMasterSecret();
  Status DeriveKeys();
  Result<Bytes> VerifyData(Side sender);
  Side PeerFinishedSender() const {
    return peer_is_client_ ? Side::kClient : Side::kServer;
  }
  void Learn(const ServerHello& sh);
  void MaybeComplete();
  void RefreshView();

  Scenario scenario_;
  PeerResources resources_;
  bool peer_is_client_ = true;
  Side peer_sender_ = Side::kClient;
  Side target_sender_ = Side::kServer;
  std::vector<uint16_t> suites_;
  std::vector<NamedGroup> groups_;
  std::vector<SignatureScheme> schemes_;

  std::unique_ptr<Conn> conn_;
  std::optional<Session> last_session_;                 // client peer
  std::map<Bytes, Session> cache_by_id_;                // server peer
  std::map<Bytes, Session> cache_by_ticket_;            // server peer
  std::optional<RsaKeyTransportServer> rsa_transport_;  // server peer, built on first use
  std::vector<Violation> violations_;
  PeerView view_;
};

// ---------------------------------------------------------------------------------------
// Connection lifecycle

Status ScriptedPeerImpl::StartConnection(size_t index) {
  if (index >= scenario_.connections.size()) {
    return InternalError("StartConnection(" + std::to_string(index) + "): the scenario has " +
                         std::to_string(scenario_.connections.size()) + " connections");
  }
  conn_ = std::make_unique<Conn>();
  conn_->index = index;
  // The peer decodes whatever the target sends: a record with an odd version (an alert in a
  // record versioned like the client's hello, say) is still an answer to judge.
  conn_->reader.set_accept_any_version(true);
  // One generator per connection, so a connection's bytes do not depend on how many draws
  // earlier connections made.
  uint64_t salt = Fnv1a(scenario_.id) ^ ((index + 1) * 0x9e3779b97f4a7c15ull);
  conn_->rng = std::make_unique<DeterministicRng>(resources_.seed ^ salt);
  if (peer_is_client_ && scenario_.connections[index].resume) conn_->offer = last_session_;
  view_ = PeerView();
  return Status::Ok();
}

const Credential* ScriptedPeerImpl::ServerCredential() const {
  const TestPki& pki = *resources_.pki;
  const CipherSuiteInfo* suite = conn_ ? conn_->suite : nullptr;
  if (suite != nullptr) {
    return suite->key_exchange == KeyExchange::kEcdheEcdsa ? &pki.ecdsa_server : &pki.rsa_server;
  }
  return scenario_.peer.certificate == CertificateKey::kEcdsa ? &pki.ecdsa_server : &pki.rsa_server;
}

const Credential* ScriptedPeerImpl::ClientCredential() const {
  const TestPki& pki = *resources_.pki;
  if (scenario_.peer.certificate == CertificateKey::kEcdsa) return &pki.ecdsa_client;
  if (scenario_.peer.certificate == CertificateKey::kRsa) return &pki.rsa_client;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Sending

Result<Bytes> ScriptedPeerImpl::Send(const SendStep& step, const SendStep* next) {
  if (!conn_) return InternalError("Send before StartConnection");
  Conn& c = *conn_;
  Bytes out = std::move(c.carry);
  c.carry.clear();
  int repeat = std::max(step.repeat, 1);

  if (step.message == MessageName::kRaw) {
    Bytes raw = step.raw;
    SD_RETURN_IF_ERROR(ApplyCorruption(step.corrupt, &raw));
    SD_RETURN_IF_ERROR(FlushPending(&out));
    for (int i = 0; i < repeat; ++i) Append(out, raw);
    c.table_off = true;  // bytes the table cannot follow
    RefreshView();
    return out;
  }

  SD_ASSIGN_OR_RETURN(Outgoing o, Build(step));
  uint8_t record_type = step.record.content_type.value_or(o.content_type);
  std::optional<HandshakeType> htype = HandshakeTypeOf(o.name);
  for (int rep = 0; rep < repeat; ++rep) {
    // RFC 5246 7.4.9: the transcript is every handshake message as sent, HelloRequest
    // excepted (7.4.1.1); a message sent in a record of another type is not one.
    if (htype && *htype != HandshakeType::kHelloRequest && record_type == kHandshakeRecord) {
      c.transcript.Add(o.payload);
    }
    TrackOwn(o, step, record_type);
    bool hold = rep + 1 == repeat && step.record.coalesce_with_next && next != nullptr;
    SD_RETURN_IF_ERROR(Emit(record_type, o.payload, step.record, hold, &out));
    if (rep == 0) SD_RETURN_IF_ERROR(AfterFirstSend(o));
  }
  RefreshView();
  return out;
}

void ScriptedPeerImpl::TrackOwn(const Outgoing& o, const SendStep& step, uint8_t record_type) {
  Conn& c = *conn_;
  if (c.table_off || c.tracker.Complete()) return;
  if (record_type != o.content_type || o.restructured) {
    c.table_off = true;
    return;
  }
  if (std::optional<HandshakeType> t = HandshakeTypeOf(o.name)) {
    // RFC 5246 7.4.1.1: a server may send HelloRequest at any time; it is not a table step.
    if (*t == HandshakeType::kHelloRequest && !peer_is_client_) return;
    if (!c.tracker.Advance(FlowStep::Handshake(peer_sender_, *t))) c.table_off = true;
    return;
  }
  switch (o.name) {
    case MessageName::kChangeCipherSpec:
      if (!c.tracker.Advance(FlowStep::Ccs(peer_sender_))) c.table_off = true;
      break;
    case MessageName::kAlert:
      // A fatal alert or a close ends the exchange; a warning (e.g. no_renegotiation) does not.
      if (o.payload.size() != 2 || o.payload[0] != static_cast<uint8_t>(AlertLevel::kWarning) ||
          o.payload[1] == static_cast<uint8_t>(AlertDescription::kCloseNotify)) {
        c.table_off = true;
      }
      break;
    case MessageName::kApplicationData:
      c.table_off = true;  // before the handshake completed: a deviation
      break;
    default:
      break;
  }
}

Result<Outgoing> ScriptedPeerImpl::Build(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  switch (step.message) {
    case MessageName::kChangeCipherSpec: {
      o.content_type = kCcsRecord;
      o.payload = {ChangeCipherSpec::kValue};
      for (const FieldEdit& e : step.set) {
        if (e.field != "value")
          return InternalError("set " + e.field + ": ChangeCipherSpec has no such field");
        SD_ASSIGN_OR_RETURN(o.payload, EditBytes(e, o.payload));
      }
      break;
    }
    case MessageName::kAlert: {
      o.content_type = kAlertRecord;
      // Default: a warning close_notify (RFC 5246 7.2.1), the one alert that needs no reason.
      Alert alert{AlertLevel::kWarning, AlertDescription::kCloseNotify};
      SD_RETURN_IF_ERROR(ApplyAlertEdits(step.set, &alert));
      SD_ASSIGN_OR_RETURN(o.payload, SerializeToBytes(alert));
      break;
    }
    case MessageName::kApplicationData: {
      o.content_type = kAppDataRecord;
      o.payload = step.raw;
      for (const FieldEdit& e : step.set) {
        if (e.field != "data")
          return InternalError("set " + e.field + ": ApplicationData has no such field");
        SD_ASSIGN_OR_RETURN(o.payload, EditBytes(e, o.payload));
      }
      break;
    }
    default: {
      std::vector<FieldEdit> edits = step.set;
      SD_ASSIGN_OR_RETURN(TypedHandshake message, BuildDefault(step, &edits));
      SD_ASSIGN_OR_RETURN(Bytes reference, SerializeHandshakeMessage(message));
      SD_RETURN_IF_ERROR(ApplyFieldEdits(edits, &message)
                             .WithContext(std::string(MessageNameString(step.message))));
      bool signature_edited =
          EditsField(edits, "signature") || EditsField(edits, "signature_algorithm");
      if (auto* ske = std::get_if<ServerKeyExchange>(&message)) {
        // Params edited, signature not: sign the edited params, so the vector tests the
        // params (an invalid curve point, an unoffered group) and not the signature.
        if (!signature_edited && !edits.empty()) {
          SD_ASSIGN_OR_RETURN(ske->signature, SignServerKeyExchange(*ske, ske->algorithm));
        }
      }
      SD_ASSIGN_OR_RETURN(o.payload, SerializeHandshakeMessage(message));
      CommitSent(message);
      switch (step.message) {
        case MessageName::kFinished:
          o.tampered = o.payload != reference;
          break;
        case MessageName::kCertificateVerify:
        case MessageName::kServerKeyExchange:
          o.tampered = signature_edited;
          break;
        default:
          break;
      }
      break;
    }
  }
  if (HasCorruption(step.corrupt)) {
    Bytes before = o.payload;
    SD_RETURN_IF_ERROR(ApplyCorruption(step.corrupt, &o.payload));
    bool header_xor =
        step.corrupt.xor_bytes.has_value() && o.content_type == kHandshakeRecord &&
        before.size() >= kHandshakeHeaderLength &&
        !std::equal(before.begin(), before.begin() + kHandshakeHeaderLength, o.payload.begin());
    o.restructured =
        step.corrupt.truncate.has_value() || !step.corrupt.append.empty() || header_xor;
    if (step.message == MessageName::kFinished || step.message == MessageName::kCertificateVerify ||
        step.message == MessageName::kServerKeyExchange) {
      o.tampered = o.tampered || o.payload != before;
    }
  }
  return o;
}

Result<TypedHandshake> ScriptedPeerImpl::BuildDefault(const SendStep& step,
                                                      std::vector<FieldEdit>* edits) {
  Conn& c = *conn_;
  switch (step.message) {
    case MessageName::kHelloRequest:
      return TypedHandshake(HelloRequest{});
    case MessageName::kClientHello: {
      SD_ASSIGN_OR_RETURN(ClientHello ch, BuildClientHello());
      return TypedHandshake(std::move(ch));
    }
    case MessageName::kServerHello: {
      SD_ASSIGN_OR_RETURN(ServerHello sh, BuildServerHello());
      return TypedHandshake(std::move(sh));
    }
    case MessageName::kCertificate: {
      Certificate cert;
      const Credential* cred = peer_is_client_ ? ClientCredential() : ServerCredential();
      if (cred != nullptr) cert.certificate_list = cred->chain_der;
      return TypedHandshake(std::move(cert));
    }
    case MessageName::kServerKeyExchange: {
      SD_ASSIGN_OR_RETURN(ServerKeyExchange ske, BuildServerKeyExchange());
      return TypedHandshake(std::move(ske));
    }
    case MessageName::kCertificateRequest: {
      CertificateRequest cr;
      cr.certificate_types = {ClientCertificateType::kRsaSign, ClientCertificateType::kEcdsaSign};
      cr.supported_signature_algorithms = schemes_;
      return TypedHandshake(std::move(cr));
    }
    case MessageName::kServerHelloDone:
      return TypedHandshake(ServerHelloDone{});
    case MessageName::kClientKeyExchange: {
      SD_ASSIGN_OR_RETURN(ClientKeyExchange cke, BuildClientKeyExchange(edits));
      return TypedHandshake(std::move(cke));
    }
    case MessageName::kCertificateVerify: {
      SD_ASSIGN_OR_RETURN(CertificateVerify cv, BuildCertificateVerify());
      return TypedHandshake(std::move(cv));
    }
    case MessageName::kNewSessionTicket: {
      NewSessionTicket nst;
      nst.ticket_lifetime_hint = 7200;
      nst.ticket = RandomBytes(*c.rng, 32);  // an opaque handle into the peer's own cache
      return TypedHandshake(std::move(nst));
    }
    case MessageName::kFinished: {
      // Computed before the step's edits, over the transcript as actually sent and received,
      // so `set verify_data` or `corrupt` tamper with a correct value.
      SD_ASSIGN_OR_RETURN(Bytes verify, VerifyData(PeerFinishedSender()));
      return TypedHandshake(Finished{std::move(verify)});
    }
    default:
      return InternalError("Send: not a handshake message");
  }
}

Result<ClientHello> ScriptedPeerImpl::BuildClientHello() {
  Conn& c = *conn_;
  const PeerConfig& p = scenario_.peer;
  ClientHello ch;
  ch.client_version = p.version;
  c.rng->randomize(ch.random.data(), ch.random.size());
  if (c.offer) {
    ch.session_id = c.offer->session_id;
    // RFC 5077 3.4: with a ticket the client generates a session id, and the server echoes
    // it when it accepts the ticket: how the peer recognises a resumption.
    if (ch.session_id.empty() && !c.offer->ticket.empty() && p.session_ticket) {
      ch.session_id = RandomBytes(*c.rng, 32);
    }
  }
  ch.cipher_suites = suites_;
  ch.compression_methods = {0};
  Extensions ext;
  if (!p.server_name.empty()) SD_RETURN_IF_ERROR(ext.Set(ServerNameExt{{p.server_name}}));
  SD_RETURN_IF_ERROR(ext.Set(SupportedGroupsExt{groups_}));
  SD_RETURN_IF_ERROR(ext.Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}}));
  SD_RETURN_IF_ERROR(ext.Set(SignatureAlgorithmsExt{schemes_}));
  if (p.extended_master_secret) SD_RETURN_IF_ERROR(ext.Set(ExtendedMasterSecretExt{}));
  // RFC 5746 3.4: the initial ClientHello carries an empty renegotiation_info.
  if (p.renegotiation_info) SD_RETURN_IF_ERROR(ext.Set(RenegotiationInfoExt{}));
  if (p.session_ticket) {
    SessionTicketExt t;
    if (c.offer) t.ticket = c.offer->ticket;
    SD_RETURN_IF_ERROR(ext.Set(t));
  }
  ch.extensions = std::move(ext);
  return ch;
}

Result<ServerHello> ScriptedPeerImpl::BuildServerHello() {
  Conn& c = *conn_;
  if (!c.client_hello) return InternalError("ServerHello: no ClientHello received yet");
  const ClientHello& ch = *c.client_hello;
  const PeerConfig& p = scenario_.peer;
  ServerHello sh;
  sh.server_version = p.version;
  c.rng->randomize(sh.random.data(), sh.random.size());

  // RFC 5246 7.4.1.3: a suite the client offered; the peer's own order decides.
  sh.cipher_suite = suites_.empty() ? 0 : suites_.front();
  for (uint16_t s : suites_) {
    const CipherSuiteInfo* info = FindCipherSuite(s);
    if (Contains(ch.cipher_suites, s) && info != nullptr && info->engine_supported &&
        (info->key_exchange == KeyExchange::kRsa || info->IsEcdhe())) {
      sh.cipher_suite = s;
      break;
    }
  }

  bool ch_ems = HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret);
  // Resumption, only when the script asks for it: by session id, or by a ticket this peer
  // issued (RFC 5077 3.4: echo the client's session id). RFC 5246 7.4.1.2 / RFC 7627 5.3:
  // the cached suite must be offered and the EMS state must match, else a full handshake.
  c.candidate.reset();
  if (scenario_.connections[c.index].resume) {
    std::optional<Session> found;
    if (!ch.session_id.empty()) {
      auto it = cache_by_id_.find(ch.session_id);
      if (it != cache_by_id_.end()) found = it->second;
    }
    if (!found && ch.extensions) {
      if (const Extension* t =
              ch.extensions->FindRaw(static_cast<uint16_t>(ExtensionType::kSessionTicket))) {
        auto it = cache_by_ticket_.find(t->body);
        if (it != cache_by_ticket_.end()) found = it->second;
      }
    }
    if (found && Contains(ch.cipher_suites, found->cipher_suite) &&
        found->extended_master_secret == ch_ems) {
      c.candidate = found;
    }
  }
  if (c.candidate) {
    sh.cipher_suite = c.candidate->cipher_suite;
    sh.session_id = ch.session_id;
  } else {
    sh.session_id = RandomBytes(*c.rng, 32);
  }

  const CipherSuiteInfo* info = FindCipherSuite(sh.cipher_suite);
  Extensions ext;
  bool ems = ch_ems && p.extended_master_secret;
  if (c.candidate) ems = c.candidate->extended_master_secret;
  if (ems) SD_RETURN_IF_ERROR(ext.Set(ExtendedMasterSecretExt{}));
  // RFC 5746 3.6: answer an empty RI or the SCSV with an empty RI.
  if (p.renegotiation_info && (HasExt(ch.extensions, ExtensionType::kRenegotiationInfo) ||
                               Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv))) {
    SD_RETURN_IF_ERROR(ext.Set(RenegotiationInfoExt{}));
  }
  // RFC 5077 3.2: the empty extension announces a NewSessionTicket.
  if (p.session_ticket && !c.candidate && HasExt(ch.extensions, ExtensionType::kSessionTicket)) {
    SD_RETURN_IF_ERROR(ext.Set(SessionTicketExt{}));
  }
  if (info != nullptr && info->IsEcdhe() && HasExt(ch.extensions, ExtensionType::kEcPointFormats)) {
    SD_RETURN_IF_ERROR(ext.Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}}));
  }
  if (!ext.empty()) sh.extensions = std::move(ext);
  return sh;
}

Result<Bytes> ScriptedPeerImpl::SignServerKeyExchange(const ServerKeyExchange& ske,
                                                      SignatureScheme scheme) {
  Conn& c = *conn_;
  const Credential* cred = ServerCredential();
  SD_ASSIGN_OR_RETURN(Signer signer, Signer::Create(cred->key, *c.rng));
  // RFC 5246 7.4.3: client_random + server_random + params.
  return signer.Sign(scheme, ske.SignedData(c.client_random, c.server_random), *c.rng);
}

Result<ServerKeyExchange> ScriptedPeerImpl::BuildServerKeyExchange() {
  Conn& c = *conn_;
  if (c.suite != nullptr && c.suite->key_exchange == KeyExchange::kDheRsa) {
    return InternalError("ServerKeyExchange: the peer does not implement DHE");
  }
  // RFC 8422 5.1.1: a group from the client's supported_groups, in the peer's order.
  std::optional<std::vector<NamedGroup>> offered;
  if (c.client_hello && c.client_hello->extensions) {
    if (auto g = c.client_hello->extensions->Find<SupportedGroupsExt>(); g && g->ok()) {
      offered = (*g)->groups;
    }
  }
  std::optional<NamedGroup> group;
  for (NamedGroup g : groups_) {
    if (!IsSupportedEcdheGroup(g)) continue;
    if (offered && std::find(offered->begin(), offered->end(), g) == offered->end()) continue;
    group = g;
    break;
  }
  if (!group) group = NamedGroup::kSecp256r1;  // nothing in common: the target will object
  SD_ASSIGN_OR_RETURN(EcdheKeyPair pair, EcdheKeyPair::Generate(*group, *c.rng));
  ServerKeyExchange ske;
  ske.params = EcdhServerParams{*group, pair.public_value()};
  c.own_ecdhe = std::move(pair);

  std::optional<std::vector<SignatureScheme>> peer_offered;
  if (c.client_hello && c.client_hello->extensions) {
    if (auto s = c.client_hello->extensions->Find<SignatureAlgorithmsExt>(); s && s->ok()) {
      peer_offered = (*s)->schemes;
    }
  }
  const Credential* cred = ServerCredential();
  Result<SignatureScheme> scheme = ChooseSignatureScheme(*cred->key, peer_offered, &schemes_);
  // No overlap: sign with the peer's first usable scheme; the target must refuse it.
  ske.algorithm =
      scheme.ok() ? *scheme
                  : (cred == &resources_.pki->ecdsa_server ? SignatureScheme::kEcdsaSecp256r1Sha256
                                                           : SignatureScheme::kRsaPkcs1Sha256);
  SD_ASSIGN_OR_RETURN(ske.signature, SignServerKeyExchange(ske, ske.algorithm));
  return ske;
}

Result<ClientKeyExchange> ScriptedPeerImpl::BuildClientKeyExchange(std::vector<FieldEdit>* edits) {
  Conn& c = *conn_;
  // Edits that act before the encryption are consumed here; the rest apply to the message.
  std::vector<FieldEdit> pms_edits;
  std::vector<FieldEdit> rest;
  for (FieldEdit& e : *edits) {
    bool early = e.field == "pre_master_secret.version" || e.field == "pre_master_secret.length" ||
                 e.field == "rsa_padding";
    (early ? pms_edits : rest).push_back(std::move(e));
  }
  *edits = std::move(rest);

  bool rsa =
      c.suite != nullptr ? c.suite->key_exchange == KeyExchange::kRsa : !c.target_ecdhe.has_value();
  ClientKeyExchange cke;
  if (!rsa) {
    cke.kind = KeyExchangeKind::kEcdhe;
    if (!c.target_ecdhe) {
      return InternalError("ClientKeyExchange: no ServerKeyExchange received for ECDHE");
    }
    SD_ASSIGN_OR_RETURN(EcdheKeyPair pair,
                        EcdheKeyPair::Generate(c.target_ecdhe->named_curve, *c.rng));
    SD_ASSIGN_OR_RETURN(c.pre_master_secret, pair.Agree(c.target_ecdhe->public_key));
    cke.exchange_keys = pair.public_value();
    c.own_ecdhe = std::move(pair);
    if (!pms_edits.empty()) {
      return InternalError("set " + pms_edits.front().field + ": only for RSA key exchange");
    }
    return cke;
  }

  cke.kind = KeyExchangeKind::kRsa;
  if (!c.target_key) {
    return InternalError("ClientKeyExchange: no server certificate received for RSA");
  }
  // RFC 5246 7.4.7.1: the version offered in the ClientHello (as sent), not the negotiated.
  uint16_t version = static_cast<uint16_t>(c.client_hello ? c.client_hello->client_version
                                                          : scenario_.peer.version);
  Bytes pms = MakeRsaPreMasterSecret(version, *c.rng);
  const FieldEdit* padding = nullptr;
  for (const FieldEdit& e : pms_edits) {
    if (e.field == "pre_master_secret.version") {
      SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
      pms[0] = static_cast<uint8_t>(v >> 8);
      pms[1] = static_cast<uint8_t>(v);
    } else if (e.field == "pre_master_secret.length") {
      SD_ASSIGN_OR_RETURN(uint64_t n, EditNumber(e, 0xffff));
      size_t old = pms.size();
      pms.resize(n);
      if (n > old) c.rng->randomize(pms.data() + old, n - old);
    } else {
      padding = &e;
    }
  }
  c.pre_master_secret = pms;
  if (padding == nullptr) {
    SD_ASSIGN_OR_RETURN(cke.exchange_keys, EncryptPreMasterSecret(*c.target_key, pms, *c.rng));
    return cke;
  }
  // The PKCS#1 v1.5 block 00 02 PS 00 PMS (RFC 8017 7.2.1) as the default value, so an xor
  // edit breaks exactly the byte a ROBOT vector names (checklist 45b).
  const auto* rsa_key = dynamic_cast<const Botan::RSA_PublicKey*>(c.target_key.get());
  if (rsa_key == nullptr) return InternalError("set rsa_padding: the server key is not RSA");
  size_t k = rsa_key->get_n().bytes();
  if (pms.size() + 11 > k) return InternalError("set rsa_padding: the PreMasterSecret is too long");
  Bytes block = {0x00, 0x02};
  for (size_t i = 0; i < k - 3 - pms.size(); ++i) {
    uint8_t b = 0;
    while (b == 0) c.rng->randomize(&b, 1);
    block.push_back(b);
  }
  block.push_back(0x00);
  Append(block, pms);
  SD_ASSIGN_OR_RETURN(block, EditBytes(*padding, block));
  SD_ASSIGN_OR_RETURN(cke.exchange_keys, EncryptRsaRaw(*c.target_key, block));
  return cke;
}

Result<CertificateVerify> ScriptedPeerImpl::BuildCertificateVerify() {
  Conn& c = *conn_;
  const Credential* cred = ClientCredential();
  if (cred == nullptr) cred = &resources_.pki->rsa_client;  // a deviation: sign anyway
  std::optional<std::vector<SignatureScheme>> offered = schemes_;
  if (c.certificate_request) offered = c.certificate_request->supported_signature_algorithms;
  CertificateVerify cv;
  Result<SignatureScheme> scheme = ChooseSignatureScheme(*cred->key, offered, &schemes_);
  cv.algorithm =
      scheme.ok() ? *scheme
                  : (cred == &resources_.pki->ecdsa_client ? SignatureScheme::kEcdsaSecp256r1Sha256
                                                           : SignatureScheme::kRsaPkcs1Sha256);
  SD_ASSIGN_OR_RETURN(Signer signer, Signer::Create(cred->key, *c.rng));
  // RFC 5246 7.4.8: every handshake message so far, as sent and received.
  SD_ASSIGN_OR_RETURN(cv.signature, signer.Sign(cv.algorithm, c.transcript.messages(), *c.rng));
  return cv;
}

// State from a message the peer sends, taken from the message as edited: an edited
// ServerHello suite is the suite the target sees, so it is the one the peer must follow.
void ScriptedPeerImpl::CommitSent(const TypedHandshake& message) {
  Conn& c = *conn_;
  // A hello after the handshake (a renegotiation attempt) starts no new handshake here: the
  // negotiated randoms and hellos stay those of the completed one.
  if (c.completed) return;
  if (const auto* ch = std::get_if<ClientHello>(&message)) {
    c.client_hello = *ch;
    c.client_random = ch->random;
  } else if (const auto* sh = std::get_if<ServerHello>(&message)) {
    c.server_hello = *sh;
    c.server_random = sh->random;
    c.suite = FindCipherSuite(sh->cipher_suite);
    if (c.suite != nullptr) (void)c.transcript.SetAlgorithm(PrfFor(c.suite->prf));
    bool ch_ems =
        c.client_hello && HasExt(c.client_hello->extensions, ExtensionType::kExtendedMasterSecret);
    c.ems = ch_ems && HasExt(sh->extensions, ExtensionType::kExtendedMasterSecret);
    c.resumed = c.candidate.has_value() && !sh->session_id.empty() && c.client_hello &&
                sh->session_id == c.client_hello->session_id;
    if (c.resumed) {
      if (sh->cipher_suite != c.candidate->cipher_suite ||
          c.ems != c.candidate->extended_master_secret) {
        c.pending_resumption_mismatch =
            "the peer resumed session " + ToHex(sh->session_id) + " (suite " +
            Describe(Registry::kCipherSuite, c.candidate->cipher_suite) + ", EMS " +
            (c.candidate->extended_master_secret ? "on" : "off") + ") with suite " +
            Describe(Registry::kCipherSuite, sh->cipher_suite) + ", EMS " + (c.ems ? "on" : "off");
      }
      c.master_secret = c.candidate->master_secret;
      c.target_chain = c.candidate->peer_chain;
      c.key_exchange_done = true;
      (void)DeriveKeys();
    }
    Learn(*sh);
  } else if (const auto* cert = std::get_if<Certificate>(&message)) {
    if (peer_is_client_) {
      c.tracker.Learn(kFlagClientCert, !cert->certificate_list.empty());
    }
  } else if (const auto* nst = std::get_if<NewSessionTicket>(&message)) {
    c.ticket = nst->ticket;
  }
}

Status ScriptedPeerImpl::AfterFirstSend(const Outgoing& o) {
  Conn& c = *conn_;
  switch (o.name) {
    case MessageName::kClientKeyExchange:
      // RFC 7627 4: the session hash ends with this message, as sent.
      c.key_exchange_done = true;
      ComputeMasterSecret();
      break;
    case MessageName::kChangeCipherSpec:
      // Records held for coalescing go out under the old state.
      SD_RETURN_IF_ERROR(FlushPending(&c.carry));
      // RFC 5246 7.1: the CCS switches the write side to the pending keys. With no key
      // exchange yet (an early-CCS vector) there are no keys: the CCS is sent anyway and the
      // peer keeps writing plaintext, as a real early-CCS attacker would.
      if (!c.write && DeriveKeys().ok()) {
        const TrafficKeys& keys = peer_is_client_ ? c.keys->client_write : c.keys->server_write;
        Result<std::unique_ptr<RecordProtection>> p =
            RecordProtection::Create(*c.suite, keys, c.rng.get());
        if (p.ok()) c.write = std::move(p).value();
      }
      break;
    case MessageName::kFinished:
      c.own_finished_sent = true;
      c.own_finished_tampered = o.tampered;
      MaybeComplete();
      break;
    default:
      break;
  }
  if (o.tampered) c.pending_tamper = std::string(MessageNameString(o.name));
  return Status::Ok();
}

Status ScriptedPeerImpl::Emit(uint8_t type, Bytes payload, const RecordOptions& options, bool hold,
                              Bytes* out) {
  Conn& c = *conn_;
  RecordOptions opts = options;
  if (c.has_pending) {
    if (c.pending_type == type) {
      // Coalesce: the held message and this one share records (RFC 5246 6.2.1).
      Bytes merged = std::move(c.pending_payload);
      Append(merged, payload);
      payload = std::move(merged);
      opts = c.pending_options;
      opts.coalesce_with_next = false;
      c.has_pending = false;
    } else {
      SD_RETURN_IF_ERROR(FlushPending(out));
    }
  }
  if (hold) {
    c.has_pending = true;
    c.pending_type = type;
    c.pending_payload = std::move(payload);
    c.pending_options = opts;
    return Status::Ok();
  }
  return Frame(type, payload, opts, out);
}

Status ScriptedPeerImpl::FlushPending(Bytes* out) {
  Conn& c = *conn_;
  if (!c.has_pending) return Status::Ok();
  c.has_pending = false;
  return Frame(c.pending_type, c.pending_payload, c.pending_options, out);
}

Status ScriptedPeerImpl::Frame(uint8_t type, ByteView payload, const RecordOptions& options,
                               Bytes* out) {
  Conn& c = *conn_;
  uint16_t version = options.version.value_or(kDefaultRecordVersion);
  bool protect = options.protect.value_or(c.write != nullptr);
  if (protect && !c.write) {
    return InternalError("record.protect: the peer has no write keys yet");
  }
  size_t max = options.fragment.value_or(kMaxPlaintextLength);
  SD_ASSIGN_OR_RETURN(std::vector<Record> records, SplitIntoRecords(type, version, payload, max));
  for (Record& r : records) {
    if (protect) {
      SD_ASSIGN_OR_RETURN(r.fragment,
                          c.write->Seal(static_cast<ContentType>(type),
                                        static_cast<ProtocolVersion>(version), r.fragment));
    }
    if (options.corrupt_record) {
      // After protection: the bytes the target must authenticate are what is damaged.
      SD_RETURN_IF_ERROR(ApplyXor(*options.corrupt_record, &r.fragment, "corrupt_record"));
    }
    SD_RETURN_IF_ERROR(AppendRecord(r, out));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Receiving

std::vector<WireItem> ScriptedPeerImpl::Receive(ByteView bytes) {
  std::vector<WireItem> items;
  if (!conn_) {
    WireItem item;
    item.summary = "bytes received before StartConnection";
    item.wire = bytes.ToBytes();
    items.push_back(std::move(item));
    return items;
  }
  Conn& c = *conn_;
  while (!bytes.empty() && !c.reader_failed) {
    Result<size_t> n = c.reader.Feed(bytes);
    if (!n.ok()) {
      c.reader_failed = true;
      WireItem item;
      item.summary = "record layer: " + n.status().ToString();
      item.wire = bytes.ToBytes();
      CheckAfterFatal(item);
      items.push_back(std::move(item));
      break;
    }
    bytes = bytes.subview(*n);
    while (std::optional<Record> r = c.reader.Next()) ProcessRecord(*r, &items);
  }
  RefreshView();
  return items;
}

void ScriptedPeerImpl::CheckAfterFatal(const WireItem& item) {
  // RFC 5246 7.2.2: after a fatal alert the connection is closed; nothing else is sent.
  if (conn_->fatal_alert_received) {
    AddViolation("after fatal alert", "the target sent " + item.summary + " after its fatal alert");
  }
}

void ScriptedPeerImpl::CheckTamperAccepted(const std::string& what) {
  Conn& c = *conn_;
  if (c.pending_tamper.empty()) return;
  AddViolation("accepted: tampered " + c.pending_tamper,
               "the peer sent a tampered " + c.pending_tamper + " and the target continued with " +
                   what + " instead of a fatal alert");
  c.pending_tamper.clear();
}

void ScriptedPeerImpl::CheckOrder(const FlowStep& step, const std::string& what) {
  Conn& c = *conn_;
  if (c.table_off || c.tracker.Complete()) return;  // left the table, or renegotiation
  if (c.tracker.Advance(step)) return;
  std::string legal;
  for (const FlowStep& s : c.tracker.LegalNext()) {
    if (!legal.empty()) legal += ", ";
    legal += s.ToString();
  }
  std::string history;
  for (const FlowStep& s : c.tracker.history()) {
    if (!history.empty()) history += " ";
    history += s.ToString();
  }
  AddViolation("order: illegal message",
               what + " after [" + history + "]; legal next: [" + legal + "]");
  c.table_off = true;  // one violation per departure, not a cascade
}

void ScriptedPeerImpl::ProcessRecord(const Record& record, std::vector<WireItem>* items) {
  Conn& c = *conn_;
  Bytes wire;
  (void)AppendRecord(record, &wire);
  Bytes plain = record.fragment;
  if (c.read) {
    Result<Bytes> opened =
        c.read->Open(static_cast<ContentType>(record.type),
                     static_cast<ProtocolVersion>(record.version), record.fragment);
    if (!opened.ok()) {
      WireItem item;
      item.summary = "protected record (type " + std::to_string(record.type) +
                     ") does not decrypt: " + opened.status().ToString();
      item.bytes = record.fragment;
      item.wire = std::move(wire);
      CheckAfterFatal(item);
      items->push_back(std::move(item));
      return;
    }
    plain = std::move(opened).value();
  }

  switch (record.type) {
    case kHandshakeRecord: {
      Status s = c.framer.AddFragment(plain);
      if (!s.ok()) {
        WireItem item;
        item.summary = "handshake framing: " + s.ToString();
        item.bytes = plain;
        item.wire = std::move(wire);
        CheckAfterFatal(item);
        items->push_back(std::move(item));
        return;
      }
      bool first = true;
      while (std::optional<HandshakeMessage> m = c.framer.Next()) {
        ProcessHandshake(*m, first ? std::move(wire) : Bytes(), items);
        first = false;
      }
      return;
    }
    case kCcsRecord: {
      WireItem item;
      item.bytes = plain;
      item.wire = std::move(wire);
      Result<ChangeCipherSpec> ccs = ChangeCipherSpec::Parse(plain);
      if (!ccs.ok()) {
        item.summary = "ChangeCipherSpec: " + ccs.status().ToString();
        CheckAfterFatal(item);
        items->push_back(std::move(item));
        return;
      }
      item.kind = WireItem::Kind::kChangeCipherSpec;
      item.summary = "ChangeCipherSpec";
      CheckAfterFatal(item);
      ProcessCcs(&item);
      items->push_back(std::move(item));
      return;
    }
    case kAlertRecord: {
      WireItem item;
      item.bytes = plain;
      item.wire = std::move(wire);
      Result<Alert> alert = Alert::Parse(plain);
      if (!alert.ok()) {
        item.summary = "Alert: " + alert.status().ToString();
        CheckAfterFatal(item);
        items->push_back(std::move(item));
        return;
      }
      item.kind = WireItem::Kind::kAlert;
      item.level = alert->level;
      item.alert = alert->description;
      item.summary = alert->Describe();
      CheckAfterFatal(item);
      if (alert->level == AlertLevel::kFatal) c.fatal_alert_received = true;
      items->push_back(std::move(item));
      return;
    }
    case kAppDataRecord: {
      WireItem item;
      item.kind = WireItem::Kind::kApplicationData;
      item.summary = "ApplicationData(" + std::to_string(plain.size()) + " bytes)";
      item.bytes = plain;
      item.wire = std::move(wire);
      CheckAfterFatal(item);
      CheckTamperAccepted(item.summary);
      // RFC 5246 7.4.9 / Figure 1: application data only after the sender's Finished.
      if (!c.table_off && !c.tracker.Complete() && !c.target_finished_seen) {
        AddViolation("order: illegal message", item.summary + " before the target's Finished");
        c.table_off = true;
      }
      items->push_back(std::move(item));
      return;
    }
    default: {
      WireItem item;
      item.kind = WireItem::Kind::kUnknownRecord;
      item.summary = "record of content type " + std::to_string(record.type) + " (" +
                     std::to_string(plain.size()) + " bytes)";
      item.bytes = plain;
      item.wire = std::move(wire);
      CheckAfterFatal(item);
      items->push_back(std::move(item));
      return;
    }
  }
}

void ScriptedPeerImpl::ProcessCcs(WireItem* item) {
  Conn& c = *conn_;
  CheckTamperAccepted("ChangeCipherSpec");
  if (peer_is_client_ && !c.resumed && c.key_exchange_done == false && c.server_hello &&
      !c.tracker.history().empty() &&
      c.tracker.history().back() ==
          FlowStep::Handshake(Side::kServer, HandshakeType::kServerHello)) {
    AddViolation("resumption: mismatch",
                 "the target answered with an abbreviated handshake (ChangeCipherSpec after "
                 "ServerHello) but the peer offered no session it could resume");
  }
  CheckOrder(FlowStep::Ccs(target_sender_), "ChangeCipherSpec");
  Status s = c.framer.OnKeyChange();
  if (!s.ok()) item->summary += " (handshake data pending across it: " + s.message() + ")";
  c.reader.set_protected(true);
  // RFC 5246 7.1, CVE-2014-0224: keys exist only after the key exchange (or resumption).
  if (!c.key_exchange_done) {
    AddViolation("ccs: before keys",
                 "the target sent ChangeCipherSpec before any key exchange; the peer keeps "
                 "reading plaintext");
    return;
  }
  if (c.read || !DeriveKeys().ok()) return;
  const TrafficKeys& keys = peer_is_client_ ? c.keys->server_write : c.keys->client_write;
  Result<std::unique_ptr<RecordProtection>> p =
      RecordProtection::Create(*c.suite, keys, c.rng.get());
  if (p.ok()) c.read = std::move(p).value();
}

void ScriptedPeerImpl::ProcessHandshake(const HandshakeMessage& m, Bytes wire,
                                        std::vector<WireItem>* items) {
  Conn& c = *conn_;
  WireItem item;
  item.kind = WireItem::Kind::kHandshake;
  item.bytes = m.encoded;
  item.wire = std::move(wire);
  HandshakeType type = static_cast<HandshakeType>(m.type);
  std::optional<MessageName> name = MessageNameOfType(type);
  item.message = name.value_or(MessageName::kRaw);

  ParseContext ctx;
  if (c.suite != nullptr) {
    ctx.key_exchange = WireKeyExchange(c.suite->key_exchange).value_or(KeyExchangeKind::kEcdhe);
  }
  Result<TypedHandshake> parsed =
      name ? ParseHandshakeMessage(type, m.body(), ctx)
           : Result<TypedHandshake>(Status::Error(
                 AlertDescription::kUnexpectedMessage,
                 "handshake type " + std::to_string(m.type) + " is not a TLS 1.2 message"));
  std::string label = name ? std::string(MessageNameString(*name)) : Describe(type);
  if (parsed.ok()) {
    item.summary = Describe(*parsed);
  } else {
    item.kind = WireItem::Kind::kUndecodable;
    item.summary = label + ": " + parsed.status().ToString();
  }
  CheckAfterFatal(item);
  CheckTamperAccepted(label);
  bool hello_request = type == HandshakeType::kHelloRequest;
  // RFC 5246 7.4.1.1: a server may send HelloRequest at any time; it is not a table step.
  if (!(hello_request && target_sender_ == Side::kServer)) {
    CheckOrder(FlowStep::Handshake(target_sender_, type), label);
  }

  // Checks on the transcript before this message: CertificateVerify and Finished.
  if (parsed.ok()) {
    if (const auto* fin = std::get_if<Finished>(&*parsed)) {
      c.target_finished_seen = true;
      Side sender = peer_is_client_ ? Side::kServer : Side::kClient;
      if (c.master_secret.empty()) {
        item.summary += " (not verified: the peer has no master secret)";
      } else if (Result<Bytes> expected = VerifyData(sender); expected.ok()) {
        // RFC 5246 7.4.9: recomputed from the transcript as seen on the wire.
        if (*expected == fin->verify_data) {
          c.target_finished_verified = true;
        } else {
          AddViolation("finished: verify_data",
                       "expected " + ToHex(*expected) + ", got " + ToHex(fin->verify_data));
        }
      }
    } else if (const auto* cv = std::get_if<CertificateVerify>(&*parsed)) {
      if (c.target_key) {
        Status s =
            VerifySignature(*c.target_key, cv->algorithm, c.transcript.messages(), cv->signature);
        if (!s.ok()) AddViolation("certificate_verify: signature", s.ToString());
      }
    }
  }
  // RFC 5246 7.4.1.1: HelloRequest is not part of the transcript.
  if (!hello_request) c.transcript.Add(m.encoded);

  if (parsed.ok()) {
    if (const auto* ch = std::get_if<ClientHello>(&*parsed)) {
      ProcessTargetClientHello(*ch);
    } else if (const auto* sh = std::get_if<ServerHello>(&*parsed)) {
      ProcessTargetServerHello(*sh);
    } else if (const auto* cert = std::get_if<Certificate>(&*parsed)) {
      c.target_chain = cert->certificate_list;
      c.target_key.reset();
      if (!cert->certificate_list.empty()) {
        auto key = PublicKeyFromCertificate(cert->certificate_list.front());
        if (key.ok()) {
          c.target_key = std::shared_ptr<const Botan::Public_Key>(std::move(key).value());
        } else {
          item.summary += " (leaf key: " + key.status().ToString() + ")";
        }
      }
      if (!peer_is_client_) c.tracker.Learn(kFlagClientCert, !cert->certificate_list.empty());
    } else if (const auto* ske = std::get_if<ServerKeyExchange>(&*parsed)) {
      if (const auto* ec = std::get_if<EcdhServerParams>(&ske->params)) c.target_ecdhe = *ec;
      if (c.target_key) {
        // RFC 5246 7.4.3: signed over client_random + server_random + params.
        Status s =
            VerifySignature(*c.target_key, ske->algorithm,
                            ske->SignedData(c.client_random, c.server_random), ske->signature);
        if (!s.ok()) AddViolation("server_key_exchange: signature", s.ToString());
      }
    } else if (const auto* cr = std::get_if<CertificateRequest>(&*parsed)) {
      c.certificate_request = *cr;
    } else if (const auto* cke = std::get_if<ClientKeyExchange>(&*parsed)) {
      std::string note = ProcessTargetKeyExchange(*cke);
      if (!note.empty()) item.summary += " (" + note + ")";
    } else if (const auto* nst = std::get_if<NewSessionTicket>(&*parsed)) {
      c.ticket = nst->ticket;
    } else if (std::holds_alternative<Finished>(*parsed)) {
      MaybeComplete();
    }
  }
  items->push_back(std::move(item));
}

void ScriptedPeerImpl::ProcessTargetClientHello(const ClientHello& ch) {
  Conn& c = *conn_;
  c.client_hello = ch;
  c.client_random = ch.random;
  // RFC 7627 5.1 (checklist 55): a client implementing EMS sends it in every ClientHello.
  if (scenario_.target.extended_master_secret != EmsPolicy::kDisabled &&
      !HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret)) {
    AddViolation("ems: not offered",
                 "the target's ClientHello has no extended_master_secret extension");
  }
  // RFC 5746 3.4 (checklist 49): an empty renegotiation_info or the SCSV.
  if (!HasExt(ch.extensions, ExtensionType::kRenegotiationInfo) &&
      !Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv)) {
    AddViolation("renegotiation_info: not offered",
                 "the target's initial ClientHello has neither renegotiation_info nor the SCSV");
  }
}

void ScriptedPeerImpl::ProcessTargetServerHello(const ServerHello& sh) {
  Conn& c = *conn_;
  c.server_hello = sh;
  c.server_random = sh.random;
  c.suite = FindCipherSuite(sh.cipher_suite);
  if (c.suite != nullptr) (void)c.transcript.SetAlgorithm(PrfFor(c.suite->prf));
  if (!c.client_hello) {
    Learn(sh);
    return;
  }
  const ClientHello& ch = *c.client_hello;
  // RFC 5246 7.4.1.3 (checklist 34).
  if (!Contains(ch.cipher_suites, sh.cipher_suite)) {
    AddViolation("negotiation: suite not offered",
                 "the target selected " + Describe(Registry::kCipherSuite, sh.cipher_suite) +
                     ", which the peer did not offer");
  }
  // RFC 5246 7.4.1.4 (checklist 33): nothing the client did not ask for, except an RI
  // answering the SCSV (RFC 5746 3.6).
  if (sh.extensions) {
    for (const Extension& e : sh.extensions->list()) {
      bool offered = ch.extensions && ch.extensions->FindRaw(e.type) != nullptr;
      if (e.type == static_cast<uint16_t>(ExtensionType::kRenegotiationInfo) &&
          Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv)) {
        offered = true;
      }
      if (offered) continue;
      bool ems = e.type == static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret);
      AddViolation(ems ? "ems: unsolicited" : "extensions: unsolicited",
                   "the ServerHello carries " + Describe(Registry::kExtensionType, e.type) +
                       ", which the ClientHello did not offer");
    }
  }
  bool ch_ems = HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret);
  bool sh_ems = HasExt(sh.extensions, ExtensionType::kExtendedMasterSecret);
  c.ems = ch_ems && sh_ems;
  c.resumed = c.offer.has_value() && !ch.session_id.empty() && sh.session_id == ch.session_id;
  if (c.resumed) {
    // RFC 5246 7.4.1.2, RFC 7627 5.3 (checklist 25, 34, 56; CVE-2010-4180).
    if (sh.cipher_suite != c.offer->cipher_suite || c.ems != c.offer->extended_master_secret) {
      AddViolation("resumption: mismatch",
                   "the target resumed a session cached with suite " +
                       Describe(Registry::kCipherSuite, c.offer->cipher_suite) + ", EMS " +
                       (c.offer->extended_master_secret ? "on" : "off") + " using suite " +
                       Describe(Registry::kCipherSuite, sh.cipher_suite) + ", EMS " +
                       (c.ems ? "on" : "off"));
    }
    c.master_secret = c.offer->master_secret;
    c.target_chain = c.offer->peer_chain;
    c.key_exchange_done = true;
    (void)DeriveKeys();
  } else if (ch_ems && !sh_ems && scenario_.target.extended_master_secret != EmsPolicy::kDisabled) {
    // RFC 7627 5.2 (checklist 55): a server implementing EMS MUST echo it.
    AddViolation("ems: not echoed",
                 "the ClientHello offered extended_master_secret and the ServerHello omits it");
  }
  Learn(sh);
}

std::string ScriptedPeerImpl::ProcessTargetKeyExchange(const ClientKeyExchange& cke) {
  Conn& c = *conn_;
  c.key_exchange_done = true;
  if (cke.kind == KeyExchangeKind::kRsa) {
    if (!rsa_transport_) {
      Result<RsaKeyTransportServer> t =
          RsaKeyTransportServer::Create(resources_.pki->rsa_server.key, *c.rng);
      if (!t.ok()) return "RSA decryptor: " + t.status().ToString();
      rsa_transport_.emplace(std::move(t).value());
    }
    uint16_t version = static_cast<uint16_t>(c.client_hello ? c.client_hello->client_version
                                                            : ProtocolVersion::kTls12);
    // RFC 5246 7.4.7.1: a bad block silently becomes a random secret; the Finished tells.
    c.pre_master_secret =
        rsa_transport_->DecryptPreMasterSecret(cke.exchange_keys, version, *c.rng);
  } else if (cke.kind == KeyExchangeKind::kEcdhe) {
    if (!c.own_ecdhe) return "no ServerKeyExchange was sent: no key to agree with";
    Result<Bytes> pms = c.own_ecdhe->Agree(cke.exchange_keys);
    if (!pms.ok()) return "key agreement: " + pms.status().ToString();
    c.pre_master_secret = std::move(pms).value();
  } else {
    return "DHE is not implemented by the peer";
  }
  ComputeMasterSecret();
  return "";
}

// ---------------------------------------------------------------------------------------
// Keys and completion

void ScriptedPeerImpl::ComputeMasterSecret() {
  Conn& c = *conn_;
  if (c.suite == nullptr || c.pre_master_secret.empty()) return;
  PrfAlgorithm prf = PrfFor(c.suite->prf);
  Result<Bytes> ms = Status::Error(AlertDescription::kInternalError, "unset");
  if (c.ems) {
    // RFC 7627 4: session_hash = Hash(ClientHello .. ClientKeyExchange).
    Result<Bytes> hash = c.transcript.Hash(prf);
    if (!hash.ok()) return;
    ms = ComputeExtendedMasterSecret(prf, c.pre_master_secret, *hash);
  } else {
    ms = shakedown::ComputeMasterSecret(prf, c.pre_master_secret, View(c.client_random),
                                        View(c.server_random));
  }
  if (ms.ok()) c.master_secret = std::move(ms).value();
  c.keys.reset();
  (void)DeriveKeys();
}

Status ScriptedPeerImpl::DeriveKeys() {
  Conn& c = *conn_;
  if (c.keys) return Status::Ok();
  if (c.suite == nullptr || c.master_secret.empty()) {
    return InternalError("no suite or master secret");
  }
  SD_ASSIGN_OR_RETURN(Bytes block, ComputeKeyBlock(*c.suite, c.master_secret, View(c.client_random),
                                                   View(c.server_random)));
  SD_ASSIGN_OR_RETURN(KeyBlock keys, SplitKeyBlock(*c.suite, block));
  c.keys = std::move(keys);
  return Status::Ok();
}

Result<Bytes> ScriptedPeerImpl::VerifyData(Side sender) {
  Conn& c = *conn_;
  PrfAlgorithm prf = c.suite != nullptr ? PrfFor(c.suite->prf) : PrfAlgorithm::kSha256;
  // No master secret (a Finished sent before any key exchange): PRF over 48 zero bytes,
  // a well-formed Finished that no correct target can accept.
  Bytes ms = c.master_secret.empty() ? Bytes(kMasterSecretLength, 0) : c.master_secret;
  SD_ASSIGN_OR_RETURN(Bytes hash, c.transcript.Hash(prf));
  return ComputeVerifyData(prf, ms, sender, hash);
}

void ScriptedPeerImpl::Learn(const ServerHello& sh) {
  Conn& c = *conn_;
  c.tracker.Learn(kFlagFull, !c.resumed);
  if (c.suite != nullptr) c.tracker.Learn(kFlagEcdhe, c.suite->IsEcdhe());
  // RFC 5077 3.2: the empty session_ticket extension announces a NewSessionTicket.
  c.tracker.Learn(kFlagTicket, HasExt(sh.extensions, ExtensionType::kSessionTicket));
}

void ScriptedPeerImpl::MaybeComplete() {
  Conn& c = *conn_;
  if (!c.pending_resumption_mismatch.empty() && c.target_finished_seen) {
    AddViolation("resumption: mismatch",
                 "the target accepted an abbreviated handshake: " + c.pending_resumption_mismatch);
    c.pending_resumption_mismatch.clear();
  }
  if (c.completed || !c.own_finished_sent || c.own_finished_tampered ||
      !c.target_finished_verified || c.suite == nullptr || !c.server_hello) {
    return;
  }
  c.completed = true;
  Session s;
  s.session_id = c.server_hello->session_id;
  s.version = c.server_hello->server_version;
  s.cipher_suite = c.suite->id;
  s.master_secret = c.master_secret;
  s.extended_master_secret = c.ems;
  s.peer_chain = c.target_chain;
  s.server_name = scenario_.peer.server_name;
  s.ticket = c.ticket;
  if (peer_is_client_) {
    last_session_ = s;
  } else {
    if (!s.session_id.empty()) cache_by_id_[s.session_id] = s;
    if (!s.ticket.empty()) cache_by_ticket_[s.ticket] = s;
  }
  view_.session = s;
}

void ScriptedPeerImpl::RefreshView() {
  const Conn& c = *conn_;
  view_.handshake_complete = c.completed;
  view_.resumed = c.resumed;
  if (c.server_hello) {
    view_.version = c.server_hello->server_version;
    view_.cipher_suite = c.server_hello->cipher_suite;
    view_.session_id = c.server_hello->session_id;
    view_.server_random = ToBytes(c.server_random);
  }
  if (c.client_hello) view_.client_random = ToBytes(c.client_random);
  view_.extended_master_secret = c.ems;
  view_.master_secret = c.master_secret;
}

}  // namespace

Result<std::unique_ptr<ScriptedPeer>> ScriptedPeer::Create(const Scenario& scenario,
                                                           const PeerResources& resources) {
  if (!resources.pki) return InternalError("ScriptedPeer: no PKI in the resources");
  return std::unique_ptr<ScriptedPeer>(new ScriptedPeerImpl(scenario, resources));
}

}  // namespace shakedown
