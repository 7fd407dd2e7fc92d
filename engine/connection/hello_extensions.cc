#include "engine/connection/hello_extensions.h"

#include <utility>

#include "engine/connection/connection_internal.h"
#include "engine/crypto/dh.h"
#include "engine/wire/extension_registry.h"

namespace shakedown {
namespace {

// ---- server_name (RFC 6066) ----

Status ClientAddServerName(const ClientHelloInput& in, Extensions* out) {
  if (in.config->server_name.empty()) return Status::Ok();
  return out->Set(ServerNameExt{{in.config->server_name}});
}
Status ServerParseServerName(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(ServerNameExt sni, ServerNameExt::Parse(body));
  // RFC 6066 3: a ClientHello's extension carries a list (an empty body is the server's
  // acknowledgement, not a client's offer).
  if (sni.host_names.empty()) {
    return DecodeError("ClientHello.server_name: empty extension_data (RFC 6066 3)");
  }
  const std::string& name = sni.host_names.front();
  // RFC 6066 3: "HostName ... is represented as a byte string using ASCII encoding without a
  // trailing dot". A name outside it (NUL, a byte over 0x7f, a trailing dot) is a field out of
  // range: illegal_parameter (RFC 5246 7.2.2).
  for (unsigned char c : name) {
    if (c == 0 || c >= 0x80) {
      return IllegalParameter("ClientHello.server_name: host_name has a byte 0x" +
                              ToHex(Bytes{c}) + " outside printable ASCII (RFC 6066 3)");
    }
  }
  if (name.back() == '.') {
    return IllegalParameter("ClientHello.server_name: host_name ends with a dot (RFC 6066 3)");
  }
  offer->server_name = name;
  return Status::Ok();
}
Status ServerAddServerName(const ServerHelloInput& in, Extensions* out) {
  // RFC 6066 3: a server that used the name "SHALL include an extension of type server_name in
  // the (extended) server hello" with empty extension_data; "When resuming a session, the server
  // MUST NOT include a server_name extension".
  if (in.offer->server_name.empty() || in.negotiated->resumed) return Status::Ok();
  return out->Set(ServerNameExt{});
}
Status ClientParseServerName(ByteView body, const std::string& name, const Config&,
                             ServerAnswer*) {
  // RFC 6066 3: the server's acknowledgement has empty extension_data.
  if (!body.empty()) return DecodeError(name + ": must be empty (RFC 6066 3)");
  return Status::Ok();
}

// ---- max_fragment_length (RFC 6066 4) ----

Status ClientAddMaxFragmentLength(const ClientHelloInput& in, Extensions* out) {
  if (in.config->max_fragment_length == 0) return Status::Ok();
  return out->Set(
      MaxFragmentLengthExt{MaxFragmentLengthExt::CodeFor(in.config->max_fragment_length)});
}
Status ServerParseMaxFragmentLength(ByteView body, const Config&, ClientOffer* offer) {
  // The code's range is checked by the server when it does not ignore the request (RFC 8449 5:
  // with record_size_limit it must).
  SD_ASSIGN_OR_RETURN(MaxFragmentLengthExt mfl, MaxFragmentLengthExt::Parse(body));
  offer->max_fragment_length_code = mfl.code;
  return Status::Ok();
}
Status ServerAddMaxFragmentLength(const ServerHelloInput& in, Extensions* out) {
  // RFC 6066 4: the answer carries "the same as the requested maximum fragment length".
  if (in.negotiated->max_fragment_length == 0) return Status::Ok();
  return out->Set(
      MaxFragmentLengthExt{MaxFragmentLengthExt::CodeFor(in.negotiated->max_fragment_length)});
}
Status ClientParseMaxFragmentLength(ByteView body, const std::string& name, const Config& config,
                                    ServerAnswer* answer) {
  SD_ASSIGN_OR_RETURN(MaxFragmentLengthExt mfl, MaxFragmentLengthExt::Parse(body));
  // RFC 6066 4: "if a client receives a maximum fragment length negotiation response that
  // differs from the length it requested, it MUST also abort the handshake with an
  // "illegal_parameter" alert."
  if (mfl.Length() != config.max_fragment_length) {
    return IllegalParameter(name + ": " + mfl.Describe() + " differs from the requested " +
                            std::to_string(config.max_fragment_length) + " (RFC 6066 4)");
  }
  answer->max_fragment_length = mfl.Length();
  return Status::Ok();
}

// ---- record_size_limit (RFC 8449) ----

// RFC 8449 4: "Endpoints MUST NOT send a "record_size_limit" extension with a value smaller
// than 64. An endpoint MUST treat receipt of a smaller value as a fatal error and generate an
// "illegal_parameter" alert."
Result<uint16_t> ParseRecordSizeLimit(ByteView body, const std::string& name) {
  SD_ASSIGN_OR_RETURN(RecordSizeLimitExt rsl, RecordSizeLimitExt::Parse(body));
  if (rsl.limit < kMinRecordSizeLimit) {
    return IllegalParameter(name + ": " + std::to_string(rsl.limit) +
                            " is smaller than 64 (RFC 8449 4)");
  }
  return rsl.limit;
}
Status ClientAddRecordSizeLimit(const ClientHelloInput& in, Extensions* out) {
  if (in.config->record_size_limit == 0) return Status::Ok();
  return out->Set(RecordSizeLimitExt{in.config->record_size_limit});
}
Status ServerParseRecordSizeLimit(ByteView body, const Config&, ClientOffer* offer) {
  // "A server MUST NOT enforce this restriction" (a limit above 2^14): kept, and capped where
  // it is applied.
  SD_ASSIGN_OR_RETURN(offer->record_size_limit,
                      ParseRecordSizeLimit(body, "ClientHello.record_size_limit"));
  return Status::Ok();
}
Status ServerAddRecordSizeLimit(const ServerHelloInput& in, Extensions* out) {
  if (in.negotiated->record_size_limit == 0) return Status::Ok();
  return out->Set(RecordSizeLimitExt{static_cast<uint16_t>(in.negotiated->record_size_limit)});
}
Status ClientParseRecordSizeLimit(ByteView body, const std::string& name, const Config&,
                                  ServerAnswer* answer) {
  // Above 2^14 "A client MAY abort the handshake with an "illegal_parameter" alert"; this one
  // caps it at 2^14 instead ("an endpoint MUST NOT send records larger than the
  // protocol-defined limit").
  SD_ASSIGN_OR_RETURN(answer->record_size_limit, ParseRecordSizeLimit(body, name));
  return Status::Ok();
}

// ---- supported_groups (RFC 8422 5.1.1, RFC 7919 3; client only) ----

Status ClientAddSupportedGroups(const ClientHelloInput& in, Extensions* out) {
  // The curves with an ECDHE suite (RFC 8422 5.1), the RFC 7919 groups with a DHE suite (RFC
  // 7919 3: "A client that offers a Supported Groups extension containing an FFDHE group SHOULD
  // also include at least one FFDHE cipher suite"), in the configured order.
  std::vector<NamedGroup> groups;
  for (NamedGroup g : in.config->groups) {
    if (IsFfdheCodePoint(g) ? in.ffdhe : in.ecc) groups.push_back(g);
  }
  if (groups.empty()) return Status::Ok();
  return out->Set(SupportedGroupsExt{std::move(groups)});
}
Status ServerParseSupportedGroups(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(SupportedGroupsExt groups, SupportedGroupsExt::Parse(body));
  offer->groups = std::move(groups.groups);
  return Status::Ok();
}

// ---- ec_point_formats (RFC 8422 5.1.2) ----

Status ClientAddPointFormats(const ClientHelloInput& in, Extensions* out) {
  // RFC 8422 5.1: with the groups, the (uncompressed-only) point formats.
  if (!in.ecc) return Status::Ok();
  return out->Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}});
}
Status ServerParsePointFormats(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(EcPointFormatsExt pf, EcPointFormatsExt::Parse(body));
  // RFC 8422 5.1.2 (checklist 58): "the server MUST abort the handshake and return an
  // illegal_parameter alert" when uncompressed is missing.
  if (!Contains(pf.formats, EcPointFormat::kUncompressed)) {
    return IllegalParameter("ClientHello.ec_point_formats: uncompressed(0) missing "
                            "(RFC 8422 5.1.2)");
  }
  offer->point_formats = true;
  return Status::Ok();
}
Status ServerAddPointFormats(const ServerHelloInput& in, Extensions* out) {
  // RFC 8422 5.2: only with an ECC suite and when the client sent them.
  if (!in.offer->point_formats || !in.negotiated->suite->IsEcdhe()) return Status::Ok();
  return out->Set(EcPointFormatsExt{{EcPointFormat::kUncompressed}});
}
Status ClientParsePointFormats(ByteView body, const std::string& name, const Config&,
                               ServerAnswer*) {
  SD_ASSIGN_OR_RETURN(EcPointFormatsExt pf, EcPointFormatsExt::Parse(body));
  // RFC 8422 5.1.2 (checklist 58): uncompressed must be supported.
  if (!Contains(pf.formats, EcPointFormat::kUncompressed)) {
    return IllegalParameter(name + ": uncompressed(0) missing (RFC 8422 5.1.2)");
  }
  return Status::Ok();
}

