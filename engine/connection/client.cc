// The client side of the TLS 1.2 handshake (RFC 5246 7.3): one handler per step the server
// takes in the handshake table, named after the message it reads (Handlers() below). The legal
// order is not re-checked here: the table (ConnectionBase::ProcessHandshake) has already
// allowed every message that arrives, with the facts this side learned (Learn calls).
#include <botan/pk_keys.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "engine/connection/connection_internal.h"
#include "engine/connection/hello_extensions.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/ocsp.h"
#include "engine/crypto/signature.h"

namespace shakedown {
namespace {

using HT = HandshakeType;

class ClientConnection final : public ConnectionBase {
 public:
  using ConnectionBase::ConnectionBase;

  void Start() override {
    if (started_ || dead()) return;
    started_ = true;
    Status status = WriteClientHello();
    if (status.ok()) status = records_.Flush();
    if (!status.ok()) Fail(status);
  }

  std::optional<Session> session() const override {
    if (!handshake_complete() || failure().has_value()) return std::nullopt;
    Session s = MakeSession();
    s.ticket = hs_.ticket;
    if (negotiated_.resumed && hs_.offered_session.has_value()) {
      s.created_at = hs_.offered_session->created_at;  // lifetime counts from the full handshake
      s.server_name = hs_.offered_session->server_name;
    }
    if (s.session_id.empty() && s.ticket.empty()) return std::nullopt;  // not resumable
    return s;
  }

 protected:
  Status OnPeerStep(const PeerStep& in) override { return Dispatch(this, Handlers(), in); }
  std::vector<FlowStep> HandledSteps() const override { return StepsOf(Handlers()); }

  Status OnPostHandshakeMessage(uint8_t type, ByteView encoded) override {
    if (type == static_cast<uint8_t>(HandshakeType::kHelloRequest)) {
      SD_RETURN_IF_ERROR(HelloRequest::Parse(encoded.subview(kHandshakeHeaderLength)).status());
      if (RenegotiationRefusal(/*by_peer=*/true).empty()) {
        BeginRenegotiation(/*by_peer=*/true);
        return WriteClientHello();
      }
      // RFC 5746 4.2 / RFC 5246 7.2.2 (checklist 53): renegotiation is refused with a
      // warning no_renegotiation, and the connection goes on.
      return SendWarningAlert(AlertDescription::kNoRenegotiation);
    }
    return UnexpectedMessage(Describe(Registry::kHandshakeType, type) +
                             " after the handshake (RFC 5246 7.4.1.1: only a HelloRequest may "
                             "come)");
  }

  void ResetHandshakeState() override { hs_ = HandshakeState(); }

  Status WriteRenegotiationRequest() override {
    BeginRenegotiation(/*by_peer=*/false);
    return WriteClientHello();
  }

  bool IgnoresHelloRequestDuringHandshake() const override { return true; }

 private:
  // The server's steps and their handlers (s2n-tls's state_machine[] model).
  static const std::vector<StepHandler<ClientConnection>>& Handlers();

  Status WriteClientHello();
  Status ReadServerHello(const PeerStep& in);
  Status CheckServerHelloExtensions(const ServerHello& sh);
  Status CheckRenegotiationInfo(const ServerAnswer& answer) const;
  Status ReadServerCertificate(const PeerStep& in);
  Status ReadServerKeyExchange(const PeerStep& in);
  Status AcceptDhParams(const DhServerParams& params);
  Status ReadCertificateRequest(const PeerStep& in);
  Status ReadServerHelloDone(const PeerStep& in);
  Status WriteClientFlight();
  Status ReadNewSessionTicket(const PeerStep& in);
  Status ReadCertificateStatus(const PeerStep& in);
  Status ReadServerChangeCipherSpec(const PeerStep& in);
  Status ReadServerFinished(const PeerStep& in);

