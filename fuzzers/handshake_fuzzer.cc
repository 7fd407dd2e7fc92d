// Round-trip oracle for the typed handshake messages and the CCS/Alert record bodies.
// Input: selector byte, context byte, then the body. For every input that parses:
// serialize(parse(x)) == x (every accepted encoding is canonical), parse(serialize(m)) == m,
// and serializing twice gives the same bytes. Any difference traps.
#include <cstddef>
#include <cstdint>

#include "engine/wire/handshake.h"

namespace shakedown {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// The variant path: parse with ParseHandshakeMessage, serialize with SerializeBody.
void RoundTripMessage(HandshakeType type, ByteView body, const ParseContext& context) {
  Result<TypedHandshake> first = ParseHandshakeMessage(type, body, context);
  if (!first.ok()) {
    Check(!first.status().message().empty());
    return;
  }
  Check(TypeOf(*first) == type);
  Result<Bytes> bytes = SerializeBody(*first);
  Check(bytes.ok());
  Check(ByteView(*bytes) == body);
  Result<TypedHandshake> second = ParseHandshakeMessage(type, *bytes, context);
  Check(second.ok());
  Check(*second == *first);
  Result<Bytes> again = SerializeBody(*second);
  Check(again.ok() && *again == *bytes);
  Result<Bytes> full = SerializeHandshakeMessage(*first);
  Check(full.ok() && full->size() == bytes->size() + HandshakeHeader::kLength);
  (void)Describe(*first);

  // Exercise the typed extension codecs on whatever a hello carries.
  const std::optional<Extensions>* ext = nullptr;
  if (const auto* ch = std::get_if<ClientHello>(&*first)) ext = &ch->extensions;
  if (const auto* sh = std::get_if<ServerHello>(&*first)) ext = &sh->extensions;
  if (ext != nullptr && ext->has_value()) {
    (void)(*ext)->Find<ServerNameExt>();
    (void)(*ext)->Find<SupportedGroupsExt>();
    (void)(*ext)->Find<SignatureAlgorithmsExt>();
    (void)(*ext)->Find<AlpnExt>();
  }
  if (const auto* ske = std::get_if<ServerKeyExchange>(&*first)) {
    Bytes params = ske->ParamsBytes();
    Check(params.size() <= body.size() && ByteView(params) == body.subview(0, params.size()));
  }
}

template <typename T>
void RoundTripRecordBody(ByteView body) {
  Result<T> first = T::Parse(body);
  if (!first.ok()) return;
  Result<Bytes> bytes = SerializeToBytes(*first);
  Check(bytes.ok() && ByteView(*bytes) == body);
  Result<T> second = T::Parse(*bytes);
  Check(second.ok() && *second == *first);
  (void)first->Describe();
}

constexpr HandshakeType kTypes[] = {
    HandshakeType::kHelloRequest,      HandshakeType::kClientHello,
    HandshakeType::kServerHello,       HandshakeType::kCertificate,
    HandshakeType::kServerKeyExchange, HandshakeType::kCertificateRequest,
    HandshakeType::kServerHelloDone,   HandshakeType::kCertificateVerify,
    HandshakeType::kClientKeyExchange, HandshakeType::kNewSessionTicket,
    HandshakeType::kFinished,          HandshakeType::kCertificateStatus,
};
constexpr size_t kNumTypes = sizeof(kTypes) / sizeof(kTypes[0]);

}  // namespace
}  // namespace shakedown

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shakedown;
  if (size < 2) return 0;
  const uint8_t selector = data[0];
  ParseContext context;
  context.key_exchange = static_cast<KeyExchangeKind>(data[1] % 3);
  // Mostly the TLS 1.2 length; sometimes another, as a suite may define.
  context.verify_data_length = (data[1] >> 2) == 0 ? kTls12VerifyDataLength : (data[1] >> 2);
  const ByteView body(data + 2, size - 2);

  const size_t choice = selector % (kNumTypes + 3);
  if (choice < kNumTypes) {
    RoundTripMessage(kTypes[choice], body, context);
  } else if (choice == kNumTypes) {
    RoundTripRecordBody<ChangeCipherSpec>(body);
  } else if (choice == kNumTypes + 1) {
    RoundTripRecordBody<Alert>(body);
  } else {
    // A whole message, header included.
    Result<SplitHandshake> split = SplitHandshakeMessage(body);
    if (!split.ok()) return 0;
    Result<Bytes> wrapped = WrapHandshake(split->header.type, split->body);
    if (!wrapped.ok() || ByteView(*wrapped) != body) __builtin_trap();
    RoundTripMessage(split->header.type, split->body, context);
  }
  return 0;
}
