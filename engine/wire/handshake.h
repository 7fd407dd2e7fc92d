// Typed TLS 1.2 handshake messages (RFC 5246 7.4 and friends), the bodies of the
// ChangeCipherSpec and Alert records, and the 4-byte handshake header.
//
// Every message follows one pattern:
//   static constexpr HandshakeType kType;
//   static Result<T> Parse(ByteView body [, context]);  // body = without the 4-byte header
//   void Serialize(Writer& out) const;                  // writes the body
//   std::string Describe() const;                       // one line for traces
//   operator== / operator!=
//
// Parsers check encoding rules only (vector bounds, element sizes, fixed values, trailing
// bytes); whether a value is acceptable (an offered suite, a supported group) is for the
// state machine. Every encoding accepted here is canonical, so serialize(parse(b)) == b.
// Serializers write what the struct holds even when it breaks the RFC bounds, so a scripted
// peer can send malformed messages on purpose; they fail (Writer::status) only when a
// length prefix cannot express a body.
#ifndef SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_H_
#define SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/base/writer.h"
#include "engine/wire/extensions.h"
#include "engine/wire/registry.h"

namespace shakedown {

// RFC 5246 7.4.1.2: opaque random[32] (gmt_unix_time + random_bytes, read as one block).
using Random = std::array<uint8_t, 32>;

// RFC 5246 7.4.9: verify_data_length is 12 for every TLS 1.2 cipher suite.
inline constexpr size_t kTls12VerifyDataLength = 12;
inline constexpr size_t kMaxSessionIdLength = 32;

// How ServerKeyExchange and ClientKeyExchange are encoded. It is not on the wire: the
// caller knows it from the negotiated cipher suite.
enum class KeyExchangeKind { kRsa, kDhe, kEcdhe };

// The wire kind of a suite's key exchange; nullopt for kinds this layer does not encode
// (NULL, DH_anon, whose ServerKeyExchange carries no signature, and TLS 1.3).
std::optional<KeyExchangeKind> WireKeyExchange(KeyExchange key_exchange);
std::string Describe(KeyExchangeKind kind);

// ---- Handshake header: HandshakeType msg_type; uint24 length; (RFC 5246 7.4) ----

struct HandshakeHeader {
  static constexpr size_t kLength = 4;

  HandshakeType type = HandshakeType::kHelloRequest;
  uint32_t length = 0;  // of the body; < 2^24

  // Exactly 4 bytes.
  static Result<HandshakeHeader> Parse(ByteView header);
  void Serialize(Writer& out) const;

  bool operator==(const HandshakeHeader& o) const { return type == o.type && length == o.length; }
  bool operator!=(const HandshakeHeader& o) const { return !(*this == o); }
};

struct SplitHandshake {
  HandshakeHeader header;
  ByteView body;  // points into the input
};

// Splits one complete handshake message (header + body). The body must be exactly
// header.length bytes: a short body or trailing bytes are decode_error.
Result<SplitHandshake> SplitHandshakeMessage(ByteView message);
// type + uint24 length + body. Fails (internal_error) only for a body of 2^24 bytes or more.
Result<Bytes> WrapHandshake(HandshakeType type, ByteView body);
// A message struct serialized with its header.
template <typename M>
Result<Bytes> SerializeHandshake(const M& message) {
  Result<Bytes> body = SerializeToBytes(message);
  if (!body.ok()) return body.status();
  return WrapHandshake(M::kType, *body);
}

// ---- Messages ----

// RFC 5246 7.4.1.1: struct { } HelloRequest.
struct HelloRequest {
  static constexpr HandshakeType kType = HandshakeType::kHelloRequest;

  static Result<HelloRequest> Parse(ByteView body);
  void Serialize(Writer& out) const {}
  std::string Describe() const { return "HelloRequest"; }
  bool operator==(const HelloRequest&) const { return true; }
  bool operator!=(const HelloRequest&) const { return false; }
};

// RFC 5246 7.4.1.2.
struct ClientHello {
  static constexpr HandshakeType kType = HandshakeType::kClientHello;

  ProtocolVersion client_version = ProtocolVersion::kTls12;
  Random random{};
  Bytes session_id;                    // <0..32>
  std::vector<uint16_t> cipher_suites;  // <2..2^16-2> bytes; raw so SCSVs and GREASE survive
  Bytes compression_methods;           // <1..2^8-1>
  // Absent (nullopt) and present-but-empty are different encodings and stay different.
  std::optional<Extensions> extensions;

