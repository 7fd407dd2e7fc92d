#include "harness/peer/message_observer.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "engine/crypto/key_exchange.h"
#include "engine/crypto/ocsp.h"
#include "engine/crypto/signature.h"
#include "engine/wire/extension_registry.h"
#include "engine/wire/extensions.h"
#include "engine/wire/heartbeat.h"
#include "harness/peer/field_edits.h"

namespace shakedown {
namespace peer {

std::vector<WireItem> MessageObserver::Receive(ByteView bytes) {
  std::vector<WireItem> items;
  PeerConnection& c = state_.conn();
  while (!bytes.empty() && !c.reader_failed) {
    Result<size_t> n = c.reader.Feed(bytes);
    if (!n.ok()) {
      c.reader_failed = true;
      WireItem item;
      item.summary = "record layer: " + n.status().ToString();
      item.wire = bytes.ToBytes();
      CheckAfterFatal(item);
      items.push_back(std::move(item));
      break;
    }
    bytes = bytes.subview(*n);
    while (std::optional<Record> r = c.reader.Next()) {
      OnRecord(*r, &items);
      // The target spoke: what the peer sends next is read after this record.
      c.read_since_target_spoke = 0;
      c.read_only_rsa_key_exchange = false;
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------
// Records

void MessageObserver::OnRecord(const Record& record, std::vector<WireItem>* items) {
  PeerConnection& c = state_.conn();
  Bytes wire;
  (void)AppendRecord(record, &wire);
  Bytes plain = record.fragment;
  if (!c.read && c.read_keys_missing) {
    WireItem item;
    item.summary = "protected record (type " + std::to_string(record.type) +
                   ") the peer cannot read: it has no keys (its key agreement failed)";
    item.bytes = record.fragment;
    item.wire = std::move(wire);
    item.peer_unsure = true;
    CheckAfterFatal(item);
    items->push_back(std::move(item));
    return;
  }
  if (c.read) {
    Result<Bytes> opened =
        c.read->Open(static_cast<ContentType>(record.type),
                     static_cast<ProtocolVersion>(record.version), record.fragment);
    if (!opened.ok()) {
      WireItem item;
      item.summary = "protected record (type " + std::to_string(record.type) +
                     ") does not decrypt: " + opened.status().ToString();
      item.bytes = record.fragment;
      item.wire = std::move(wire);
      if (c.transcript_unsure) {
        item.peer_unsure = true;
        item.summary += " (the peer's own earlier deviation may have left it other keys)";
      }
      CheckAfterFatal(item);
      items->push_back(std::move(item));
      return;
    }
    plain = std::move(opened).value();
  }

  const auto type = static_cast<ContentType>(record.type);
  if (plain.empty() && (type == ContentType::kHandshake || type == ContentType::kAlert ||
                        type == ContentType::kChangeCipherSpec)) {
    // RFC 5246 6.2.1 (checklist 4); zero-length application data is allowed.
    state_.AddViolation(ViolationRule::kZeroLengthFragment,
                        "the target sent a zero-length " + Describe(type) + " record");
  }
  // The hellos' limits bind every record once the ServerHello is out, including the rest of
  // the record that carries it (RFC 6066 4: "immediately begin fragmenting").
  const bool had_server_hello = c.server_hello.has_value();
  const bool protected_record = c.read != nullptr;
  auto check_limit = [&] {
    const size_t limit =
        state_.conn().record_limits.For(state_.setup.is_client(), protected_record);
    if (plain.size() <= limit) return;
    state_.AddViolation(ViolationRule::kRecordOverLimit,
                        "the target sent a " + Describe(type) + " record of " +
                            std::to_string(plain.size()) + " plaintext bytes over the " +
                            std::to_string(limit) +
                            " the hellos negotiated (RFC 6066 4 max_fragment_length, RFC 8449 4 "
                            "record_size_limit)");
  };
  if (had_server_hello) check_limit();

  switch (type) {
    case ContentType::kHandshake:
      OnHandshakeRecord(plain, std::move(wire), items);
      if (!had_server_hello && state_.conn().server_hello.has_value()) check_limit();
      return;
    case ContentType::kChangeCipherSpec:
      items->push_back(OnChangeCipherSpec(plain, std::move(wire)));
      return;
    case ContentType::kAlert:
      items->push_back(OnAlert(plain, std::move(wire)));
      return;
    case ContentType::kApplicationData:
      items->push_back(OnApplicationData(plain, std::move(wire)));
      return;
    case ContentType::kHeartbeat:
      items->push_back(OnHeartbeat(plain, std::move(wire)));
      return;
    default: {
      WireItem item;
      item.kind = WireItem::Kind::kUnknownRecord;
      item.summary = "record of content type " + std::to_string(record.type) + " (" +
                     std::to_string(plain.size()) + " bytes)";
      item.bytes = plain;
      item.wire = std::move(wire);
      CheckAfterFatal(item);
      items->push_back(std::move(item));
      return;
    }
  }
}

void MessageObserver::OnHandshakeRecord(const Bytes& plain, Bytes wire,
                                        std::vector<WireItem>* items) {
  PeerConnection& c = state_.conn();
  Status s = c.framer.AddFragment(plain);
  if (!s.ok()) {
    WireItem item;
    item.summary = "handshake framing: " + s.ToString();
    item.bytes = plain;
    item.wire = std::move(wire);
    CheckAfterFatal(item);
    items->push_back(std::move(item));
    return;
  }
  // The record's bytes go with the first message it completes.
  bool first = true;
  while (std::optional<HandshakeMessage> m = c.framer.Next()) {
    OnHandshake(*m, first ? std::move(wire) : Bytes(), items);
    first = false;
  }
}

WireItem MessageObserver::OnChangeCipherSpec(const Bytes& plain, Bytes wire) {
  PeerConnection& c = state_.conn();
  const bool is_client = state_.setup.is_client();
  WireItem item;
  item.bytes = plain;
  item.wire = std::move(wire);
  Result<ChangeCipherSpec> ccs = ChangeCipherSpec::Parse(plain);
  if (!ccs.ok()) {
    item.summary = "ChangeCipherSpec: " + ccs.status().ToString();
    CheckAfterFatal(item);
    return item;
  }
  item.kind = WireItem::Kind::kChangeCipherSpec;
  item.summary = "ChangeCipherSpec";
  CheckAfterFatal(item);
  CheckRejectionsPending("ChangeCipherSpec");
  if (is_client && !c.resumed && !c.key_exchange_done && c.server_hello &&
      !c.tracker.history().empty() &&
      c.tracker.history().back() ==
          FlowStep::Handshake(Side::kServer, HandshakeType::kServerHello)) {
    state_.AddViolation(ViolationRule::kResumptionMismatch,
                        "the target answered with an abbreviated handshake (ChangeCipherSpec "
                        "after ServerHello) but the peer offered no session it could resume");
  }
  CheckOrder(FlowStep::Ccs(state_.setup.target_side), "ChangeCipherSpec");
  Status s = c.framer.OnKeyChange();
  if (!s.ok()) item.summary += " (handshake data pending across it: " + s.message() + ")";
  c.reader.set_protected(true);
  // RFC 5246 7.1, CVE-2014-0224: keys exist only after the key exchange (or resumption).
  if (!c.key_exchange_done) {
    state_.AddViolation(ViolationRule::kCcsBeforeKeys,
                        "the target sent ChangeCipherSpec before any key exchange; the peer "
                        "keeps reading plaintext");
    return item;
  }
  state_.InstallReadProtection();
  // Keys the peer could not derive (its own key agreement failed: a script that edited its
  // key share, a target's unusable one): what follows is protected, and unreadable to the peer.
  if (!c.read_installed) c.read_keys_missing = true;
  return item;
}

WireItem MessageObserver::OnAlert(const Bytes& plain, Bytes wire) {
  WireItem item;
  item.bytes = plain;
  item.wire = std::move(wire);
  Result<Alert> alert = Alert::Parse(plain);
  if (!alert.ok()) {
    item.summary = "Alert: " + alert.status().ToString();
    CheckAfterFatal(item);
    return item;
  }
  item.kind = WireItem::Kind::kAlert;
  item.level = alert->level;
  item.alert = alert->description;
  item.summary = alert->Describe();
  CheckAfterFatal(item);
  CheckAlert(*alert);
  if (alert->level == AlertLevel::kFatal) state_.conn().fatal_alert_received = true;
  return item;
}

WireItem MessageObserver::OnApplicationData(const Bytes& plain, Bytes wire) {
  PeerConnection& c = state_.conn();
  WireItem item;
  item.kind = WireItem::Kind::kApplicationData;
  item.summary = "ApplicationData(" + std::to_string(plain.size()) + " bytes)";
  item.bytes = plain;
  item.wire = std::move(wire);
  CheckAfterFatal(item);
  CheckRejectionsPending(item.summary);
  // RFC 5246 7.4.9 / Figure 1: application data only after the sender's Finished; in a
  // renegotiation, under the keys in use except between its ChangeCipherSpec and Finished.
  const bool between_ccs_and_finished =
      !c.tracker.history().empty() &&
      c.tracker.history().back() == FlowStep::Ccs(state_.setup.target_side);
  const bool allowed = c.renegotiation > 0 && !between_ccs_and_finished;
  if (!allowed && !c.table_off && !c.tracker.Complete() && !c.target_finished_seen) {
    state_.AddViolation(ViolationRule::kIllegalOrder,
                        item.summary + " before the target's Finished");
    state_.LeaveTable("the target's " + item.summary + " before its Finished");
  }
  return item;
}

namespace {

// The HeartbeatMode a hello's heartbeat extension says, or nullopt without a valid one.
std::optional<uint8_t> HeartbeatModeIn(const std::optional<Extensions>& extensions) {
  if (!extensions) return std::nullopt;
  std::optional<Result<HeartbeatExt>> ext = extensions->Find<HeartbeatExt>();
  if (!ext || !ext->ok()) return std::nullopt;
  return (*ext)->mode;
}

}  // namespace

WireItem MessageObserver::OnHeartbeat(const Bytes& plain, Bytes wire) {
  PeerConnection& c = state_.conn();
  WireItem item;
  item.kind = WireItem::Kind::kHeartbeat;
  item.bytes = plain;
  item.wire = std::move(wire);
  Result<HeartbeatMessage> m = HeartbeatMessage::Parse(plain);
  item.summary = m.ok() ? m->Describe() : "Heartbeat: " + m.status().ToString();
  CheckAfterFatal(item);
  CheckRejectionsPending(item.summary);
  // RFC 6520 2: the record type exists only when both hellos carried the extension.
  std::optional<uint8_t> client_mode =
      c.client_hello ? HeartbeatModeIn(c.client_hello->extensions) : std::nullopt;
  std::optional<uint8_t> server_mode =
      c.server_hello ? HeartbeatModeIn(c.server_hello->extensions) : std::nullopt;
  if (!c.server_hello && c.previous_heartbeat) {
    // A renegotiation whose hellos have not both passed: the last handshake's still hold.
    client_mode = c.previous_heartbeat->first;
    server_mode = c.previous_heartbeat->second;
  }
  if (!client_mode || !server_mode) {
    if (!c.client_hello_unsure) {
      state_.AddViolation(ViolationRule::kHeartbeatNotAllowed,
                          "the target sent " + item.summary +
                              " but the hellos did not both carry the heartbeat extension");
    }
    return item;
  }
  if (!m.ok()) return item;
  const uint8_t own_mode = state_.setup.is_client() ? *client_mode : *server_mode;
  if (m->type == static_cast<uint8_t>(HeartbeatMessageType::kRequest)) {
    if (own_mode == HeartbeatExt::kPeerNotAllowedToSend) {
      state_.AddViolation(ViolationRule::kHeartbeatNotAllowed,
                          "the target sent " + item.summary +
                              " to a peer that said peer_not_allowed_to_send (RFC 6520 2)");
    }
    return item;
  }
  if (m->type != static_cast<uint8_t>(HeartbeatMessageType::kResponse)) return item;
  std::vector<Bytes>& requests = c.heartbeat_requests;
  if (requests.empty()) {
    state_.AddViolation(ViolationRule::kHeartbeatUnsolicitedResponse,
                        "the target sent " + item.summary +
                            " but the peer has no HeartbeatRequest in flight (RFC 6520 4)");
    return item;
  }
  // RFC 6520 4: "an exact copy of the payload of the received HeartbeatRequest".
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!m->too_large() && m->payload == requests[i]) {
      requests.erase(requests.begin(), requests.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return item;
    }
  }
  const size_t sent = requests.back().size();
  state_.AddViolation(
      ViolationRule::kHeartbeatPayloadMismatch,
      "the target's " + item.summary + " is not a copy of the " + std::to_string(sent) +
          "-byte payload the peer sent" +
          (m->payload_length > sent ? ": it echoes " + std::to_string(m->payload_length) +
                                          " bytes (Heartbleed, CVE-2014-0160)"
                                    : ""));
  requests.clear();
  return item;
}

// ---------------------------------------------------------------------------------------
// Handshake messages

void MessageObserver::OnHandshake(const HandshakeMessage& m, Bytes wire,
                                  std::vector<WireItem>* items) {
  PeerConnection& c = state_.conn();
  WireItem item;
  item.kind = WireItem::Kind::kHandshake;
  item.bytes = m.encoded;
  item.wire = std::move(wire);
  HandshakeType type = static_cast<HandshakeType>(m.type);
  std::optional<MessageName> name = MessageNameOfType(type);
  item.message = name.value_or(MessageName::kRaw);

  ParseContext ctx;
  if (c.suite != nullptr) {
    ctx.key_exchange = WireKeyExchange(c.suite->key_exchange).value_or(KeyExchangeKind::kEcdhe);
  }
  Result<TypedHandshake> parsed =
      name ? ParseHandshakeMessage(type, m.body(), ctx)
           : Result<TypedHandshake>(Status::Error(
                 AlertDescription::kUnexpectedMessage,
                 "handshake type " + std::to_string(m.type) + " is not a TLS 1.2 message"));
  std::string label = name ? std::string(MessageNameString(*name)) : Describe(type);
  if (parsed.ok()) {
    item.summary = Describe(*parsed);
  } else {
    item.kind = WireItem::Kind::kUndecodable;
    item.summary = label + ": " + parsed.status().ToString();
  }
  CheckAfterFatal(item);
  CheckRejectionsPending(label);
  // RFC 5246 7.4.1.1: a server may send HelloRequest at any time; it is not a table step.
  bool hello_request = type == HandshakeType::kHelloRequest;
  if (!(hello_request && state_.setup.target_side == Side::kServer)) {
    CheckOrder(FlowStep::Handshake(state_.setup.target_side, type), label);
  }

  if (parsed.ok()) {
    std::visit([&](const auto& message) { Handle(message, m, &item); }, *parsed);
  } else if (!hello_request) {
    // Undecodable, but sent: the transcript is what crossed the wire (RFC 5246 7.4.9).
    state_.AddTargetMessage(m.encoded);
  }
  items->push_back(std::move(item));
}

void MessageObserver::Handle(const HelloRequest&, const HandshakeMessage&, WireItem*) {
  // RFC 5246 7.4.1.1: HelloRequest is not part of the transcript; the runner judges it.
}

void MessageObserver::Handle(const ClientHello& ch, const HandshakeMessage& m, WireItem*) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  c.client_hello = ch;
  c.client_random = ch.random;
  // RFC 7627 5.1 (checklist 55): a client implementing EMS sends it in every ClientHello.
  if (state_.setup.scenario.target.extended_master_secret != EmsPolicy::kDisabled &&
      !HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret)) {
    state_.AddViolation(ViolationRule::kEmsNotOffered,
                        "the target's ClientHello has no extended_master_secret extension");
  }
  // RFC 5246 7.4.1.2 (checklist 25): a ClientHello that resumes a session "MUST include at
  // least the cipher_suite from that session", and its compression method (null, the only one
  // a session here has).
  const PeerSession* offered = state_.OfferedSession(ch);
  if (offered != nullptr && (!Contains(ch.cipher_suites, offered->cipher_suite) ||
                             !Contains(ch.compression_methods, uint8_t{0}))) {
    state_.AddViolation(
        ViolationRule::kResumptionSuiteNotOffered,
        "the target's ClientHello offers a session of " +
            Describe(Registry::kCipherSuite, offered->cipher_suite) +
            " without that suite or null compression (RFC 5246 7.4.1.2)");
  }
  if (c.renegotiation > 0) {
    if (!c.secure_renegotiation) return;
    CheckRenegotiationInfo(ch.extensions, Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv),
                           "ClientHello");
    return;
  }
  // RFC 6066 4, RFC 8449 4: what a client may ask for.
  const Extension* mfl = FindExt(ch.extensions, ExtensionType::kMaxFragmentLength);
  if (mfl != nullptr) {
    Result<MaxFragmentLengthExt> parsed = MaxFragmentLengthExt::Parse(mfl->body);
    if (!parsed.ok() || parsed->Length() == 0) {
      state_.AddViolation(ViolationRule::kRecordLimitNegotiation,
                          "the target's ClientHello asks max_fragment_length " +
                              ToHex(mfl->body) + ", not one of 2^9..2^12 (RFC 6066 4)");
    }
  }
  const Extension* rsl = FindExt(ch.extensions, ExtensionType::kRecordSizeLimit);
  if (rsl != nullptr) {
    Result<RecordSizeLimitExt> parsed = RecordSizeLimitExt::Parse(rsl->body);
    if (!parsed.ok() || parsed->limit < kMinRecordSizeLimit) {
      state_.AddViolation(ViolationRule::kRecordLimitNegotiation,
                          "the target's ClientHello has record_size_limit " + ToHex(rsl->body) +
                              ", malformed or below 64 (RFC 8449 4)");
    }
  }
  // RFC 5746 3.4 (checklist 49): an empty renegotiation_info or the SCSV.
  if (!HasExt(ch.extensions, ExtensionType::kRenegotiationInfo) &&
      !Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv)) {
    state_.AddViolation(
        ViolationRule::kRenegotiationInfoNotOffered,
        "the target's initial ClientHello has neither renegotiation_info nor the SCSV");
  }
}

