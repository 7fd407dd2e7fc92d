#include "harness/peer/message_builder.h"

#include <botan/bigint.h>
#include <botan/rsa.h>

#include <algorithm>
#include <string>
#include <utility>

#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/ocsp.h"
#include "engine/crypto/signature.h"
#include "engine/wire/extensions.h"
#include "engine/wire/heartbeat.h"
#include "harness/peer/field_edits.h"
#include "harness/scenario/message_shapes.h"

namespace shakedown {
namespace peer {
namespace {

Bytes RandomBytes(Botan::RandomNumberGenerator& rng, size_t n) {
  Bytes out(n);
  if (n > 0) rng.randomize(out.data(), n);
  return out;
}

bool EditsField(const std::vector<FieldEdit>& edits, std::string_view field) {
  for (const FieldEdit& e : edits) {
    if (e.field == field) return true;
  }
  return false;
}

// The messages whose tampering a correct target must refuse: their integrity is what the
// vector tests ("accepted: tampered <Message>").
bool IsIntegrityChecked(MessageName name) {
  return name == MessageName::kFinished || name == MessageName::kCertificateVerify ||
         name == MessageName::kServerKeyExchange;
}

// The salt length RFC 8446 4.2.3 requires of an RSA-PSS scheme: its hash's output.
size_t HashLengthOfPss(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPssRsaeSha384:
      return 48;
    case SignatureScheme::kRsaPssRsaeSha512:
      return 64;
    default:
      return 32;
  }
}

uint8_t WireHeartbeatMode(HeartbeatMode mode) {
  return mode == HeartbeatMode::kPeerNotAllowedToSend ? HeartbeatExt::kPeerNotAllowedToSend
                                                      : HeartbeatExt::kPeerAllowedToSend;
}

}  // namespace

Result<Outgoing> MessageBuilder::BuildMessage(const SendStep& step) {
  switch (step.message) {
    case MessageName::kChangeCipherSpec:
      return BuildChangeCipherSpec(step);
    case MessageName::kAlert:
      return BuildAlert(step);
    case MessageName::kApplicationData:
      return BuildApplicationData(step);
    case MessageName::kHeartbeat:
      return BuildHeartbeat(step);
    default:
      return BuildHandshake(step);
  }
}

bool MessageBuilder::AwaitsTarget(const SendStep& step) const {
  const PeerConnection& c = state_.conn();
  switch (step.message) {
    case MessageName::kServerHello:
      return !c.client_hello.has_value();
    case MessageName::kClientKeyExchange:
      if (RsaKeyExchange(c)) return c.target_key == nullptr;
      return DheKeyExchange(c) ? !c.target_dhe.has_value() : !c.target_ecdhe.has_value();
    default:
      return false;
  }
}

Result<Outgoing> MessageBuilder::Build(const SendStep& step) {
  SD_ASSIGN_OR_RETURN(Outgoing o, BuildMessage(step));
  if (!HasCorruption(step.corrupt) && !step.malform) {
    if (o.message) {
      o.unsolicited = UnsolicitedExtension(*o.message);
      o.resumption_mismatch = CommitSent(*o.message);
    }
  } else {
    Bytes before = o.payload;
    if (step.malform) {
      const CipherSuiteInfo* suite = state_.conn().suite;
      SD_ASSIGN_OR_RETURN(
          o.payload, ApplyMalformation(step.message,
                                       suite ? suite->key_exchange : KeyExchange::kEcdheRsa,
                                       *step.malform, o.payload));
    }
    if (HasCorruption(step.corrupt)) SD_RETURN_IF_ERROR(ApplyCorruption(step.corrupt, &o.payload));
    constexpr uint8_t kHandshakeRecord = static_cast<uint8_t>(ContentType::kHandshake);
    // A malformation rewrites the header's length to its new body.
    bool header_xor =
        (step.corrupt.xor_bytes.has_value() || step.malform.has_value()) &&
        o.content_type == kHandshakeRecord &&
        before.size() >= kHandshakeHeaderLength &&
        !std::equal(before.begin(), before.begin() + kHandshakeHeaderLength, o.payload.begin());
    // Framing changed only if bytes were cut or added (a truncation at or past the end cuts
    // nothing) or a handshake header changed.
    const bool intact = o.payload.size() >= before.size() &&
                        std::equal(before.begin(), before.end(), o.payload.begin());
    o.appended = intact && o.payload.size() > before.size();
    o.restructured = !o.appended && (o.payload.size() != before.size() || header_xor);
    // Tampered only if the message's own bytes changed: bytes appended after it leave it
    // intact (they start the next message as the target frames them).
    if (IsIntegrityChecked(step.message)) {
      o.tampered = o.tampered || !intact;
    }
    if (o.message) {
      const TypedHandshake read = AsTheTargetReadsIt(*o.message, o.payload);
      if (o.payload.size() == before.size()) o.unsolicited = UnsolicitedExtension(read);
      o.resumption_mismatch = CommitSent(read);
    }
  }
  return o;
}

// A ServerHello extension the target's ClientHello did not offer (renegotiation_info answers
// the SCSV too, RFC 5746 3.6), or "" (also for other messages, or no ClientHello yet).
std::string MessageBuilder::UnsolicitedExtension(const TypedHandshake& message) const {
  const auto* sh = std::get_if<ServerHello>(&message);
  const PeerConnection& c = state_.conn();
  if (sh == nullptr || !sh->extensions || !c.client_hello || c.completed) return "";
  const ClientHello& ch = *c.client_hello;
  for (const Extension& e : sh->extensions->list()) {
    if (ch.extensions && ch.extensions->FindRaw(e.type) != nullptr) continue;
    if (e.type == static_cast<uint16_t>(ExtensionType::kRenegotiationInfo) &&
        Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv)) {
      continue;
    }
    return Describe(Registry::kExtensionType, e.type);
  }
  return "";
}

