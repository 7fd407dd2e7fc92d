// The invariants the scripted peer checks on what a target sends, as a closed set: code and
// tests compare the enum, reports and JSON results print the stable name (as
// "invariant: <name>", see harness/runner/runner.h).
#ifndef SHAKEDOWN_HARNESS_PEER_VIOLATION_H_
#define SHAKEDOWN_HARNESS_PEER_VIOLATION_H_

#include <string>
#include <string_view>

namespace shakedown {

enum class ViolationRule {
  // The target's Finished differs from the value recomputed over the transcript (RFC 5246
  // 7.4.9).
  kFinishedVerifyData,
  // Not legal per engine/state/handshake_table.h (checked until the peer itself leaves the
  // table, then not), or application data before the target's Finished.
  kIllegalOrder,
  // ChangeCipherSpec before any key exchange (CVE-2014-0224).
  kCcsBeforeKeys,
  // The peer tampered a Finished / CertificateVerify / ServerKeyExchange signature and the
  // target carried on instead of sending a fatal alert.
  kAcceptedTamperedFinished,
  kAcceptedTamperedCertificateVerify,
  kAcceptedTamperedServerKeyExchange,
  // The peer sent a handshake message or ChangeCipherSpec out of the table's order and the
  // target went on with the handshake (or application data) instead of a fatal alert: RFC 5246
  // 7.4, "sending handshake messages in an unexpected order results in a fatal error".
  kAcceptedOutOfOrder,
  // The peer (server) sent a ServerHello extension the target's ClientHello did not offer and
  // the target went on: RFC 5246 7.4.1.4, the client "MUST abort the handshake with an
  // unsupported_extension fatal alert".
  kAcceptedUnsolicitedExtension,
  // The peer (client) sent an RSA ClientKeyExchange whose pre-master secret the target cannot
  // recover (bad PKCS#1 block, wrong length, or a version other than the ClientHello's
  // client_version of TLS 1.1 or later) and the target completed the handshake: RFC 5246
  // 7.4.7.1, it "MUST continue the handshake with a randomly generated premaster secret", so
  // the Finished cannot verify.
  kAcceptedBadPreMasterSecret,
  // The peer sent a record longer than RFC 5246 6.2.1-6.2.3 allow (2^14 plaintext, 2^14 +
  // 2048 protected) and the target did not answer it with a fatal alert (record_overflow).
  kAcceptedOversizedRecord,
  // An alert right after an RSA ClientKeyExchange that was well formed and in order: RFC 5246
  // 7.4.7.1, "a TLS server MUST NOT generate an alert if processing an RSA-encrypted premaster
  // secret message fails" (a padding oracle, Bleichenbacher / ROBOT).
  kAlertAtRsaKeyExchange,
  // The target sent internal_error, which RFC 5246 7.2.2 reserves for "an internal error
  // unrelated to the peer or the correctness of the protocol (such as a memory allocation
  // failure)": in a run the peer's messages decide, it shows a state the target did not
  // expect to reach.
  kInternalError,
  // Anything received after the target's fatal alert (RFC 5246 7.2.2).
  kAfterFatalAlert,
  // Resumed with another suite or EMS state, or resumed what was not offered.
  kResumptionMismatch,
  // A client's ClientHello offers a session (its id, or its ticket) but not that session's
  // cipher suite or null compression: RFC 5246 7.4.1.2 (checklist 25).
  kResumptionSuiteNotOffered,
  // RFC 7627 (checklist 55).
  kEmsNotEchoed,
  kEmsUnsolicited,
  kEmsNotOffered,
  // A ServerHello extension the ClientHello did not offer (checklist 33).
  kExtensionUnsolicited,
  // The ServerHello selected a suite the ClientHello did not offer (checklist 34).
  kSuiteNotOffered,
  // The initial ClientHello has neither renegotiation_info nor the SCSV (checklist 49).
  kRenegotiationInfoNotOffered,
  // In a renegotiation, the target's hello lacks renegotiation_info, carries the wrong
  // verify_data in it, or (a ClientHello) carries the SCSV (RFC 5746 3.5, 3.7; checklist 52).
  kRenegotiationInfoMismatch,
  // A signature of the target that does not verify (checklist 40, 44).
  kServerKeyExchangeSignature,
  kCertificateVerifySignature,
  // A record of the handshake, alert or change_cipher_spec type with nothing in it: RFC 5246
  // 6.2.1, "Implementations MUST NOT send zero-length fragments of Handshake, Alert, or
  // ChangeCipherSpec content types" (checklist 4).
  kZeroLengthFragment,
  // A heartbeat record from the target although the hellos did not both carry the heartbeat
  // extension (RFC 5246 6: a record type not negotiated), or a HeartbeatRequest to a peer that
  // said peer_not_allowed_to_send: RFC 6520 2, "HeartbeatRequest messages MUST NOT be sent to
  // a peer indicating peer_not_allowed_to_send".
  kHeartbeatNotAllowed,
  // A HeartbeatResponse while the peer has no HeartbeatRequest in flight: the target answered
  // something that was no request, or answered twice (RFC 6520 3, 4).
  kHeartbeatUnsolicitedResponse,
  // A HeartbeatResponse whose payload is not an exact copy of the peer's request's: RFC 6520 4,
  // "carrying an exact copy of the payload" (more bytes than were sent: Heartbleed,
  // CVE-2014-0160).
  kHeartbeatPayloadMismatch,
  // A record of the target longer than the negotiated limit: max_fragment_length on every
  // record after the ServerHello (RFC 6066 4: "no fragment larger than the negotiated length"),
  // record_size_limit on protected records (RFC 8449 4: "MUST NOT generate a protected record
  // with plaintext that is larger than the RecordSizeLimit value it receives").
  kRecordOverLimit,
  // The target's answer to a record size request breaks RFC 6066 4 or RFC 8449: a
  // max_fragment_length answer other than the length requested, both extensions in one
  // ServerHello (RFC 8449 5: a server supporting record_size_limit "MUST ignore"
  // max_fragment_length), a record_size_limit below 64, a max_fragment_length code outside 1..4.
  kRecordLimitNegotiation,
  // RFC 6066 8: a CertificateStatus whose OCSP response does not check under the test CA for
  // the target's leaf (not an OCSP response, not successful, bad signature, another serial, not
  // good), or a status_request answer that is not empty.
  kOcspResponse,
};

// Every rule, in declaration order (for tests and documentation).
inline constexpr ViolationRule kAllViolationRules[] = {
    ViolationRule::kFinishedVerifyData,
    ViolationRule::kIllegalOrder,
    ViolationRule::kCcsBeforeKeys,
    ViolationRule::kAcceptedTamperedFinished,
    ViolationRule::kAcceptedTamperedCertificateVerify,
    ViolationRule::kAcceptedTamperedServerKeyExchange,
    ViolationRule::kAcceptedOutOfOrder,
    ViolationRule::kAcceptedUnsolicitedExtension,
    ViolationRule::kAcceptedBadPreMasterSecret,
    ViolationRule::kAcceptedOversizedRecord,
    ViolationRule::kAlertAtRsaKeyExchange,
    ViolationRule::kInternalError,
    ViolationRule::kAfterFatalAlert,
    ViolationRule::kResumptionMismatch,
    ViolationRule::kResumptionSuiteNotOffered,
    ViolationRule::kEmsNotEchoed,
    ViolationRule::kEmsUnsolicited,
    ViolationRule::kEmsNotOffered,
    ViolationRule::kExtensionUnsolicited,
    ViolationRule::kSuiteNotOffered,
    ViolationRule::kRenegotiationInfoNotOffered,
    ViolationRule::kRenegotiationInfoMismatch,
    ViolationRule::kServerKeyExchangeSignature,
    ViolationRule::kCertificateVerifySignature,
    ViolationRule::kZeroLengthFragment,
    ViolationRule::kHeartbeatNotAllowed,
    ViolationRule::kHeartbeatUnsolicitedResponse,
    ViolationRule::kHeartbeatPayloadMismatch,
    ViolationRule::kRecordOverLimit,
    ViolationRule::kRecordLimitNegotiation,
    ViolationRule::kOcspResponse,
};

// The rule's stable name, e.g. "finished: verify_data", "accepted: tampered Finished". Reports
// and JSON results carry it, so it never changes once published.
std::string_view ViolationRuleName(ViolationRule rule);

// A rule the target broke that the peer detected while processing what it sent.
struct Violation {
  ViolationRule rule = ViolationRule::kIllegalOrder;
  std::string detail;  // expected vs observed
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_VIOLATION_H_
