#include "engine/wire/extensions.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/base/reader.h"

namespace shakedown {
namespace {

template <typename Enum>
std::string DescribeList(Registry registry, const std::vector<Enum>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ",";
    out += Describe(registry, static_cast<uint16_t>(list[i]));
  }
  return out + "]";
}

std::string DescribeStrings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ",";
    out += '"' + list[i] + '"';
  }
  return out + "]";
}

std::string AsString(ByteView v) { return std::string(v.begin(), v.end()); }
ByteView AsBytes(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

// ---- Extensions ----

Result<Extensions> Extensions::Parse(ByteView block) {
  Reader r(block);
  Reader list;
  // RFC 5246 7.4.1.4: Extension extensions<0..2^16-1>.
  SD_RETURN_IF_ERROR(r.Vector("extensions", 2, 0, 0xffff, &list));
  SD_RETURN_IF_ERROR(r.ExpectEnd("extensions"));
  Extensions out;
  while (!list.empty()) {
    const std::string field = "extensions[" + std::to_string(out.list_.size()) + "]";
    Extension ext;
    SD_RETURN_IF_ERROR(list.U16(field + ".extension_type", &ext.type));
    ByteView body;
    SD_RETURN_IF_ERROR(list.VectorBytes(field + ".extension_data", 2, 0, 0xffff, &body));
    ext.body = body.ToBytes();
    out.list_.push_back(std::move(ext));
  }
  // RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the same type."
  std::vector<uint16_t> types;
  types.reserve(out.list_.size());
  for (const Extension& e : out.list_) types.push_back(e.type);
  std::sort(types.begin(), types.end());
  auto dup = std::adjacent_find(types.begin(), types.end());
  if (dup != types.end()) {
    return DecodeError("extensions: more than one " +
                       ::shakedown::Describe(Registry::kExtensionType, *dup) +
                       " extension (RFC 5246 7.4.1.4)");
  }
  return out;
}

void Extensions::Serialize(Writer& out) const {
  out.Vector(2, [&] {
    for (const Extension& e : list_) {
      out.U16(e.type);
      out.VectorBytes(2, e.body);
    }
  });
}

const Extension* Extensions::FindRaw(uint16_t type) const {
  for (const Extension& e : list_) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

void Extensions::SetRaw(uint16_t type, Bytes body) {
  for (Extension& e : list_) {
    if (e.type == type) {
      e.body = std::move(body);
      return;
    }
  }
  list_.push_back(Extension{type, std::move(body)});
}

bool Extensions::Remove(uint16_t type) {
  auto it = std::remove_if(list_.begin(), list_.end(),
                           [&](const Extension& e) { return e.type == type; });
  bool removed = it != list_.end();
  list_.erase(it, list_.end());
  return removed;
}

std::string Extensions::Describe() const {
  std::string out = "[";
  for (size_t i = 0; i < list_.size(); ++i) {
    if (i > 0) out += ",";
    out += ::shakedown::Describe(Registry::kExtensionType, list_[i].type);
  }
  return out + "]";
}

// ---- status_request ----

Result<StatusRequestExt> StatusRequestExt::Parse(ByteView body) {
  // RFC 6066 8: the server's answer is an empty extension_data.
  if (body.empty()) return Answer();
  Reader r(body);
  StatusRequestExt out;
  SD_RETURN_IF_ERROR(r.U8("status_request.status_type", &out.status_type));
  if (out.status_type != kOcsp) {
    // Another CertificateStatusType (RFC 6961's ocsp_multi(2)): its request is kept opaque.
    out.other = r.Rest().ToBytes();
    return out;
  }
  Reader ids;
  SD_RETURN_IF_ERROR(r.Vector("status_request.responder_id_list", 2, 0, 0xffff, &ids));
  while (!ids.empty()) {
    ByteView id;
    SD_RETURN_IF_ERROR(ids.VectorBytes(
        "status_request.responder_id_list[" + std::to_string(out.responder_id_list.size()) + "]", 2,
        1, 0xffff, &id));
    out.responder_id_list.push_back(id.ToBytes());
  }
  ByteView exts;
  SD_RETURN_IF_ERROR(r.VectorBytes("status_request.request_extensions", 2, 0, 0xffff, &exts));
  out.request_extensions = exts.ToBytes();
  SD_RETURN_IF_ERROR(r.ExpectEnd("status_request"));
  return out;
}

void StatusRequestExt::Serialize(Writer& out) const {
  if (answer) return;
  out.U8(status_type);
  if (status_type != kOcsp) {
    out.Raw(other);
    return;
  }
  out.Vector(2, [&] {
    for (const Bytes& id : responder_id_list) out.VectorBytes(2, id);
  });
  out.VectorBytes(2, request_extensions);
}

std::string StatusRequestExt::Describe() const {
  if (answer) return "status_request(answer)";
  if (status_type != kOcsp) {
    return "status_request(status_type=" + std::to_string(status_type) + ")";
  }
  return "status_request(ocsp, responder_ids=" + std::to_string(responder_id_list.size()) +
         ", request_extensions=" + std::to_string(request_extensions.size()) + " bytes)";
}

// ---- server_name ----

Result<ServerNameExt> ServerNameExt::Parse(ByteView body) {
  ServerNameExt out;
  // RFC 6066 3: a server acknowledging SNI sends an empty extension_data.
  if (body.empty()) return out;
  Reader r(body);
  Reader list;
  SD_RETURN_IF_ERROR(r.Vector("server_name.server_name_list", 2, 1, 0xffff, &list));
  SD_RETURN_IF_ERROR(r.ExpectEnd("server_name"));
  while (!list.empty()) {
    uint8_t name_type = 0;
    SD_RETURN_IF_ERROR(list.U8("server_name.name_type", &name_type));
    if (name_type != kHostName) {
      // Other name types have no defined encoding, so the rest of the list is unreadable.
      return DecodeError("server_name.name_type: unknown name type " +
                         std::to_string(name_type));
    }
    if (!out.host_names.empty()) {
      // RFC 6066 3: at most one name of each name_type.
      return DecodeError("server_name.server_name_list: more than one host_name");
    }
    ByteView name;
    SD_RETURN_IF_ERROR(list.VectorBytes("server_name.host_name", 2, 1, 0xffff, &name));
    out.host_names.push_back(AsString(name));
  }
  return out;
}

void ServerNameExt::Serialize(Writer& out) const {
  if (host_names.empty()) return;
  out.Vector(2, [&] {
    for (const std::string& name : host_names) {
      out.U8(kHostName);
      out.VectorBytes(2, AsBytes(name));
    }
  });
}

std::string ServerNameExt::Describe() const {
  return "server_name=" + DescribeStrings(host_names);
}

// ---- supported_groups ----

Result<SupportedGroupsExt> SupportedGroupsExt::Parse(ByteView body) {
  Reader r(body);
  SupportedGroupsExt out;
  SD_RETURN_IF_ERROR(
      r.U16List("supported_groups.named_group_list", 2, 0xffff, &out.groups));
  SD_RETURN_IF_ERROR(r.ExpectEnd("supported_groups"));
  return out;
}

void SupportedGroupsExt::Serialize(Writer& out) const { out.U16List(groups); }

std::string SupportedGroupsExt::Describe() const {
  return "supported_groups=" + DescribeList(Registry::kNamedGroup, groups);
}

// ---- ec_point_formats ----

Result<EcPointFormatsExt> EcPointFormatsExt::Parse(ByteView body) {
  Reader r(body);
  ByteView list;
  SD_RETURN_IF_ERROR(
      r.VectorBytes("ec_point_formats.ec_point_format_list", 1, 1, 0xff, &list));
  SD_RETURN_IF_ERROR(r.ExpectEnd("ec_point_formats"));
  EcPointFormatsExt out;
  for (uint8_t f : list) out.formats.push_back(static_cast<EcPointFormat>(f));
  return out;
}

void EcPointFormatsExt::Serialize(Writer& out) const {
  out.Vector(1, [&] {
    for (EcPointFormat f : formats) out.U8(static_cast<uint8_t>(f));
  });
}

std::string EcPointFormatsExt::Describe() const {
  return "ec_point_formats=" + DescribeList(Registry::kEcPointFormat, formats);
}

// ---- signature_algorithms ----

Result<SignatureAlgorithmsExt> SignatureAlgorithmsExt::Parse(ByteView body) {
  Reader r(body);
  SignatureAlgorithmsExt out;
  SD_RETURN_IF_ERROR(
      r.U16List("signature_algorithms.supported_signature_algorithms", 2, 0xfffe, &out.schemes));
  SD_RETURN_IF_ERROR(r.ExpectEnd("signature_algorithms"));
  return out;
}

void SignatureAlgorithmsExt::Serialize(Writer& out) const { out.U16List(schemes); }

std::string SignatureAlgorithmsExt::Describe() const {
  return "signature_algorithms=" + DescribeList(Registry::kSignatureScheme, schemes);
}

// ---- extended_master_secret ----

Result<ExtendedMasterSecretExt> ExtendedMasterSecretExt::Parse(ByteView body) {
  // RFC 7627 5.1: "The extension_data field of this extension SHALL be empty."
  if (!body.empty()) {
    return DecodeError("extended_master_secret: extension_data must be empty, got " +
                       std::to_string(body.size()) + " byte(s) (RFC 7627 5.1)");
  }
  return ExtendedMasterSecretExt{};
}

// ---- encrypt_then_mac ----

Result<EncryptThenMacExt> EncryptThenMacExt::Parse(ByteView body) {
  // RFC 7366 2: "the \"extension_data\" field of this extension SHALL be empty".
  if (!body.empty()) {
    return DecodeError("encrypt_then_mac: extension_data must be empty, got " +
                       std::to_string(body.size()) + " byte(s) (RFC 7366 2)");
  }
  return EncryptThenMacExt{};
}

// ---- heartbeat ----

Result<HeartbeatExt> HeartbeatExt::Parse(ByteView body) {
  if (body.size() != 1) {
    return DecodeError("heartbeat: extension_data must be one byte (HeartbeatMode), got " +
                       std::to_string(body.size()) + " (RFC 6520 2)");
  }
  if (body[0] != kPeerAllowedToSend && body[0] != kPeerNotAllowedToSend) {
    // RFC 6520 2: "Upon reception of an unknown mode, an error Alert message using
    // illegal_parameter as its AlertDescription MUST be sent in response."
    return IllegalParameter("heartbeat: unknown HeartbeatMode " + std::to_string(body[0]) +
                            " (RFC 6520 2)");
  }
  return HeartbeatExt{body[0]};
}

std::string HeartbeatExt::Describe() const {
  if (mode == kPeerAllowedToSend) return "heartbeat(peer_allowed_to_send)";
  if (mode == kPeerNotAllowedToSend) return "heartbeat(peer_not_allowed_to_send)";
  return "heartbeat(mode " + std::to_string(mode) + ")";
}

// ---- max_fragment_length ----

Result<MaxFragmentLengthExt> MaxFragmentLengthExt::Parse(ByteView body) {
  Reader r(body);
  MaxFragmentLengthExt out;
  SD_RETURN_IF_ERROR(r.U8("max_fragment_length", &out.code));
  SD_RETURN_IF_ERROR(r.ExpectEnd("max_fragment_length"));
  return out;
}

std::string MaxFragmentLengthExt::Describe() const {
  const size_t length = Length();
  return "max_fragment_length=" +
         (length != 0 ? std::to_string(length) : "code " + std::to_string(code));
}

uint8_t MaxFragmentLengthExt::CodeFor(size_t length) {
  for (uint8_t code = 1; code <= 4; ++code) {
    if (length == (size_t{256} << code)) return code;
  }
  return 0;
}

// ---- record_size_limit ----

Result<RecordSizeLimitExt> RecordSizeLimitExt::Parse(ByteView body) {
  Reader r(body);
  RecordSizeLimitExt out;
  SD_RETURN_IF_ERROR(r.U16("record_size_limit", &out.limit));
  SD_RETURN_IF_ERROR(r.ExpectEnd("record_size_limit"));
  return out;
}

// ---- renegotiation_info ----

Result<RenegotiationInfoExt> RenegotiationInfoExt::Parse(ByteView body) {
  Reader r(body);
  ByteView conn;
  SD_RETURN_IF_ERROR(
      r.VectorBytes("renegotiation_info.renegotiated_connection", 1, 0, 0xff, &conn));
  SD_RETURN_IF_ERROR(r.ExpectEnd("renegotiation_info"));
  RenegotiationInfoExt out;
  out.renegotiated_connection = conn.ToBytes();
  return out;
}

void RenegotiationInfoExt::Serialize(Writer& out) const {
  out.VectorBytes(1, renegotiated_connection);
}

std::string RenegotiationInfoExt::Describe() const {
  return "renegotiation_info=" + (renegotiated_connection.empty()
                                      ? std::string("empty")
                                      : ToHex(renegotiated_connection));
}

// ---- session_ticket ----

Result<SessionTicketExt> SessionTicketExt::Parse(ByteView body) {
  SessionTicketExt out;
  out.ticket = body.ToBytes();
  return out;
}

std::string SessionTicketExt::Describe() const {
  return "session_ticket=<" + std::to_string(ticket.size()) + " bytes>";
}

// ---- application_layer_protocol_negotiation ----

Result<AlpnExt> AlpnExt::Parse(ByteView body) {
  Reader r(body);
  Reader list;
  SD_RETURN_IF_ERROR(r.Vector("alpn.protocol_name_list", 2, 2, 0xffff, &list));
  SD_RETURN_IF_ERROR(r.ExpectEnd("alpn"));
  AlpnExt out;
  while (!list.empty()) {
    ByteView name;
    SD_RETURN_IF_ERROR(list.VectorBytes("alpn.protocol_name", 1, 1, 0xff, &name));
    out.protocols.push_back(AsString(name));
  }
  return out;
}

void AlpnExt::Serialize(Writer& out) const {
  out.Vector(2, [&] {
    for (const std::string& p : protocols) out.VectorBytes(1, AsBytes(p));
  });
}

std::string AlpnExt::Describe() const { return "alpn=" + DescribeStrings(protocols); }

}  // namespace shakedown