// The target reads the corrupted bytes: what the peer believes it sent (the hellos' EMS,
// renegotiation_info, session id, suite) must come from them, not from the typed message the
// corruption was applied to. Bytes that do not parse as one message of the same type leave the
// typed one: the target must reject them anyway.
TypedHandshake MessageBuilder::AsTheTargetReadsIt(const TypedHandshake& built, ByteView payload) {
  if (payload.size() < kHandshakeHeaderLength) return built;
  const auto type = static_cast<HandshakeType>(payload[0]);
  const size_t length = DeclaredBodyLength(payload);
  // Bytes past the declared length start the next message (an `append`); fewer are not a
  // message yet (the target waits).
  if (type != TypeOf(built) || payload.size() < kHandshakeHeaderLength + length) return built;
  ParseContext context;
  if (const CipherSuiteInfo* suite = state_.conn().suite) {
    context.key_exchange =
        WireKeyExchange(suite->key_exchange).value_or(KeyExchangeKind::kEcdhe);
  }
  Result<TypedHandshake> parsed =
      ParseHandshakeMessage(type, payload.subview(kHandshakeHeaderLength, length), context);
  return parsed.ok() ? std::move(parsed).value() : built;
}

// ---------------------------------------------------------------------------------------
// Records

Result<Outgoing> MessageBuilder::BuildChangeCipherSpec(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  o.content_type = static_cast<uint8_t>(ContentType::kChangeCipherSpec);
  o.payload = {ChangeCipherSpec::kValue};
  for (const FieldEdit& e : step.set) {
    if (e.field != "value")
      return InternalError("set " + e.field + ": ChangeCipherSpec has no such field");
    SD_ASSIGN_OR_RETURN(o.payload, EditBytes(e, o.payload));
  }
  return o;
}