void MessageObserver::CheckRenegotiationInfo(const std::optional<Extensions>& extensions,
                                             bool scsv, const std::string& hello) {
  // RFC 5746 3.5 (the client's ClientHello and its check of the ServerHello), 3.7 (the
  // server's): in a renegotiation the hello carries the saved verify_data, and a ClientHello
  // no SCSV. The peer renegotiates only after a handshake with the RFC 5746 indication.
  const bool server_hello = hello == "ServerHello";
  const Extension* ri = FindExt(extensions, ExtensionType::kRenegotiationInfo);
  const Bytes expected = state_.RenegotiatedConnection(server_hello);
  std::string wrong;
  if (scsv) {
    wrong = "carries TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.5)";
  } else if (ri == nullptr) {
    wrong = "has no renegotiation_info (RFC 5746 " + std::string(server_hello ? "3.7" : "3.5") +
            ")";
  } else {
    Result<RenegotiationInfoExt> parsed = RenegotiationInfoExt::Parse(ri->body);
    if (!parsed.ok() || parsed->renegotiated_connection != expected) {
      wrong = "carries renegotiation_info " +
              (parsed.ok() ? ToHex(parsed->renegotiated_connection) : "(malformed)") +
              " instead of " + ToHex(expected) + " (RFC 5746 " + (server_hello ? "3.7" : "3.5") +
              ")";
    }
  }
  if (!wrong.empty()) {
    state_.AddViolation(ViolationRule::kRenegotiationInfoMismatch,
                        "the target's renegotiation " + hello + " " + wrong);
  }
}

