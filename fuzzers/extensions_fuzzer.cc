// Round-trip oracle for the extensions block and the typed extension codecs.
// Input: selector byte, then an extensions block (selector 0) or one extension_data body.
// For every input that parses: serialize(parse(x)) == x and parse(serialize(v)) == v.
#include <cstddef>
#include <cstdint>

#include "engine/wire/extensions.h"
#include "engine/wire/heartbeat.h"

namespace shakedown {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

template <typename T>
void RoundTripTyped(ByteView body) {
  Result<T> first = T::Parse(body);
  if (!first.ok()) {
    Check(!first.status().message().empty());
    return;
  }
  Result<Bytes> bytes = SerializeToBytes(*first);
  Check(bytes.ok() && ByteView(*bytes) == body);
  Result<T> second = T::Parse(*bytes);
  Check(second.ok() && *second == *first);
  Result<Bytes> again = SerializeToBytes(*second);
  Check(again.ok() && *again == *bytes);
  (void)first->Describe();
}

// Find<T> on a parsed block must agree with T::Parse on the raw body.
template <typename T>
void CheckFind(const Extensions& ext) {
  std::optional<Result<T>> found = ext.Find<T>();
  const Extension* raw = ext.FindRaw(static_cast<uint16_t>(T::kType));
  Check(found.has_value() == (raw != nullptr));
  if (raw != nullptr) RoundTripTyped<T>(raw->body);
}

void RoundTripBlock(ByteView block) {
  Result<Extensions> first = Extensions::Parse(block);
  if (!first.ok()) return;
  Result<Bytes> bytes = SerializeToBytes(*first);
  Check(bytes.ok() && ByteView(*bytes) == block);
  Result<Extensions> second = Extensions::Parse(*bytes);
  Check(second.ok() && *second == *first);
  (void)first->Describe();
  CheckFind<ServerNameExt>(*first);
  CheckFind<SupportedGroupsExt>(*first);
  CheckFind<EcPointFormatsExt>(*first);
  CheckFind<SignatureAlgorithmsExt>(*first);
  CheckFind<ExtendedMasterSecretExt>(*first);
  CheckFind<EncryptThenMacExt>(*first);
  CheckFind<RenegotiationInfoExt>(*first);
  CheckFind<SessionTicketExt>(*first);
  CheckFind<AlpnExt>(*first);
  CheckFind<HeartbeatExt>(*first);
  CheckFind<StatusRequestExt>(*first);
}

}  // namespace
}  // namespace shakedown

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shakedown;
  if (size < 1) return 0;
  const ByteView body(data + 1, size - 1);
  switch (data[0] % 13) {
    case 0: RoundTripBlock(body); break;
    case 1: RoundTripTyped<ServerNameExt>(body); break;
    case 2: RoundTripTyped<SupportedGroupsExt>(body); break;
    case 3: RoundTripTyped<EcPointFormatsExt>(body); break;
    case 4: RoundTripTyped<SignatureAlgorithmsExt>(body); break;
    case 5: RoundTripTyped<ExtendedMasterSecretExt>(body); break;
    case 6: RoundTripTyped<RenegotiationInfoExt>(body); break;
    case 7: RoundTripTyped<SessionTicketExt>(body); break;
    case 8: RoundTripTyped<AlpnExt>(body); break;
    case 9: RoundTripTyped<EncryptThenMacExt>(body); break;
    case 10:
      RoundTripTyped<HeartbeatExt>(body);
      break;
    // RFC 6520 4: a heartbeat record's body; a payload_length past the end is kept as held.
    case 11:
      RoundTripTyped<HeartbeatMessage>(body);
      break;
    // RFC 6066 8: empty (the server's answer), ocsp, or another status_type kept opaque.
    case 12:
      RoundTripTyped<StatusRequestExt>(body);
      break;
  }
  return 0;
}