Result<Outgoing> MessageBuilder::BuildAlert(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  o.content_type = static_cast<uint8_t>(ContentType::kAlert);
  // Default: a warning close_notify (RFC 5246 7.2.1), the one alert that needs no reason.
  Alert alert{AlertLevel::kWarning, AlertDescription::kCloseNotify};
  SD_RETURN_IF_ERROR(ApplyAlertEdits(step.set, &alert));
  SD_ASSIGN_OR_RETURN(o.payload, SerializeToBytes(alert));
  return o;
}

Result<Outgoing> MessageBuilder::BuildApplicationData(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  o.content_type = static_cast<uint8_t>(ContentType::kApplicationData);
  o.payload = step.raw;
  for (const FieldEdit& e : step.set) {
    if (e.field != "data")
      return InternalError("set " + e.field + ": ApplicationData has no such field");
    SD_ASSIGN_OR_RETURN(o.payload, EditBytes(e, o.payload));
  }
  return o;
}

Result<Outgoing> MessageBuilder::BuildHeartbeat(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  o.content_type = static_cast<uint8_t>(ContentType::kHeartbeat);
  // RFC 6520 4: a request with an arbitrary payload and "random padding of at least 16 bytes".
  Botan::RandomNumberGenerator& rng = *state_.conn().rng;
  HeartbeatMessage m = HeartbeatMessage::Make(HeartbeatMessageType::kRequest, RandomBytes(rng, 16),
                                              RandomBytes(rng, HeartbeatMessage::kMinPadding));
  bool length_set = false;
  for (const FieldEdit& e : step.set) {
    const uint64_t* number = std::get_if<uint64_t>(&e.value.value);
    if (e.field == "type" && number != nullptr) {
      m.type = static_cast<uint8_t>(*number);
    } else if (e.field == "payload_length" && number != nullptr) {
      m.payload_length = static_cast<uint16_t>(*number);
      length_set = true;
    } else if (e.field == "payload") {
      SD_ASSIGN_OR_RETURN(m.payload, EditBytes(e, m.payload));
    } else if (e.field == "padding") {
      SD_ASSIGN_OR_RETURN(m.padding, EditBytes(e, m.padding));
    } else {
      return InternalError("set " + e.field + ": Heartbeat has no such field");
    }
  }
  // payload_length follows an edited payload unless the step sets it (Heartbleed does).
  if (!length_set) m.payload_length = static_cast<uint16_t>(m.payload.size());
  SD_ASSIGN_OR_RETURN(o.payload, SerializeToBytes(m));
  // What a correct target echoes (RFC 6520 4: "an exact copy of the payload"): the payload as
  // sent, never more.
  if (m.type == static_cast<uint8_t>(HeartbeatMessageType::kRequest)) {
    for (int i = 0; i < std::max(step.repeat, 1); ++i) {
      state_.conn().heartbeat_requests.push_back(m.payload);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Handshake messages

Result<Outgoing> MessageBuilder::BuildHandshake(const SendStep& step) {
  Outgoing o;
  o.name = step.message;
  std::vector<FieldEdit> edits = step.set;
  SD_ASSIGN_OR_RETURN(TypedHandshake message, BuildDefault(step, &edits));
  SD_ASSIGN_OR_RETURN(Bytes reference, SerializeHandshakeMessage(message));
  SD_RETURN_IF_ERROR(ApplyFieldEdits(edits, &message)
                         .WithContext(std::string(MessageNameString(step.message))));
  const bool signature_set = EditsField(edits, "signature");
  const bool algorithm_set = EditsField(edits, "signature_algorithm");
  // The scheme edited, the signature not: a genuine signature under the scheme named (an MD5
  // one for SLOTH), so the vector tests the label and not the signature bytes. Keys that
  // cannot sign with it keep the old signature, now mislabelled.
  bool relabelled = false;
  if (auto* ske = std::get_if<ServerKeyExchange>(&message)) {
    // Params edited, signature not: sign the edited params, so the vector tests the
    // params (an invalid curve point, an unoffered group) and not the signature.
    if (!signature_set && !edits.empty()) {
      Result<Bytes> signature = SignServerKeyExchange(*ske, ske->algorithm);
      if (signature.ok()) {
        ske->signature = std::move(signature).value();
        relabelled = algorithm_set;
      } else if (!algorithm_set) {
        return signature.status();
      }
    }
  } else if (auto* cv = std::get_if<CertificateVerify>(&message)) {
    if (algorithm_set && !signature_set) {
      Result<Bytes> signature = SignCertificateVerify(cv->algorithm);
      if (signature.ok()) {
        cv->signature = std::move(signature).value();
        relabelled = true;
      }
    }
  }
  // A PSS salt of the step's length: a genuine signature with a salt RFC 8446 4.2.3 forbids,
  // which the target must refuse whether or not it offered the scheme.
  bool bad_salt = false;
  if (step.pss_salt_length) {
    const size_t salt = static_cast<size_t>(*step.pss_salt_length);
    Result<Bytes> signature = InternalError("no signed message");
    SignatureScheme scheme{};
    if (auto* ske = std::get_if<ServerKeyExchange>(&message)) {
      scheme = ske->algorithm;
      signature = SignServerKeyExchange(*ske, scheme, salt);
      if (signature.ok()) ske->signature = *signature;
    } else if (auto* cv = std::get_if<CertificateVerify>(&message)) {
      scheme = cv->algorithm;
      signature = SignCertificateVerify(scheme, salt);
      if (signature.ok()) cv->signature = *signature;
    }
    if (!signature.ok()) return signature.status().WithContext("pss_salt_length");
    bad_salt = salt != HashLengthOfPss(scheme);
  }
  const bool signature_edited = signature_set || algorithm_set;
  SD_ASSIGN_OR_RETURN(o.payload, SerializeHandshakeMessage(message));
  o.message = message;  // committed by Build() once `corrupt` is applied
  o.bad_premaster = std::move(premaster_flaw_);
  premaster_flaw_.clear();
  switch (step.message) {
    case MessageName::kFinished:
      o.tampered = o.payload != reference;
      o.correct = reference;
      break;
    case MessageName::kCertificateVerify:
    case MessageName::kServerKeyExchange:
      if (relabelled) {
        // Validly signed: the target must refuse it only for a scheme it did not offer (RFC 5246
        // 7.4.1.4.1, 7.4.8).
        const auto* ske = std::get_if<ServerKeyExchange>(&message);
        const SignatureScheme scheme =
            ske != nullptr ? ske->algorithm : std::get<CertificateVerify>(message).algorithm;
        o.tampered = !TargetOffers(step.message, scheme) || bad_salt;
        break;
      }
      if (bad_salt) {
        o.tampered = true;
        break;
      }
      // An edit that changes no byte (an all-zero xor mask, a value set to itself) leaves the
      // signature valid: not a tampering the target must reject.
      o.tampered = signature_edited && o.payload != reference;
      break;
    default:
      break;
  }
  return o;
}

Result<TypedHandshake> MessageBuilder::BuildDefault(const SendStep& step,
                                                    std::vector<FieldEdit>* edits) {
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
    case MessageName::kCertificate:
      return TypedHandshake(BuildCertificate());
    case MessageName::kServerKeyExchange: {
      SD_ASSIGN_OR_RETURN(ServerKeyExchange ske, BuildServerKeyExchange());
      return TypedHandshake(std::move(ske));
    }
    case MessageName::kCertificateRequest:
      return TypedHandshake(BuildCertificateRequest());
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
    case MessageName::kNewSessionTicket:
      return TypedHandshake(BuildNewSessionTicket());
    case MessageName::kCertificateStatus: {
      SD_ASSIGN_OR_RETURN(CertificateStatus cs, BuildCertificateStatus());
      return TypedHandshake(std::move(cs));
    }
    case MessageName::kFinished: {
      SD_ASSIGN_OR_RETURN(Finished fin, BuildFinished());
      return TypedHandshake(std::move(fin));
    }
    default:
      return InternalError("Send: not a handshake message");
  }
}

Result<ClientHello> MessageBuilder::BuildClientHello() {
  PeerConnection& c = state_.conn();
  const PeerConfig& p = state_.setup.scenario.peer;
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
  ch.cipher_suites = state_.setup.suites;
  ch.compression_methods = {0};
  Extensions ext;
  if (!p.server_name.empty()) SD_RETURN_IF_ERROR(ext.Set(ServerNameExt{{p.server_name}}));
  SD_RETURN_IF_ERROR(ext.Set(SupportedGroupsExt{state_.setup.groups}));
  SD_RETURN_IF_ERROR(ext.Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}}));
  SD_RETURN_IF_ERROR(ext.Set(SignatureAlgorithmsExt{state_.setup.schemes}));
  if (p.extended_master_secret) SD_RETURN_IF_ERROR(ext.Set(ExtendedMasterSecretExt{}));
  if (p.encrypt_then_mac) SD_RETURN_IF_ERROR(ext.Set(EncryptThenMacExt{}));
  if (p.max_fragment_length != 0) {
    SD_RETURN_IF_ERROR(ext.Set(
        MaxFragmentLengthExt{MaxFragmentLengthExt::CodeFor(p.max_fragment_length)}));
  }
  if (p.record_size_limit != 0) SD_RETURN_IF_ERROR(ext.Set(RecordSizeLimitExt{p.record_size_limit}));
  // RFC 5746 3.4: the initial ClientHello carries an empty renegotiation_info; 3.5: a
  // renegotiation's, the saved client_verify_data.
  if (p.renegotiation_info) {
    SD_RETURN_IF_ERROR(ext.Set(RenegotiationInfoExt{state_.RenegotiatedConnection(false)}));
  }
  if (p.session_ticket) {
    SessionTicketExt t;
    if (c.offer) t.ticket = c.offer->ticket;
    SD_RETURN_IF_ERROR(ext.Set(t));
  }
  if (p.heartbeat != HeartbeatMode::kOff) {
    SD_RETURN_IF_ERROR(ext.Set(HeartbeatExt{WireHeartbeatMode(p.heartbeat)}));
  }
  // RFC 6066 8: ocsp, no responder ids, no request extensions.
  if (p.status_request) SD_RETURN_IF_ERROR(ext.Set(StatusRequestExt{}));
  ch.extensions = std::move(ext);
  return ch;
}

