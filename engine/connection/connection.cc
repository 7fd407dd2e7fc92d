// The role-independent half of the connection: Connection::Create, the input loop (record
// layer -> table check -> the role's handler for the step), alerts, application data and
// closure.
#include <algorithm>
#include <string>
#include <utility>

#include <botan/rng.h>

#include "engine/connection/connection_internal.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/signature.h"
#include "engine/wire/extensions.h"
#include "engine/wire/record.h"

namespace shakedown {

Status UnexpectedMessage(std::string message) {
  return Status::Error(AlertDescription::kUnexpectedMessage, std::move(message));
}
Status HandshakeFailure(std::string message) {
  return Status::Error(AlertDescription::kHandshakeFailure, std::move(message));
}
Status ProtocolVersionError(std::string message) {
  return Status::Error(AlertDescription::kProtocolVersion, std::move(message));
}
Status DecryptError(std::string message) {
  return Status::Error(AlertDescription::kDecryptError, std::move(message));
}

AlertDescription AlertToSend(const Status& status) {
  switch (status.alert()) {
    // checklist 11: RFC 5246 7.2.2 reserves these; their modern equivalents go out instead.
    case AlertDescription::kDecryptionFailed: return AlertDescription::kBadRecordMac;
    case AlertDescription::kNoCertificate: return AlertDescription::kHandshakeFailure;
    case AlertDescription::kExportRestriction: return AlertDescription::kInsufficientSecurity;
    case AlertDescription::kCloseNotify: return AlertDescription::kInternalError;
    default: return status.alert();
  }
}

// ---- Create ----

Result<std::unique_ptr<Connection>> Connection::Create(Config config, Environment env) {
  if (env.rng == nullptr) return InternalError("Environment.rng is required");
  if (config.min_version != ProtocolVersion::kTls12 ||
      config.max_version != ProtocolVersion::kTls12) {
    return InternalError("Config: only TLS 1.2 is implemented (min_version = max_version = "
                         "TLSv1.2)");
  }
  if (config.cipher_suites.empty()) return InternalError("Config.cipher_suites is empty");
  for (uint16_t id : config.cipher_suites) {
    const CipherSuiteInfo* suite = FindCipherSuite(id);
    if (suite == nullptr || !suite->engine_supported) {
      return InternalError("Config.cipher_suites: " + Describe(Registry::kCipherSuite, id) +
                           " is not supported by the engine");
    }
  }
  for (NamedGroup group : config.groups) {
    if (!IsSupportedEcdheGroup(group) && !IsSupportedFfdheGroup(group)) {
      return InternalError("Config.groups: " +
                           Describe(Registry::kNamedGroup, static_cast<uint16_t>(group)) +
                           " is not supported");
    }
  }
  if (config.min_dh_bits < 1024 || config.min_dh_bits > 8192) {
    return InternalError("Config.min_dh_bits: " + std::to_string(config.min_dh_bits) +
                         " is outside [1024, 8192]");
  }
  if (config.max_fragment_length != 0 &&
      MaxFragmentLengthExt::CodeFor(config.max_fragment_length) == 0) {
    return InternalError(
        "Config.max_fragment_length: " + std::to_string(config.max_fragment_length) +
        " is not 512, 1024, 2048 or 4096 (RFC 6066 4)");
  }
  if (config.record_size_limit != 0 && (config.record_size_limit < kMinRecordSizeLimit ||
                                        config.record_size_limit > kMaxPlaintextLength)) {
    return InternalError("Config.record_size_limit: " + std::to_string(config.record_size_limit) +
                         " is outside [64, 16384] (RFC 8449 4)");
  }
  if (config.max_handshake_message_size < 1024) {
    return InternalError("Config.max_handshake_message_size is too small");
  }
  std::shared_ptr<SharedContext> shared = env.shared;
  if (shared == nullptr) {
    SD_ASSIGN_OR_RETURN(shared, SharedContext::Create(config, *env.rng));
  }
  if (config.role == Side::kServer) {
    bool usable = false;
    for (uint16_t id : config.cipher_suites) {
      const CipherSuiteInfo* suite = FindCipherSuite(id);
      CertKeyType needed =
          suite->key_exchange == KeyExchange::kEcdheEcdsa ? CertKeyType::kEcdsa : CertKeyType::kRsa;
      usable = usable || shared->CredentialOfType(needed) != nullptr;
    }
    if (!usable) {
      return InternalError("Config: the server has no credential for any configured suite");
    }
    return std::unique_ptr<Connection>(
        NewServerConnection(std::move(config), std::move(env), std::move(shared)));
  }
  return std::unique_ptr<Connection>(
      NewClientConnection(std::move(config), std::move(env), std::move(shared)));
}

// ---- ConnectionBase ----

ConnectionBase::ConnectionBase(Config config, Environment env,
                               std::shared_ptr<SharedContext> shared)
    : config_(std::move(config)),
      env_(std::move(env)),
      shared_(std::move(shared)),
      records_(config_.max_handshake_message_size) {}

ConnectionBase::~ConnectionBase() = default;

std::string_view ConnectionBase::state() const {
  if (dead_) return failure_.has_value() ? "Failed" : "Closed";
  return StateName();
}

std::string_view ConnectionBase::StateName() const {
  // node_ is kNone only if the tracker and the graph disagreed, which AdvanceTable prevents.
  if (node_ == HandshakeGraph::kNone) return "off the table";
  return HandshakeGraph::Tls12().nodes()[node_].name;
}

bool ConnectionBase::AdvanceTable(const FlowStep& step) {
  const std::string_view from = StateName();
  if (!tracker_.Advance(step)) return false;
  node_ = HandshakeGraph::Tls12().Child(node_, step);
  if (env_.observer != nullptr) env_.observer->OnStateChange(from, StateName());
  return true;
}

Bytes ConnectionBase::TakeOutput() { return records_.TakeOutput(); }

std::vector<Event> ConnectionBase::TakeEvents() {
  std::vector<Event> out = std::move(events_);
  events_.clear();
  return out;
}

Bytes ConnectionBase::RandomBytes(size_t n) {
  Bytes out(n);
  env_.rng->randomize(out.data(), out.size());
  return out;
}

KeyExchangeKind ConnectionBase::WireKind() const {
  // Before ServerHello no message needs it; the parser's default is as good as any.
  if (negotiated_.suite == nullptr) return KeyExchangeKind::kEcdhe;
  return WireKeyExchange(negotiated_.suite->key_exchange).value_or(KeyExchangeKind::kEcdhe);
}

std::vector<SignatureScheme> ConnectionBase::OurSignatureSchemes() const {
  std::vector<SignatureScheme> out;
  for (SignatureScheme s : config_.signature_schemes) {
    if (IsSupportedSignatureScheme(s)) out.push_back(s);
  }
  return out;
}

// ---- Input ----

void ConnectionBase::ReceiveBytes(ByteView data) {
  ByteView input = data;
  while (!dead_) {
    Result<std::optional<Inbound>> next = records_.Next(&input);
    if (!next.ok()) return Fail(next.status());
    if (!next->has_value()) break;
    Status status = Process(std::move(**next));
    if (!status.ok()) return Fail(status);
    // Each unit's answer (a whole flight) goes out before the next unit is looked at, so the
    // bytes sent do not depend on how the input was chunked.
    if (!dead_) {
      status = records_.Flush();
      if (!status.ok()) return Fail(status);
    }
  }
}

Status ConnectionBase::Process(Inbound unit) {
  switch (unit.kind) {
    case Inbound::Kind::kHandshake:
      warning_alerts_ = 0;
      return ProcessHandshake(unit.handshake_type, unit.data);
    case Inbound::Kind::kChangeCipherSpec:
      warning_alerts_ = 0;
      return ProcessChangeCipherSpec(unit.data);
    case Inbound::Kind::kAlert:
      return ProcessAlert(unit.data);
    case Inbound::Kind::kApplicationData:
      warning_alerts_ = 0;
      return ProcessApplicationData(std::move(unit.data));
    case Inbound::Kind::kHeartbeat:
      return ProcessHeartbeat(unit.data);
  }
  return InternalError("unknown inbound unit");
}

Status ConnectionBase::ProcessHandshake(uint8_t type, ByteView encoded) {
  if (handshake_complete_ && !renegotiating_) return OnPostHandshakeMessage(type, encoded);
  const ByteView body = encoded.subview(kHandshakeHeaderLength);
  const HandshakeType htype = static_cast<HandshakeType>(type);
  if (htype == HandshakeType::kHelloRequest && IgnoresHelloRequestDuringHandshake()) {
    // RFC 5246 7.4.1.1: "This message will be ignored by the client if the client is currently
    // negotiating a session", and it is not part of handshake_messages (7.4.9; checklist 20).
    SD_RETURN_IF_ERROR(HelloRequest::Parse(body).status());
    if (env_.observer != nullptr) {
      env_.observer->OnMessage(Direction::kReceived, FlowStep::Handshake(peer(), htype), encoded,
                               transcript_.messages().size());
    }
    return Status::Ok();
  }
  // RFC 5246 7.4 (checklist 15): the table decides before anything of the message is used.
  const FlowStep step = FlowStep::Handshake(peer(), htype);
  if (!AdvanceTable(step)) {
    std::string legal;
    for (const FlowStep& s : tracker_.LegalNext()) legal += (legal.empty() ? "" : ", ") + s.ToString();
    return UnexpectedMessage(step.ToString() + " is not allowed here (RFC 5246 7.3); expected " +
                             (legal.empty() ? std::string("nothing from the peer") : legal));
  }
  if (env_.observer != nullptr) {
    env_.observer->OnMessage(Direction::kReceived, step, encoded, transcript_.messages().size());
  }
  ParseContext context;
  context.key_exchange = WireKind();
  Result<TypedHandshake> message = ParseHandshakeMessage(htype, body, context);
  if (!message.ok()) return message.status();
  return OnPeerStep(PeerStep{step, &*message, encoded});
}

Status ConnectionBase::ProcessChangeCipherSpec(ByteView body) {
  // RFC 5246 7.1 (checklist 17, CVE-2014-0224): ChangeCipherSpec only where the table has it;
  // after the handshake there is no place for one.
  const FlowStep step = FlowStep::Ccs(peer());
  if ((handshake_complete_ && !renegotiating_) || !AdvanceTable(step)) {
    return UnexpectedMessage(step.ToString() + " is not allowed here (RFC 5246 7.1)");
  }
  // checklist 16: exactly one byte of value 1 (unexpected_message otherwise, as tlsfuzzer
  // test-ccs expects; ChangeCipherSpec::Parse names it).
  SD_RETURN_IF_ERROR(ChangeCipherSpec::Parse(body).status());
  if (env_.observer != nullptr) {
    env_.observer->OnMessage(Direction::kReceived, step, body, transcript_.messages().size());
  }
  return OnPeerStep(PeerStep{step, nullptr, body});
}

Status ConnectionBase::ProcessAlert(ByteView body) {
  SD_ASSIGN_OR_RETURN(Alert alert, Alert::Parse(body));  // checklist 14: decode_error
  if (alert.level != AlertLevel::kWarning && alert.level != AlertLevel::kFatal) {
    return IllegalParameter("Alert.level: " + std::to_string(static_cast<int>(alert.level)) +
                            " is neither warning(1) nor fatal(2) (RFC 5246 7.2)");
  }
  EmitAlert(Direction::kReceived, alert.level, alert.description, "");
  if (alert.level == AlertLevel::kFatal) {
    // RFC 5246 7.2.2: close at once, forget the session.
    failure_ = Status::Error(alert.description, "received fatal alert " + alert.Describe());
    Die();
    return Status::Ok();
  }
  if (alert.description == AlertDescription::kCloseNotify) {
    // RFC 5246 7.2.1 (checklist 13): answer with our own close_notify and close; anything
    // still unsent is discarded.
    records_.DiscardPendingHandshake();
    if (!close_sent_) {
      close_sent_ = true;
      WriteAlert(AlertLevel::kWarning, AlertDescription::kCloseNotify);
      EmitAlert(Direction::kSent, AlertLevel::kWarning, AlertDescription::kCloseNotify, "");
    }
    Die();
    return Status::Ok();
  }
  // Other warnings (user_canceled, no_renegotiation, ...) change nothing, but a stream of them
  // is a denial of service (checklist 14, CVE-2016-8610).
  if (++warning_alerts_ > kMaxConsecutiveWarningAlerts) {
    return UnexpectedMessage("more than " + std::to_string(kMaxConsecutiveWarningAlerts) +
                             " consecutive warning alerts");
  }
  return Status::Ok();
}

Status ConnectionBase::ProcessApplicationData(Bytes data) {
  // RFC 5246 7.4.9 / 10: application data only under the keys the handshake agreed.
  if (!handshake_complete_) {
    return UnexpectedMessage("application data before the handshake is complete");
  }
  // During a renegotiation application data may go on under the old keys, but the Finished
  // is the first record under the new ones (RFC 5246 7.4.9).
  if (renegotiating_ && !tracker_.history().empty() && tracker_.history().back() == FlowStep::Ccs(peer())) {
    return UnexpectedMessage("application data between the peer's ChangeCipherSpec and its "
                             "Finished (RFC 5246 7.4.9)");
  }
  if (data.empty()) return Status::Ok();  // allowed (checklist 4); nothing to deliver
  Event event;
  event.type = EventType::kApplicationData;
  event.data = std::move(data);
  events_.push_back(std::move(event));
  return Status::Ok();
}

// ---- Output ----

Status ConnectionBase::WriteHandshakeBytes(HandshakeType type, ByteView encoded) {
  const FlowStep step = FlowStep::Handshake(self(), type);
  // Our own steps follow the table too: a failure here is an engine bug.
  if (!AdvanceTable(step)) {
    return InternalError("engine tried to send " + step.ToString() + " out of order");
  }
  if (env_.observer != nullptr) {
    env_.observer->OnMessage(Direction::kSent, step, encoded, transcript_.messages().size());
  }
  transcript_.Add(encoded);
  records_.QueueHandshake(encoded);
  return Status::Ok();
}

Status ConnectionBase::WriteChangeCipherSpec() {
  const FlowStep step = FlowStep::Ccs(self());
  if (!AdvanceTable(step)) {
    return InternalError("engine tried to send ChangeCipherSpec out of order");
  }
  const uint8_t body[1] = {ChangeCipherSpec::kValue};
  if (env_.observer != nullptr) {
    env_.observer->OnMessage(Direction::kSent, step, ByteView(body, 1),
                             transcript_.messages().size());
  }
  SD_RETURN_IF_ERROR(records_.WriteRecord(ContentType::kChangeCipherSpec, ByteView(body, 1)));
  return records_.ChangeWriteCipher(std::move(pending_write_));
}

Status ConnectionBase::WriteFinished() {
  SD_ASSIGN_OR_RETURN(Bytes hash, transcript_.Hash(prf_));
  Finished finished;
  SD_ASSIGN_OR_RETURN(finished.verify_data,
                      ComputeVerifyData(prf_, negotiated_.master_secret,
                                        self() == Side::kClient ? Side::kClient
                                                                  : Side::kServer,
                                        hash));
  verify_data_[self() == Side::kClient ? 0 : 1] = finished.verify_data;
  return WriteHandshake(finished);
}

Status ConnectionBase::ReadPeerFinished(const Finished& finished, ByteView encoded) {
  SD_ASSIGN_OR_RETURN(Bytes hash, transcript_.Hash(prf_));
  SD_ASSIGN_OR_RETURN(Bytes expected,
                      ComputeVerifyData(prf_, negotiated_.master_secret,
                                        peer() == Side::kClient ? Side::kClient
                                                                  : Side::kServer,
                                        hash));
  // Constant time: the comparison must not tell an attacker how many bytes matched.
  uint8_t diff = expected.size() == finished.verify_data.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size() && i < finished.verify_data.size(); ++i) {
    diff |= expected[i] ^ finished.verify_data[i];
  }
  if (diff != 0) {
    // RFC 5246 7.4.9 / 7.2.2 (checklist 46): a Finished that does not verify is decrypt_error.
    return DecryptError("Finished.verify_data does not match the transcript (RFC 5246 7.4.9)");
  }
  verify_data_[peer() == Side::kClient ? 0 : 1] = finished.verify_data;
  transcript_.Add(encoded);
  return Status::Ok();
}

