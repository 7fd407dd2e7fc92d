#include "harness/peer/violation.h"

namespace shakedown {

std::string_view ViolationRuleName(ViolationRule rule) {
  switch (rule) {
    case ViolationRule::kFinishedVerifyData:
      return "finished: verify_data";
    case ViolationRule::kIllegalOrder:
      return "order: illegal message";
    case ViolationRule::kCcsBeforeKeys:
      return "ccs: before keys";
    case ViolationRule::kAcceptedTamperedFinished:
      return "accepted: tampered Finished";
    case ViolationRule::kAcceptedTamperedCertificateVerify:
      return "accepted: tampered CertificateVerify";
    case ViolationRule::kAcceptedTamperedServerKeyExchange:
      return "accepted: tampered ServerKeyExchange";
    case ViolationRule::kAcceptedOutOfOrder:
      return "accepted: out-of-order message";
    case ViolationRule::kAcceptedUnsolicitedExtension:
      return "accepted: unsolicited extension";
    case ViolationRule::kAcceptedBadPreMasterSecret:
      return "accepted: bad RSA pre-master secret";
    case ViolationRule::kAcceptedOversizedRecord:
      return "accepted: oversized record";
    case ViolationRule::kAlertAtRsaKeyExchange:
      return "alert: at RSA ClientKeyExchange";
    case ViolationRule::kInternalError:
      return "alert: internal_error";
    case ViolationRule::kAfterFatalAlert:
      return "after fatal alert";
    case ViolationRule::kResumptionMismatch:
      return "resumption: mismatch";
    case ViolationRule::kResumptionSuiteNotOffered:
      return "resumption: session's suite not offered";
    case ViolationRule::kEmsNotEchoed:
      return "ems: not echoed";
    case ViolationRule::kEmsUnsolicited:
      return "ems: unsolicited";
    case ViolationRule::kEmsNotOffered:
      return "ems: not offered";
    case ViolationRule::kExtensionUnsolicited:
      return "extensions: unsolicited";
    case ViolationRule::kSuiteNotOffered:
      return "negotiation: suite not offered";
    case ViolationRule::kRenegotiationInfoNotOffered:
      return "renegotiation_info: not offered";
    case ViolationRule::kRenegotiationInfoMismatch:
      return "renegotiation_info: wrong in a renegotiation";
    case ViolationRule::kServerKeyExchangeSignature:
      return "server_key_exchange: signature";
    case ViolationRule::kCertificateVerifySignature:
      return "certificate_verify: signature";
    case ViolationRule::kZeroLengthFragment:
      return "record: zero-length fragment";
    case ViolationRule::kHeartbeatNotAllowed:
      return "heartbeat: not negotiated or not allowed";
    case ViolationRule::kHeartbeatUnsolicitedResponse:
      return "heartbeat: response without a request";
    case ViolationRule::kHeartbeatPayloadMismatch:
      return "heartbeat: response not a copy of the payload";
    case ViolationRule::kRecordOverLimit:
      return "record: over the negotiated size limit";
    case ViolationRule::kRecordLimitNegotiation:
      return "record limits: wrong answer";
    case ViolationRule::kOcspResponse:
      return "ocsp: unsatisfactory status";
  }
  return "unknown rule";  // unreachable: the switch covers the enum (-Wswitch)
}

}  // namespace shakedown
