// Hello extensions (RFC 5246 7.4.1.4): a generic, order-preserving container that keeps every
// extension as opaque bytes, and typed codecs for the extensions a TLS 1.2 handshake uses.
//
// Every typed extension follows one pattern:
//   static constexpr ExtensionType kType;
//   static Result<T> Parse(ByteView body);   // body = extension_data, without type and length
//   void Serialize(Writer& out) const;        // writes extension_data
//   std::string Describe() const;             // one line for traces
// and the container reads and writes them with Find<T>() and Set<T>().
//
// Parsers check only the encoding rules of the presentation language (bounds, element
// sizes, trailing bytes, fixed values). Serializers write what the struct holds, even when
// it breaks those rules, so a scripted peer can send malformed extensions on purpose; they
// fail (Writer::status) only when a length prefix cannot express the body.
#ifndef SHAKEDOWN_ENGINE_WIRE_EXTENSIONS_H_
#define SHAKEDOWN_ENGINE_WIRE_EXTENSIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/base/writer.h"
#include "engine/wire/registry.h"

namespace shakedown {

// Runs value.Serialize(writer) into a fresh Writer; the bytes, or the Writer's error.
template <typename T>
Result<Bytes> SerializeToBytes(const T& value) {
  Writer w;
  value.Serialize(w);
  if (!w.status().ok()) return w.status();
  return w.Take();
}

// One extension as it appears on the wire. `type` is a raw number so unknown and GREASE
// types survive a round trip.
struct Extension {
  uint16_t type = 0;
  Bytes body;  // extension_data<0..2^16-1>

  bool operator==(const Extension& other) const {
    return type == other.type && body == other.body;
  }
  bool operator!=(const Extension& other) const { return !(*this == other); }
};

// The `Extension extensions<0..2^16-1>` block of a ClientHello or ServerHello.
class Extensions {
 public:
  Extensions() = default;
  explicit Extensions(std::vector<Extension> list) : list_(std::move(list)) {}

  // Parses a whole block, its 2-byte length prefix included; trailing bytes are a
  // decode_error. RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the same
  // type" -> decode_error (checklist #29 leaves the alert unspecified: decode_error or
  // illegal_parameter; decode_error is what BoringSSL sends).
  static Result<Extensions> Parse(ByteView block);
  // Writes the length prefix and every extension in order, duplicates included (the
  // container lets a scenario build a duplicate on purpose through mutable_list()).
  void Serialize(Writer& out) const;

  const std::vector<Extension>& list() const { return list_; }
  std::vector<Extension>& mutable_list() { return list_; }
  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }

  bool Has(ExtensionType type) const { return FindRaw(static_cast<uint16_t>(type)) != nullptr; }
  // The first extension of `type`, or null.
  const Extension* FindRaw(uint16_t type) const;
  // Replaces the body of the first extension of `type` in place, or appends one.
  void SetRaw(uint16_t type, Bytes body);
  // Removes every extension of `type`; whether there was one.
  bool Remove(uint16_t type);

  // nullopt when absent; otherwise the typed parse of its body.
  template <typename T>
  std::optional<Result<T>> Find() const {
    const Extension* ext = FindRaw(static_cast<uint16_t>(T::kType));
    if (ext == nullptr) return std::nullopt;
    return T::Parse(ext->body);
  }
  // Serializes `ext` and stores it with SetRaw. Fails only if the body does not fit.
  template <typename T>
  Status Set(const T& ext) {
    Result<Bytes> body = SerializeToBytes(ext);
    if (!body.ok()) return body.status().WithContext(::shakedown::Describe(T::kType));
    SetRaw(static_cast<uint16_t>(T::kType), std::move(body).value());
    return Status::Ok();
  }

  // "[server_name,supported_groups,extension type 0x1a1a]"
  std::string Describe() const;

  bool operator==(const Extensions& other) const { return list_ == other.list_; }
  bool operator!=(const Extensions& other) const { return !(*this == other); }

 private:
  std::vector<Extension> list_;
};

// RFC 6066 3: ServerNameList server_name_list<1..2^16-1> of {NameType name_type;
// HostName<1..2^16-1>}. Only host_name(0) is defined and other types have no length, so
// they cannot be skipped: decode_error. "The ServerNameList MUST NOT contain more than one
// name of the same name_type", so at most one host name (decode_error otherwise, as
// OpenSSL and BoringSSL do). An empty `host_names` is the empty extension_data a server
// sends to acknowledge SNI (RFC 6066 3); the two forms cannot be confused because the list
// must hold at least one name.
struct ServerNameExt {
  static constexpr ExtensionType kType = ExtensionType::kServerName;
  static constexpr uint8_t kHostName = 0;

