// The server side of the TLS 1.2 handshake (RFC 5246 7.3): one handler per step the client
// takes in the handshake table, named after the message it reads (Handlers() below). The table
// (ConnectionBase::ProcessHandshake) has already allowed every message that arrives.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <botan/pk_keys.h>

#include "engine/connection/connection_internal.h"
#include "engine/connection/hello_extensions.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/signature.h"

namespace shakedown {
namespace {

using HT = HandshakeType;

class ServerConnection final : public ConnectionBase {
 public:
  using ConnectionBase::ConnectionBase;

  void Start() override {}  // the client speaks first

  std::optional<Session> session() const override {
    if (!handshake_complete() || failure().has_value()) return std::nullopt;
    Session s = negotiated_.resumed ? hs_.resumed_session : MakeSession();
    s.session_id = negotiated_.session_id;
    s.ticket.clear();
    return s;
  }

 protected:
  Status OnPeerStep(const PeerStep& in) override { return Dispatch(this, Handlers(), in); }
  std::vector<FlowStep> HandledSteps() const override { return StepsOf(Handlers()); }

  Status OnPostHandshakeMessage(uint8_t type, ByteView encoded) override {
    if (type == static_cast<uint8_t>(HandshakeType::kClientHello)) {
      // One we asked for is not the client's to count (attack 26 is about the client's own).
      const bool requested = hello_request_sent_;
      hello_request_sent_ = false;
      if (RenegotiationRefusal(/*by_peer=*/!requested).empty()) {
        BeginRenegotiation(/*by_peer=*/!requested);
        return ProcessFirstRenegotiationMessage(type, encoded);  // parsed there
      }
      // Refused, but read: a malformed one is decode_error as anywhere else.
      SD_RETURN_IF_ERROR(ClientHello::Parse(encoded.subview(kHandshakeHeaderLength)).status());
      // RFC 5246 7.2.2 / RFC 5746 4.4 (checklist 53): renegotiation is refused with a warning
      // no_renegotiation ("sent by the server in response to a client hello after initial
      // handshaking"), and the connection goes on. The other permitted answer is a fatal
      // handshake_failure; the warning keeps an established connection usable.
      return SendWarningAlert(AlertDescription::kNoRenegotiation);
    }
    return UnexpectedMessage(Describe(Registry::kHandshakeType, type) +
                             " after the handshake (RFC 5246 7.4: only a ClientHello starts a "
                             "new one)");
  }

  void ResetHandshakeState() override { hs_ = HandshakeState(); }

  Status WriteRenegotiationRequest() override {
    // RFC 5246 7.4.1.1: the client answers with a ClientHello, or refuses.
    hello_request_sent_ = true;
    return WriteHelloRequest();
  }

  // checklist 20: a client may not send HelloRequest; the table rejects it.
  bool IgnoresHelloRequestDuringHandshake() const override { return false; }

  void ForgetSession() override {
    // RFC 5246 7.2.2 (checklist 12): a session whose connection ended in a fatal alert must not
    // be resumed. (A ticket cannot be revoked: it lives at the client.)
    if (env_.session_cache != nullptr && !negotiated_.session_id.empty()) {
      env_.session_cache->Remove(negotiated_.session_id);
    }
  }

 private:
  // The client's steps and their handlers (s2n-tls's state_machine[] model).
  static const std::vector<StepHandler<ServerConnection>>& Handlers();

  Status ReadClientHello(const PeerStep& in);
  Result<ClientOffer> ReadClientExtensions(const ClientHello& ch);
  // max_fragment_length (RFC 6066 4) or record_size_limit (RFC 8449), into negotiated_.
  Status NegotiateRecordLimits(const ClientOffer& offer);
  Status CheckRenegotiationInfo(const ClientHello& ch, const ClientOffer& offer);
  Result<std::optional<Session>> FindSessionToResume(const ClientHello& ch,
                                                     const ClientOffer& offer);
  Status ChooseSuite(const ClientHello& ch, const ClientOffer& offer);
  std::optional<NamedGroup> ChooseEcdheGroup(const ClientOffer& offer) const;
  std::optional<DhGroup> ChooseDhGroup(const ClientOffer& offer) const;
  Status WriteServerHello(const ClientOffer& offer);
  Status WriteAbbreviatedFlight(const ClientHello& ch, const ClientOffer& offer, Session session);
  Status WriteFullFlight(const ClientOffer& offer);
  Status WriteNewSessionTicket(Session session);
  Status ReadClientCertificate(const PeerStep& in);
  Status ReadClientKeyExchange(const PeerStep& in);
  Status ReadCertificateVerify(const PeerStep& in);
  Status ReadClientChangeCipherSpec(const PeerStep& in);
  Status ReadClientFinished(const PeerStep& in);