void MessageObserver::CheckRecordLimitAnswer(
    const ClientHello& ch, const ServerHello& sh,
    const std::function<void(ViolationRule, std::string)>& violation) {
  const Extension* asked = FindExt(ch.extensions, ExtensionType::kMaxFragmentLength);
  const Extension* mfl = FindExt(sh.extensions, ExtensionType::kMaxFragmentLength);
  const Extension* rsl = FindExt(sh.extensions, ExtensionType::kRecordSizeLimit);
  // An answer to what was not asked is kExtensionUnsolicited already.
  if (mfl != nullptr && asked != nullptr && mfl->body != asked->body) {
    violation(ViolationRule::kRecordLimitNegotiation,
              "the ServerHello answers max_fragment_length " + ToHex(mfl->body) +
                  " to a request for " + ToHex(asked->body) +
                  " (RFC 6066 4: \"the same as the requested maximum fragment length\")");
  }
  if (mfl != nullptr && rsl != nullptr) {
    violation(ViolationRule::kRecordLimitNegotiation,
              "the ServerHello answers both max_fragment_length and record_size_limit (RFC 8449 "
              "5: a server supporting record_size_limit \"MUST ignore\" max_fragment_length)");
  }
  if (rsl != nullptr) {
    Result<RecordSizeLimitExt> parsed = RecordSizeLimitExt::Parse(rsl->body);
    if (!parsed.ok() || parsed->limit < kMinRecordSizeLimit) {
      violation(ViolationRule::kRecordLimitNegotiation,
                "the ServerHello's record_size_limit " + ToHex(rsl->body) +
                    " is malformed or below 64 (RFC 8449 4)");
    }
  }
}