Status ConnectionBase::InstallReadKeys() {
  if (pending_read_ == nullptr) {
    return InternalError("ChangeCipherSpec allowed by the table before keys exist");
  }
  return records_.ChangeReadCipher(std::move(pending_read_));
}

void ConnectionBase::ApplyRecordLimits() {
  auto or_max = [](size_t limit) { return limit != 0 ? limit : kMaxPlaintextLength; };
  records_.set_max_fragment_length(or_max(negotiated_.max_fragment_length));
  records_.set_pending_record_size_limits(or_max(negotiated_.record_size_limit),
                                          or_max(negotiated_.peer_record_size_limit));
}

Status ConnectionBase::SetSuite(const CipherSuiteInfo* suite) {
  negotiated_.suite = suite;
  prf_ = PrfFor(suite->prf);
  SD_RETURN_IF_ERROR(transcript_.SetAlgorithm(prf_));
  records_.set_expected_version(static_cast<uint16_t>(negotiated_.version));
  records_.set_record_version(static_cast<uint16_t>(negotiated_.version));
  return Status::Ok();
}

Status ConnectionBase::DeriveMasterSecret(ByteView pre_master_secret) {
  const Bytes& cr = negotiated_.client_random;
  if (env_.observer != nullptr) env_.observer->OnSecret("PRE_MASTER_SECRET", cr, pre_master_secret);
  // RFC 7627 4 reads the transcript up to the ClientKeyExchange: callers run this right after
  // it entered the transcript (before any CertificateVerify).
  SD_ASSIGN_OR_RETURN(negotiated_.master_secret,
                      ComputeMasterSecret(prf_, pre_master_secret,
                                          negotiated_.extended_master_secret, cr,
                                          negotiated_.server_random, transcript_));
  if (env_.observer != nullptr) {
    env_.observer->OnSecret("CLIENT_RANDOM", cr, negotiated_.master_secret);
  }
  return Status::Ok();
}

