#include "harness/fuzz/mitm_input.h"

#include <cstdio>

#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr size_t kOpHeaderSize = 6;
// Kinds are taken modulo 16 (10..15 are unknown and skipped), so most random bytes are
// operations; indices modulo kMitmIndexSpace, so most address a unit that exists.
constexpr uint8_t kKindSpace = 16;

bool HasPayload(OpKind kind) { return kind == OpKind::kInsert || kind == OpKind::kInject; }

const char* OpName(OpKind kind) {
  switch (kind) {
    case OpKind::kDrop: return "drop";
    case OpKind::kDuplicate: return "duplicate";
    case OpKind::kSwapWithNext: return "swap with next";
    case OpKind::kFlipBit: return "flip bit";
    case OpKind::kSetByte: return "set byte";
    case OpKind::kTruncate: return "truncate";
    case OpKind::kInsert: return "insert";
    case OpKind::kInject: return "inject";
    case OpKind::kSplit: return "split";
    case OpKind::kCoalesce: return "coalesce with next";
  }
  return "?";
}

const char* InjectionName(uint8_t value) {
  switch (static_cast<Injection>(value % kInjectionCount)) {
    case Injection::kChangeCipherSpec: return "ChangeCipherSpec";
    case Injection::kAlert: return "alert";
    case Injection::kApplicationData: return "application data";
    case Injection::kHelloRequest: return "HelloRequest";
    case Injection::kRaw: return "raw bytes";
  }
  return "?";
}

const char* AuthName(ClientAuthMode mode) {
  switch (mode) {
    case ClientAuthMode::kNone: return "none";
    case ClientAuthMode::kOptional: return "optional";
    case ClientAuthMode::kRequired: return "required";
  }
  return "?";
}

const char* DeliveryName(Delivery d) {
  switch (d) {
    case Delivery::kFlight: return "whole flights";
    case Delivery::kRecord: return "one record per call";
    case Delivery::kByte: return "one byte per call";
    case Delivery::kFiveBytes: return "5 bytes per call";
  }
  return "?";
}

}  // namespace

const std::vector<MitmSuiteSet>& MitmSuiteSets() {
  static const std::vector<MitmSuiteSet>* sets = new std::vector<MitmSuiteSet>{
      {"ECDHE_RSA AES-128-GCM", {0xc02f}},
      {"RSA AES-128-CBC-SHA", {0x002f}},
      {"ECDHE_ECDSA ChaCha20-Poly1305, AES-128-GCM", {0xcca9, 0xc02b}},
      {"ECDHE_RSA AES-128-CBC-SHA256", {0xc027}},
      {"RSA AES-256-GCM-SHA384", {0x009d}},
      {"ECDHE_ECDSA AES-256-CBC-SHA384", {0xc024}},
      {"ECDHE_RSA ChaCha20-Poly1305", {0xcca8}},
      {"RSA and ECDHE, CBC and AEAD", {0xc02b, 0xc02f, 0xc013, 0x009c, 0x002f}},
  };
  return *sets;
}

bool MitmConfig::operator==(const MitmConfig& o) const {
  return suite_set == o.suite_set && client_auth == o.client_auth &&
         client_has_certificate == o.client_has_certificate &&
         session_tickets == o.session_tickets &&
         extended_master_secret == o.extended_master_secret && resume == o.resume &&
         delivery == o.delivery;
}

bool TamperOp::operator==(const TamperOp& o) const {
  return kind == o.kind && sender == o.sender && connection == o.connection &&
         by_message == o.by_message && fix_length == o.fix_length && index == o.index &&
         offset == o.offset && value == o.value && payload == o.payload;
}