void MessageObserver::Handle(const ServerHello& sh, const HandshakeMessage& m, WireItem* item) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  c.server_hello = sh;
  c.server_random = sh.random;
  c.suite = FindCipherSuite(sh.cipher_suite);
  if (c.suite != nullptr) (void)c.transcript.SetAlgorithm(PrfFor(c.suite->prf));
  if (!c.client_hello) {
    state_.Learn(sh);
    return;
  }
  const ClientHello& ch = *c.client_hello;
  // RFC 5746 3.7: answering a renegotiation ClientHello that carried the saved verify_data.
  if (c.renegotiation > 0 && c.secure_renegotiation && !c.client_hello_unsure &&
      HasExt(ch.extensions, ExtensionType::kRenegotiationInfo)) {
    CheckRenegotiationInfo(sh.extensions, false, "ServerHello");
  }
  // Violations that compare with the ClientHello are claimed only when the peer knows what the
  // target read (see PeerConnection::client_hello_unsure).
  auto violation = [&](ViolationRule rule, std::string detail) {
    if (c.client_hello_unsure) {
      item->summary += " (not judged, the ClientHello was corrupted in its record: " + detail + ")";
    } else {
      state_.AddViolation(rule, std::move(detail));
    }
  };
  // RFC 5246 7.4.1.3 (checklist 34).
  if (!Contains(ch.cipher_suites, sh.cipher_suite)) {
    violation(ViolationRule::kSuiteNotOffered,
                        "the target selected " +
                            Describe(Registry::kCipherSuite, sh.cipher_suite) +
                            ", which the peer did not offer");
  }
  // RFC 5246 7.4.1.4 (checklist 33): nothing the client did not ask for, except an RI
  // answering the SCSV (RFC 5746 3.6).
  if (sh.extensions) {
    for (const Extension& e : sh.extensions->list()) {
      bool offered = ch.extensions && ch.extensions->FindRaw(e.type) != nullptr;
      if (e.type == static_cast<uint16_t>(ExtensionType::kRenegotiationInfo) &&
          Contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv)) {
        offered = true;
      }
      // RFC 5246 7.4.1.4.1, RFC 8422 5.1.1: some extensions a server never sends, offered or
      // not (the engine's extension registry says which).
      const KnownExtension* known = FindKnownExtension(e.type);
      if (known != nullptr && !known->AllowedIn(HandshakeType::kServerHello)) {
        violation(ViolationRule::kExtensionUnsolicited,
                            "the ServerHello carries " +
                                Describe(Registry::kExtensionType, e.type) +
                                ", which only a client sends (" + known->reference + ")");
        continue;
      }
      if (offered) continue;
      bool ems = e.type == static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret);
      violation(
          ems ? ViolationRule::kEmsUnsolicited : ViolationRule::kExtensionUnsolicited,
          "the ServerHello carries " + Describe(Registry::kExtensionType, e.type) +
              ", which the ClientHello did not offer");
    }
  }
  bool ch_ems = HasExt(ch.extensions, ExtensionType::kExtendedMasterSecret);
  bool sh_ems = HasExt(sh.extensions, ExtensionType::kExtendedMasterSecret);
  c.ems = ch_ems && sh_ems;
  c.etm = EncryptThenMacNegotiated(ch, sh);
  c.record_limits = RecordLimitsNegotiated(ch, sh);
  CheckRecordLimitAnswer(ch, sh, violation);
  // RFC 6066 8: "an extension of type "status_request" with empty "extension_data"".
  if (const Extension* sr = FindExt(sh.extensions, ExtensionType::kStatusRequest);
      sr != nullptr && !sr->body.empty()) {
    violation(ViolationRule::kOcspResponse, "the ServerHello's status_request is not empty: " +
                                                ToHex(sr->body) + " (RFC 6066 8)");
  }
  c.resumed = c.offer.has_value() && !ch.session_id.empty() && sh.session_id == ch.session_id;
  if (c.resumed) {
    // RFC 5246 7.4.1.2, RFC 7627 5.3 (checklist 25, 34, 56; CVE-2010-4180).
    if (sh.cipher_suite != c.offer->cipher_suite || c.ems != c.offer->extended_master_secret) {
      violation(ViolationRule::kResumptionMismatch,
                          "the target resumed a session cached with suite " +
                              Describe(Registry::kCipherSuite, c.offer->cipher_suite) +
                              ", EMS " + (c.offer->extended_master_secret ? "on" : "off") +
                              " using suite " + Describe(Registry::kCipherSuite, sh.cipher_suite) +
                              ", EMS " + (c.ems ? "on" : "off"));
    }
    state_.Resume(*c.offer);
  } else if (ch_ems && !sh_ems &&
             state_.setup.scenario.target.extended_master_secret != EmsPolicy::kDisabled) {
    // RFC 7627 5.2 (checklist 55): a server implementing EMS MUST echo it.
    violation(
        ViolationRule::kEmsNotEchoed,
        "the ClientHello offered extended_master_secret and the ServerHello omits it");
  }
  state_.Learn(sh);
}