  bool started_ = false;
  // What one handshake decides; a renegotiation starts from a fresh one.
  struct HandshakeState {
    ClientHello hello;  // as sent: what the server may choose from
    std::optional<Session> offered_session;
    bool server_ticket_ext = false;  // NewSessionTicket follows (RFC 5077 3.2)
    Bytes ticket;                    // the newest ticket for this session
    std::optional<EcdheKeyPair> ecdhe;
    std::optional<DheKeyPair> dhe;
    Bytes server_public;
    bool certificate_requested = false;
    PreparedCredential* client_credential = nullptr;
    SignatureScheme client_scheme = SignatureScheme::kRsaPkcs1Sha256;
  };
  HandshakeState hs_;
};

const std::vector<StepHandler<ClientConnection>>& ClientConnection::Handlers() {
  auto s = [](HT type) { return FlowStep::Handshake(Side::kServer, type); };
  static const auto* rows = new std::vector<StepHandler<ClientConnection>>{
      {s(HT::kServerHello), &ClientConnection::ReadServerHello},
      {s(HT::kCertificate), &ClientConnection::ReadServerCertificate},
      {s(HT::kCertificateStatus), &ClientConnection::ReadCertificateStatus},
      {s(HT::kServerKeyExchange), &ClientConnection::ReadServerKeyExchange},
      {s(HT::kCertificateRequest), &ClientConnection::ReadCertificateRequest},
      {s(HT::kServerHelloDone), &ClientConnection::ReadServerHelloDone},
      {s(HT::kNewSessionTicket), &ClientConnection::ReadNewSessionTicket},
      {FlowStep::Ccs(Side::kServer), &ClientConnection::ReadServerChangeCipherSpec},
      {s(HT::kFinished), &ClientConnection::ReadServerFinished},
  };
  return *rows;
}

Status ClientConnection::WriteClientHello() {
  hs_.hello.client_version = config_.max_version;
  negotiated_.server_name = config_.server_name;
  Bytes random = RandomBytes(kRandomLength);
  std::copy(random.begin(), random.end(), hs_.hello.random.begin());
  negotiated_.client_random = std::move(random);
  records_.set_record_version(static_cast<uint16_t>(config_.min_version));

  // A renegotiation is a full handshake: the session offered first is not offered again.
  if (config_.resume.has_value() && !renegotiating()) {
    const Session& s = *config_.resume;
    const bool has_ticket = config_.session_tickets && !s.ticket.empty();
    // RFC 5246 7.4.1.2 (checklist 25): a resumption offer includes the session's suite, so a
    // session whose suite is no longer configured is not offered at all.
    if (s.version == config_.max_version && s.master_secret.size() == kMasterSecretLength &&
        Contains(config_.cipher_suites, s.cipher_suite) &&
        (has_ticket || !s.session_id.empty())) {
      hs_.offered_session = s;
      // RFC 5077 3.4: with a ticket, a session ID shows whether the server resumed.
      hs_.hello.session_id = !s.session_id.empty() ? s.session_id : RandomBytes(32);
      if (has_ticket) hs_.ticket = s.ticket;
    }
  }
  hs_.hello.cipher_suites = config_.cipher_suites;
  hs_.hello.compression_methods = {0};

  ClientHelloInput input{&config_,
                         false,
                         false,
                         false,
                         OurSignatureSchemes(),
                         hs_.offered_session.has_value() ? hs_.ticket : Bytes(),
                         RenegotiatedConnection(HandshakeType::kClientHello)};
  for (uint16_t id : config_.cipher_suites) {
    input.ecc = input.ecc || FindCipherSuite(id)->IsEcdhe();
    input.ffdhe = input.ffdhe || FindCipherSuite(id)->IsDhe();
    input.cbc = input.cbc || FindCipherSuite(id)->cipher_type == CipherType::kBlock;
  }
  SD_ASSIGN_OR_RETURN(Extensions ext, BuildClientHelloExtensions(input));
  hs_.hello.extensions = std::move(ext);

  SD_RETURN_IF_ERROR(WriteHandshake(hs_.hello));
  return Status::Ok();
}

Status ClientConnection::ReadServerHello(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const ServerHello* message, in.As<ServerHello>());
  const ServerHello& sh = *message;
  const uint16_t version = static_cast<uint16_t>(sh.server_version);
  // RFC 5246 App. E.1, RFC 7568 3 (checklists 27, 35): a version we did not offer, SSLv3 or
  // anything below our minimum.
  if (version < static_cast<uint16_t>(config_.min_version) ||
      version > static_cast<uint16_t>(config_.max_version)) {
    return ProtocolVersionError("ServerHello.server_version: " +
                                Describe(Registry::kProtocolVersion, version) +
                                " is not a version this client offered");
  }
  negotiated_.version = sh.server_version;
  // RFC 5246 7.4.1.3 (checklist 34): "a single compression algorithm selected by the server
  // from the list in ClientHello.compression_methods"; we offered only null.
  if (sh.compression_method != 0) {
    return IllegalParameter("ServerHello.compression_method: " +
                            std::to_string(sh.compression_method) + " was not offered");
  }
  // RFC 5246 7.4.1.3 (checklist 34): "a single cipher suite selected by the server from the
  // list in ClientHello.cipher_suites".
  if (!Contains(hs_.hello.cipher_suites, sh.cipher_suite)) {
    return IllegalParameter("ServerHello.cipher_suite: " +
                            Describe(Registry::kCipherSuite, sh.cipher_suite) + " was not offered");
  }
  const CipherSuiteInfo* suite = FindCipherSuite(sh.cipher_suite);
  SD_RETURN_IF_ERROR(CheckServerHelloExtensions(sh));
  // RFC 7366 3: encrypt-then-MAC "does not apply to GenericStreamCiphers or to
  // GenericAEADCiphers"; a server "MUST NOT send an encrypt-then-MAC response extension" with
  // one. It names no alert for the client: illegal_parameter (a field inconsistent with
  // another, RFC 5246 7.2.2).
  if (negotiated_.encrypt_then_mac && suite->cipher_type != CipherType::kBlock) {
    return IllegalParameter("ServerHello.encrypt_then_mac: answered for " +
                            std::string(suite->name) + ", which is not a CBC suite (RFC 7366 3)");
  }
  // RFC 7366 3.1: "implementations MUST NOT renegotiate a downgrade from encrypt-then-MAC to
  // MAC-then-encrypt" (Table 1: "Error"); no alert named: handshake_failure.
  if (renegotiating() && previous().encrypt_then_mac && !negotiated_.encrypt_then_mac &&
      suite->cipher_type == CipherType::kBlock) {
    return HandshakeFailure("ServerHello: the connection uses encrypt-then-MAC and this "
                            "renegotiation drops it for " + std::string(suite->name) +
                            " (RFC 7366 3.1)");
  }
  negotiated_.server_random.assign(sh.random.begin(), sh.random.end());
  negotiated_.session_id = sh.session_id;