Status ConnectionBase::DeriveTrafficKeys() {
  const CipherSuiteInfo& suite = *negotiated_.suite;
  SD_ASSIGN_OR_RETURN(Bytes block, ComputeKeyBlock(suite, negotiated_.master_secret,
                                                   negotiated_.client_random,
                                                   negotiated_.server_random));
  if (env_.observer != nullptr) {
    env_.observer->OnSecret("KEY_BLOCK", negotiated_.client_random, block);
  }
  SD_ASSIGN_OR_RETURN(KeyBlock keys, SplitKeyBlock(suite, block));
  const bool client = config_.role == Side::kClient;
  SD_ASSIGN_OR_RETURN(pending_write_,
                      RecordProtection::Create(suite, client ? keys.client_write : keys.server_write,
                                               env_.rng, negotiated_.encrypt_then_mac));
  SD_ASSIGN_OR_RETURN(pending_read_,
                      RecordProtection::Create(suite, client ? keys.server_write : keys.client_write,
                                               env_.rng, negotiated_.encrypt_then_mac));
  return Status::Ok();
}

Status ConnectionBase::FinishHandshake() {
  if (!tracker_.Complete()) {
    return InternalError("handshake ended before its flow in the table was complete");
  }
  handshake_complete_ = true;
  if (renegotiating_) {
    renegotiating_ = false;
    negotiated_.renegotiations = previous_.renegotiations + 1;
  }
  // RFC 5746 3.6: "When the handshake has completed, the server needs to save the
  // client_verify_data and server_verify_data values for future use" (3.4: the client too).
  saved_verify_data_[0] = verify_data_[0];
  saved_verify_data_[1] = verify_data_[1];
  Event event;
  event.type = EventType::kHandshakeComplete;
  events_.push_back(std::move(event));
  // A test target told to renegotiate does so once, right away, if it may.
  if (config_.renegotiation == RenegotiationPolicy::kInitiate && negotiated_.renegotiations == 0 &&
      RenegotiationRefusal(/*by_peer=*/false).empty()) {
    return WriteRenegotiationRequest();
  }
  return Status::Ok();
}