  // What one handshake decides; a renegotiation starts from a fresh one.
  struct HandshakeState {
    uint16_t client_version = 0;  // as sent: the RSA pre-master secret carries it
    PreparedCredential* credential = nullptr;
    SignatureScheme ske_scheme = SignatureScheme::kRsaPkcs1Sha256;
    NamedGroup group = NamedGroup::kX25519;
    std::optional<EcdheKeyPair> ecdhe;
    std::optional<DhGroup> dh_group;
    std::optional<DheKeyPair> dhe;
    bool issue_ticket = false;
    std::vector<SignatureScheme> requested_schemes;  // CertificateRequest's list
    Session resumed_session;
  };
  HandshakeState hs_;
  bool hello_request_sent_ = false;  // a ClientHello now answers our HelloRequest
};

const std::vector<StepHandler<ServerConnection>>& ServerConnection::Handlers() {
  auto c = [](HT type) { return FlowStep::Handshake(Side::kClient, type); };
  static const auto* rows = new std::vector<StepHandler<ServerConnection>>{
      {c(HT::kClientHello), &ServerConnection::ReadClientHello},
      {c(HT::kCertificate), &ServerConnection::ReadClientCertificate},
      {c(HT::kClientKeyExchange), &ServerConnection::ReadClientKeyExchange},
      {c(HT::kCertificateVerify), &ServerConnection::ReadCertificateVerify},
      {FlowStep::Ccs(Side::kClient), &ServerConnection::ReadClientChangeCipherSpec},
      {c(HT::kFinished), &ServerConnection::ReadClientFinished},
  };
  return *rows;
}

Status ServerConnection::ReadClientHello(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const ClientHello* message, in.As<ClientHello>());
  const ClientHello& ch = *message;
  hs_.client_version = static_cast<uint16_t>(ch.client_version);
  const uint16_t max_version = static_cast<uint16_t>(config_.max_version);
  const uint16_t min_version = static_cast<uint16_t>(config_.min_version);
  // RFC 7507 3 (checklist 36b): a fallback retry below our best version is an attack.
  if (Contains(ch.cipher_suites, kFallbackScsv) && hs_.client_version < max_version) {
    return Status::Error(AlertDescription::kInappropriateFallback,
                         "ClientHello: TLS_FALLBACK_SCSV with client_version " +
                             Describe(Registry::kProtocolVersion, hs_.client_version) + " (RFC 7507 3)");
  }
  // RFC 5246 App. E.1 (checklist 26): a higher client_version gets our highest version; a
  // lower one that we do not support, protocol_version. RFC 7568 3 (checklist 27): SSLv3 and
  // below are never negotiated.
  if (hs_.client_version < min_version) {
    return ProtocolVersionError("ClientHello.client_version: " +
                                Describe(Registry::kProtocolVersion, hs_.client_version) +
                                " is below this server's minimum " +
                                Describe(config_.min_version));
  }
  negotiated_.version = static_cast<ProtocolVersion>(std::min(hs_.client_version, max_version));
  // RFC 5246 7.4.1.2 (checklist 23): null compression must be offered.
  if (!Contains(ch.compression_methods, uint8_t{0})) {
    return IllegalParameter("ClientHello.compression_methods: null(0) missing (RFC 5246 7.4.1.2)");
  }
  SD_ASSIGN_OR_RETURN(ClientOffer offer, ReadClientExtensions(ch));
  negotiated_.server_name = offer.server_name;
  // RFC 6066 3: a name the server does not recognise: "either abort the handshake by sending a
  // fatal-level unrecognized_name(112) alert or continue the handshake".
  if (config_.refuse_unrecognized_name && !offer.server_name.empty() &&
      !shared_->RecognisesName(offer.server_name)) {
    return Status::Error(AlertDescription::kUnrecognizedName,
                         "ClientHello.server_name: no certificate for '" + offer.server_name +
                             "' (RFC 6066 3)");
  }

