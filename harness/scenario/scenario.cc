#include "harness/scenario/scenario.h"

#include <deque>
#include <filesystem>
#include <tuple>

namespace shakedown {
namespace {

struct MessageNameEntry {
  MessageName name;
  std::string_view text;
};

constexpr MessageNameEntry kMessageNames[] = {
    {MessageName::kHelloRequest, "HelloRequest"},
    {MessageName::kClientHello, "ClientHello"},
    {MessageName::kServerHello, "ServerHello"},
    {MessageName::kCertificate, "Certificate"},
    {MessageName::kServerKeyExchange, "ServerKeyExchange"},
    {MessageName::kCertificateRequest, "CertificateRequest"},
    {MessageName::kServerHelloDone, "ServerHelloDone"},
    {MessageName::kCertificateVerify, "CertificateVerify"},
    {MessageName::kClientKeyExchange, "ClientKeyExchange"},
    {MessageName::kNewSessionTicket, "NewSessionTicket"},
    {MessageName::kFinished, "Finished"},
    {MessageName::kChangeCipherSpec, "ChangeCipherSpec"},
    {MessageName::kAlert, "Alert"},
    {MessageName::kApplicationData, "ApplicationData"},
    {MessageName::kHeartbeat, "Heartbeat"},
    {MessageName::kCertificateStatus, "CertificateStatus"},
    {MessageName::kRaw, "Raw"},
    {MessageName::kClose, "Close"},
};

using M = MessageName;
using T = FieldType;

// The fields of every message but the per-extension rows, which are generated from the
// extension registry. Names follow the struct members of engine/wire/handshake.h.
struct StaticField {
  MessageName message;
  std::string_view field;
  FieldType type;
  std::string_view meaning;
};

constexpr StaticField kHelloFieldsClient[] = {
    {M::kClientHello, "client_version", T::kVersion,
     "highest version the client offers (RFC 5246 7.4.1.2)"},
    {M::kClientHello, "random", T::kRandom, "ClientHello.random, 32 bytes"},
    {M::kClientHello, "session_id", T::kBytes, "session to resume, <0..32> bytes"},
    {M::kClientHello, "cipher_suites", T::kSuiteList,
     "offered suites in order; SCSVs and unknown values allowed"},
    {M::kClientHello, "compression_methods", T::kU8List,
     "offered compression methods, <1..2^8-1>; must hold null (0)"},
    {M::kClientHello, "extensions", T::kExtension,
     "null: omit the extensions block; hex: the block's extension list, without its length"},
};

constexpr StaticField kHelloFieldsServer[] = {
    {M::kServerHello, "server_version", T::kVersion,
     "version the server selected (RFC 5246 7.4.1.3)"},
    {M::kServerHello, "random", T::kRandom,
     "ServerHello.random, 32 bytes (RFC 8446 4.1.3 downgrade sentinel in the last 8)"},
    {M::kServerHello, "session_id", T::kBytes,
     "session id, <0..32> bytes; echoes the client's on resumption"},
    {M::kServerHello, "cipher_suite", T::kSuite, "selected suite"},
    {M::kServerHello, "compression_method", T::kU8, "selected compression method"},
    {M::kServerHello, "extensions", T::kExtension,
     "null: omit the extensions block; hex: the block's extension list, without its length"},
};

constexpr StaticField kOtherFields[] = {
    {M::kCertificate, "certificate_list", T::kBytesList,
     "DER certificates, sender's first (RFC 5246 7.4.2); [] is the empty client Certificate"},
    {M::kServerKeyExchange, "named_curve", T::kGroup, "ECDHE: the group of the ephemeral key"},
    {M::kServerKeyExchange, "public_key", T::kBytes, "ECDHE: the server's ECPoint, <1..2^8-1>"},
    {M::kServerKeyExchange, "dh_p", T::kBytes, "DHE: the prime, <1..2^16-1>"},
    {M::kServerKeyExchange, "dh_g", T::kBytes, "DHE: the generator, <1..2^16-1>"},
    {M::kServerKeyExchange, "dh_ys", T::kBytes, "DHE: the server's public value, <1..2^16-1>"},
    {M::kServerKeyExchange, "rsa_modulus", T::kBytes,
     "RSA_EXPORT's temporary key (RFC 4346 7.4.3; setting it makes the params ServerRSAParams, "
     "the FREAK message): the modulus, <1..2^16-1>"},
    {M::kServerKeyExchange, "rsa_exponent", T::kBytes,
     "RSA_EXPORT's temporary key: the public exponent, <1..2^16-1>"},
    {M::kServerKeyExchange, "signature_algorithm", T::kScheme,
     "SignatureAndHashAlgorithm of the params signature (RFC 5246 7.4.3)"},
    {M::kServerKeyExchange, "signature", T::kBytes,
     "signature over client_random + server_random + params"},
    {M::kCertificateRequest, "certificate_types", T::kU8List,
     "ClientCertificateType list, <1..2^8-1> (RFC 5246 7.4.4)"},
    {M::kCertificateRequest, "supported_signature_algorithms", T::kSchemeList,
     "schemes the server accepts in CertificateVerify"},
    {M::kCertificateRequest, "certificate_authorities", T::kBytesList,
     "DER DistinguishedNames of acceptable CAs"},
    {M::kCertificateVerify, "signature_algorithm", T::kScheme,
     "SignatureAndHashAlgorithm of the transcript signature (RFC 5246 7.4.8)"},
    {M::kCertificateVerify, "signature", T::kBytes, "signature over the handshake messages"},
    {M::kClientKeyExchange, "exchange_keys", T::kBytes,
     "the encoded body: RSA EncryptedPreMasterSecret, or the ECDHE/DHE public value"},
    {M::kClientKeyExchange, "pre_master_secret.version", T::kVersion,
     "RSA: client_version inside the PreMasterSecret (RFC 5246 7.4.7.1)"},
    {M::kClientKeyExchange, "pre_master_secret.length", T::kU16,
     "RSA: length of the PreMasterSecret before encryption (48 when well-formed)"},
    {M::kClientKeyExchange, "rsa_padding", T::kBytes,
     "RSA: the whole PKCS#1 block to encrypt raw (ROBOT-style vectors, checklist 45b)"},
    {M::kNewSessionTicket, "ticket_lifetime_hint", T::kU32, "seconds (RFC 5077 3.3)"},
    {M::kNewSessionTicket, "ticket", T::kBytes, "the opaque ticket, <0..2^16-1>"},
    {M::kCertificateStatus, "status_type", T::kU8,
     "CertificateStatusType: 1 ocsp, the only one defined (RFC 6066 8)"},
    {M::kCertificateStatus, "response", T::kBytes,
     "the DER OCSPResponse, <1..2^24-1>; the peer's ocsp_response by default"},
    {M::kFinished, "verify_data", T::kBytes,
     "PRF output, 12 bytes (RFC 5246 7.4.9); the peer computes it unless set"},
    {M::kAlert, "level", T::kAlertLevel, "warning or fatal (RFC 5246 7.2)"},
    {M::kAlert, "description", T::kAlertName, "the alert; a send step of Alert must set it"},
    {M::kChangeCipherSpec, "value", T::kBytes,
     "the record body; 01 when well-formed (RFC 5246 7.1)"},
    {M::kApplicationData, "data", T::kBytes, "the record payload"},
    {M::kHeartbeat, "type", T::kU8,
     "HeartbeatMessageType: 1 heartbeat_request (the default), 2 heartbeat_response (RFC 6520 3)"},
    {M::kHeartbeat, "payload_length", T::kU16,
     "the declared length; the payload's by default (16384 with a short payload: Heartbleed)"},
    {M::kHeartbeat, "payload", T::kBytes, "the payload; 16 random bytes by default (RFC 6520 4)"},
    {M::kHeartbeat, "padding", T::kBytes,
     "the padding after the payload; 16 random bytes by default (RFC 6520 4: at least 16)"},
};

constexpr std::string_view kAnyExtensionField = "extensions.0xNNNN";

std::vector<FieldSpec> BuildCatalogue() {
  // Generated names need stable storage for the string_views in FieldSpec.
  static std::deque<std::string>* names = new std::deque<std::string>();
  std::vector<FieldSpec> out;
  auto add_static = [&out](const StaticField& f) {
    out.push_back({f.message, f.field, f.type, f.meaning});
  };
  size_t ext_count = 0;
  const RegistryEntry* ext = RegistryEntries(Registry::kExtensionType, &ext_count);
  auto add_extensions = [&](MessageName message) {
    for (size_t i = 0; i < ext_count; ++i) {
      names->push_back("extensions." + std::string(ext[i].name));
      std::string_view field = names->back();
      char number[8];
      std::snprintf(number, sizeof number, "0x%04x", ext[i].value);
      names->push_back("the " + std::string(ext[i].name) + " extension (" + number +
                       "): hex body; null removes it");
      out.push_back({message, field, FieldType::kExtension, names->back()});
    }
    out.push_back({message, kAnyExtensionField, FieldType::kExtension,
                   "any extension type by number (1-4 hex digits): hex body; null removes it"});
  };
  for (const StaticField& f : kHelloFieldsClient) add_static(f);
  add_extensions(MessageName::kClientHello);
  for (const StaticField& f : kHelloFieldsServer) add_static(f);
  add_extensions(MessageName::kServerHello);
  for (const StaticField& f : kOtherFields) add_static(f);
  return out;
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

const std::vector<MessageName>& AllMessageNames() {
  static const std::vector<MessageName>* all = [] {
    auto* v = new std::vector<MessageName>();
    for (const MessageNameEntry& e : kMessageNames) v->push_back(e.name);
    return v;
  }();
  return *all;
}

std::string_view MessageNameString(MessageName name) {
  for (const MessageNameEntry& e : kMessageNames) {
    if (e.name == name) return e.text;
  }
  return "?";
}

std::optional<MessageName> ParseMessageName(std::string_view name) {
  for (const MessageNameEntry& e : kMessageNames) {
    if (e.text == name) return e.name;
  }
  return std::nullopt;
}

std::optional<HandshakeType> HandshakeTypeOf(MessageName name) {
  switch (name) {
    case MessageName::kHelloRequest:
      return HandshakeType::kHelloRequest;
    case MessageName::kClientHello:
      return HandshakeType::kClientHello;
    case MessageName::kServerHello:
      return HandshakeType::kServerHello;
    case MessageName::kCertificate:
      return HandshakeType::kCertificate;
    case MessageName::kServerKeyExchange:
      return HandshakeType::kServerKeyExchange;
    case MessageName::kCertificateRequest:
      return HandshakeType::kCertificateRequest;
    case MessageName::kServerHelloDone:
      return HandshakeType::kServerHelloDone;
    case MessageName::kCertificateVerify:
      return HandshakeType::kCertificateVerify;
    case MessageName::kClientKeyExchange:
      return HandshakeType::kClientKeyExchange;
    case MessageName::kNewSessionTicket:
      return HandshakeType::kNewSessionTicket;
    case MessageName::kFinished:
      return HandshakeType::kFinished;
    case MessageName::kCertificateStatus:
      return HandshakeType::kCertificateStatus;
    case MessageName::kChangeCipherSpec:
    case MessageName::kAlert:
    case MessageName::kApplicationData:
    case MessageName::kHeartbeat:
    case MessageName::kRaw:
    case MessageName::kClose:
      return std::nullopt;
  }
  return std::nullopt;
}

bool SentBy(Side role, MessageName message) {
  switch (message) {
    // RFC 5246 7.4: the hello phase and key exchange are one-directional.
    case MessageName::kHelloRequest:
    case MessageName::kServerHello:
    case MessageName::kServerKeyExchange:
    case MessageName::kCertificateRequest:
    case MessageName::kServerHelloDone:
    case MessageName::kNewSessionTicket:  // RFC 5077 3.3
    case MessageName::kCertificateStatus:  // RFC 6066 8
      return role == Side::kServer;
    case MessageName::kClientHello:
    case MessageName::kClientKeyExchange:
    case MessageName::kCertificateVerify:
      return role == Side::kClient;
    case MessageName::kCertificate:  // 7.4.2 server, 7.4.6 client
    case MessageName::kFinished:
    case MessageName::kChangeCipherSpec:
    case MessageName::kAlert:
    case MessageName::kApplicationData:
    case MessageName::kHeartbeat:  // RFC 6520 3: either side
      return true;
    case MessageName::kRaw:
    case MessageName::kClose:
      return false;
  }
  return false;
}

const std::vector<FieldSpec>& FieldCatalogue() {
  static const std::vector<FieldSpec>* catalogue = new std::vector<FieldSpec>(BuildCatalogue());
  return *catalogue;
}

const FieldSpec* FindField(MessageName message, std::string_view field) {
  // "extensions.0x" + 1..4 hex digits names any extension type by number.
  std::string_view lookup = field;
  constexpr std::string_view kNumberPrefix = "extensions.0x";
  if (field.substr(0, kNumberPrefix.size()) == kNumberPrefix) {
    std::string_view digits = field.substr(kNumberPrefix.size());
    if (digits.empty() || digits.size() > 4) return nullptr;
    for (char c : digits) {
      if (!IsHexDigit(c)) return nullptr;
    }
    lookup = kAnyExtensionField;
  } else if (field == kAnyExtensionField) {
    return nullptr;  // the placeholder row itself is not a field name
  }
  for (const FieldSpec& spec : FieldCatalogue()) {
    if (spec.message == message && spec.field == lookup) return &spec;
  }
  return nullptr;
}

// ---- Equality ----

bool operator==(const BytesXor& a, const BytesXor& b) { return a.mask == b.mask && a.at == b.at; }

bool operator==(const FieldValue& a, const FieldValue& b) { return a.value == b.value; }

bool operator==(const FieldEdit& a, const FieldEdit& b) {
  return a.field == b.field && a.value == b.value;
}

namespace {
struct MalformEditEntry {
  MalformEdit edit;
  std::string_view name;
};
constexpr MalformEditEntry kMalformEdits[] = {
    {MalformEdit::kTruncate, "truncate"},
    {MalformEdit::kTruncateLength, "truncate_length"},
    {MalformEdit::kTruncateContent, "truncate_content"},
    {MalformEdit::kLengthPlusOne, "length_plus_one"},
    {MalformEdit::kLengthMinusOne, "length_minus_one"},
    {MalformEdit::kEmpty, "empty"},
    {MalformEdit::kOversized, "oversized"},
    {MalformEdit::kTrailing, "trailing"},
    {MalformEdit::kShorten, "shorten"},
    {MalformEdit::kLengthen, "lengthen"},
};
}  // namespace

std::string_view MalformEditName(MalformEdit edit) {
  for (const MalformEditEntry& e : kMalformEdits) {
    if (e.edit == edit) return e.name;
  }
  return "?";
}

std::optional<MalformEdit> MalformEditFromName(std::string_view name) {
  for (const MalformEditEntry& e : kMalformEdits) {
    if (e.name == name) return e.edit;
  }
  return std::nullopt;
}

const std::vector<MalformEdit>& AllMalformEdits() {
  static const std::vector<MalformEdit> all = [] {
    std::vector<MalformEdit> v;
    for (const MalformEditEntry& e : kMalformEdits) v.push_back(e.edit);
    return v;
  }();
  return all;
}

bool operator==(const Malformation& a, const Malformation& b) {
  return a.field == b.field && a.edit == b.edit;
}

bool operator==(const Corruption& a, const Corruption& b) {
  return a.xor_bytes == b.xor_bytes && a.truncate == b.truncate && a.append == b.append;
}

bool operator==(const SealOptions& a, const SealOptions& b) {
  return std::tie(a.padding, a.inner, a.xor_inner, a.explicit_nonce) ==
         std::tie(b.padding, b.inner, b.xor_inner, b.explicit_nonce);
}

bool operator==(const RecordOptions& a, const RecordOptions& b) {
  return std::tie(a.fragment, a.coalesce_with_next, a.content_type, a.version, a.protect,
                  a.corrupt_record, a.seal) == std::tie(b.fragment, b.coalesce_with_next,
                                                        b.content_type, b.version, b.protect,
                                                        b.corrupt_record, b.seal);
}

bool operator==(const SendStep& a, const SendStep& b) {
  return a.message == b.message && a.set == b.set && a.malform == b.malform &&
         a.corrupt == b.corrupt && a.record == b.record && a.repeat == b.repeat && a.raw == b.raw &&
         a.pss_salt_length == b.pss_salt_length;
}

bool operator==(const Expectation& a, const Expectation& b) {
  return a.messages == b.messages && a.optional == b.optional && a.alerts == b.alerts &&
         a.alert_level == b.alert_level && a.warning_alerts == b.warning_alerts &&
         a.or_alerts == b.or_alerts && a.close == b.close && a.silence_ms == b.silence_ms &&
         a.check == b.check && a.certificate == b.certificate;
}

bool operator==(const Step& a, const Step& b) {
  return a.action == b.action && a.comment == b.comment;
}

bool operator==(const ConnectionScript& a, const ConnectionScript& b) {
  return a.resume == b.resume && a.steps == b.steps;
}

bool operator==(const PeerConfig& a, const PeerConfig& b) {
  return std::tie(a.cipher_suites, a.groups, a.signature_schemes, a.certificate, a.certificate_flaw,
                  a.extended_master_secret, a.encrypt_then_mac, a.renegotiation_info,
                  a.session_ticket, a.server_name, a.version, a.dh_group, a.dh_secret_leading_zero,
                  a.dh_public_leading_zeros, a.heartbeat, a.max_fragment_length,
                  a.record_size_limit, a.status_request, a.ocsp_response) ==
         std::tie(b.cipher_suites, b.groups, b.signature_schemes, b.certificate, b.certificate_flaw,
                  b.extended_master_secret, b.encrypt_then_mac, b.renegotiation_info,
                  b.session_ticket, b.server_name, b.version, b.dh_group, b.dh_secret_leading_zero,
                  b.dh_public_leading_zeros, b.heartbeat, b.max_fragment_length,
                  b.record_size_limit, b.status_request, b.ocsp_response);
}

const std::vector<std::string_view>& DhGroupChoices() {
  static const std::vector<std::string_view> kChoices = {
      "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144",    "ffdhe8192",
      "dh512",     "modp1024",  "modp1536",  "modp2048",     "composite2048"};
  return kChoices;
}

const std::vector<std::string_view>& OcspResponseChoices() {
  static const std::vector<std::string_view> kChoices = {"good", "revoked", "unknown_serial",
                                                         "expired", "bad_signature"};
  return kChoices;
}

const std::vector<std::string_view>& SniChoices() {
  static const std::vector<std::string_view> kChoices = {"continue", "fatal"};
  return kChoices;
}

const std::vector<std::string_view>& ExpectedCertificateChoices() {
  static const std::vector<std::string_view> kChoices = {"default", "alternate"};
  return kChoices;
}

bool operator==(const TargetConfig& a, const TargetConfig& b) {
  return std::tie(a.certificate, a.client_auth, a.cipher_suites, a.groups, a.session_tickets,
                  a.extended_master_secret, a.renegotiation, a.versions, a.heartbeat,
                  a.max_fragment_length, a.record_size_limit, a.ocsp, a.sni) ==
         std::tie(b.certificate, b.client_auth, b.cipher_suites, b.groups, b.session_tickets,
                  b.extended_master_secret, b.renegotiation, b.versions, b.heartbeat,
                  b.max_fragment_length, b.record_size_limit, b.ocsp, b.sni);
}

bool operator==(const Scenario& a, const Scenario& b) {
  return std::tie(a.id, a.title, a.refs, a.topic, a.notes, a.role, a.peer, a.target,
                  a.connections, a.judge, a.equivalence) ==
         std::tie(b.id, b.title, b.refs, b.topic, b.notes, b.role, b.peer, b.target,
                  b.connections, b.judge, b.equivalence);
}

std::string_view ConfigName(CertificateKey key) {
  switch (key) {
    case CertificateKey::kRsa:
      return "rsa";
    case CertificateKey::kEcdsa:
      return "ecdsa";
    case CertificateKey::kEcdsaP384:
      return "ecdsa_p384";
    case CertificateKey::kEcdsaP521:
      return "ecdsa_p521";
    case CertificateKey::kNone:
      return "none";
  }
  return "?";  // only a value cast from outside the enum
}

std::string_view ConfigName(CertificateFlaw flaw) {
  switch (flaw) {
    case CertificateFlaw::kNone:
      return "none";
    case CertificateFlaw::kUntrustedCa:
      return "untrusted_ca";
    case CertificateFlaw::kExpired:
      return "expired";
    case CertificateFlaw::kWrongName:
      return "wrong_name";
    case CertificateFlaw::kNoSigningUsage:
      return "no_signing_usage";
  }
  return "?";  // only a value cast from outside the enum
}

std::string_view ConfigName(ClientAuthMode mode) {
  switch (mode) {
    case ClientAuthMode::kNone:
      return "none";
    case ClientAuthMode::kOptional:
      return "optional";
    case ClientAuthMode::kRequired:
      return "required";
  }
  return "?";
}

std::string_view ConfigName(RenegotiationPolicy policy) {
  switch (policy) {
    case RenegotiationPolicy::kRefuse:
      return "refuse";
    case RenegotiationPolicy::kAccept:
      return "accept";
    case RenegotiationPolicy::kInitiate:
      return "initiate";
  }
  return "?";
}

std::string_view ConfigName(HeartbeatMode mode) {
  switch (mode) {
    case HeartbeatMode::kOff:
      return "off";
    case HeartbeatMode::kPeerAllowedToSend:
      return "peer_allowed_to_send";
    case HeartbeatMode::kPeerNotAllowedToSend:
      return "peer_not_allowed_to_send";
  }
  return "?";
}

std::string_view ConfigName(EmsPolicy policy) {
  switch (policy) {
    case EmsPolicy::kEnabled:
      return "enabled";
    case EmsPolicy::kRequired:
      return "required";
    case EmsPolicy::kDisabled:
      return "disabled";
  }
  return "?";
}

std::string_view ConfigName(JudgedBy judge) {
  switch (judge) {
    case JudgedBy::kExpectations:
      return "expectations";
    case JudgedBy::kInvariants:
      return "invariants";
  }
  return "?";
}

std::string TopicForPath(const std::string& path) {
  std::vector<std::string> parts;
  for (const std::filesystem::path& part : std::filesystem::path(path).lexically_normal()) {
    parts.push_back(part.string());
  }
  // The last "vectors/conformance/<topic>/" with at least a file below the topic.
  for (size_t i = parts.size(); i-- > 1;) {
    if (parts[i - 1] == "vectors" && parts[i] == "conformance" && i + 2 < parts.size()) {
      return parts[i + 1];
    }
  }
  return "misc";
}

}  // namespace shakedown