// ---- Renegotiation ----

std::string ConnectionBase::RenegotiationRefusal(bool by_peer) const {
  if (config_.renegotiation == RenegotiationPolicy::kRefuse) return "renegotiation is disabled";
  if (dead_ || close_sent_) return "the connection is closed";
  if (!handshake_complete_ || renegotiating_) return "a handshake is under way";
  // RFC 5746 4.2 / 4.4: "It is RECOMMENDED that clients refuse this renegotiation request" and
  // "that servers not permit legacy renegotiation".
  if (!negotiated_.secure_renegotiation) {
    return "the peer did not show RFC 5746 support (no legacy renegotiation)";
  }
  if (by_peer && peer_renegotiations_ >= kMaxPeerRenegotiations) {
    return "the peer already started " + std::to_string(kMaxPeerRenegotiations) +
           " renegotiations on this connection";
  }
  return "";
}

void ConnectionBase::BeginRenegotiation(bool by_peer) {
  if (by_peer) ++peer_renegotiations_;
  previous_ = negotiated_;
  renegotiating_ = true;
  tracker_ = HandshakeTracker();
  node_ = HandshakeGraph::kStart;
  transcript_ = Transcript();
  negotiated_ = Negotiated();
  negotiated_.renegotiations = previous_.renegotiations;
  pending_read_.reset();
  pending_write_.reset();
  peer_leaf_.reset();
  verify_data_[0].clear();
  verify_data_[1].clear();
  ResetHandshakeState();
}