// ---- signature_algorithms (RFC 5246 7.4.1.4.1; client only) ----

Status ClientAddSignatureAlgorithms(const ClientHelloInput& in, Extensions* out) {
  return out->Set(SignatureAlgorithmsExt{in.signature_schemes});
}
Status ServerParseSignatureAlgorithms(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(SignatureAlgorithmsExt sigs, SignatureAlgorithmsExt::Parse(body));
  offer->signature_schemes = std::move(sigs.schemes);
  return Status::Ok();
}

// ---- extended_master_secret (RFC 7627) ----

Status ClientAddEms(const ClientHelloInput& in, Extensions* out) {
  // RFC 7627 5.1 (checklist 55): "clients SHOULD send it in every ClientHello".
  if (in.config->extended_master_secret == EmsPolicy::kDisabled) return Status::Ok();
  return out->Set(ExtendedMasterSecretExt{});
}
Status ServerParseEms(ByteView body, const Config&, ClientOffer* offer) {
  SD_RETURN_IF_ERROR(ExtendedMasterSecretExt::Parse(body).status());  // checklist 54
  offer->extended_master_secret = true;
  return Status::Ok();
}
Status ServerAddEms(const ServerHelloInput& in, Extensions* out) {
  // RFC 7627 5.2 (checklist 55): echo when used.
  if (!in.negotiated->extended_master_secret) return Status::Ok();
  return out->Set(ExtendedMasterSecretExt{});
}
Status ClientParseEms(ByteView body, const std::string&, const Config&, ServerAnswer* answer) {
  SD_RETURN_IF_ERROR(ExtendedMasterSecretExt::Parse(body).status());
  answer->extended_master_secret = true;
  return Status::Ok();
}