std::optional<PeerSession> MessageBuilder::FindResumable(const ClientHello& ch,
                                                         bool ch_ems) const {
  // Resumption, only when the script asks for it: by session id, or by a ticket this peer
  // issued (RFC 5077 3.4: echo the client's session id). RFC 5246 7.4.1.2 / RFC 7627 5.3:
  // the cached suite must be offered and the EMS state must match, else a full handshake.
  const PeerConnection& c = state_.conn();
  if (!state_.setup.scenario.connections[c.index].resume) return std::nullopt;
  const PeerSession* found = state_.OfferedSession(ch);
  if (found != nullptr && Contains(ch.cipher_suites, found->cipher_suite) &&
      found->extended_master_secret == ch_ems) {
    return *found;
  }
  return std::nullopt;
}

Result<ServerHello> MessageBuilder::BuildServerHello() {
  PeerConnection& c = state_.conn();
  if (!c.client_hello) return InternalError("ServerHello: no ClientHello received yet");
  const ClientHello& ch = *c.client_hello;
  const PeerConfig& p = state_.setup.scenario.peer;
  const std::vector<uint16_t>& suites = state_.setup.suites;
  ServerHello sh;
  sh.server_version = p.version;
  c.rng->randomize(sh.random.data(), sh.random.size());

  // RFC 5246 7.4.1.3: a suite the client offered; the peer's own order decides.
  sh.cipher_suite = suites.empty() ? 0 : suites.front();
  for (uint16_t s : suites) {
    const CipherSuiteInfo* info = FindCipherSuite(s);
    if (Contains(ch.cipher_suites, s) && info != nullptr && info->engine_supported &&
        (info->key_exchange == KeyExchange::kRsa || info->IsEphemeral())) {
      sh.cipher_suite = s;
      break;
    }
  }

  bool ch_ems = HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret);
  c.candidate = FindResumable(ch, ch_ems);
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
  // RFC 7366 2, 3: answered when asked, for a CBC suite only.
  if (p.encrypt_then_mac && HasExt(ch.extensions, ExtensionType::kEncryptThenMac) &&
      info != nullptr && info->cipher_type == CipherType::kBlock) {
    SD_RETURN_IF_ERROR(ext.Set(EncryptThenMacExt{}));
  }
  // RFC 5746 3.6: answer an RI or the SCSV with an empty RI; 3.7: in a renegotiation, with
  // client_verify_data || server_verify_data.
  if (p.renegotiation_info && (HasExt(ch.extensions, ExtensionType::kRenegotiationInfo) ||
                               Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv))) {
    SD_RETURN_IF_ERROR(ext.Set(RenegotiationInfoExt{state_.RenegotiatedConnection(true)}));
  }
  // RFC 5077 3.2: the empty extension announces a NewSessionTicket.
  if (p.session_ticket && !c.candidate && HasExt(ch.extensions, ExtensionType::kSessionTicket)) {
    SD_RETURN_IF_ERROR(ext.Set(SessionTicketExt{}));
  }
  if (info != nullptr && info->IsEcdhe() && HasExt(ch.extensions, ExtensionType::kEcPointFormats)) {
    SD_RETURN_IF_ERROR(ext.Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}}));
  }
  // RFC 6520 2: an answer only to the client's heartbeat extension.
  if (p.heartbeat != HeartbeatMode::kOff && HasExt(ch.extensions, ExtensionType::kHeartbeat)) {
    SD_RETURN_IF_ERROR(ext.Set(HeartbeatExt{WireHeartbeatMode(p.heartbeat)}));
  }
  // RFC 6066 8: the empty answer to an ocsp request, in a full handshake; the script then sends
  // CertificateStatus after Certificate.
  if (p.status_request && !c.candidate && ch.extensions) {
    if (std::optional<Result<StatusRequestExt>> asked = ch.extensions->Find<StatusRequestExt>();
        asked.has_value() && asked->ok() && !(*asked)->answer &&
        (*asked)->status_type == StatusRequestExt::kOcsp) {
      SD_RETURN_IF_ERROR(ext.Set(StatusRequestExt::Answer()));
    }
  }
  // RFC 8449: its limit to a client that sent one, and then (5) no max_fragment_length; RFC
  // 6066 4: otherwise a valid max_fragment_length request is answered with the same length.
  const Extension* ch_rsl = FindExt(ch.extensions, ExtensionType::kRecordSizeLimit);
  const Extension* ch_mfl = FindExt(ch.extensions, ExtensionType::kMaxFragmentLength);
  if (p.record_size_limit != 0 && ch_rsl != nullptr) {
    SD_RETURN_IF_ERROR(ext.Set(RecordSizeLimitExt{p.record_size_limit}));
  } else if (ch_mfl != nullptr) {
    Result<MaxFragmentLengthExt> asked = MaxFragmentLengthExt::Parse(ch_mfl->body);
    if (asked.ok() && asked->Length() != 0) SD_RETURN_IF_ERROR(ext.Set(*asked));
  }
  if (!ext.empty()) sh.extensions = std::move(ext);
  return sh;
}