Bytes ConnectionBase::RenegotiatedConnection(HandshakeType hello) const {
  if (!renegotiating_) return Bytes();
  Bytes out = saved_verify_data(Side::kClient);
  if (hello == HandshakeType::kServerHello) {
    const Bytes& server = saved_verify_data(Side::kServer);
    out.insert(out.end(), server.begin(), server.end());
  }
  return out;
}

Status ConnectionBase::Renegotiate() {
  const std::string refusal = RenegotiationRefusal(/*by_peer=*/false);
  if (!refusal.empty()) return InternalError("Renegotiate: " + refusal);
  Status status = WriteRenegotiationRequest();
  if (status.ok()) status = records_.Flush();
  if (!status.ok()) Fail(status);
  return status;
}

Status ConnectionBase::WriteHelloRequest() {
  // RFC 5246 7.4.1.1: not part of the handshake (not in the table or the transcript).
  SD_ASSIGN_OR_RETURN(Bytes encoded, SerializeHandshake(HelloRequest{}));
  if (env_.observer != nullptr) {
    env_.observer->OnMessage(Direction::kSent,
                             FlowStep::Handshake(self(), HandshakeType::kHelloRequest), encoded,
                             transcript_.messages().size());
  }
  records_.QueueHandshake(encoded);
  return Status::Ok();
}