// ---- session_ticket (RFC 5077) ----

Status ClientAddSessionTicket(const ClientHelloInput& in, Extensions* out) {
  if (!in.config->session_tickets) return Status::Ok();
  return out->Set(SessionTicketExt{in.ticket});
}
Status ServerParseSessionTicket(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(SessionTicketExt ticket, SessionTicketExt::Parse(body));
  offer->ticket = std::move(ticket.ticket);
  return Status::Ok();
}
Status ServerAddSessionTicket(const ServerHelloInput& in, Extensions* out) {
  // RFC 5077 3.2: an empty SessionTicket extension announces a NewSessionTicket.
  if (!in.issue_ticket) return Status::Ok();
  return out->Set(SessionTicketExt{});
}
Status ClientParseSessionTicket(ByteView body, const std::string& name, const Config&,
                                ServerAnswer* answer) {
  // RFC 5077 3.2: the server's SessionTicket extension is empty.
  if (!body.empty()) return DecodeError(name + ": must be empty (RFC 5077 3.2)");
  answer->session_ticket = true;
  return Status::Ok();
}

// ---- application_layer_protocol_negotiation (RFC 7301) ----

Status ClientAddAlpn(const ClientHelloInput& in, Extensions* out) {
  if (in.config->alpn.empty()) return Status::Ok();
  return out->Set(AlpnExt{in.config->alpn});
}
Status ServerParseAlpn(ByteView body, const Config&, ClientOffer* offer) {
  SD_ASSIGN_OR_RETURN(AlpnExt alpn, AlpnExt::Parse(body));
  offer->alpn = std::move(alpn.protocols);
  return Status::Ok();
}
Status ServerAddAlpn(const ServerHelloInput& in, Extensions* out) {
  if (in.negotiated->alpn.empty()) return Status::Ok();
  return out->Set(AlpnExt{{in.negotiated->alpn}});
}
Status ClientParseAlpn(ByteView body, const std::string& name, const Config& config,
                       ServerAnswer* answer) {
  SD_ASSIGN_OR_RETURN(AlpnExt alpn, AlpnExt::Parse(body));
  // RFC 7301 3.1: exactly one protocol, one the client offered.
  if (alpn.protocols.size() != 1 || !Contains(config.alpn, alpn.protocols[0])) {
    return IllegalParameter(name + ": not exactly one offered protocol (RFC 7301 3.1)");
  }
  answer->alpn = alpn.protocols[0];
  return Status::Ok();
}