  static Result<ClientHello> Parse(ByteView body);
  void Serialize(Writer& out) const;
  // "ClientHello(version=TLSv1.2, session_id=<0 bytes>, suites=[...], compression=[0],
  // ext=[server_name,...])"
  std::string Describe() const;
  bool operator==(const ClientHello& o) const;
  bool operator!=(const ClientHello& o) const { return !(*this == o); }
};

// RFC 5246 7.4.1.3.
struct ServerHello {
  static constexpr HandshakeType kType = HandshakeType::kServerHello;

  ProtocolVersion server_version = ProtocolVersion::kTls12;
  Random random{};
  Bytes session_id;  // <0..32>
  uint16_t cipher_suite = 0;
  uint8_t compression_method = 0;
  std::optional<Extensions> extensions;

  static Result<ServerHello> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const ServerHello& o) const;
  bool operator!=(const ServerHello& o) const { return !(*this == o); }
};

// RFC 5246 7.4.2 (and 7.4.6 for the client's): certificate_list<0..2^24-1> of
// ASN.1Cert<1..2^24-1>. The DER is kept opaque; X.509 parsing belongs elsewhere.
struct Certificate {
  static constexpr HandshakeType kType = HandshakeType::kCertificate;

  std::vector<Bytes> certificate_list;

  static Result<Certificate> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const Certificate& o) const { return certificate_list == o.certificate_list; }
  bool operator!=(const Certificate& o) const { return !(*this == o); }
};

// RFC 8422 5.4: ServerECDHParams with curve_type named_curve(3), the only type TLS 1.2
// stacks accept (explicit curves are deprecated: illegal_parameter).
struct EcdhServerParams {
  static constexpr uint8_t kNamedCurve = 3;

  NamedGroup named_curve = NamedGroup::kX25519;
  Bytes public_key;  // ECPoint point<1..2^8-1>

  bool operator==(const EcdhServerParams& o) const {
    return named_curve == o.named_curve && public_key == o.public_key;
  }
  bool operator!=(const EcdhServerParams& o) const { return !(*this == o); }
};

// RFC 5246 7.4.3: ServerDHParams, each opaque<1..2^16-1>.
struct DhServerParams {
  Bytes dh_p;
  Bytes dh_g;
  Bytes dh_ys;

  bool operator==(const DhServerParams& o) const {
    return dh_p == o.dh_p && dh_g == o.dh_g && dh_ys == o.dh_ys;
  }
  bool operator!=(const DhServerParams& o) const { return !(*this == o); }
};

// RFC 4346 / RFC 2246 7.4.3: ServerRSAParams, the temporary RSA key of the RSA_EXPORT
// suites (rsa_modulus<1..2^16-1>, rsa_exponent<1..2^16-1>). TLS 1.2 has no such key exchange
// (RFC 5246 7.4.3: a ServerKeyExchange is not legal for RSA), so nothing parses it: it is here
// so that a scripted server can send the FREAK message (CVE-2015-0204), a signed 512-bit key.
struct RsaServerParams {
  Bytes rsa_modulus;
  Bytes rsa_exponent;

  bool operator==(const RsaServerParams& o) const {
    return rsa_modulus == o.rsa_modulus && rsa_exponent == o.rsa_exponent;
  }
  bool operator!=(const RsaServerParams& o) const { return !(*this == o); }
};

// RFC 5246 7.4.3 and RFC 8422 5.4: params followed by a TLS 1.2 digitally-signed struct
// (RFC 5246 4.7: SignatureAndHashAlgorithm + opaque signature<0..2^16-1>).
struct ServerKeyExchange {
  static constexpr HandshakeType kType = HandshakeType::kServerKeyExchange;

  std::variant<EcdhServerParams, DhServerParams, RsaServerParams> params;
  SignatureScheme algorithm = SignatureScheme::kRsaPkcs1Sha256;
  Bytes signature;