  AddToTranscript(in.encoded);
  negotiated_.client_random.assign(ch.random.begin(), ch.random.end());
  // RFC 5246 7.4.1.3 (checklist 37): independent of the client's random.
  negotiated_.server_random = RandomBytes(kRandomLength);
  negotiated_.secure_renegotiation = offer.renegotiation_info;
  // RFC 5077 3.2: a ticket is issued when the client offered the extension.
  hs_.issue_ticket = config_.session_tickets && offer.ticket.has_value();

  SD_ASSIGN_OR_RETURN(std::optional<Session> resume, FindSessionToResume(ch, offer));
  if (resume.has_value()) return WriteAbbreviatedFlight(ch, offer, std::move(*resume));
  SD_RETURN_IF_ERROR(ChooseSuite(ch, offer));
  return WriteFullFlight(offer);
}

Status ServerConnection::CheckRenegotiationInfo(const ClientHello& ch, const ClientOffer& offer) {
  const bool scsv = Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv);
  if (!renegotiating()) {
    // RFC 5746 3.6 (checklist 51): "verify that the length of the "renegotiated_connection"
    // field is zero, and if it is not, MUST abort the handshake".
    if (offer.renegotiated_connection.has_value() && !offer.renegotiated_connection->empty()) {
      return HandshakeFailure("ClientHello.renegotiation_info: non-empty on the initial "
                              "handshake (RFC 5746 3.6)");
    }
    return Status::Ok();
  }
  // RFC 5746 3.7 (checklist 52), each "MUST abort the handshake" (3.4: with handshake_failure).
  if (scsv) {
    return HandshakeFailure("ClientHello.cipher_suites: TLS_EMPTY_RENEGOTIATION_INFO_SCSV in a "
                            "renegotiation (RFC 5746 3.7)");
  }
  if (!offer.renegotiated_connection.has_value()) {
    return HandshakeFailure("ClientHello: no renegotiation_info in a renegotiation (RFC 5746 3.7)");
  }
  if (*offer.renegotiated_connection != RenegotiatedConnection(HandshakeType::kClientHello)) {
    return HandshakeFailure("ClientHello.renegotiation_info: not the client_verify_data of the "
                            "last handshake (RFC 5746 3.7)");
  }
  return Status::Ok();
}

Result<ClientOffer> ServerConnection::ReadClientExtensions(const ClientHello& ch) {
  ClientOffer offer;
  // RFC 5746 3.6: the SCSV counts as an empty renegotiation_info.
  offer.renegotiation_info = Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv);
  if (ch.extensions.has_value()) {
    SD_RETURN_IF_ERROR(ReadClientHelloExtensions(*ch.extensions, config_, &offer));
  }
  SD_RETURN_IF_ERROR(CheckRenegotiationInfo(ch, offer));
  // RFC 7366 3.1: "implementations MUST NOT renegotiate a downgrade from encrypt-then-MAC to
  // MAC-then-encrypt" (Table 1: "Error"); the RFC names no alert.
  if (renegotiating() && previous().encrypt_then_mac && !offer.encrypt_then_mac) {
    return HandshakeFailure("ClientHello: the connection uses encrypt-then-MAC and this "
                            "renegotiation does not offer it (RFC 7366 3.1)");
  }
  SD_RETURN_IF_ERROR(NegotiateRecordLimits(offer));
  if (!ch.extensions.has_value()) return offer;
  if (config_.extended_master_secret == EmsPolicy::kRequired && !offer.extended_master_secret) {
    return HandshakeFailure("ClientHello: no extended_master_secret, which this server requires "
                            "(RFC 7627 5.2)");
  }
  if (offer.alpn.has_value() && !config_.alpn.empty()) {
    for (const std::string& p : config_.alpn) {
      if (Contains(*offer.alpn, p)) {
        negotiated_.alpn = p;
        break;
      }
    }
    // RFC 7301 3.2: no protocol in common.
    if (negotiated_.alpn.empty()) {
      return Status::Error(AlertDescription::kNoApplicationProtocol,
                           "ClientHello.application_layer_protocol_negotiation: no protocol in "
                           "common (RFC 7301 3.2)");
    }
  }
  return offer;
}