  // RFC 5246 7.3: the server resumes by echoing the session ID we offered.
  const bool resumed = hs_.offered_session.has_value() && !hs_.hello.session_id.empty() &&
                       sh.session_id == hs_.hello.session_id;
  if (resumed) {
    const Session& s = *hs_.offered_session;
    // RFC 5246 7.4.1.3 (checklist 34): a resumed session keeps its suite.
    if (sh.cipher_suite != s.cipher_suite) {
      return IllegalParameter("ServerHello.cipher_suite: " +
                              Describe(Registry::kCipherSuite, sh.cipher_suite) +
                              " differs from the resumed session's " +
                              Describe(Registry::kCipherSuite, s.cipher_suite));
    }
    // RFC 7627 5.3 (checklist 56): "the client MUST abort the handshake" if the resumed
    // ServerHello's extended_master_secret differs from the original session's.
    if (negotiated_.extended_master_secret != s.extended_master_secret) {
      return HandshakeFailure(std::string("ServerHello: resumed session ") +
                              (s.extended_master_secret ? "used" : "did not use") +
                              " the extended master secret, this ServerHello " +
                              (negotiated_.extended_master_secret ? "has" : "lacks") +
                              " it (RFC 7627 5.3)");
    }
    // RFC 7366 3.1: "implementations MUST NOT renegotiate a downgrade from encrypt-then-MAC to
    // MAC-then-encrypt" (Table 1: "Error"); an abbreviated handshake of the same session is
    // held to it too. The RFC names no alert: handshake_failure.
    if (s.encrypt_then_mac && !negotiated_.encrypt_then_mac) {
      return HandshakeFailure("ServerHello: the resumed session used encrypt-then-MAC and this "
                              "ServerHello drops it (RFC 7366 3.1)");
    }
  } else if (!negotiated_.extended_master_secret &&
             config_.extended_master_secret == EmsPolicy::kRequired) {
    return HandshakeFailure("ServerHello: no extended_master_secret, which this client requires "
                            "(RFC 7627 5.2)");
  }
  negotiated_.resumed = resumed;