Session ConnectionBase::MakeSession() const {
  Session s;
  s.session_id = negotiated_.session_id;
  s.version = negotiated_.version;
  s.cipher_suite = negotiated_.suite != nullptr ? negotiated_.suite->id : 0;
  s.master_secret = negotiated_.master_secret;
  s.extended_master_secret = negotiated_.extended_master_secret;
  s.encrypt_then_mac = negotiated_.encrypt_then_mac;
  s.peer_chain = negotiated_.peer_chain;
  s.server_name = negotiated_.server_name;
  s.created_at = Now();
  return s;
}

Result<std::shared_ptr<PeerCertificate>> ConnectionBase::AcceptPeerChain(
    const Certificate& certificate) {
  SD_ASSIGN_OR_RETURN(std::shared_ptr<PeerCertificate> leaf,
                      shared_->PeerLeaf(certificate.certificate_list.front()));
  // A client checks the server's identity against the name it asked for (its SNI).
  const bool peer_is_server = peer() == Side::kServer;
  SD_RETURN_IF_ERROR(shared_->ValidateChain(certificate.certificate_list, Now(), peer_is_server,
                                            peer_is_server ? config_.server_name : ""));
  negotiated_.peer_chain = certificate.certificate_list;
  peer_leaf_ = leaf;
  return leaf;
}