Status ServerConnection::NegotiateRecordLimits(const ClientOffer& offer) {
  // RFC 8449 5: "A server that supports the "record_size_limit" extension MUST ignore a
  // "max_fragment_length" that appears in a ClientHello if both extensions appear."
  if (config_.record_size_limit != 0 && offer.record_size_limit.has_value()) {
    negotiated_.record_size_limit = config_.record_size_limit;
    // RFC 8449 4: a larger value is not refused by a server, but "an endpoint MUST NOT send
    // records larger than the protocol-defined limit".
    negotiated_.peer_record_size_limit =
        std::min<size_t>(*offer.record_size_limit, kMaxPlaintextLength);
    return Status::Ok();
  }
  if (!offer.max_fragment_length_code.has_value()) return Status::Ok();
  // RFC 6066 4: "If a server receives a maximum fragment length negotiation request for a value
  // other than the allowed values, it MUST abort the handshake with an "illegal_parameter"
  // alert."
  const MaxFragmentLengthExt mfl{*offer.max_fragment_length_code};
  if (mfl.Length() == 0) {
    return IllegalParameter("ClientHello.max_fragment_length: code " + std::to_string(mfl.code) +
                            " is not one of 1..4 (RFC 6066 4)");
  }
  // RFC 6066 4: servers "MAY accept the requested maximum fragment length".
  if (config_.accept_max_fragment_length) negotiated_.max_fragment_length = mfl.Length();
  return Status::Ok();
}

Result<std::optional<Session>> ServerConnection::FindSessionToResume(const ClientHello& ch,
                                                                     const ClientOffer& offer) {
  std::optional<Session> candidate;
  const uint64_t now = Now();
  if (config_.session_tickets && offer.ticket.has_value() && !offer.ticket->empty()) {
    // RFC 5077 3.4: with a ticket presented, the session ID is not looked up; a ticket that
    // does not decrypt, parse or is too old means a full handshake.
    if (std::optional<Bytes> state = shared_->OpenTicket(*offer.ticket)) {
      Result<Session> s = ParseSession(*state);
      if (s.ok() && now >= s->created_at && now - s->created_at < config_.ticket_lifetime_seconds) {
        candidate = std::move(s).value();
      }
    }
  } else if (!ch.session_id.empty() && env_.session_cache != nullptr) {
    candidate = env_.session_cache->Find(ch.session_id, now);
  }
  if (!candidate.has_value()) return std::optional<Session>();
  // RFC 5246 7.4.1.2 (checklist 25, CVE-2010-4180): resume only with the session's own
  // version and suite, which the client must offer and we must still allow.
  if (candidate->version != negotiated_.version ||
      !Contains(ch.cipher_suites, candidate->cipher_suite) ||
      !Contains(config_.cipher_suites, candidate->cipher_suite) ||
      candidate->master_secret.size() != kMasterSecretLength) {
    return std::optional<Session>();
  }
  // RFC 6066 3: "A server that implements this extension MUST NOT accept the request to resume
  // the session if the server_name extension contains a different name. Instead, it proceeds
  // with a full handshake to establish a new session."
  if (candidate->server_name != offer.server_name) return std::optional<Session>();
  // RFC 7627 5.3 (checklist 56).
  if (candidate->extended_master_secret && !offer.extended_master_secret) {
    return HandshakeFailure("ClientHello: resuming a session that used the extended master "
                            "secret without offering it (RFC 7627 5.3)");
  }
  if (!candidate->extended_master_secret &&
      (offer.extended_master_secret || config_.extended_master_secret == EmsPolicy::kRequired)) {
    // "the server MUST NOT perform the abbreviated handshake": a full one instead. (Neither side
    // using it: RFC 7627 5.3 says SHOULD abort; we resume, as OpenSSL and BoringSSL do, since
    // such a session exists only when the policy allowed a non-EMS handshake.)
    return std::optional<Session>();
  }
  if (candidate->extended_master_secret && config_.extended_master_secret == EmsPolicy::kDisabled) {
    return std::optional<Session>();
  }
  // RFC 7366 3.1: never a downgrade from encrypt-then-MAC (Table 1: "Error"); a client that
  // does not offer it for an encrypt-then-MAC session gets a full handshake instead.
  if (candidate->encrypt_then_mac && (!offer.encrypt_then_mac || !config_.encrypt_then_mac)) {
    return std::optional<Session>();
  }
  return candidate;
}