  // kRsa is unexpected_message: RFC 5246 7.4.3 makes a ServerKeyExchange illegal there.
  static Result<ServerKeyExchange> Parse(ByteView body, KeyExchangeKind kind);
  void Serialize(Writer& out) const;
  KeyExchangeKind kind() const {
    if (std::holds_alternative<EcdhServerParams>(params)) return KeyExchangeKind::kEcdhe;
    if (std::holds_alternative<DhServerParams>(params)) return KeyExchangeKind::kDhe;
    return KeyExchangeKind::kRsa;
  }
  // The encoded params: exactly the bytes of the body before the signature (the params
  // encoding is canonical, so this equals what was parsed). RFC 5246 7.4.3 signs
  // client_random + server_random + these bytes; SignedData() builds that input (the one
  // place that does: the engine, the scripted peer and the tests all call it).
  Bytes ParamsBytes() const;
  Bytes SignedData(ByteView client_random, ByteView server_random) const;
  std::string Describe() const;
  bool operator==(const ServerKeyExchange& o) const {
    return params == o.params && algorithm == o.algorithm && signature == o.signature;
  }
  bool operator!=(const ServerKeyExchange& o) const { return !(*this == o); }
};

// RFC 5246 7.4.4 (TLS 1.2 form).
struct CertificateRequest {
  static constexpr HandshakeType kType = HandshakeType::kCertificateRequest;

  std::vector<ClientCertificateType> certificate_types;          // <1..2^8-1>
  std::vector<SignatureScheme> supported_signature_algorithms;   // <2..2^16-2> bytes
  std::vector<Bytes> certificate_authorities;  // <0..2^16-1> of DistinguishedName<1..2^16-1>

  static Result<CertificateRequest> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const CertificateRequest& o) const {
    return certificate_types == o.certificate_types &&
           supported_signature_algorithms == o.supported_signature_algorithms &&
           certificate_authorities == o.certificate_authorities;
  }
  bool operator!=(const CertificateRequest& o) const { return !(*this == o); }
};

// RFC 5246 7.4.5: struct { } ServerHelloDone.
struct ServerHelloDone {
  static constexpr HandshakeType kType = HandshakeType::kServerHelloDone;

  static Result<ServerHelloDone> Parse(ByteView body);
  void Serialize(Writer& out) const {}
  std::string Describe() const { return "ServerHelloDone"; }
  bool operator==(const ServerHelloDone&) const { return true; }
  bool operator!=(const ServerHelloDone&) const { return false; }
};

// RFC 5246 7.4.8: digitally-signed struct { handshake_messages }.
struct CertificateVerify {
  static constexpr HandshakeType kType = HandshakeType::kCertificateVerify;

  SignatureScheme algorithm = SignatureScheme::kRsaPkcs1Sha256;
  Bytes signature;  // <0..2^16-1>

  static Result<CertificateVerify> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const CertificateVerify& o) const {
    return algorithm == o.algorithm && signature == o.signature;
  }
  bool operator!=(const CertificateVerify& o) const { return !(*this == o); }
};

// RFC 5246 7.4.7. All three forms are one length-prefixed vector:
//   kRsa:   EncryptedPreMasterSecret, opaque<0..2^16-1> (7.4.7.1; TLS 1.0+ has the prefix)
//   kDhe:   ClientDiffieHellmanPublic dh_Yc<1..2^16-1> (7.4.7.2, explicit form)
//   kEcdhe: ClientECDiffieHellmanPublic ECPoint<1..2^8-1> (RFC 8422 5.7, explicit form)
// The implicit (empty) DH/ECDH forms, used only with fixed-(EC)DH client certificates,
// are not supported: an empty body is decode_error.
struct ClientKeyExchange {
  static constexpr HandshakeType kType = HandshakeType::kClientKeyExchange;

  KeyExchangeKind kind = KeyExchangeKind::kEcdhe;
  Bytes exchange_keys;

  static Result<ClientKeyExchange> Parse(ByteView body, KeyExchangeKind kind);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const ClientKeyExchange& o) const {
    return kind == o.kind && exchange_keys == o.exchange_keys;
  }
  bool operator!=(const ClientKeyExchange& o) const { return !(*this == o); }
};

// RFC 6066 8: struct { CertificateStatusType status_type; select (status_type) { case ocsp:
// OCSPResponse response; } } CertificateStatus; opaque OCSPResponse<1..2^24-1>. Only ocsp(1)
// is defined, so another status_type cannot be decoded: decode_error (RFC 5246 7.2.2 "a
// message could not be decoded because some field was out of the specified range"), as is an
// empty response (below the <1..> bound). Whether the response is satisfactory is the
// client's check (bad_certificate_status_response), not the parser's.
struct CertificateStatus {
  static constexpr HandshakeType kType = HandshakeType::kCertificateStatus;
  static constexpr uint8_t kOcsp = 1;