MitmInput DecodeMitmInput(ByteView data) {
  MitmInput input;
  MitmConfig& c = input.config;
  const uint8_t a = data.size() > 0 ? data[0] : 0;
  const uint8_t b = data.size() > 1 ? data[1] : 0;
  c.suite_set = a & 7;
  const int auth = (a >> 3) & 3;
  c.client_auth = auth == 0   ? ClientAuthMode::kNone
                  : auth == 2 ? ClientAuthMode::kRequired
                              : ClientAuthMode::kOptional;
  c.session_tickets = (a >> 5) & 1;
  c.extended_master_secret = !((a >> 6) & 1);
  c.resume = (a >> 7) & 1;
  c.delivery = static_cast<Delivery>(b & 3);
  // Required client auth without a certificate must fail even untampered: not a MITM case.
  c.client_has_certificate = c.client_auth == ClientAuthMode::kRequired || !((b >> 2) & 1);

  size_t pos = 2;
  while (pos + kOpHeaderSize <= data.size() && input.ops.size() < kMitmMaxOps) {
    const uint8_t kind = data[pos] % kKindSpace;
    TamperOp op;
    op.sender = (data[pos + 1] & 1) ? Side::kServer : Side::kClient;
    op.connection = (data[pos + 1] >> 1) & 1;
    op.by_message = (data[pos + 1] >> 2) & 1;
    op.fix_length = (data[pos + 1] >> 3) & 1;
    op.index = data[pos + 2] % kMitmIndexSpace;
    op.offset = static_cast<uint16_t>(data[pos + 3] << 8 | data[pos + 4]);
    op.value = data[pos + 5];
    pos += kOpHeaderSize;
    if (kind < kOpKindCount && HasPayload(static_cast<OpKind>(kind)) && pos < data.size()) {
      size_t len = data[pos] % (kMitmMaxPayload + 1);
      ++pos;
      if (len > data.size() - pos) len = data.size() - pos;
      op.payload.assign(data.data() + pos, data.data() + pos + len);
      pos += len;
    }
    if (kind >= kOpKindCount) continue;  // unknown: skipped, the rest still decodes
    op.kind = static_cast<OpKind>(kind);
    if (op.kind == OpKind::kInject) op.value %= kInjectionCount;
    if (op.kind == OpKind::kFlipBit) op.value %= 8;
    input.ops.push_back(std::move(op));
  }
  return input;
}

Bytes EncodeMitmInput(const MitmInput& input) {
  const MitmConfig& c = input.config;
  const int auth = c.client_auth == ClientAuthMode::kNone       ? 0
                   : c.client_auth == ClientAuthMode::kRequired ? 2
                                                                : 1;
  Bytes out;
  out.push_back(static_cast<uint8_t>((c.suite_set & 7) | auth << 3 | c.session_tickets << 5 |
                                     (!c.extended_master_secret) << 6 | c.resume << 7));
  out.push_back(static_cast<uint8_t>((static_cast<uint8_t>(c.delivery) & 3) |
                                     (!c.client_has_certificate) << 2));
  for (size_t i = 0; i < input.ops.size() && i < kMitmMaxOps; ++i) {
    const TamperOp& op = input.ops[i];
    out.push_back(static_cast<uint8_t>(op.kind));
    out.push_back(static_cast<uint8_t>((op.sender == Side::kServer) | (op.connection & 1) << 1 |
                                       op.by_message << 2 | op.fix_length << 3));
    out.push_back(op.index);
    out.push_back(static_cast<uint8_t>(op.offset >> 8));
    out.push_back(static_cast<uint8_t>(op.offset));
    out.push_back(op.value);
    if (HasPayload(op.kind)) {
      const size_t len = op.payload.size() < kMitmMaxPayload ? op.payload.size() : kMitmMaxPayload;
      out.push_back(static_cast<uint8_t>(len));
      out.insert(out.end(), op.payload.begin(), op.payload.begin() + len);
    }
  }
  return out;
}