Status ServerConnection::ChooseSuite(const ClientHello& ch, const ClientOffer& offer) {
  const std::vector<SignatureScheme> ours = OurSignatureSchemes();
  // RFC 6066 3: a name some credential is for picks among those credentials' suites only.
  const bool named_only = shared_->NamesHost(negotiated_.server_name);
  // The server's preference order, or the client's (RFC 5246 7.4.1.3 leaves the choice to the
  // server).
  const bool by_client = config_.suite_preference == SuitePreference::kClient;
  for (uint16_t id : by_client ? ch.cipher_suites : config_.cipher_suites) {
    if (!Contains(by_client ? config_.cipher_suites : ch.cipher_suites, id)) continue;
    const CipherSuiteInfo* suite = FindCipherSuite(id);
    const CertKeyType needed =
        suite->key_exchange == KeyExchange::kEcdheEcdsa ? CertKeyType::kEcdsa : CertKeyType::kRsa;
    PreparedCredential* credential =
        shared_->CredentialFor(needed, negotiated_.server_name, named_only);
    if (credential == nullptr) continue;
    if (suite->key_exchange == KeyExchange::kRsa) {
      if (credential->rsa_transport == nullptr) continue;
    } else {
      std::optional<NamedGroup> group;
      std::optional<DhGroup> dh_group;
      if (suite->IsDhe()) {
        dh_group = ChooseDhGroup(offer);
        if (!dh_group.has_value()) continue;
      } else {
        group = ChooseEcdheGroup(offer);
        if (!group.has_value()) continue;
      }
      // RFC 5246 7.4.1.4.1 (checklist 31): without signature_algorithms, SHA-1 with the key type.
      Result<SignatureScheme> scheme =
          ChooseSignatureScheme(static_cast<const Botan::Public_Key&>(*credential->key),
                                offer.signature_schemes, &ours);
      if (!scheme.ok()) continue;
      if (group.has_value()) hs_.group = *group;
      hs_.dh_group = std::move(dh_group);
      hs_.ske_scheme = *scheme;
    }
    hs_.credential = credential;
    negotiated_.suite = suite;
    return Status::Ok();
  }
  // RFC 7919 4: "If the extension is present with FFDHE groups, none of the client's offered
  // groups are acceptable by the server, and none of the client's proposed non-FFDHE cipher
  // suites are acceptable to the server, the server MUST end the connection with a fatal TLS
  // alert of type insufficient_security(71)."
  if (offer.groups.has_value() && !ChooseDhGroup(offer).has_value() &&
      std::any_of(offer.groups->begin(), offer.groups->end(), IsFfdheCodePoint)) {
    return Status::Error(AlertDescription::kInsufficientSecurity,
                         "ClientHello.supported_groups: FFDHE groups, none of them acceptable, "
                         "and no other suite in common (RFC 7919 4)");
  }
  // RFC 5246 7.4.1.2 (checklist 24; also checklist 32 for RC4/export-only offers).
  return HandshakeFailure("ClientHello.cipher_suites: no suite in common (RFC 5246 7.4.1.2)");
}

std::optional<NamedGroup> ServerConnection::ChooseEcdheGroup(const ClientOffer& offer) const {
  // RFC 8422 5.1.1: a curve from the client's list. Without the extension the client supports
  // any curve; we then take our first.
  for (NamedGroup g : config_.groups) {
    if (!IsSupportedEcdheGroup(g)) continue;
    if (!offer.groups.has_value() || Contains(*offer.groups, g)) return g;
  }
  return std::nullopt;
}

