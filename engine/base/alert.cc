#include "engine/base/alert.h"

#include <iterator>

namespace shakedown {
namespace {

constexpr AlertInfo kAlerts[] = {
    {AlertDescription::kCloseNotify, "close_notify"},
    {AlertDescription::kUnexpectedMessage, "unexpected_message"},
    {AlertDescription::kBadRecordMac, "bad_record_mac"},
    {AlertDescription::kDecryptionFailed, "decryption_failed"},
    {AlertDescription::kRecordOverflow, "record_overflow"},
    {AlertDescription::kDecompressionFailure, "decompression_failure"},
    {AlertDescription::kHandshakeFailure, "handshake_failure"},
    {AlertDescription::kNoCertificate, "no_certificate"},
    {AlertDescription::kBadCertificate, "bad_certificate"},
    {AlertDescription::kUnsupportedCertificate, "unsupported_certificate"},
    {AlertDescription::kCertificateRevoked, "certificate_revoked"},
    {AlertDescription::kCertificateExpired, "certificate_expired"},
    {AlertDescription::kCertificateUnknown, "certificate_unknown"},
    {AlertDescription::kIllegalParameter, "illegal_parameter"},
    {AlertDescription::kUnknownCa, "unknown_ca"},
    {AlertDescription::kAccessDenied, "access_denied"},
    {AlertDescription::kDecodeError, "decode_error"},
    {AlertDescription::kDecryptError, "decrypt_error"},
    {AlertDescription::kExportRestriction, "export_restriction"},
    {AlertDescription::kProtocolVersion, "protocol_version"},
    {AlertDescription::kInsufficientSecurity, "insufficient_security"},
    {AlertDescription::kInternalError, "internal_error"},
    {AlertDescription::kInappropriateFallback, "inappropriate_fallback"},
    {AlertDescription::kUserCanceled, "user_canceled"},
    {AlertDescription::kNoRenegotiation, "no_renegotiation"},
    {AlertDescription::kMissingExtension, "missing_extension"},
    {AlertDescription::kUnsupportedExtension, "unsupported_extension"},
    {AlertDescription::kCertificateUnobtainable, "certificate_unobtainable"},
    {AlertDescription::kUnrecognizedName, "unrecognized_name"},
    {AlertDescription::kBadCertificateStatusResponse, "bad_certificate_status_response"},
    {AlertDescription::kBadCertificateHashValue, "bad_certificate_hash_value"},
    {AlertDescription::kUnknownPskIdentity, "unknown_psk_identity"},
    {AlertDescription::kCertificateRequired, "certificate_required"},
    {AlertDescription::kNoApplicationProtocol, "no_application_protocol"},
};

}  // namespace

const AlertInfo* AlertTable(size_t* count_out) {
  *count_out = std::size(kAlerts);
  return kAlerts;
}

std::optional<std::string_view> AlertName(uint8_t description) {
  for (const AlertInfo& a : kAlerts) {
    if (static_cast<uint8_t>(a.description) == description) return a.name;
  }
  return std::nullopt;
}

std::optional<AlertDescription> AlertFromName(std::string_view name) {
  for (const AlertInfo& a : kAlerts) {
    if (a.name == name) return a.description;
  }
  return std::nullopt;
}

}  // namespace shakedown