std::string DescribeOp(const TamperOp& op) {
  std::string s = "connection " + std::to_string(op.connection) + ", " +
                  (op.sender == Side::kClient ? "client -> server" : "server -> client") +
                  (op.by_message ? ", handshake message " : ", record ") +
                  std::to_string(op.index) + ": " + OpName(op.kind);
  switch (op.kind) {
    case OpKind::kFlipBit:
      s += " " + std::to_string(op.value) + " of byte " + std::to_string(op.offset) + " (mod size)";
      break;
    case OpKind::kSetByte:
      s += " " + std::to_string(op.offset) + " (mod size) to " + std::to_string(op.value);
      break;
    case OpKind::kTruncate:
    case OpKind::kSplit: s += " at " + std::to_string(op.offset) + " (mod size)"; break;
    case OpKind::kInsert:
      s += " " + std::to_string(op.payload.size()) + " bytes at " + std::to_string(op.offset) +
           " (mod size): " + ToHex(op.payload);
      break;
    case OpKind::kInject:
      s += std::string(" ") + InjectionName(op.value) + " before it" +
           (op.payload.empty() ? "" : ", payload " + ToHex(op.payload));
      break;
    default: break;
  }
  if (op.fix_length && op.by_message &&
      (op.kind == OpKind::kTruncate || op.kind == OpKind::kInsert)) {
    s += ", message length rewritten";
  }
  return s;
}

std::string DescribeMitmInput(const MitmInput& input) {
  const MitmConfig& c = input.config;
  std::string s = std::string("suites ") + MitmSuiteSets()[c.suite_set % 8].name +
                  "; client auth " + AuthName(c.client_auth) +
                  (c.client_auth != ClientAuthMode::kNone && !c.client_has_certificate
                       ? " (client has no certificate)"
                       : "") +
                  "; tickets " + (c.session_tickets ? "on" : "off") + "; EMS " +
                  (c.extended_master_secret ? "on" : "off") + "; " +
                  (c.resume ? "a resumed second connection" : "one connection") + "; " +
                  DeliveryName(c.delivery) + "\n";
  if (input.ops.empty()) s += "  no tampering\n";
  for (const TamperOp& op : input.ops) s += "  " + DescribeOp(op) + "\n";
  return s;
}

std::vector<MitmInput> MitmSeedInputs() {
  std::vector<MitmInput> seeds;
  for (uint8_t set = 0; set < 8; ++set) {
    for (ClientAuthMode auth :
         {ClientAuthMode::kNone, ClientAuthMode::kOptional, ClientAuthMode::kRequired}) {
      for (int flags = 0; flags < 8; ++flags) {
        MitmInput in;
        in.config.suite_set = set;
        in.config.client_auth = auth;
        in.config.session_tickets = flags & 1;
        in.config.extended_master_secret = !(flags & 2);
        in.config.resume = flags & 4;
        in.config.delivery = static_cast<Delivery>((set + flags) & 3);
        seeds.push_back(in);
      }
    }
  }
  // One operation of each kind, on the first records and messages of both senders, in an
  // ECDHE_RSA and an RSA configuration with resumption (so connection 1 is addressable too).
  for (uint8_t set : {uint8_t{0}, uint8_t{1}}) {
    for (uint8_t kind = 0; kind < kOpKindCount; ++kind) {
      for (int variant = 0; variant < 4; ++variant) {
        MitmInput in;
        in.config.suite_set = set;
        in.config.resume = true;
        in.config.extended_master_secret = variant & 1;
        TamperOp op;
        op.kind = static_cast<OpKind>(kind);
        op.sender = (variant & 2) ? Side::kServer : Side::kClient;
        op.by_message = variant & 1;
        op.fix_length = true;
        op.index = static_cast<uint8_t>(variant);
        op.offset = static_cast<uint16_t>(7 + 13 * variant);
        op.value = 0xff;
        if (op.kind == OpKind::kInject) op.value = static_cast<uint8_t>(variant % kInjectionCount);
        if (op.kind == OpKind::kFlipBit) op.value = static_cast<uint8_t>(variant);
        if (HasPayload(op.kind)) op.payload = {0x01, 0x00, 0x16, 0x03, 0x03};
        in.ops.push_back(op);
        seeds.push_back(in);
      }
    }
  }
  return seeds;
}

}  // namespace shakedown