void MessageObserver::Handle(const Certificate& cert, const HandshakeMessage& m,
                             WireItem* item) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  c.target_key.reset();
  c.target_leaf.reset();
  if (!cert.certificate_list.empty()) {
    c.target_leaf = cert.certificate_list.front();
    auto key = PublicKeyFromCertificate(cert.certificate_list.front());
    if (key.ok()) {
      c.target_key = std::shared_ptr<const Botan::Public_Key>(std::move(key).value());
    } else {
      item->summary += " (leaf key: " + key.status().ToString() + ")";
    }
  }
  if (!state_.setup.is_client()) c.tracker.Learn(kFlagClientCert, !cert.certificate_list.empty());
}

namespace {

// A scheme the peer offered but cannot verify (SHA-224, MD5, DSA): a target that chose it
// followed the offer (RFC 5246 7.4.1.4.1, 7.4.8), so the signature is left unchecked, with a
// note.
bool OfferedButUnverifiable(const PeerState& state, SignatureScheme scheme, WireItem* item) {
  if (IsSupportedSignatureScheme(scheme) || !state.OfferedScheme(scheme)) return false;
  if (item != nullptr) item->summary += " (signature not checked: the peer cannot verify it)";
  return true;
}

}  // namespace

void MessageObserver::Handle(const ServerKeyExchange& ske, const HandshakeMessage& m,
                             WireItem* item) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  if (const auto* ec = std::get_if<EcdhServerParams>(&ske.params)) c.target_ecdhe = *ec;
  if (const auto* dh = std::get_if<DhServerParams>(&ske.params)) c.target_dhe = *dh;
  if (c.target_key && !OfferedButUnverifiable(state_, ske.algorithm, item)) {
    // RFC 5246 7.4.3: signed over client_random + server_random + params.
    Status s = VerifySignature(*c.target_key, ske.algorithm,
                               ske.SignedData(View(c.client_random), View(c.server_random)),
                               ske.signature);
    if (!s.ok()) state_.AddViolation(ViolationRule::kServerKeyExchangeSignature, s.ToString());
  }
}