// ---- encrypt_then_mac (RFC 7366) ----

Status ClientAddEtm(const ClientHelloInput& in, Extensions* out) {
  // RFC 7366 3: it concerns only block ciphers; without a CBC suite there is nothing to ask.
  if (!in.config->encrypt_then_mac || !in.cbc) return Status::Ok();
  return out->Set(EncryptThenMacExt{});
}
Status ServerParseEtm(ByteView body, const Config&, ClientOffer* offer) {
  SD_RETURN_IF_ERROR(EncryptThenMacExt::Parse(body).status());
  offer->encrypt_then_mac = true;
  return Status::Ok();
}
Status ServerAddEtm(const ServerHelloInput& in, Extensions* out) {
  // The server decided (negotiated->encrypt_then_mac) before building its ServerHello.
  if (!in.negotiated->encrypt_then_mac) return Status::Ok();
  return out->Set(EncryptThenMacExt{});
}
Status ClientParseEtm(ByteView body, const std::string&, const Config&, ServerAnswer* answer) {
  SD_RETURN_IF_ERROR(EncryptThenMacExt::Parse(body).status());
  answer->encrypt_then_mac = true;
  return Status::Ok();
}

// ---- status_request (RFC 6066 8) ----

Status ClientAddStatusRequest(const ClientHelloInput& in, Extensions* out) {
  if (!in.config->request_ocsp_status) return Status::Ok();
  // An empty responder_id_list: "the responders are implicitly known to the server"; no
  // request_extensions.
  StatusRequestExt ext;
  ext.status_type = StatusRequestExt::kOcsp;
  return out->Set(ext);
}
Status ServerParseStatusRequest(ByteView body, const Config& config, ClientOffer* offer) {
  // Without a response to staple the server does not use the extension: ignored as by a stack
  // that does not implement it (RFC 5246 7.4.1.4), since it "MAY return" a status.
  if (config.ocsp_response.empty()) return Status::Ok();
  SD_ASSIGN_OR_RETURN(StatusRequestExt ext, StatusRequestExt::Parse(body));
  if (ext.answer) {
    // RFC 6066 8: a ClientHello's extension carries a CertificateStatusRequest (status_type
    // at least); the empty form is only the server's answer.
    return DecodeError("ClientHello.status_request: empty extension_data (RFC 6066 8)");
  }
  // Only ocsp(1) is answered; another type (RFC 6961 ocsp_multi) is ignored. The configured
  // response is used whatever the responder_id_list and request_extensions say: the
  // responder is the issuing CA ("SHOULD use the information contained in the extension when
  // selecting an OCSP responder" does not apply to a response fixed in advance).
  offer->ocsp_status_request = ext.status_type == StatusRequestExt::kOcsp;
  return Status::Ok();
}
Status ServerAddStatusRequest(const ServerHelloInput& in, Extensions* out) {
  // RFC 6066 8: "the server MUST have included an extension of type "status_request" with
  // empty "extension_data" in the extended server hello" before a CertificateStatus; answered
  // only in a full handshake (an abbreviated one has no Certificate to staple to).
  if (!in.offer->ocsp_status_request || in.negotiated->resumed) return Status::Ok();
  return out->Set(StatusRequestExt::Answer());
}
Status ClientParseStatusRequest(ByteView body, const std::string& name, const Config&,
                                ServerAnswer* answer) {
  SD_ASSIGN_OR_RETURN(StatusRequestExt ext, StatusRequestExt::Parse(body));
  if (!ext.answer) {
    // RFC 6066 8: "an extension of type "status_request" with empty "extension_data"": any
    // content does not decode as the answer.
    return DecodeError(name + ": extension_data must be empty in a ServerHello (RFC 6066 8)");
  }
  answer->status_request = true;
  return Status::Ok();
}

// ---- heartbeat (RFC 6520) ----