Certificate MessageBuilder::BuildCertificate() {
  Certificate cert;
  const Credential* cred =
      state_.setup.is_client() ? state_.ClientCredential() : state_.ServerCredential();
  if (cred != nullptr) cert.certificate_list = cred->chain_der;
  return cert;
}

CertificateRequest MessageBuilder::BuildCertificateRequest() {
  CertificateRequest cr;
  cr.certificate_types = {ClientCertificateType::kRsaSign, ClientCertificateType::kEcdsaSign};
  cr.supported_signature_algorithms = state_.setup.schemes;
  return cr;
}

Result<CertificateVerify> MessageBuilder::BuildCertificateVerify() {
  PeerConnection& c = state_.conn();
  const std::shared_ptr<const TestPki>& pki = state_.setup.resources.pki;
  const Credential* cred = state_.ClientCredential();
  if (cred == nullptr) cred = &pki->rsa_client;  // a deviation: sign anyway
  std::optional<std::vector<SignatureScheme>> offered = state_.setup.schemes;
  if (c.certificate_request) offered = c.certificate_request->supported_signature_algorithms;
  CertificateVerify cv;
  Result<SignatureScheme> scheme =
      ChooseSignatureScheme(*cred->key, offered, &state_.setup.schemes);
  cv.algorithm = scheme.ok() ? *scheme
                             : (cred == &pki->ecdsa_client ? SignatureScheme::kEcdsaSecp256r1Sha256
                                                           : SignatureScheme::kRsaPkcs1Sha256);
  SD_ASSIGN_OR_RETURN(cv.signature, SignCertificateVerify(cv.algorithm));
  return cv;
}