void MessageObserver::Handle(const CertificateRequest& cr, const HandshakeMessage& m,
                             WireItem*) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  c.certificate_request = cr;
}

void MessageObserver::Handle(const ServerHelloDone&, const HandshakeMessage& m, WireItem*) {
  state_.AddTargetMessage(m.encoded);
}

void MessageObserver::Handle(const CertificateVerify& cv, const HandshakeMessage& m,
                             WireItem* item) {
  PeerConnection& c = state_.conn();
  // RFC 5246 7.4.8: signed over the transcript before this message.
  if (c.target_key && !OfferedButUnverifiable(state_, cv.algorithm, item)) {
    Status s =
        VerifySignature(*c.target_key, cv.algorithm, c.transcript.messages(), cv.signature);
    if (!s.ok()) state_.AddViolation(ViolationRule::kCertificateVerifySignature, s.ToString());
  }
  state_.AddTargetMessage(m.encoded);
}

void MessageObserver::Handle(const ClientKeyExchange& cke, const HandshakeMessage& m,
                             WireItem* item) {
  // RFC 7627 4: the session hash ends with this message, so it is in before the master
  // secret.
  state_.AddTargetMessage(m.encoded);
  std::string note = AgreeKeyExchange(cke);
  if (!note.empty()) item->summary += " (" + note + ")";
}