std::optional<DhGroup> ServerConnection::ChooseDhGroup(const ClientOffer& offer) const {
  const bool compatible_client =
      offer.groups.has_value() &&
      std::any_of(offer.groups->begin(), offer.groups->end(), IsFfdheCodePoint);
  for (NamedGroup g : config_.groups) {
    if (!IsSupportedFfdheGroup(g)) continue;
    // RFC 7919 4: "A compatible TLS server that receives the Supported Groups extension with
    // FFDHE codepoints in it and that selects an FFDHE cipher suite MUST select one of the
    // client's offered groups." A client that names no FFDHE group gets our first one, sent
    // as explicit parameters ("an FFDHE group of its choice").
    if (!compatible_client || Contains(*offer.groups, g)) return FfdheGroup(g);
  }
  return std::nullopt;
}

Status ServerConnection::WriteServerHello(const ClientOffer& offer) {
  ServerHello sh;
  sh.server_version = negotiated_.version;
  std::copy(negotiated_.server_random.begin(), negotiated_.server_random.end(), sh.random.begin());
  sh.session_id = negotiated_.session_id;
  sh.cipher_suite = negotiated_.suite->id;
  sh.compression_method = 0;
  // RFC 7366 2 and 3: only when the client asked, and only for a CBC suite.
  negotiated_.encrypt_then_mac = config_.encrypt_then_mac && offer.encrypt_then_mac &&
                                 negotiated_.suite->cipher_type == CipherType::kBlock;
  // RFC 6520 2: negotiated when the client offered it and we have it on; the record layer
  // accepts content type 24 from here on.
  if (config_.heartbeat != HeartbeatMode::kOff) negotiated_.peer_heartbeat = offer.heartbeat;
  records_.set_heartbeat(negotiated_.peer_heartbeat != HeartbeatMode::kOff);
  SD_ASSIGN_OR_RETURN(Extensions ext, BuildServerHelloExtensions(ServerHelloInput{
                                          &offer, &negotiated_, hs_.issue_ticket, config_.heartbeat,
                                          RenegotiatedConnection(HandshakeType::kServerHello)}));
  // RFC 6066 8: the empty status_request answer says CertificateStatus follows the
  // Certificate (this server always staples once it answered).
  negotiated_.status_request = ext.Has(ExtensionType::kStatusRequest);
  if (!ext.empty()) sh.extensions = std::move(ext);
  tracker_.Learn(kFlagFull, !negotiated_.resumed);
  tracker_.Learn(kFlagStatus, negotiated_.status_request);
  tracker_.Learn(kFlagEcdhe, negotiated_.suite->IsEphemeral());
  tracker_.Learn(kFlagTicket, hs_.issue_ticket);
  SD_RETURN_IF_ERROR(WriteHandshake(sh));
  // RFC 6066 4: "immediately begin fragmenting messages (including handshake messages)": the
  // flight this ServerHello starts is written under the limit.
  ApplyRecordLimits();
  return SetSuite(negotiated_.suite);
}

Status ServerConnection::WriteAbbreviatedFlight(const ClientHello& ch, const ClientOffer& offer,
                                                Session session) {
  // RFC 5246 7.3 Figure 2; RFC 5077 3.4: echo the client's session ID.
  negotiated_.resumed = true;
  negotiated_.session_id = ch.session_id;
  negotiated_.suite = FindCipherSuite(session.cipher_suite);
  negotiated_.extended_master_secret = session.extended_master_secret;
  negotiated_.master_secret = session.master_secret;
  negotiated_.peer_chain = session.peer_chain;
  hs_.resumed_session = session;
  SD_RETURN_IF_ERROR(WriteServerHello(offer));
  if (env_.observer != nullptr) {
    env_.observer->OnSecret("CLIENT_RANDOM", negotiated_.client_random, negotiated_.master_secret);
  }
  SD_RETURN_IF_ERROR(DeriveTrafficKeys());
  if (hs_.issue_ticket) SD_RETURN_IF_ERROR(WriteNewSessionTicket(session));
  SD_RETURN_IF_ERROR(WriteChangeCipherSpec());
  SD_RETURN_IF_ERROR(WriteFinished());
  return Status::Ok();
}

