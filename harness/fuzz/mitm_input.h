// The `mitm` fuzz target's input: a configuration for a reference client and a reference server
// and a list of tampering operations a man in the middle applies to what they send each other.
//
// The encoding is small and exact, and every byte string decodes (an unknown operation or a
// truncated tail is skipped, never an error), so libFuzzer's byte mutations and the TLS
// dictionary (fuzzers/tls.dict, spliced into insert/inject payloads) give meaningful variants:
//
//   byte 0  configuration: bits 0-2 suite set (MitmSuiteSets()), bits 3-4 client auth (0 none,
//           1 optional, 2 required, 3 optional), bit 5 session tickets, bit 6 EMS disabled,
//           bit 7 a second connection that offers the first one's session
//   byte 1  bits 0-1 delivery (how bytes reach the receiver), bit 2 the client has no
//           certificate (optional client auth only); other bits are ignored
//   then up to kMaxOps operations, 6 bytes each, plus a payload for insert and inject:
//     kind     OpKind, modulo 16; 10..15 are unknown operations, skipped
//     address  bit 0 sender (0 client, 1 server), bit 1 connection (0 first, 1 resumed),
//              bit 2 address a plaintext handshake message (else a record), bit 3 rewrite the
//              handshake message's uint24 length after truncate/insert
//     index    modulo kMitmIndexSpace: the record (or handshake message) of that sender in
//              that connection, counted from 0 in the order the sender produced them
//              (injected or duplicated bytes are not counted)
//     offset   big-endian uint16, taken modulo the unit's size
//     value    set-byte value; the bit for flip; the injection kind (Injection) for inject
//     [len data...]  insert and inject only: len % (kMaxPayload + 1) bytes follow
#ifndef SHAKEDOWN_HARNESS_FUZZ_MITM_INPUT_H_
#define SHAKEDOWN_HARNESS_FUZZ_MITM_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/connection/policy.h"

namespace shakedown {

inline constexpr size_t kMitmMaxOps = 16;
inline constexpr size_t kMitmMaxPayload = 64;
// A side produces fewer records and plaintext handshake messages than this per connection.
inline constexpr uint8_t kMitmIndexSpace = 16;

// A named list of cipher suites both sides are configured with (RSA key transport, ECDHE_RSA,
// ECDHE_ECDSA; CBC and AEAD). The server picks by its order.
struct MitmSuiteSet {
  const char* name;
  std::vector<uint16_t> suites;
};
const std::vector<MitmSuiteSet>& MitmSuiteSets();  // exactly 8 entries

// How the MITM hands a batch of bytes to the receiver: the engine must not care.
enum class Delivery : uint8_t {
  kFlight = 0,     // everything one side produced in one ReceiveBytes call
  kRecord = 1,     // one call per record
  kByte = 2,       // one call per byte
  kFiveBytes = 3,  // calls of 5 bytes (headers split from bodies)
};

struct MitmConfig {
  uint8_t suite_set = 0;  // index into MitmSuiteSets()
  ClientAuthMode client_auth = ClientAuthMode::kNone;
  bool client_has_certificate = true;  // only matters with client auth
  bool session_tickets = false;
  bool extended_master_secret = true;
  bool resume = false;  // a second connection offering the first one's session
  Delivery delivery = Delivery::kFlight;

  bool operator==(const MitmConfig& o) const;
};

enum class OpKind : uint8_t {
  kDrop = 0,
  kDuplicate = 1,
  kSwapWithNext = 2,  // a record: the next record of that sender goes first (even a later
                      // flight's); a message: swapped with the next message of the same record
  kFlipBit = 3,       // bit value%8 of the byte at offset
  kSetByte = 4,
  kTruncate = 5,  // the unit keeps its first `offset % size` bytes
  kInsert = 6,    // the payload at offset
  kInject = 7,    // a record (or handshake message) of kind `value` before the unit
  kSplit = 8,     // a record: two records split at the body offset; a message: a record
                  // boundary inside the message (fragmentation)
  kCoalesce = 9,  // the record and the next record of that sender as one record
};
inline constexpr uint8_t kOpKindCount = 10;

enum class Injection : uint8_t {
  kChangeCipherSpec = 0,
  kAlert = 1,            // level and description from the first two payload bytes
  kApplicationData = 2,  // a plaintext application_data record with the payload
  kHelloRequest = 3,
  kRaw = 4,  // the payload as is: at a record, raw stream bytes; at a message, handshake bytes
};
inline constexpr uint8_t kInjectionCount = 5;

struct TamperOp {
  OpKind kind = OpKind::kDrop;
  Side sender = Side::kClient;
  uint8_t connection = 0;   // 0 or 1
  bool by_message = false;  // index counts plaintext handshake messages, not records
  bool fix_length = false;  // truncate/insert inside a message rewrite its uint24 length
  uint8_t index = 0;
  uint16_t offset = 0;
  uint8_t value = 0;
  Bytes payload;  // insert and inject; at most kMitmMaxPayload bytes

  bool operator==(const TamperOp& o) const;
};

struct MitmInput {
  MitmConfig config;
  std::vector<TamperOp> ops;
};

// Never fails: every byte string is an input (possibly with no operations).
MitmInput DecodeMitmInput(ByteView data);
// DecodeMitmInput(EncodeMitmInput(x)) == x for every x that DecodeMitmInput can return.
Bytes EncodeMitmInput(const MitmInput& input);
// Readable, one line for the configuration and one per operation (findings print it).
std::string DescribeMitmInput(const MitmInput& input);
std::string DescribeOp(const TamperOp& op);

// Seeds: each suite set with each client-auth mode, tickets, EMS and resumption and no
// operation, then a few configurations with one operation of each kind on early units.
std::vector<MitmInput> MitmSeedInputs();

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_MITM_INPUT_H_