  std::vector<std::string> host_names;

  static Result<ServerNameExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const ServerNameExt& o) const { return host_names == o.host_names; }
  bool operator!=(const ServerNameExt& o) const { return !(*this == o); }
};

// RFC 6066 8: struct { CertificateStatusType status_type; select (status_type) { case ocsp:
// OCSPStatusRequest; } request; } CertificateStatusRequest, with struct { ResponderID
// responder_id_list<0..2^16-1>; Extensions request_extensions<0..2^16-1>; } OCSPStatusRequest
// and opaque ResponderID<1..2^16-1>. "If a server returns a "CertificateStatus" message, then
// the server MUST have included an extension of type "status_request" with empty
// "extension_data" in the extended server hello": `answer` is that empty form (and an empty
// body parses to it). A status_type other than ocsp(1) keeps its body opaque in `other` (RFC
// 6961's ocsp_multi(2) and later types are legal in a ClientHello; a server ignores them).
struct StatusRequestExt {
  static constexpr ExtensionType kType = ExtensionType::kStatusRequest;
  static constexpr uint8_t kOcsp = 1;

  bool answer = false;  // the server's empty extension_data; the fields below are unused
  uint8_t status_type = kOcsp;
  std::vector<Bytes> responder_id_list;  // each <1..2^16-1>; DER ResponderID (RFC 6960)
  Bytes request_extensions;              // DER Extensions, <0..2^16-1>
  Bytes other;                           // the request of a status_type other than ocsp

  static StatusRequestExt Answer() {
    StatusRequestExt out;
    out.answer = true;
    return out;
  }
  static Result<StatusRequestExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const StatusRequestExt& o) const {
    return answer == o.answer &&
           (answer || (status_type == o.status_type && responder_id_list == o.responder_id_list &&
                       request_extensions == o.request_extensions && other == o.other));
  }
  bool operator!=(const StatusRequestExt& o) const { return !(*this == o); }
};

// RFC 8422 5.1.1: NamedGroup named_group_list<2..2^16-1>.
struct SupportedGroupsExt {
  static constexpr ExtensionType kType = ExtensionType::kSupportedGroups;

  std::vector<NamedGroup> groups;

  static Result<SupportedGroupsExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const SupportedGroupsExt& o) const { return groups == o.groups; }
  bool operator!=(const SupportedGroupsExt& o) const { return !(*this == o); }
};

// RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>.
struct EcPointFormatsExt {
  static constexpr ExtensionType kType = ExtensionType::kEcPointFormats;

  std::vector<EcPointFormat> formats;

  static Result<EcPointFormatsExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const EcPointFormatsExt& o) const { return formats == o.formats; }
  bool operator!=(const EcPointFormatsExt& o) const { return !(*this == o); }
};

// RFC 5246 7.4.1.4.1: SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>.
struct SignatureAlgorithmsExt {
  static constexpr ExtensionType kType = ExtensionType::kSignatureAlgorithms;

  std::vector<SignatureScheme> schemes;

  static Result<SignatureAlgorithmsExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const SignatureAlgorithmsExt& o) const { return schemes == o.schemes; }
  bool operator!=(const SignatureAlgorithmsExt& o) const { return !(*this == o); }
};

// RFC 7627 5.1: "The extension_data field of this extension SHALL be empty"; a non-empty
// body is decode_error (checklist #54).
struct ExtendedMasterSecretExt {
  static constexpr ExtensionType kType = ExtensionType::kExtendedMasterSecret;

  static Result<ExtendedMasterSecretExt> Parse(ByteView body);
  void Serialize(Writer& out) const {}
  std::string Describe() const { return "extended_master_secret"; }
  bool operator==(const ExtendedMasterSecretExt&) const { return true; }
  bool operator!=(const ExtendedMasterSecretExt&) const { return false; }
};

// RFC 7366 2: "the \"extension_data\" field of this extension SHALL be empty"; a non-empty
// body is decode_error, as for extended_master_secret.
struct EncryptThenMacExt {
  static constexpr ExtensionType kType = ExtensionType::kEncryptThenMac;

  static Result<EncryptThenMacExt> Parse(ByteView body);
  void Serialize(Writer& out) const {}
  std::string Describe() const { return "encrypt_then_mac"; }
  bool operator==(const EncryptThenMacExt&) const { return true; }
  bool operator!=(const EncryptThenMacExt&) const { return false; }
};