uint8_t WireMode(HeartbeatMode mode) {
  return mode == HeartbeatMode::kPeerNotAllowedToSend ? HeartbeatExt::kPeerNotAllowedToSend
                                                      : HeartbeatExt::kPeerAllowedToSend;
}
HeartbeatMode ModeOf(const HeartbeatExt& ext) {
  return ext.mode == HeartbeatExt::kPeerNotAllowedToSend ? HeartbeatMode::kPeerNotAllowedToSend
                                                         : HeartbeatMode::kPeerAllowedToSend;
}

Status ClientAddHeartbeat(const ClientHelloInput& in, Extensions* out) {
  if (in.config->heartbeat == HeartbeatMode::kOff) return Status::Ok();
  return out->Set(HeartbeatExt{WireMode(in.config->heartbeat)});
}
Status ServerParseHeartbeat(ByteView body, const Config& config, ClientOffer* offer) {
  // Off is a stack without Heartbeat: the extension is unknown to it and ignored (RFC 5246
  // 7.4.1.4). On: RFC 6520 2, an unknown mode is illegal_parameter.
  if (config.heartbeat == HeartbeatMode::kOff) return Status::Ok();
  SD_ASSIGN_OR_RETURN(HeartbeatExt ext, HeartbeatExt::Parse(body));
  offer->heartbeat = ModeOf(ext);
  return Status::Ok();
}
Status ServerAddHeartbeat(const ServerHelloInput& in, Extensions* out) {
  // RFC 5246 7.4.1.4: only an answer to the client's extension, never unsolicited.
  if (in.offer->heartbeat == HeartbeatMode::kOff || in.heartbeat == HeartbeatMode::kOff) {
    return Status::Ok();
  }
  return out->Set(HeartbeatExt{WireMode(in.heartbeat)});
}
Status ClientParseHeartbeat(ByteView body, const std::string&, const Config&,
                            ServerAnswer* answer) {
  SD_ASSIGN_OR_RETURN(HeartbeatExt ext, HeartbeatExt::Parse(body));  // RFC 6520 2
  answer->heartbeat = ModeOf(ext);
  return Status::Ok();
}

// ---- renegotiation_info (RFC 5746) ----

Status ClientAddRenegotiationInfo(const ClientHelloInput& in, Extensions* out) {
  // RFC 5746 3.4 (checklist 49): the extension (not the SCSV), empty on the initial handshake;
  // 3.5: the saved client_verify_data in a renegotiation.
  return out->Set(RenegotiationInfoExt{in.renegotiated_connection});
}
Status ServerParseRenegotiationInfo(ByteView body, const Config&, ClientOffer* offer) {
  // Its value is checked by the server, which knows whether this is a renegotiation (RFC 5746
  // 3.6 / 3.7).
  SD_ASSIGN_OR_RETURN(RenegotiationInfoExt ri, RenegotiationInfoExt::Parse(body));
  offer->renegotiation_info = true;
  offer->renegotiated_connection = std::move(ri.renegotiated_connection);
  return Status::Ok();
}
Status ServerAddRenegotiationInfo(const ServerHelloInput& in, Extensions* out) {
  // RFC 5746 3.6 (checklist 51): an RI after the SCSV or an RI.
  if (!in.offer->renegotiation_info) return Status::Ok();
  return out->Set(RenegotiationInfoExt{in.renegotiated_connection});
}
Status ClientParseRenegotiationInfo(ByteView body, const std::string&, const Config&,
                                    ServerAnswer* answer) {
  // Checked by the client against the value it expects (RFC 5746 3.4 / 3.5).
  SD_ASSIGN_OR_RETURN(RenegotiationInfoExt ri, RenegotiationInfoExt::Parse(body));
  answer->renegotiation_info = true;
  answer->renegotiated_connection = std::move(ri.renegotiated_connection);
  return Status::Ok();
}

}  // namespace