Status ConnectionBase::SendWarningAlert(AlertDescription description) {
  WriteAlert(AlertLevel::kWarning, description);
  EmitAlert(Direction::kSent, AlertLevel::kWarning, description, "");
  return Status::Ok();
}

Status ConnectionBase::SendApplicationData(ByteView data) {
  if (dead_ || close_sent_) return InternalError("SendApplicationData: the connection is closed");
  if (!handshake_complete_) {
    return InternalError("SendApplicationData: the handshake is not complete");
  }
  return records_.WriteRecord(ContentType::kApplicationData, data);
}

Status ConnectionBase::SendRawRecordForTesting(uint8_t type, ByteView payload) {
  return records_.WriteRecord(type, payload);
}

void ConnectionBase::ReceiveEof() {
  // RFC 5246 7.2.1: as of TLS 1.1 a connection closed without close_notify no longer makes
  // its session unresumable, so only the connection ends.
  Die();
}

void ConnectionBase::Close() {
  if (dead_ || close_sent_) return;
  // RFC 5246 7.2.1: close_notify; pending handshake bytes are dropped.
  records_.DiscardPendingHandshake();
  close_sent_ = true;
  WriteAlert(AlertLevel::kWarning, AlertDescription::kCloseNotify);
  EmitAlert(Direction::kSent, AlertLevel::kWarning, AlertDescription::kCloseNotify, "");
  // A handshake cannot continue after close_notify; after it, wait for the peer's reply.
  if (!handshake_complete_) Die();
}

// ---- Alerts and death ----

void ConnectionBase::WriteAlert(AlertLevel level, AlertDescription description) {
  const uint8_t body[2] = {static_cast<uint8_t>(level), static_cast<uint8_t>(description)};
  Status written = records_.WriteRecord(ContentType::kAlert, ByteView(body, 2));
  (void)written;  // nothing better to do if even the alert cannot be sealed
}

void ConnectionBase::EmitAlert(Direction direction, AlertLevel level,
                               AlertDescription description, std::string detail) {
  Event event;
  event.type = direction == Direction::kSent ? EventType::kAlertSent : EventType::kAlertReceived;
  event.level = level;
  event.alert = description;
  event.detail = std::move(detail);
  events_.push_back(std::move(event));
  if (env_.observer != nullptr) env_.observer->OnAlert(direction, level, description);
}

void ConnectionBase::Fail(const Status& status) {
  if (dead_) return;
  // RFC 5246 7.2.2: send the alert the failure maps to, fatal, then nothing more.
  const AlertDescription alert = AlertToSend(status);
  records_.DiscardPendingHandshake();
  WriteAlert(AlertLevel::kFatal, alert);
  EmitAlert(Direction::kSent, AlertLevel::kFatal, alert, status.message());
  failure_ = status;
  Die();
}

void ConnectionBase::Die() {
  if (dead_) return;
  std::string from(StateName());
  dead_ = true;
  if (failure_.has_value()) ForgetSession();  // RFC 5246 7.2.2
  Event event;
  event.type = EventType::kClosed;
  events_.push_back(std::move(event));
  if (env_.observer != nullptr) env_.observer->OnStateChange(from, state());
}

}  // namespace shakedown