// RFC 6520 2: struct { HeartbeatMode mode; } HeartbeatExtension, one byte. A body of another
// length is decode_error. "Upon reception of an unknown mode, an error Alert message using
// illegal_parameter as its AlertDescription MUST be sent in response."
struct HeartbeatExt {
  static constexpr ExtensionType kType = ExtensionType::kHeartbeat;
  static constexpr uint8_t kPeerAllowedToSend = 1;
  static constexpr uint8_t kPeerNotAllowedToSend = 2;

  uint8_t mode = kPeerAllowedToSend;

  static Result<HeartbeatExt> Parse(ByteView body);
  void Serialize(Writer& out) const { out.U8(mode); }
  std::string Describe() const;
  bool operator==(const HeartbeatExt& o) const { return mode == o.mode; }
  bool operator!=(const HeartbeatExt& o) const { return !(*this == o); }
};

// RFC 6066 4: enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4), (255) } MaxFragmentLength. Any byte
// parses (the RFC's error for a value outside 1..4 is illegal_parameter, decided by the role
// that reads it); a body of another length is decode_error.
struct MaxFragmentLengthExt {
  static constexpr ExtensionType kType = ExtensionType::kMaxFragmentLength;

  uint8_t code = 0;

  static Result<MaxFragmentLengthExt> Parse(ByteView body);
  void Serialize(Writer& out) const { out.U8(code); }
  std::string Describe() const;
  // 512, 1024, 2048 or 4096 for codes 1..4; 0 for any other code.
  size_t Length() const { return code >= 1 && code <= 4 ? size_t{256} << code : 0; }
  // The code for a length of 512, 1024, 2048 or 4096; 0 for any other length.
  static uint8_t CodeFor(size_t length);
  bool operator==(const MaxFragmentLengthExt& o) const { return code == o.code; }
  bool operator!=(const MaxFragmentLengthExt& o) const { return !(*this == o); }
};

// RFC 8449 4: "Endpoints MUST NOT send a "record_size_limit" extension with a value smaller
// than 64" (illegal_parameter).
inline constexpr uint16_t kMinRecordSizeLimit = 64;

// RFC 8449 4: uint16 RecordSizeLimit. Any value parses (below 64 is illegal_parameter, decided
// by the reader's role); a body of another length is decode_error.
struct RecordSizeLimitExt {
  static constexpr ExtensionType kType = ExtensionType::kRecordSizeLimit;

  uint16_t limit = 0;

  static Result<RecordSizeLimitExt> Parse(ByteView body);
  void Serialize(Writer& out) const { out.U16(limit); }
  std::string Describe() const { return "record_size_limit=" + std::to_string(limit); }
  bool operator==(const RecordSizeLimitExt& o) const { return limit == o.limit; }
  bool operator!=(const RecordSizeLimitExt& o) const { return !(*this == o); }
};

// RFC 5746 3.2: opaque renegotiated_connection<0..255>.
struct RenegotiationInfoExt {
  static constexpr ExtensionType kType = ExtensionType::kRenegotiationInfo;

  Bytes renegotiated_connection;

  static Result<RenegotiationInfoExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const RenegotiationInfoExt& o) const {
    return renegotiated_connection == o.renegotiated_connection;
  }
  bool operator!=(const RenegotiationInfoExt& o) const { return !(*this == o); }
};

// RFC 5077 3.2: the body is the ticket itself, no length prefix; empty when the client has
// no ticket (and always empty in a ServerHello).
struct SessionTicketExt {
  static constexpr ExtensionType kType = ExtensionType::kSessionTicket;

  Bytes ticket;

  static Result<SessionTicketExt> Parse(ByteView body);
  void Serialize(Writer& out) const { out.Raw(ticket); }
  std::string Describe() const;
  bool operator==(const SessionTicketExt& o) const { return ticket == o.ticket; }
  bool operator!=(const SessionTicketExt& o) const { return !(*this == o); }
};

// RFC 7301 3.1: ProtocolName protocol_name_list<2..2^16-1>, ProtocolName = opaque<1..2^8-1>.
struct AlpnExt {
  static constexpr ExtensionType kType = ExtensionType::kApplicationLayerProtocolNegotiation;

  std::vector<std::string> protocols;

  static Result<AlpnExt> Parse(ByteView body);
  void Serialize(Writer& out) const;
  std::string Describe() const;
  bool operator==(const AlpnExt& o) const { return protocols == o.protocols; }
  bool operator!=(const AlpnExt& o) const { return !(*this == o); }
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_WIRE_EXTENSIONS_H_