  tracker_.Learn(kFlagFull, !resumed);
  tracker_.Learn(kFlagEcdhe, suite->IsEphemeral());
  tracker_.Learn(kFlagTicket, hs_.server_ticket_ext);
  // RFC 6066 8: CertificateStatus is legal only after a status_request answer (else
  // unexpected_message, from the table), and optional even then.
  tracker_.Learn(kFlagStatus, negotiated_.status_request);
  AddToTranscript(in.encoded);
  SD_RETURN_IF_ERROR(SetSuite(suite));

  if (!resumed) {
    if (!hs_.server_ticket_ext) hs_.ticket.clear();  // a new session; the old ticket is for another
    return Status::Ok();
  }
  negotiated_.master_secret = hs_.offered_session->master_secret;
  negotiated_.peer_chain = hs_.offered_session->peer_chain;
  if (env_.observer != nullptr) {
    env_.observer->OnSecret("CLIENT_RANDOM", negotiated_.client_random, negotiated_.master_secret);
  }
  SD_RETURN_IF_ERROR(DeriveTrafficKeys());
  return Status::Ok();
}

Status ClientConnection::CheckServerHelloExtensions(const ServerHello& sh) {
  ServerAnswer answer;
  if (sh.extensions.has_value()) {
    SD_ASSIGN_OR_RETURN(answer,
                        ReadServerHelloExtensions(*sh.extensions, *hs_.hello.extensions, config_));
  }
  SD_RETURN_IF_ERROR(CheckRenegotiationInfo(answer));
  negotiated_.secure_renegotiation = answer.renegotiation_info;
  negotiated_.extended_master_secret = answer.extended_master_secret;
  negotiated_.encrypt_then_mac = answer.encrypt_then_mac;
  negotiated_.alpn = answer.alpn;
  negotiated_.peer_heartbeat = answer.heartbeat;
  records_.set_heartbeat(answer.heartbeat != HeartbeatMode::kOff);  // RFC 6520 2
  hs_.server_ticket_ext = answer.session_ticket;
  negotiated_.status_request = answer.status_request;
  // RFC 8449 5: "A client MUST treat receipt of both "max_fragment_length" and
  // "record_size_limit" as a fatal error, and it SHOULD generate an "illegal_parameter" alert."
  if (answer.max_fragment_length != 0 && answer.record_size_limit.has_value()) {
    return IllegalParameter(
        "ServerHello: both max_fragment_length and record_size_limit (RFC 8449 5)");
  }
  negotiated_.max_fragment_length = answer.max_fragment_length;
  if (answer.record_size_limit.has_value()) {
    negotiated_.record_size_limit = config_.record_size_limit;
    negotiated_.peer_record_size_limit =
        std::min<size_t>(*answer.record_size_limit, kMaxPlaintextLength);
  }
  ApplyRecordLimits();
  return Status::Ok();
}

Status ClientConnection::CheckRenegotiationInfo(const ServerAnswer& answer) const {
  if (!renegotiating()) {
    // RFC 5746 3.4 (checklist 50): "verify that the length of the "renegotiated_connection"
    // field is zero, and if it is not, MUST abort the handshake (by sending a fatal
    // handshake_failure alert)".
    if (answer.renegotiation_info && !answer.renegotiated_connection.empty()) {
      return HandshakeFailure("ServerHello.renegotiation_info: non-empty on the initial "
                              "handshake (RFC 5746 3.4)");
    }
    return Status::Ok();
  }
  // RFC 5746 3.5 (checklist 52): present, and client_verify_data || server_verify_data.
  if (!answer.renegotiation_info) {
    return HandshakeFailure("ServerHello: no renegotiation_info in a renegotiation (RFC 5746 3.5)");
  }
  if (answer.renegotiated_connection != RenegotiatedConnection(HandshakeType::kServerHello)) {
    return HandshakeFailure("ServerHello.renegotiation_info: not client_verify_data || "
                            "server_verify_data of the last handshake (RFC 5746 3.5)");
  }
  return Status::Ok();
}

Status ClientConnection::ReadServerCertificate(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const Certificate* message, in.As<Certificate>());
  const Certificate& certificate = *message;
  // RFC 5246 7.4.2 (checklist 38): the server's certificate_list starts with its own
  // certificate; an empty list cannot authenticate it (BoringSSL: decode_error).
  if (certificate.certificate_list.empty()) {
    return DecodeError("Certificate: the server sent no certificate (RFC 5246 7.4.2)");
  }
  SD_ASSIGN_OR_RETURN(std::shared_ptr<PeerCertificate> leaf, AcceptPeerChain(certificate));
  // RFC 5246 7.4.2 (checklist 41): the key must suit the key exchange.
  const KeyExchange kx = negotiated_.suite->key_exchange;
  const CertKeyType needed = kx == KeyExchange::kEcdheEcdsa ? CertKeyType::kEcdsa : CertKeyType::kRsa;
  if (leaf->type != needed) {
    return Status::Error(AlertDescription::kUnsupportedCertificate,
                         "Certificate: the server's key does not suit " +
                             std::string(negotiated_.suite->name) + " (RFC 5246 7.4.2)");
  }
  if ((kx == KeyExchange::kRsa && !leaf->allows_key_encipherment) ||
      (kx != KeyExchange::kRsa && !leaf->allows_digital_signature)) {
    return Status::Error(AlertDescription::kUnsupportedCertificate,
                         "Certificate: the server certificate's key usage does not allow " +
                             std::string(kx == KeyExchange::kRsa ? "keyEncipherment"
                                                                 : "digitalSignature") +
                             " (RFC 5246 7.4.2)");
  }
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ClientConnection::ReadServerKeyExchange(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const ServerKeyExchange* message, in.As<ServerKeyExchange>());
  const ServerKeyExchange& ske = *message;
  const auto* params = std::get_if<EcdhServerParams>(&ske.params);
  const auto* dh_params = std::get_if<DhServerParams>(&ske.params);
  if (params == nullptr && dh_params == nullptr) {
    return InternalError("ServerKeyExchange parsed with the wrong kind");
  }
  if (params != nullptr) {
    // RFC 8422 5.4: the server picks one of the client's groups.
    if (!Contains(config_.groups, params->named_curve) ||
        !IsSupportedEcdheGroup(params->named_curve)) {
      return IllegalParameter(
          "ServerKeyExchange.named_curve: " +
          Describe(Registry::kNamedGroup, static_cast<uint16_t>(params->named_curve)) +
          " was not offered (RFC 8422 5.4)");
    }
    // RFC 8422 5.11 (checklist 58): validate the point before anything uses it.
    SD_RETURN_IF_ERROR(CheckEcdhePublicValue(params->named_curve, params->public_key));
  }
  // RFC 5246 7.4.3 (checklist 40): the algorithm must be one the client offered.
  if (!Contains(OurSignatureSchemes(), ske.algorithm)) {
    return IllegalParameter(
        "ServerKeyExchange.algorithm: " +
        Describe(Registry::kSignatureScheme, static_cast<uint16_t>(ske.algorithm)) +
        " was not offered in signature_algorithms (RFC 5246 7.4.3)");
  }
  const Bytes signed_data = ske.SignedData(negotiated_.client_random, negotiated_.server_random);
  // checklist 40: a signature that does not verify is decrypt_error.
  SD_RETURN_IF_ERROR(peer_leaf_->verifier->Verify(ske.algorithm, signed_data, ske.signature)
                         .WithContext("ServerKeyExchange"));
  negotiated_.server_signature = ske.algorithm;
  if (dh_params != nullptr) {
    SD_RETURN_IF_ERROR(AcceptDhParams(*dh_params));
  } else {
    negotiated_.group = params->named_curve;
    SD_ASSIGN_OR_RETURN(EcdheKeyPair pair, EcdheKeyPair::Generate(params->named_curve, rng()));
    hs_.ecdhe.emplace(std::move(pair));
    hs_.server_public = params->public_key;
  }
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ClientConnection::AcceptDhParams(const DhServerParams& params) {
  // RFC 7919 3, after the signature: "compare the selected dh_p and dh_g with the FFDHE groups
  // offered by the client. If none of the offered groups match ... The client MAY decide to
  // continue the connection if the selected group is acceptable under local policy": a group
  // we did not offer is held to RFC 7919 3.1's checks (size, and p prime, g in range).
  DhGroup group = DhGroupFromWire(params.dh_p, params.dh_g);
  if (!group.named.has_value() || !Contains(config_.groups, *group.named)) {
    SD_RETURN_IF_ERROR(CheckDhGroup(params.dh_p, params.dh_g, config_.min_dh_bits));
  }
  // RFC 7919 3: "the client MUST verify that dh_Ys is in the range 1 < dh_Ys < dh_p - 1 ...
  // fatal handshake_failure(40)".
  SD_RETURN_IF_ERROR(CheckDhPublicValue(group, params.dh_ys).WithContext("ServerKeyExchange"));
  negotiated_.group = group.named;
  negotiated_.dh_bits = group.bits();
  SD_ASSIGN_OR_RETURN(DheKeyPair pair, DheKeyPair::Generate(group, rng()));
  hs_.dhe.emplace(std::move(pair));
  hs_.server_public = params.dh_ys;
  return Status::Ok();
}

Status ClientConnection::ReadCertificateRequest(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const CertificateRequest* message, in.As<CertificateRequest>());
  const CertificateRequest& cr = *message;
  hs_.certificate_requested = true;
  // RFC 5246 7.4.6: send a certificate whose key type the server listed and that can sign with
  // one of its supported_signature_algorithms; with none, an empty Certificate.
  const std::vector<SignatureScheme> ours = OurSignatureSchemes();
  const std::optional<std::vector<SignatureScheme>> theirs = cr.supported_signature_algorithms;
  for (PreparedCredential& c : shared_->credentials()) {
    const ClientCertificateType type = c.type == CertKeyType::kRsa
                                           ? ClientCertificateType::kRsaSign
                                           : ClientCertificateType::kEcdsaSign;
    if (!Contains(cr.certificate_types, type)) continue;
    Result<SignatureScheme> scheme =
        ChooseSignatureScheme(static_cast<const Botan::Public_Key&>(*c.key), theirs, &ours);
    if (!scheme.ok()) continue;
    hs_.client_credential = &c;
    hs_.client_scheme = *scheme;
    break;
  }
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ClientConnection::ReadServerHelloDone(const PeerStep& in) {
  SD_RETURN_IF_ERROR(in.As<ServerHelloDone>().status());
  AddToTranscript(in.encoded);
  return WriteClientFlight();
}

Status ClientConnection::WriteClientFlight() {
  if (hs_.certificate_requested) {
    // RFC 5246 7.4.6 (checklist 43): an empty list when there is no suitable certificate.
    Certificate certificate;
    if (hs_.client_credential != nullptr) certificate.certificate_list = hs_.client_credential->chain_der;
    SD_RETURN_IF_ERROR(WriteHandshake(certificate));
    tracker_.Learn(kFlagClientCert, hs_.client_credential != nullptr);
  }
  ClientKeyExchange cke;
  cke.kind = WireKind();
  Bytes pre_master_secret;
  if (negotiated_.suite->key_exchange == KeyExchange::kRsa) {
    // RFC 5246 7.4.7.1 (checklist 45a): the version offered in the ClientHello.
    pre_master_secret =
        MakeRsaPreMasterSecret(static_cast<uint16_t>(hs_.hello.client_version), rng());
    SD_ASSIGN_OR_RETURN(cke.exchange_keys,
                        EncryptPreMasterSecret(*peer_leaf_->key, pre_master_secret, rng()));
  } else if (hs_.dhe.has_value()) {
    // RFC 5246 7.4.7.2, 8.1.2: Z with its leading zero bytes stripped.
    SD_ASSIGN_OR_RETURN(pre_master_secret, hs_.dhe->Agree(hs_.server_public));
    cke.exchange_keys = hs_.dhe->public_value();
  } else {
    if (!hs_.ecdhe.has_value()) return InternalError("ECDHE suite without a key pair");
    SD_ASSIGN_OR_RETURN(pre_master_secret, hs_.ecdhe->Agree(hs_.server_public));
    cke.exchange_keys = hs_.ecdhe->public_value();
  }
  SD_RETURN_IF_ERROR(WriteHandshake(cke));
  SD_RETURN_IF_ERROR(DeriveMasterSecret(pre_master_secret));
  if (hs_.certificate_requested && hs_.client_credential != nullptr) {
    // RFC 5246 7.4.8: a signature over every handshake message so far.
    CertificateVerify cv;
    cv.algorithm = hs_.client_scheme;
    SD_ASSIGN_OR_RETURN(cv.signature, hs_.client_credential->signer->Sign(
                                          hs_.client_scheme, transcript_.messages()));
    SD_RETURN_IF_ERROR(WriteHandshake(cv));
    negotiated_.client_signature = hs_.client_scheme;
    negotiated_.client_authenticated = true;
  }
  SD_RETURN_IF_ERROR(DeriveTrafficKeys());
  SD_RETURN_IF_ERROR(WriteChangeCipherSpec());
  SD_RETURN_IF_ERROR(WriteFinished());
  return Status::Ok();
}

Status ClientConnection::ReadCertificateStatus(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const CertificateStatus* message, in.As<CertificateStatus>());
  // RFC 6066 8: "Clients requesting an OCSP response and receiving an OCSP response in a
  // "CertificateStatus" message MUST check the OCSP response and abort the handshake if the
  // response is not satisfactory with bad_certificate_status_response(113) alert." The
  // response is checked against the issuer of the leaf: the next certificate of the chain,
  // else a trust anchor.
  if (negotiated_.peer_chain.empty()) return InternalError("CertificateStatus before Certificate");
  const Bytes& leaf = negotiated_.peer_chain.front();
  std::vector<Bytes> candidates(negotiated_.peer_chain.begin() + 1, negotiated_.peer_chain.end());
  candidates.insert(candidates.end(), config_.trusted_roots.begin(), config_.trusted_roots.end());
  const std::optional<Bytes> issuer = FindIssuer(leaf, candidates);
  if (!issuer.has_value()) {
    return Status::Error(AlertDescription::kBadCertificateStatusResponse,
                         "CertificateStatus: no issuer certificate of the server's leaf to "
                         "verify the OCSP response with (RFC 6066 8)");
  }
  SD_RETURN_IF_ERROR(CheckOcspResponse(message->response, leaf, *issuer, Now()));
  negotiated_.ocsp_response = message->response;
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ClientConnection::ReadNewSessionTicket(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const NewSessionTicket* message, in.As<NewSessionTicket>());
  const NewSessionTicket& nst = *message;
  // RFC 5077 3.3: an empty ticket means the server changed its mind; keep no ticket then.
  hs_.ticket = nst.ticket;
  negotiated_.ticket_issued = !nst.ticket.empty();
  AddToTranscript(in.encoded);
  return Status::Ok();
}

Status ClientConnection::ReadServerChangeCipherSpec(const PeerStep& /*in*/) {
  return InstallReadKeys();
}

Status ClientConnection::ReadServerFinished(const PeerStep& in) {
  SD_ASSIGN_OR_RETURN(const Finished* message, in.As<Finished>());
  const Finished& finished = *message;
  SD_RETURN_IF_ERROR(ReadPeerFinished(finished, in.encoded));
  if (negotiated_.resumed) {
    // RFC 5246 7.3 Figure 2: in an abbreviated handshake the client's CCS + Finished come last.
    SD_RETURN_IF_ERROR(WriteChangeCipherSpec());
    SD_RETURN_IF_ERROR(WriteFinished());
  }
  return FinishHandshake();
}

}  // namespace

std::unique_ptr<ConnectionBase> NewClientConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared) {
  return std::make_unique<ClientConnection>(std::move(config), std::move(env), std::move(shared));
}

}  // namespace shakedown