Result<Bytes> MessageBuilder::SignCertificateVerify(SignatureScheme scheme,
                                                    std::optional<size_t> pss_salt_length) {
  PeerConnection& c = state_.conn();
  const Credential* cred = state_.ClientCredential();
  if (cred == nullptr) cred = &state_.setup.resources.pki->rsa_client;  // as BuildCertificateVerify
  SD_ASSIGN_OR_RETURN(Signer signer, Signer::Create(cred->key));
  // RFC 5246 7.4.8: every handshake message so far, as sent and received.
  return signer.Sign(scheme, c.transcript.messages(), pss_salt_length);
}

std::optional<std::vector<SignatureScheme>> MessageBuilder::ClientHelloSchemes() const {
  const PeerConnection& c = state_.conn();
  if (c.client_hello && c.client_hello->extensions) {
    if (auto s = c.client_hello->extensions->Find<SignatureAlgorithmsExt>(); s && s->ok()) {
      return (*s)->schemes;
    }
  }
  return std::nullopt;
}

bool MessageBuilder::TargetOffers(MessageName message, SignatureScheme scheme) const {
  const PeerConnection& c = state_.conn();
  if (message == MessageName::kCertificateVerify) {
    if (!c.certificate_request) return false;
    const auto& list = c.certificate_request->supported_signature_algorithms;
    return std::find(list.begin(), list.end(), scheme) != list.end();
  }
  if (const std::optional<std::vector<SignatureScheme>> list = ClientHelloSchemes()) {
    return std::find(list->begin(), list->end(), scheme) != list->end();
  }
  // RFC 5246 7.4.1.4.1: without the extension, the client supports {sha1} with the key's
  // signature algorithm.
  return scheme == SignatureScheme::kRsaPkcs1Sha1 || scheme == SignatureScheme::kEcdsaSha1;
}