std::string MessageObserver::AgreeKeyExchange(const ClientKeyExchange& cke) {
  PeerConnection& c = state_.conn();
  c.key_exchange_done = true;
  if (cke.kind == KeyExchangeKind::kRsa) {
    if (!state_.rsa_transport) {
      Result<RsaKeyTransportServer> t =
          RsaKeyTransportServer::Create(state_.setup.resources.pki->rsa_server.key);
      if (!t.ok()) return "RSA decryptor: " + t.status().ToString();
      state_.rsa_transport.emplace(std::move(t).value());
    }
    uint16_t version = static_cast<uint16_t>(c.client_hello ? c.client_hello->client_version
                                                            : ProtocolVersion::kTls12);
    // RFC 5246 7.4.7.1: a bad block silently becomes a random secret; the Finished tells.
    c.pre_master_secret =
        state_.rsa_transport->DecryptPreMasterSecret(cke.exchange_keys, version);
  } else if (cke.kind == KeyExchangeKind::kEcdhe) {
    if (!c.own_ecdhe) return "no ServerKeyExchange was sent: no key to agree with";
    Result<Bytes> pms = c.own_ecdhe->Agree(cke.exchange_keys);
    if (!pms.ok()) return "key agreement: " + pms.status().ToString();
    c.pre_master_secret = std::move(pms).value();
  } else {
    if (!c.own_dhe) return "no ServerKeyExchange was sent: no key to agree with";
    Result<Bytes> pms = c.own_dhe->Agree(cke.exchange_keys);
    if (!pms.ok()) return "key agreement: " + pms.status().ToString();
    c.pre_master_secret = std::move(pms).value();
    StripLeadingZeros(&c.pre_master_secret);
  }
  state_.ComputeMasterSecret();
  return "";
}

void MessageObserver::Handle(const NewSessionTicket& nst, const HandshakeMessage& m,
                             WireItem*) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  c.ticket = nst.ticket;
}