Status ServerConnection::WriteFullFlight(const ClientOffer& offer) {
  negotiated_.extended_master_secret =
      offer.extended_master_secret && config_.extended_master_secret != EmsPolicy::kDisabled;
  // RFC 5246 7.4.1.3: an empty session_id says the session will not be cached.
  if (env_.session_cache != nullptr || hs_.issue_ticket) negotiated_.session_id = RandomBytes(32);
  SD_RETURN_IF_ERROR(WriteServerHello(offer));

  Certificate certificate;
  certificate.certificate_list = hs_.credential->chain_der;
  SD_RETURN_IF_ERROR(WriteHandshake(certificate));
  if (negotiated_.status_request) {
    // RFC 6066 8: "the "CertificateStatus" message [...] MUST be sent immediately after the
    // "Certificate" message (and before any "ServerKeyExchange" or "CertificateRequest"
    // messages)".
    CertificateStatus status;
    status.status_type = CertificateStatus::kOcsp;
    status.response = config_.ocsp_response;
    negotiated_.ocsp_response = config_.ocsp_response;
    SD_RETURN_IF_ERROR(WriteHandshake(status));
  }

  if (negotiated_.suite->IsEphemeral()) {
    // RFC 8422 5.4 / RFC 5246 7.4.3: ephemeral (EC)DH parameters, signed over both randoms.
    ServerKeyExchange ske;
    if (negotiated_.suite->IsDhe()) {
      SD_ASSIGN_OR_RETURN(DheKeyPair pair, DheKeyPair::Generate(*hs_.dh_group, rng()));
      ske.params = DhServerParams{hs_.dh_group->p, hs_.dh_group->g, pair.public_value()};
      negotiated_.group = hs_.dh_group->named;
      negotiated_.dh_bits = hs_.dh_group->bits();
      hs_.dhe.emplace(std::move(pair));
    } else {
      SD_ASSIGN_OR_RETURN(EcdheKeyPair pair, EcdheKeyPair::Generate(hs_.group, rng()));
      ske.params = EcdhServerParams{hs_.group, pair.public_value()};
      negotiated_.group = hs_.group;
      hs_.ecdhe.emplace(std::move(pair));
    }
    ske.algorithm = hs_.ske_scheme;
    const Bytes signed_data = ske.SignedData(negotiated_.client_random, negotiated_.server_random);
    SD_ASSIGN_OR_RETURN(ske.signature, hs_.credential->signer->Sign(hs_.ske_scheme, signed_data));
    negotiated_.server_signature = hs_.ske_scheme;
    SD_RETURN_IF_ERROR(WriteHandshake(ske));
  }
  if (config_.client_auth != ClientAuthMode::kNone) {
    // RFC 5246 7.4.4.
    CertificateRequest cr;
    cr.certificate_types = {ClientCertificateType::kRsaSign, ClientCertificateType::kEcdsaSign};
    cr.supported_signature_algorithms = OurSignatureSchemes();
    hs_.requested_schemes = cr.supported_signature_algorithms;
    SD_RETURN_IF_ERROR(WriteHandshake(cr));
  }
  SD_RETURN_IF_ERROR(WriteHandshake(ServerHelloDone{}));
  return Status::Ok();
}

Status ServerConnection::WriteNewSessionTicket(Session session) {
  // RFC 5077 4: the ticket is the whole session state, encrypted and authenticated.
  session.ticket.clear();
  SD_ASSIGN_OR_RETURN(Bytes ticket, shared_->SealTicket(SerializeSession(session), rng()));
  NewSessionTicket nst;
  nst.ticket_lifetime_hint = config_.ticket_lifetime_seconds;
  nst.ticket = std::move(ticket);
  negotiated_.ticket_issued = true;
  return WriteHandshake(nst);
}