NewSessionTicket MessageBuilder::BuildNewSessionTicket() {
  NewSessionTicket nst;
  nst.ticket_lifetime_hint = 7200;
  nst.ticket = RandomBytes(*state_.conn().rng, 32);  // an opaque handle into the peer's cache
  return nst;
}

Result<CertificateStatus> MessageBuilder::BuildCertificateStatus() {
  // About the certificate the server peer sends (the RSA server's when it has none, as a
  // client peer sending this message out of role); signed by the test CA.
  const TestPki& pki = *state_.setup.resources.pki;
  const Credential* cred = state_.setup.is_client() ? nullptr : state_.ServerCredential();
  const Bytes& leaf = cred != nullptr && !cred->chain_der.empty()
                          ? cred->chain_der.front()
                          : pki.rsa_server.chain_der.front();
  const std::optional<OcspResponseKind> kind =
      OcspResponseKindFromName(state_.setup.scenario.peer.ocsp_response);
  if (!kind.has_value()) {
    return InternalError("peer.ocsp_response: unknown \"" +
                         state_.setup.scenario.peer.ocsp_response + "\"");
  }
  CertificateStatus cs;
  cs.status_type = CertificateStatus::kOcsp;
  SD_ASSIGN_OR_RETURN(cs.response, MakeTestOcspResponse(pki, leaf, *kind));
  return cs;
}

