// TLS alert levels and descriptions (RFC 5246 7.2, IANA "TLS Alerts" registry), as data.
// They live in base/ because every error status names the alert it maps to.
#ifndef SHAKEDOWN_ENGINE_BASE_ALERT_H_
#define SHAKEDOWN_ENGINE_BASE_ALERT_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace shakedown {

enum class AlertLevel : uint8_t { kWarning = 1, kFatal = 2 };

enum class AlertDescription : uint8_t {
  kCloseNotify = 0,
  kUnexpectedMessage = 10,
  kBadRecordMac = 20,
  kDecryptionFailed = 21,  // RFC 5246: MUST NOT be sent.
  kRecordOverflow = 22,
  kDecompressionFailure = 30,
  kHandshakeFailure = 40,
  kNoCertificate = 41,  // SSLv3 only.
  kBadCertificate = 42,
  kUnsupportedCertificate = 43,
  kCertificateRevoked = 44,
  kCertificateExpired = 45,
  kCertificateUnknown = 46,
  kIllegalParameter = 47,
  kUnknownCa = 48,
  kAccessDenied = 49,
  kDecodeError = 50,
  kDecryptError = 51,
  kExportRestriction = 60,
  kProtocolVersion = 70,
  kInsufficientSecurity = 71,
  kInternalError = 80,
  kInappropriateFallback = 86,  // RFC 7507
  kUserCanceled = 90,
  kNoRenegotiation = 100,
  kMissingExtension = 109,  // RFC 8446
  kUnsupportedExtension = 110,
  kCertificateUnobtainable = 111,
  kUnrecognizedName = 112,
  kBadCertificateStatusResponse = 113,
  kBadCertificateHashValue = 114,
  kUnknownPskIdentity = 115,
  kCertificateRequired = 116,  // RFC 8446
  kNoApplicationProtocol = 120,  // RFC 7301
};

struct AlertInfo {
  AlertDescription description;
  std::string_view name;  // IANA name, e.g. "unexpected_message"
};

// Every registered description, in numeric order.
const AlertInfo* AlertTable(size_t* count_out);
// IANA name of a description; "unknown_alert(N)"-style text is never returned: nullopt instead.
std::optional<std::string_view> AlertName(uint8_t description);
std::optional<AlertDescription> AlertFromName(std::string_view name);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_ALERT_H_
