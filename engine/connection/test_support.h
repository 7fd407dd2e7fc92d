// Helpers for the connection tests: one test PKI per binary, configurations, in-memory
// pumping between a client and a server, and record surgery on a peer's output (split a
// flight into messages, re-seal a protected record with the sender's keys).
#ifndef SHAKEDOWN_ENGINE_CONNECTION_TEST_SUPPORT_H_
#define SHAKEDOWN_ENGINE_CONNECTION_TEST_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/connection/connection.h"
#include "engine/connection/session.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/wire/record.h"

namespace shakedown {
namespace testing {

// Generated once per test binary (RSA-2048 key generation is slow).
const TestPki& Pki();

// Every engine_supported suite, in registry order.
std::vector<uint16_t> SupportedSuites();
uint16_t SuiteId(const char* name);

Config ClientConfig(std::vector<uint16_t> suites);
// RSA and ECDSA server credentials; a fixed ticket key.
Config ServerConfig(std::vector<uint16_t> suites);

// What the server side shares across connections, like a real deployment.
struct World {
  World();
  InMemorySessionCache cache{64, 3600};
  uint64_t now = 100000;
  std::shared_ptr<SharedContext> server_context;  // built lazily from the first server config
  std::shared_ptr<SharedContext> client_context;
};

struct Endpoint {
  std::unique_ptr<DeterministicRng> rng;
  std::unique_ptr<Connection> conn;
  Bytes all_output;           // everything it sent
  std::vector<Event> events;  // everything it reported

  Connection* operator->() { return conn.get(); }
  // Takes the connection's pending output (also appended to all_output) and events.
  Bytes Take();
  bool HasEvent(EventType type) const;
  // The first kAlertSent / kAlertReceived event, if any.
  const Event* AlertSent() const;
  const Event* AlertReceived() const;
  std::string Received() const;  // concatenated application data
};

// `observer` may be null. A null world gives a private one (no cache, no shared context).
Endpoint MakeEndpoint(const Config& config, uint64_t seed, World* world,
                      Observer* observer = nullptr);

// Moves bytes both ways until neither side has anything to say. Returns false if it did not
// settle within `max_rounds`.
bool Pump(Endpoint& client, Endpoint& server, int max_rounds = 32);

struct Pair {
  Endpoint client;
  Endpoint server;
};
// Creates both, starts the client and pumps.
Pair Handshake(const Config& client, const Config& server, World* world, uint64_t seed = 1);

// ---- Record surgery ----

// Records of `bytes`; fails the test on malformed input.
std::vector<Record> Records(ByteView bytes);
// The handshake messages of the plaintext handshake records in `bytes` before the first
// ChangeCipherSpec (whole messages, header included), in order.
std::vector<Bytes> HandshakeMessagesIn(ByteView bytes);
// One plaintext TLS 1.2 record.
Bytes PlainRecord(uint8_t type, ByteView payload, uint16_t version = 0x0303);
Bytes PlainRecord(ContentType type, ByteView payload, uint16_t version = 0x0303);
Bytes HandshakeRecord(ByteView message);  // one message in one record
// type + uint24 length + body.
Bytes RawHandshake(uint8_t type, ByteView body);

// Seals `plaintext` as the first protected record (sequence number 0) that `sender` sends
// after its ChangeCipherSpec, with the keys of its negotiated() state.
Bytes SealAsFirstProtected(const Connection& sender, Side role, ContentType type,
                           ByteView plaintext);
// Opens the first protected record `sender` sent.
Bytes OpenFirstProtected(const Connection& sender, Side role, const Record& record);

}  // namespace testing
}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_TEST_SUPPORT_H_