Result<Finished> MessageBuilder::BuildFinished() {
  // Computed before the step's edits, over the transcript as actually sent and received,
  // so `set verify_data` or `corrupt` tamper with a correct value.
  SD_ASSIGN_OR_RETURN(Bytes verify, state_.VerifyData(state_.setup.own_side));
  return Finished{std::move(verify)};
}

// ---------------------------------------------------------------------------------------
// What the peer remembers of what it sent

bool MessageBuilder::InHandshake() const {
  // A message after the handshake (a renegotiation attempt) starts no new handshake here: the
  // negotiated randoms, hellos and keys stay those of the completed one. Nor does one sent
  // during the target's turn: the target answers what it has read (see PeerState::AddOwnStep)
  // and reads this one after its flight, where a correct target refuses it.
  return !state_.conn().completed && state_.PeersTurn();
}

// An edited ServerHello suite is the suite the target sees, so it is the one the peer
// must follow.
std::string MessageBuilder::CommitSent(const TypedHandshake& message) {
  PeerConnection& c = state_.conn();
  if (!InHandshake()) return "";
  // A hello of the other role (a client peer sending a ServerHello) is a message the target
  // must refuse, never its view of the handshake: the peer's record stays the real one.
  const bool other_roles_hello = state_.setup.is_client()
                                     ? std::holds_alternative<ServerHello>(message)
                                     : std::holds_alternative<ClientHello>(message);
  if (other_roles_hello) return "";
  // Nor does a second hello of its own: the peer never renegotiates, so one sent later in the
  // connection (behind a Finished cut short, say, while the table still waits for it) is a
  // message the target must refuse, and the handshake stays the first hello's.
  const bool later_hello = state_.setup.is_client()
                               ? std::holds_alternative<ClientHello>(message) && c.client_hello
                               : std::holds_alternative<ServerHello>(message) && c.server_hello;
  if (later_hello) return "";
  std::string mismatch;
  if (const auto* cr = std::get_if<CertificateRequest>(&message)) c.sent_certificate_request = *cr;
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
    c.etm = EncryptThenMacNegotiated(c.client_hello, *sh);
    c.record_limits = RecordLimitsNegotiated(c.client_hello, *sh);
    // The server peer resumes its candidate by echoing the client's session id. That id may be
    // empty: a client presenting a ticket MAY send none (RFC 5077 3.4), and then only the
    // server's next message (ChangeCipherSpec, not Certificate) tells it the ticket was taken.
    c.resumed = c.candidate.has_value() && c.client_hello &&
                sh->session_id == c.client_hello->session_id;
    if (c.resumed) {
      if (sh->cipher_suite != c.candidate->cipher_suite ||
          c.ems != c.candidate->extended_master_secret) {
        // RFC 5246 7.4.1.3: a resumed session keeps its suite; RFC 7627 5.3: the client
        // "MUST abort the handshake" when the EMS state differs.
        // Pending once the target has read it whole (PeerState::TrackOwn).
        mismatch = "an abbreviated ServerHello resuming session " + ToHex(sh->session_id) +
                   " (suite " + Describe(Registry::kCipherSuite, c.candidate->cipher_suite) +
                   ", EMS " + (c.candidate->extended_master_secret ? "on" : "off") +
                   ") with suite " + Describe(Registry::kCipherSuite, sh->cipher_suite) +
                   ", EMS " + (c.ems ? "on" : "off");
      }
      state_.Resume(*c.candidate);
    }
    state_.Learn(*sh);
  } else if (const auto* nst = std::get_if<NewSessionTicket>(&message)) {
    c.ticket = nst->ticket;
  }
  return mismatch;
}

}  // namespace peer
}  // namespace shakedown
