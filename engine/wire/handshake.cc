#include "engine/wire/handshake.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "engine/base/reader.h"
#include "engine/wire/handshake_framer.h"

namespace shakedown {
namespace {

std::string Sized(size_t n) { return "<" + std::to_string(n) + " bytes>"; }

std::string DescribeSuites(const std::vector<uint16_t>& suites) {
  std::string out = "[";
  for (size_t i = 0; i < suites.size(); ++i) {
    if (i > 0) out += ",";
    out += Describe(Registry::kCipherSuite, suites[i]);
  }
  return out + "]";
}

template <typename Enum>
std::string DescribeEnums(Registry registry, const std::vector<Enum>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ",";
    out += Describe(registry, static_cast<uint16_t>(list[i]));
  }
  return out + "]";
}

std::string DescribeNumbers(ByteView list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ",";
    out += std::to_string(list[i]);
  }
  return out + "]";
}

Status ReadRandom(Reader& r, const std::string& field, Random* out) {
  ByteView v;
  SD_RETURN_IF_ERROR(r.Fixed(field, out->size(), &v));
  std::copy(v.begin(), v.end(), out->begin());
  return Status::Ok();
}

Status ReadBytes(Reader& r, const std::string& field, int prefix_bytes, size_t min, size_t max,
                 Bytes* out) {
  ByteView v;
  SD_RETURN_IF_ERROR(r.VectorBytes(field, prefix_bytes, min, max, &v));
  *out = v.ToBytes();
  return Status::Ok();
}