Status ServerConnection::ReadClientCertificate(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const Certificate* message, in.As<Certificate>());
  const Certificate& certificate = *message;
  if (certificate.certificate_list.empty()) {
    // RFC 5246 7.4.6 (checklist 43): the server may go on, or answer handshake_failure.
    if (config_.client_auth == ClientAuthMode::kRequired) {
      return HandshakeFailure("Certificate: the client sent none, and this server requires one "
                              "(RFC 5246 7.4.6)");
    }
    tracker_.Learn(kFlagClientCert, false);
  } else {
    SD_ASSIGN_OR_RETURN(std::shared_ptr<PeerCertificate> leaf, AcceptPeerChain(certificate));
    // RFC 5246 7.4.6: rsa_sign or ecdsa_sign, as requested, and able to sign.
    if (leaf->type == CertKeyType::kOther || !leaf->allows_digital_signature) {
      return Status::Error(AlertDescription::kUnsupportedCertificate,
                           "Certificate: the client's key cannot sign a CertificateVerify "
                           "(RFC 5246 7.4.6)");
    }
    tracker_.Learn(kFlagClientCert, true);
  }
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ServerConnection::ReadClientKeyExchange(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const ClientKeyExchange* message, in.As<ClientKeyExchange>());
  const ClientKeyExchange& cke = *message;
  Bytes pre_master_secret;
  if (negotiated_.suite->key_exchange == KeyExchange::kRsa) {
    // RFC 5246 7.4.7.1 (checklist 45b): never an alert here; a bad padding, length or version
    // yields a random secret, so only the Finished fails.
    pre_master_secret =
        hs_.credential->rsa_transport->DecryptPreMasterSecret(cke.exchange_keys, hs_.client_version);
  } else if (negotiated_.suite->IsDhe()) {
    if (!hs_.dhe.has_value()) return InternalError("DHE suite without a key pair");
    // RFC 7919 4: dh_Yc outside (1, p-1) is a fatal handshake_failure.
    SD_ASSIGN_OR_RETURN(pre_master_secret, hs_.dhe->Agree(cke.exchange_keys));
  } else {
    if (!hs_.ecdhe.has_value()) return InternalError("ECDHE suite without a key pair");
    // RFC 8422 5.11 (checklist 58): a bad point is illegal_parameter.
    SD_ASSIGN_OR_RETURN(pre_master_secret, hs_.ecdhe->Agree(cke.exchange_keys));
  }
  AddToTranscript(in.encoded);
  SD_RETURN_IF_ERROR(DeriveMasterSecret(pre_master_secret));
  SD_RETURN_IF_ERROR(DeriveTrafficKeys());
  return Status::Ok();
}

Status ServerConnection::ReadCertificateVerify(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const CertificateVerify* message, in.As<CertificateVerify>());
  const CertificateVerify& cv = *message;
  // RFC 5246 7.4.8 (checklist 44): one of the algorithms the CertificateRequest listed.
  if (!Contains(hs_.requested_schemes, cv.algorithm)) {
    return IllegalParameter("CertificateVerify.algorithm: " +
                            Describe(Registry::kSignatureScheme, static_cast<uint16_t>(cv.algorithm)) +
                            " was not in the CertificateRequest (RFC 5246 7.4.8)");
  }
  // The signature covers every handshake message before this one; decrypt_error if it fails.
  SD_RETURN_IF_ERROR(peer_leaf_->verifier->Verify(cv.algorithm, transcript_.messages(), cv.signature)
                         .WithContext("CertificateVerify"));
  negotiated_.client_authenticated = true;
  negotiated_.client_signature = cv.algorithm;
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ServerConnection::ReadClientChangeCipherSpec(const PeerStep& /*in*/) {
  return InstallReadKeys();
}

Status ServerConnection::ReadClientFinished(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const Finished* message, in.As<Finished>());
  const Finished& finished = *message;
  SD_RETURN_IF_ERROR(ReadPeerFinished(finished, in.encoded));
  if (!negotiated_.resumed) {
    // RFC 5246 7.3 Figure 1, RFC 5077 3.1: [NewSessionTicket], ChangeCipherSpec, Finished.
    if (hs_.issue_ticket) SD_RETURN_IF_ERROR(WriteNewSessionTicket(MakeSession()));
    SD_RETURN_IF_ERROR(WriteChangeCipherSpec());
    SD_RETURN_IF_ERROR(WriteFinished());
    if (env_.session_cache != nullptr && !negotiated_.session_id.empty()) {
      env_.session_cache->Store(MakeSession());
    }
  }
  return FinishHandshake();
}

}  // namespace

std::unique_ptr<ConnectionBase> NewServerConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared) {
  return std::make_unique<ServerConnection>(std::move(config), std::move(env), std::move(shared));
}

}  // namespace shakedown