void MessageObserver::Handle(const CertificateStatus& cs, const HandshakeMessage& m,
                             WireItem* item) {
  PeerConnection& c = state_.conn();
  state_.AddTargetMessage(m.encoded);
  // RFC 6066 8: a server target staples a response about its own leaf; the peer checks it as a
  // client would, under the test CA, at 2026-01-01 (the reference target's clock: the test
  // PKI's good responses are valid from the leaf's notBefore to its notAfter).
  constexpr uint64_t kCheckTime = 1767225600;
  if (state_.setup.is_client() && c.target_leaf.has_value()) {
    Status s = CheckOcspResponse(cs.response, *c.target_leaf, state_.setup.resources.pki->ca_der,
                                 kCheckTime);
    if (!s.ok()) state_.AddViolation(ViolationRule::kOcspResponse, s.message());
  } else if (state_.setup.is_client()) {
    item->summary += " (not checked: no server certificate seen)";
  }
}

void MessageObserver::Handle(const Finished& fin, const HandshakeMessage& m, WireItem* item) {
  PeerConnection& c = state_.conn();
  c.target_finished_seen = true;
  if (c.master_secret.empty()) {
    item->summary += " (not verified: the peer has no master secret)";
  } else if (Result<Bytes> expected = state_.VerifyData(state_.setup.target_side);
             expected.ok()) {
    // RFC 5246 7.4.9: recomputed from the transcript as seen on the wire, before this
    // message.
    if (*expected == fin.verify_data) {
      c.target_finished_verified = true;
      c.verify_data[state_.setup.is_client() ? 1 : 0] = fin.verify_data;
    } else if (c.transcript_unsure) {
      item->summary += " (not verified: the peer's own deviation left its transcript unsure)";
    } else {
      state_.AddViolation(ViolationRule::kFinishedVerifyData,
                          "expected " + ToHex(*expected) + ", got " + ToHex(fin.verify_data));
    }
  }
  state_.AddTargetMessage(m.encoded);
  state_.MaybeComplete();
}

// ---------------------------------------------------------------------------------------
// Checks every item gets

void MessageObserver::CheckAfterFatal(const WireItem& item) {
  if (state_.conn().fatal_alert_received) {
    state_.AddViolation(ViolationRule::kAfterFatalAlert,
                        "the target sent " + item.summary + " after its fatal alert");
  }
}

void MessageObserver::CheckAlert(const Alert& alert) {
  PeerConnection& c = state_.conn();
  const std::string name = alert.Describe();
  if (alert.description == AlertDescription::kInternalError) {
    state_.AddViolation(ViolationRule::kInternalError,
                        "the target sent " + name + " in answer to what the peer sent");
  }
  if (c.read_only_rsa_key_exchange) {
    state_.AddViolation(ViolationRule::kAlertAtRsaKeyExchange,
                        "the target answered a well-formed RSA ClientKeyExchange with " + name +
                            " before the peer's Finished (RFC 5246 7.4.7.1: \"MUST NOT generate "
                            "an alert\"; a padding oracle)");
  }
  // A warning is no refusal: a message that must be refused at once stays accepted.
  if (alert.level != AlertLevel::kWarning) return;
  for (const PendingRejection& p : state_.TakeAtOnceRejections()) {
    state_.AddViolation(p.rule, "the peer sent " + p.sent + " and the target answered with " +
                                    name + " instead of " + p.instead);
  }
}

void MessageObserver::CheckRejectionsPending(const std::string& what) {
  PeerConnection& c = state_.conn();
  for (const PendingRejection& p : c.pending_rejections) {
    state_.AddViolation(p.rule, "the peer sent " + p.sent + " and the target continued with " +
                                    what + " instead of " + p.instead);
  }
  c.pending_rejections.clear();
}

void MessageObserver::CheckOrder(const FlowStep& step, const std::string& what) {
  PeerConnection& c = state_.conn();
  if (c.table_off || c.tracker.Complete()) return;  // left the table, or renegotiation
  if (c.tracker.Advance(step)) return;
  std::string legal;
  for (const FlowStep& s : c.tracker.LegalNext()) {
    if (!legal.empty()) legal += ", ";
    legal += s.ToString();
  }
  std::string history;
  for (const FlowStep& s : c.tracker.history()) {
    if (!history.empty()) history += " ";
    history += s.ToString();
  }
  state_.AddViolation(ViolationRule::kIllegalOrder,
                      what + " after [" + history + "]; legal next: [" + legal + "]");
  state_.LeaveTable("the target's " + what);  // one violation per departure, not a cascade
}

}  // namespace peer
}  // namespace shakedown