// A vector of opaque vectors, e.g. certificate_list or certificate_authorities.
Status ReadOpaqueList(Reader& r, const std::string& field, int outer_prefix, size_t outer_min,
                      size_t outer_max, int inner_prefix, size_t inner_min, size_t inner_max,
                      std::vector<Bytes>* out) {
  Reader list;
  SD_RETURN_IF_ERROR(r.Vector(field, outer_prefix, outer_min, outer_max, &list));
  out->clear();
  while (!list.empty()) {
    Bytes item;
    SD_RETURN_IF_ERROR(ReadBytes(list, field + "[" + std::to_string(out->size()) + "]",
                                 inner_prefix, inner_min, inner_max, &item));
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

void WriteOpaqueList(Writer& w, int outer_prefix, int inner_prefix,
                     const std::vector<Bytes>& list) {
  w.Vector(outer_prefix, [&] {
    for (const Bytes& item : list) w.VectorBytes(inner_prefix, item);
  });
}

// RFC 5246 4.7 (TLS 1.2 digitally-signed): SignatureAndHashAlgorithm algorithm;
// opaque signature<0..2^16-1>.
Status ReadDigitallySigned(Reader& r, const std::string& message, SignatureScheme* algorithm,
                           Bytes* signature) {
  uint16_t alg = 0;
  SD_RETURN_IF_ERROR(r.U16(message + ".algorithm", &alg));
  *algorithm = static_cast<SignatureScheme>(alg);
  return ReadBytes(r, message + ".signature", 2, 0, 0xffff, signature);
}

Status ExpectEmpty(ByteView body, const std::string& message) {
  return Reader(body).ExpectEnd(message);
}

std::string DescribeExtensions(const std::optional<Extensions>& ext) {
  return ext ? ext->Describe() : std::string("absent");
}

}  // namespace

std::optional<KeyExchangeKind> WireKeyExchange(KeyExchange key_exchange) {
  switch (key_exchange) {
    case KeyExchange::kRsa: return KeyExchangeKind::kRsa;
    case KeyExchange::kDheRsa: return KeyExchangeKind::kDhe;
    case KeyExchange::kEcdheRsa:
    case KeyExchange::kEcdheEcdsa: return KeyExchangeKind::kEcdhe;
    case KeyExchange::kNull:
    case KeyExchange::kDhAnon:
    case KeyExchange::kTls13: return std::nullopt;
  }
  return std::nullopt;
}

std::string Describe(KeyExchangeKind kind) {
  switch (kind) {
    case KeyExchangeKind::kRsa: return "RSA";
    case KeyExchangeKind::kDhe: return "DHE";
    case KeyExchangeKind::kEcdhe: return "ECDHE";
  }
  return "?";
}

// ---- Header ----

Result<HandshakeHeader> HandshakeHeader::Parse(ByteView header) {
  Reader r(header);
  uint8_t type = 0;
  HandshakeHeader out;
  SD_RETURN_IF_ERROR(r.U8("Handshake.msg_type", &type));
  SD_RETURN_IF_ERROR(r.U24("Handshake.length", &out.length));
  SD_RETURN_IF_ERROR(r.ExpectEnd("Handshake header"));
  out.type = static_cast<HandshakeType>(type);
  return out;
}

void HandshakeHeader::Serialize(Writer& out) const {
  out.U8(static_cast<uint8_t>(type));
  out.U24(length);
}

Result<SplitHandshake> SplitHandshakeMessage(ByteView message) {
  Reader r(message);
  ByteView header_bytes;
  SD_RETURN_IF_ERROR(r.Fixed("Handshake header", HandshakeHeader::kLength, &header_bytes));
  SD_ASSIGN_OR_RETURN(HandshakeHeader header, HandshakeHeader::Parse(header_bytes));
  SplitHandshake out;
  out.header = header;
  SD_RETURN_IF_ERROR(r.Fixed("Handshake body", header.length, &out.body));
  SD_RETURN_IF_ERROR(r.ExpectEnd("Handshake body"));
  return out;
}

Result<Bytes> WrapHandshake(HandshakeType type, ByteView body) {
  // One framing for the whole engine: the framer's.
  SD_ASSIGN_OR_RETURN(HandshakeMessage m,
                      HandshakeMessage::Make(static_cast<uint8_t>(type), body));
  return std::move(m.encoded);
}

// ---- HelloRequest / ServerHelloDone ----

Result<HelloRequest> HelloRequest::Parse(ByteView body) {
  SD_RETURN_IF_ERROR(ExpectEmpty(body, "HelloRequest"));
  return HelloRequest{};
}

Result<ServerHelloDone> ServerHelloDone::Parse(ByteView body) {
  SD_RETURN_IF_ERROR(ExpectEmpty(body, "ServerHelloDone"));
  return ServerHelloDone{};
}

// ---- ClientHello ----

Result<ClientHello> ClientHello::Parse(ByteView body) {
  Reader r(body);
  ClientHello out;
  uint16_t version = 0;
  SD_RETURN_IF_ERROR(r.U16("ClientHello.client_version", &version));
  out.client_version = static_cast<ProtocolVersion>(version);
  SD_RETURN_IF_ERROR(ReadRandom(r, "ClientHello.random", &out.random));
  SD_RETURN_IF_ERROR(
      ReadBytes(r, "ClientHello.session_id", 1, 0, kMaxSessionIdLength, &out.session_id));
  SD_RETURN_IF_ERROR(r.U16List("ClientHello.cipher_suites", 2, 0xfffe, &out.cipher_suites));
  SD_RETURN_IF_ERROR(
      ReadBytes(r, "ClientHello.compression_methods", 1, 1, 0xff, &out.compression_methods));
  // RFC 5246 7.4.1.2: the extensions block is optional; if anything follows the
  // compression methods it must be exactly one well-formed block (checklist #21).
  if (!r.empty()) {
    Result<Extensions> ext = Extensions::Parse(r.Rest());
    if (!ext.ok()) return ext.status().WithContext("ClientHello");
    out.extensions = std::move(ext).value();
  }
  return out;
}

void ClientHello::Serialize(Writer& out) const {
  out.U16(static_cast<uint16_t>(client_version));
  out.Raw(ByteView(random.data(), random.size()));
  out.VectorBytes(1, session_id);
  out.Vector(2, [&] {
    for (uint16_t s : cipher_suites) out.U16(s);
  });
  out.VectorBytes(1, compression_methods);
  if (extensions) extensions->Serialize(out);
}

std::string ClientHello::Describe() const {
  return "ClientHello(version=" + ::shakedown::Describe(client_version) +
         ", session_id=" + Sized(session_id.size()) +
         ", suites=" + DescribeSuites(cipher_suites) +
         ", compression=" + DescribeNumbers(compression_methods) +
         ", ext=" + DescribeExtensions(extensions) + ")";
}

bool ClientHello::operator==(const ClientHello& o) const {
  return client_version == o.client_version && random == o.random &&
         session_id == o.session_id && cipher_suites == o.cipher_suites &&
         compression_methods == o.compression_methods && extensions == o.extensions;
}

// ---- ServerHello ----

Result<ServerHello> ServerHello::Parse(ByteView body) {
  Reader r(body);
  ServerHello out;
  uint16_t version = 0;
  SD_RETURN_IF_ERROR(r.U16("ServerHello.server_version", &version));
  out.server_version = static_cast<ProtocolVersion>(version);
  SD_RETURN_IF_ERROR(ReadRandom(r, "ServerHello.random", &out.random));
  SD_RETURN_IF_ERROR(
      ReadBytes(r, "ServerHello.session_id", 1, 0, kMaxSessionIdLength, &out.session_id));
  SD_RETURN_IF_ERROR(r.U16("ServerHello.cipher_suite", &out.cipher_suite));
  SD_RETURN_IF_ERROR(r.U8("ServerHello.compression_method", &out.compression_method));
  // RFC 5246 7.4.1.3: optional extensions block, as in the ClientHello.
  if (!r.empty()) {
    Result<Extensions> ext = Extensions::Parse(r.Rest());
    if (!ext.ok()) return ext.status().WithContext("ServerHello");
    out.extensions = std::move(ext).value();
  }
  return out;
}

void ServerHello::Serialize(Writer& out) const {
  out.U16(static_cast<uint16_t>(server_version));
  out.Raw(ByteView(random.data(), random.size()));
  out.VectorBytes(1, session_id);
  out.U16(cipher_suite);
  out.U8(compression_method);
  if (extensions) extensions->Serialize(out);
}

std::string ServerHello::Describe() const {
  return "ServerHello(version=" + ::shakedown::Describe(server_version) +
         ", session_id=" + Sized(session_id.size()) +
         ", suite=" + ::shakedown::Describe(Registry::kCipherSuite, cipher_suite) +
         ", compression=" + std::to_string(compression_method) +
         ", ext=" + DescribeExtensions(extensions) + ")";
}

bool ServerHello::operator==(const ServerHello& o) const {
  return server_version == o.server_version && random == o.random &&
         session_id == o.session_id && cipher_suite == o.cipher_suite &&
         compression_method == o.compression_method && extensions == o.extensions;
}

// ---- Certificate ----

Result<Certificate> Certificate::Parse(ByteView body) {
  Reader r(body);
  Certificate out;
  SD_RETURN_IF_ERROR(ReadOpaqueList(r, "Certificate.certificate_list", 3, 0, 0xffffff, 3, 1,
                                    0xffffff, &out.certificate_list));
  SD_RETURN_IF_ERROR(r.ExpectEnd("Certificate"));
  return out;
}

void Certificate::Serialize(Writer& out) const { WriteOpaqueList(out, 3, 3, certificate_list); }

std::string Certificate::Describe() const {
  std::string out = "Certificate(certs=[";
  for (size_t i = 0; i < certificate_list.size(); ++i) {
    if (i > 0) out += ",";
    out += Sized(certificate_list[i].size());
  }
  return out + "])";
}

// ---- ServerKeyExchange ----

Result<ServerKeyExchange> ServerKeyExchange::Parse(ByteView body, KeyExchangeKind kind) {
  Reader r(body);
  ServerKeyExchange out;
  switch (kind) {
    case KeyExchangeKind::kRsa:
      // RFC 5246 7.4.3: "It is not legal to send the server key exchange message for ...
      // RSA" (checklist #39).
      return Status::Error(AlertDescription::kUnexpectedMessage,
                           "ServerKeyExchange: not legal for RSA key exchange (RFC 5246 7.4.3)");
    case KeyExchangeKind::kEcdhe: {
      EcdhServerParams params;
      uint8_t curve_type = 0;
      SD_RETURN_IF_ERROR(r.U8("ServerKeyExchange.curve_type", &curve_type));
      // RFC 8422 5.4: only named_curve is usable; explicit_prime(1) and explicit_char2(2)
      // are deprecated. A well-formed but forbidden value: illegal_parameter.
      if (curve_type != EcdhServerParams::kNamedCurve) {
        return IllegalParameter("ServerKeyExchange.curve_type: " + std::to_string(curve_type) +
                                " is not named_curve(3) (RFC 8422 5.4)");
      }
      uint16_t curve = 0;
      SD_RETURN_IF_ERROR(r.U16("ServerKeyExchange.named_curve", &curve));
      params.named_curve = static_cast<NamedGroup>(curve);
      SD_RETURN_IF_ERROR(
          ReadBytes(r, "ServerKeyExchange.public", 1, 1, 0xff, &params.public_key));
      out.params = std::move(params);
      break;
    }
    case KeyExchangeKind::kDhe: {
      DhServerParams params;
      SD_RETURN_IF_ERROR(ReadBytes(r, "ServerKeyExchange.dh_p", 2, 1, 0xffff, &params.dh_p));
      SD_RETURN_IF_ERROR(ReadBytes(r, "ServerKeyExchange.dh_g", 2, 1, 0xffff, &params.dh_g));
      SD_RETURN_IF_ERROR(ReadBytes(r, "ServerKeyExchange.dh_Ys", 2, 1, 0xffff, &params.dh_ys));
      out.params = std::move(params);
      break;
    }
  }
  SD_RETURN_IF_ERROR(ReadDigitallySigned(r, "ServerKeyExchange", &out.algorithm, &out.signature));
  SD_RETURN_IF_ERROR(r.ExpectEnd("ServerKeyExchange"));
  return out;
}

namespace {

void WriteParams(Writer& out,
                 const std::variant<EcdhServerParams, DhServerParams, RsaServerParams>& params) {
  if (const auto* ec = std::get_if<EcdhServerParams>(&params)) {
    out.U8(EcdhServerParams::kNamedCurve);
    out.U16(static_cast<uint16_t>(ec->named_curve));
    out.VectorBytes(1, ec->public_key);
  } else if (const auto* dh = std::get_if<DhServerParams>(&params)) {
    out.VectorBytes(2, dh->dh_p);
    out.VectorBytes(2, dh->dh_g);
    out.VectorBytes(2, dh->dh_ys);
  } else {
    const auto& rsa = std::get<RsaServerParams>(params);
    out.VectorBytes(2, rsa.rsa_modulus);
    out.VectorBytes(2, rsa.rsa_exponent);
  }
}

}  // namespace

void ServerKeyExchange::Serialize(Writer& out) const {
  WriteParams(out, params);
  out.U16(static_cast<uint16_t>(algorithm));
  out.VectorBytes(2, signature);
}

Bytes ServerKeyExchange::ParamsBytes() const {
  Writer w;
  WriteParams(w, params);
  return w.Take();
}

Bytes ServerKeyExchange::SignedData(ByteView client_random, ByteView server_random) const {
  // RFC 5246 7.4.3: digitally-signed struct { client_random; server_random; params; }.
  Bytes out = client_random.ToBytes();
  Append(out, server_random);
  Append(out, ParamsBytes());
  return out;
}

std::string ServerKeyExchange::Describe() const {
  std::string out = "ServerKeyExchange(";
  if (const auto* ec = std::get_if<EcdhServerParams>(&params)) {
    out += "ECDHE, curve=" +
           ::shakedown::Describe(Registry::kNamedGroup, static_cast<uint16_t>(ec->named_curve)) +
           ", public=" + Sized(ec->public_key.size());
  } else if (const auto* dh = std::get_if<DhServerParams>(&params)) {
    out += "DHE, p=" + Sized(dh->dh_p.size()) + ", g=" + Sized(dh->dh_g.size()) +
           ", Ys=" + Sized(dh->dh_ys.size());
  } else {
    const auto& rsa = std::get<RsaServerParams>(params);
    out += "RSA (export), modulus=" + Sized(rsa.rsa_modulus.size()) +
           ", exponent=" + Sized(rsa.rsa_exponent.size());
  }
  return out + ", sig=" +
         ::shakedown::Describe(Registry::kSignatureScheme, static_cast<uint16_t>(algorithm)) +
         " " + Sized(signature.size()) + ")";
}

// ---- CertificateRequest ----

Result<CertificateRequest> CertificateRequest::Parse(ByteView body) {
  Reader r(body);
  CertificateRequest out;
  ByteView types;
  SD_RETURN_IF_ERROR(
      r.VectorBytes("CertificateRequest.certificate_types", 1, 1, 0xff, &types));
  for (uint8_t t : types) out.certificate_types.push_back(static_cast<ClientCertificateType>(t));
  SD_RETURN_IF_ERROR(r.U16List("CertificateRequest.supported_signature_algorithms", 2,
                                 0xfffe, &out.supported_signature_algorithms));
  SD_RETURN_IF_ERROR(ReadOpaqueList(r, "CertificateRequest.certificate_authorities", 2, 0,
                                    0xffff, 2, 1, 0xffff, &out.certificate_authorities));
  SD_RETURN_IF_ERROR(r.ExpectEnd("CertificateRequest"));
  return out;
}

void CertificateRequest::Serialize(Writer& out) const {
  out.Vector(1, [&] {
    for (ClientCertificateType t : certificate_types) out.U8(static_cast<uint8_t>(t));
  });
  out.U16List(supported_signature_algorithms);
  WriteOpaqueList(out, 2, 2, certificate_authorities);
}

std::string CertificateRequest::Describe() const {
  return "CertificateRequest(types=" +
         DescribeEnums(Registry::kClientCertificateType, certificate_types) +
         ", sig_algs=" + DescribeEnums(Registry::kSignatureScheme, supported_signature_algorithms) +
         ", cas=" + std::to_string(certificate_authorities.size()) + ")";
}

// ---- CertificateVerify ----

Result<CertificateVerify> CertificateVerify::Parse(ByteView body) {
  Reader r(body);
  CertificateVerify out;
  SD_RETURN_IF_ERROR(ReadDigitallySigned(r, "CertificateVerify", &out.algorithm, &out.signature));
  SD_RETURN_IF_ERROR(r.ExpectEnd("CertificateVerify"));
  return out;
}

void CertificateVerify::Serialize(Writer& out) const {
  out.U16(static_cast<uint16_t>(algorithm));
  out.VectorBytes(2, signature);
}

std::string CertificateVerify::Describe() const {
  return "CertificateVerify(sig=" +
         ::shakedown::Describe(Registry::kSignatureScheme, static_cast<uint16_t>(algorithm)) +
         " " + Sized(signature.size()) + ")";
}

// ---- ClientKeyExchange ----

namespace {

struct CkeShape {
  const char* field;
  int prefix_bytes;
  size_t min;
  size_t max;
};

CkeShape ShapeOf(KeyExchangeKind kind) {
  switch (kind) {
    case KeyExchangeKind::kRsa:  // RFC 5246 7.4.7.1
      return {"ClientKeyExchange.encrypted_pre_master_secret", 2, 0, 0xffff};
    case KeyExchangeKind::kDhe:  // RFC 5246 7.4.7.2
      return {"ClientKeyExchange.dh_Yc", 2, 1, 0xffff};
    case KeyExchangeKind::kEcdhe:  // RFC 8422 5.7
      break;
  }
  return {"ClientKeyExchange.ecdh_Yc", 1, 1, 0xff};
}

}  // namespace

Result<ClientKeyExchange> ClientKeyExchange::Parse(ByteView body, KeyExchangeKind kind) {
  const CkeShape shape = ShapeOf(kind);
  Reader r(body);
  ClientKeyExchange out;
  out.kind = kind;
  SD_RETURN_IF_ERROR(
      ReadBytes(r, shape.field, shape.prefix_bytes, shape.min, shape.max, &out.exchange_keys));
  SD_RETURN_IF_ERROR(r.ExpectEnd("ClientKeyExchange"));
  return out;
}

void ClientKeyExchange::Serialize(Writer& out) const {
  out.VectorBytes(ShapeOf(kind).prefix_bytes, exchange_keys);
}

std::string ClientKeyExchange::Describe() const {
  return "ClientKeyExchange(" + ::shakedown::Describe(kind) + ", " +
         Sized(exchange_keys.size()) + ")";
}

// ---- CertificateStatus ----

Result<CertificateStatus> CertificateStatus::Parse(ByteView body) {
  Reader r(body);
  CertificateStatus out;
  SD_RETURN_IF_ERROR(r.U8("CertificateStatus.status_type", &out.status_type));
  if (out.status_type != kOcsp) {
    // RFC 6066 8: enum { ocsp(1), (255) } CertificateStatusType; the select has no other arm,
    // so the rest of the message cannot be decoded.
    return DecodeError("CertificateStatus.status_type: " + std::to_string(out.status_type) +
                       ", only ocsp(1) is defined (RFC 6066 8)");
  }
  // RFC 6066 8: opaque OCSPResponse<1..2^24-1>.
  SD_RETURN_IF_ERROR(ReadBytes(r, "CertificateStatus.response", 3, 1, 0xffffff, &out.response));
  SD_RETURN_IF_ERROR(r.ExpectEnd("CertificateStatus"));
  return out;
}

void CertificateStatus::Serialize(Writer& out) const {
  out.U8(status_type);
  out.VectorBytes(3, response);
}

std::string CertificateStatus::Describe() const {
  return "CertificateStatus(status_type=" + std::to_string(status_type) +
         ", response=" + Sized(response.size()) + ")";
}

// ---- NewSessionTicket ----

Result<NewSessionTicket> NewSessionTicket::Parse(ByteView body) {
  Reader r(body);
  NewSessionTicket out;
  SD_RETURN_IF_ERROR(r.U32("NewSessionTicket.ticket_lifetime_hint", &out.ticket_lifetime_hint));
  SD_RETURN_IF_ERROR(ReadBytes(r, "NewSessionTicket.ticket", 2, 0, 0xffff, &out.ticket));
  SD_RETURN_IF_ERROR(r.ExpectEnd("NewSessionTicket"));
  return out;
}

void NewSessionTicket::Serialize(Writer& out) const {
  out.U32(ticket_lifetime_hint);
  out.VectorBytes(2, ticket);
}

std::string NewSessionTicket::Describe() const {
  return "NewSessionTicket(lifetime_hint=" + std::to_string(ticket_lifetime_hint) +
         ", ticket=" + Sized(ticket.size()) + ")";
}

// ---- Finished ----

Result<Finished> Finished::Parse(ByteView body, size_t verify_data_length) {
  if (body.size() != verify_data_length) {
    return DecodeError("Finished.verify_data: " + std::to_string(body.size()) +
                       " byte(s), expected " + std::to_string(verify_data_length) +
                       " (RFC 5246 7.4.9)");
  }
  Finished out;
  out.verify_data = body.ToBytes();
  return out;
}

std::string Finished::Describe() const {
  return "Finished(verify_data=" + ToHex(verify_data) + ")";
}

// ---- ChangeCipherSpec / Alert ----

Result<ChangeCipherSpec> ChangeCipherSpec::Parse(ByteView body) {
  // RFC 5246 7.1: a single byte of value 1. RFC 5246 names no alert; checklist #16 gives
  // unexpected_message (what tlsfuzzer test-ccs expects).
  if (body.size() != 1) {
    return Status::Error(AlertDescription::kUnexpectedMessage,
                         "ChangeCipherSpec: " + std::to_string(body.size()) +
                             " byte(s), expected 1 (RFC 5246 7.1)");
  }
  if (body[0] != kValue) {
    return Status::Error(AlertDescription::kUnexpectedMessage,
                         "ChangeCipherSpec.type: " + std::to_string(body[0]) +
                             ", expected 1 (RFC 5246 7.1)");
  }
  return ChangeCipherSpec{};
}

Result<Alert> Alert::Parse(ByteView body) {
  // RFC 5246 7.2: exactly level + description. Checklist #14: decode_error.
  if (body.size() != 2) {
    return DecodeError("Alert: " + std::to_string(body.size()) +
                       " byte(s), expected 2 (RFC 5246 7.2)");
  }
  Alert out;
  out.level = static_cast<AlertLevel>(body[0]);
  out.description = static_cast<AlertDescription>(body[1]);
  return out;
}

void Alert::Serialize(Writer& out) const {
  out.U8(static_cast<uint8_t>(level));
  out.U8(static_cast<uint8_t>(description));
}

std::string Alert::Describe() const {
  std::string lvl = level == AlertLevel::kWarning ? "warning"
                    : level == AlertLevel::kFatal ? "fatal"
                                                  : "level " + std::to_string(
                                                                   static_cast<int>(level));
  return "Alert(" + lvl + ", " +
         ::shakedown::Describe(Registry::kAlertDescription,
                               static_cast<uint16_t>(description)) +
         ")";
}

// ---- TypedHandshake ----

Result<TypedHandshake> ParseHandshakeMessage(HandshakeType type, ByteView body,
                                               const ParseContext& context) {
  // Wraps a Result<T> into a Result<TypedHandshake>.
  auto lift = [](auto result) -> Result<TypedHandshake> {
    if (!result.ok()) return result.status();
    return TypedHandshake(std::move(result).value());
  };
  switch (type) {
    case HandshakeType::kHelloRequest: return lift(HelloRequest::Parse(body));
    case HandshakeType::kClientHello: return lift(ClientHello::Parse(body));
    case HandshakeType::kServerHello: return lift(ServerHello::Parse(body));
    case HandshakeType::kCertificate: return lift(Certificate::Parse(body));
    case HandshakeType::kServerKeyExchange:
      return lift(ServerKeyExchange::Parse(body, context.key_exchange));
    case HandshakeType::kCertificateRequest: return lift(CertificateRequest::Parse(body));
    case HandshakeType::kServerHelloDone: return lift(ServerHelloDone::Parse(body));
    case HandshakeType::kCertificateVerify: return lift(CertificateVerify::Parse(body));
    case HandshakeType::kClientKeyExchange:
      return lift(ClientKeyExchange::Parse(body, context.key_exchange));
    case HandshakeType::kNewSessionTicket: return lift(NewSessionTicket::Parse(body));
    case HandshakeType::kCertificateStatus:
      return lift(CertificateStatus::Parse(body));
    case HandshakeType::kFinished:
      return lift(Finished::Parse(body, context.verify_data_length));
    default: break;
  }
  return Status::Error(AlertDescription::kUnexpectedMessage,
                       "Handshake.msg_type: no TLS 1.2 message of type " +
                           Describe(type));
}

HandshakeType TypeOf(const TypedHandshake& message) {
  return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::kType; }, message);
}

Result<Bytes> SerializeBody(const TypedHandshake& message) {
  return std::visit([](const auto& m) { return SerializeToBytes(m); }, message);
}

Result<Bytes> SerializeHandshakeMessage(const TypedHandshake& message) {
  return std::visit([](const auto& m) { return SerializeHandshake(m); }, message);
}

std::string Describe(const TypedHandshake& message) {
  return std::visit([](const auto& m) { return m.Describe(); }, message);
}

}  // namespace shakedown
