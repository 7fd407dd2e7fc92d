#include "engine/wire/extension_registry.h"

#include "engine/wire/extensions.h"

namespace shakedown {
namespace {

template <typename T>
Status ValidateWith(ByteView body) {
  return T::Parse(body).status();
}

template <typename T>
std::string DescribeWith(ByteView body) {
  Result<T> parsed = T::Parse(body);
  if (!parsed.ok()) return Describe(T::kType) + " (malformed: " + parsed.status().message() + ")";
  return parsed->Describe();
}

template <typename T>
KnownExtension Row(bool in_client_hello, bool in_server_hello, const char* reference) {
  return {T::kType, in_client_hello, in_server_hello, &ValidateWith<T>, &DescribeWith<T>,
          reference};
}

constexpr bool kClientHello = true;
constexpr bool kServerHello = true;
constexpr bool kNotInServerHello = false;

}  // namespace

bool KnownExtension::AllowedIn(HandshakeType message) const {
  if (message == HandshakeType::kClientHello) return in_client_hello;
  if (message == HandshakeType::kServerHello) return in_server_hello;
  return false;
}

const std::vector<KnownExtension>& KnownExtensions() {
  static const auto* rows = new std::vector<KnownExtension>{
      // The server's answer is empty extension_data.
      Row<ServerNameExt>(kClientHello, kServerHello, "RFC 6066 3"),
      // RFC 6066 8: the server's answer is empty extension_data.
      Row<StatusRequestExt>(kClientHello, kServerHello, "RFC 6066 8"),
      Row<MaxFragmentLengthExt>(kClientHello, kServerHello, "RFC 6066 4"),
      Row<RecordSizeLimitExt>(kClientHello, kServerHello, "RFC 8449 4"),
      Row<SupportedGroupsExt>(kClientHello, kNotInServerHello, "RFC 8422 5.1.1"),
      Row<EcPointFormatsExt>(kClientHello, kServerHello, "RFC 8422 5.1.2"),
      Row<SignatureAlgorithmsExt>(kClientHello, kNotInServerHello, "RFC 5246 7.4.1.4.1"),
      Row<EncryptThenMacExt>(kClientHello, kServerHello, "RFC 7366 2"),
      Row<ExtendedMasterSecretExt>(kClientHello, kServerHello, "RFC 7627 5.1"),
      Row<SessionTicketExt>(kClientHello, kServerHello, "RFC 5077 3.2"),
      Row<AlpnExt>(kClientHello, kServerHello, "RFC 7301 3.1"),
      Row<HeartbeatExt>(kClientHello, kServerHello, "RFC 6520 2"),
      Row<RenegotiationInfoExt>(kClientHello, kServerHello, "RFC 5746 3.2"),
  };
  return *rows;
}

const KnownExtension* FindKnownExtension(uint16_t type) {
  for (const KnownExtension& row : KnownExtensions()) {
    if (static_cast<uint16_t>(row.type) == type) return &row;
  }
  return nullptr;
}

}  // namespace shakedown