  uint8_t status_type = kOcsp;
  Bytes response;  // a DER OCSPResponse (RFC 6960 4.2.1), <1..2^24-1>

  static Result<CertificateStatus> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const CertificateStatus& o) const {
    return status_type == o.status_type && response == o.response;
  }
  bool operator!=(const CertificateStatus& o) const { return !(*this == o); }
};

// RFC 5077 3.3.
struct NewSessionTicket {
  static constexpr HandshakeType kType = HandshakeType::kNewSessionTicket;

  uint32_t ticket_lifetime_hint = 0;
  Bytes ticket;  // <0..2^16-1>

  static Result<NewSessionTicket> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const NewSessionTicket& o) const {
    return ticket_lifetime_hint == o.ticket_lifetime_hint && ticket == o.ticket;
  }
  bool operator!=(const NewSessionTicket& o) const { return !(*this == o); }
};

// RFC 5246 7.4.9: opaque verify_data[verify_data_length]. Another length is decode_error
// (checklist #46).
struct Finished {
  static constexpr HandshakeType kType = HandshakeType::kFinished;

  Bytes verify_data;

  static Result<Finished> Parse(ByteView body,
                                size_t verify_data_length = kTls12VerifyDataLength);
  void Serialize(Writer& out) const { out.Raw(verify_data); }
  std::string Describe() const;
  bool operator==(const Finished& o) const { return verify_data == o.verify_data; }
  bool operator!=(const Finished& o) const { return !(*this == o); }
};

// ---- Non-handshake record bodies ----

// RFC 5246 7.1: struct { enum { change_cipher_spec(1), (255) } type; }. Any other length or
// value is unexpected_message (checklist #16: tlsfuzzer test-ccs expects it for a 2-byte
// CCS; RFC 5246 names no alert).
struct ChangeCipherSpec {
  static constexpr uint8_t kValue = 1;

  static Result<ChangeCipherSpec> Parse(ByteView body);
  void Serialize(Writer& out) const { out.U8(kValue); }
  std::string Describe() const { return "ChangeCipherSpec"; }
  bool operator==(const ChangeCipherSpec&) const { return true; }
  bool operator!=(const ChangeCipherSpec&) const { return false; }
};

// RFC 5246 7.2: struct { AlertLevel level; AlertDescription description; }, exactly 2 bytes
// (decode_error otherwise, checklist #14). Unregistered levels and descriptions parse: they
// are well-formed, and rejecting them is the receiver's decision.
struct Alert {
  AlertLevel level = AlertLevel::kFatal;
  AlertDescription description = AlertDescription::kCloseNotify;

  static Result<Alert> Parse(ByteView body);
  void Serialize(Writer& out) const;
  // "Alert(fatal, handshake_failure)"
  std::string Describe() const;
  bool operator==(const Alert& o) const {
    return level == o.level && description == o.description;
  }
  bool operator!=(const Alert& o) const { return !(*this == o); }
};

// ---- Any handshake message ----

// A parsed handshake message of any type. (handshake_framer.h's HandshakeMessage is the
// raw framed form: type byte + encoded bytes; ParseHandshakeMessage turns its body into
// this.)
using TypedHandshake =
    std::variant<HelloRequest, ClientHello, ServerHello, Certificate, ServerKeyExchange,
                 CertificateRequest, ServerHelloDone, CertificateVerify, ClientKeyExchange,
                 NewSessionTicket, Finished, CertificateStatus>;

// What a parser needs that is not on the wire: it comes from the negotiated suite.
struct ParseContext {
  KeyExchangeKind key_exchange = KeyExchangeKind::kEcdhe;
  size_t verify_data_length = kTls12VerifyDataLength;
};

// Dispatches on `type`. A type without a struct here (hello_verify_request, TLS 1.3
// messages, unassigned numbers) is unexpected_message.
Result<TypedHandshake> ParseHandshakeMessage(HandshakeType type, ByteView body,
                                               const ParseContext& context);
HandshakeType TypeOf(const TypedHandshake& message);
// The body only, or with the 4-byte header.
Result<Bytes> SerializeBody(const TypedHandshake& message);
Result<Bytes> SerializeHandshakeMessage(const TypedHandshake& message);
std::string Describe(const TypedHandshake& message);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_HANDSHAKE_H_