const std::vector<HelloExtension>& HelloExtensions() {
  // A null server_add: the server never answers it. A null client_parse cannot run: the
  // registry does not allow that extension in a ServerHello.
  static const auto* rows = new std::vector<HelloExtension>{
      {ExtensionType::kServerName, &ClientAddServerName, &ServerParseServerName,
       &ServerAddServerName, &ClientParseServerName},
      {ExtensionType::kMaxFragmentLength, &ClientAddMaxFragmentLength,
       &ServerParseMaxFragmentLength, &ServerAddMaxFragmentLength, &ClientParseMaxFragmentLength},
      {ExtensionType::kRecordSizeLimit, &ClientAddRecordSizeLimit, &ServerParseRecordSizeLimit,
       &ServerAddRecordSizeLimit, &ClientParseRecordSizeLimit},
      {ExtensionType::kSupportedGroups, &ClientAddSupportedGroups, &ServerParseSupportedGroups,
       nullptr, nullptr},
      {ExtensionType::kEcPointFormats, &ClientAddPointFormats, &ServerParsePointFormats,
       &ServerAddPointFormats, &ClientParsePointFormats},
      {ExtensionType::kSignatureAlgorithms, &ClientAddSignatureAlgorithms,
       &ServerParseSignatureAlgorithms, nullptr, nullptr},
      {ExtensionType::kEncryptThenMac, &ClientAddEtm, &ServerParseEtm, &ServerAddEtm,
       &ClientParseEtm},
      {ExtensionType::kExtendedMasterSecret, &ClientAddEms, &ServerParseEms, &ServerAddEms,
       &ClientParseEms},
      {ExtensionType::kSessionTicket, &ClientAddSessionTicket, &ServerParseSessionTicket,
       &ServerAddSessionTicket, &ClientParseSessionTicket},
      {ExtensionType::kApplicationLayerProtocolNegotiation, &ClientAddAlpn, &ServerParseAlpn,
       &ServerAddAlpn, &ClientParseAlpn},
      {ExtensionType::kStatusRequest, &ClientAddStatusRequest, &ServerParseStatusRequest,
       &ServerAddStatusRequest, &ClientParseStatusRequest},
      {ExtensionType::kHeartbeat, &ClientAddHeartbeat, &ServerParseHeartbeat, &ServerAddHeartbeat,
       &ClientParseHeartbeat},
      {ExtensionType::kRenegotiationInfo, &ClientAddRenegotiationInfo,
       &ServerParseRenegotiationInfo, &ServerAddRenegotiationInfo, &ClientParseRenegotiationInfo},
  };
  return *rows;
}

Result<Extensions> BuildClientHelloExtensions(const ClientHelloInput& in) {
  Extensions out;
  for (const HelloExtension& row : HelloExtensions()) {
    SD_RETURN_IF_ERROR(row.client_add(in, &out));
  }
  return out;
}

Status ReadClientHelloExtensions(const Extensions& extensions, const Config& config,
                                 ClientOffer* offer) {
  for (const HelloExtension& row : HelloExtensions()) {
    const Extension* ext = extensions.FindRaw(static_cast<uint16_t>(row.type));
    if (ext != nullptr) SD_RETURN_IF_ERROR(row.server_parse(ext->body, config, offer));
  }
  return Status::Ok();
}

Result<Extensions> BuildServerHelloExtensions(const ServerHelloInput& in) {
  // RFC 5246 7.4.1.4 (checklist 33): only answers to what the client sent.
  Extensions out;
  for (const HelloExtension& row : HelloExtensions()) {
    if (row.server_add != nullptr) SD_RETURN_IF_ERROR(row.server_add(in, &out));
  }
  return out;
}

Result<ServerAnswer> ReadServerHelloExtensions(const Extensions& extensions,
                                               const Extensions& offered, const Config& config) {
  ServerAnswer answer;
  for (const Extension& e : extensions.list()) {
    const std::string name = "ServerHello." + Describe(static_cast<ExtensionType>(e.type));
    // RFC 5246 7.4.1.4 (checklist 33): only extensions the client offered. Servers MUST NOT
    // send signature_algorithms (RFC 5246 7.4.1.4.1, checklist 30) nor supported_groups
    // (RFC 8422 5.1.1), although we offered both: the registry allows neither here.
    const KnownExtension* known = FindKnownExtension(e.type);
    const HelloExtension* row = nullptr;
    for (const HelloExtension& r : HelloExtensions()) {
      if (static_cast<uint16_t>(r.type) == e.type) row = &r;
    }
    if (offered.FindRaw(e.type) == nullptr || known == nullptr ||
        !known->AllowedIn(HandshakeType::kServerHello) || row == nullptr ||
        row->client_parse == nullptr) {
      return Status::Error(AlertDescription::kUnsupportedExtension,
                           name + ": not offered in the ClientHello (RFC 5246 7.4.1.4)");
    }
    SD_RETURN_IF_ERROR(row->client_parse(e.body, name, config, &answer));
  }
  return answer;
}

}  // namespace shakedown
