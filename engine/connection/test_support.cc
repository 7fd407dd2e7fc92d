#include "engine/connection/test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "engine/crypto/key_schedule.h"
#include "engine/crypto/record_protection.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"

namespace shakedown {
namespace testing {

const TestPki& Pki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(20240601);
    TestPkiOptions options;
    options.rsa_bits = 2048;
    Result<TestPki> result = GenerateTestPki(rng, options);
    if (!result.ok()) {
      std::fprintf(stderr, "GenerateTestPki: %s\n", result.status().ToString().c_str());
      std::abort();
    }
    return new TestPki(std::move(result).value());
  }();
  return *pki;
}

std::vector<uint16_t> SupportedSuites() {
  size_t n = 0;
  const CipherSuiteInfo* table = CipherSuiteTable(&n);
  std::vector<uint16_t> out;
  for (size_t i = 0; i < n; ++i) {
    if (table[i].engine_supported) out.push_back(table[i].id);
  }
  return out;
}

uint16_t SuiteId(const char* name) {
  const CipherSuiteInfo* s = FindCipherSuite(std::string_view(name));
  if (s == nullptr) {
    ADD_FAILURE() << "no suite " << name;
    return 0;
  }
  return s->id;
}

Config ClientConfig(std::vector<uint16_t> suites) {
  Config c;
  c.role = Side::kClient;
  c.cipher_suites = std::move(suites);
  c.server_name = "localhost";
  return c;
}

Config ServerConfig(std::vector<uint16_t> suites) {
  Config c;
  c.role = Side::kServer;
  c.cipher_suites = std::move(suites);
  c.credentials = {Pki().rsa_server, Pki().ecdsa_server};
  c.ticket_key = Bytes(32, 0x5a);
  return c;
}

World::World() = default;

Bytes Endpoint::Take() {
  Bytes out = conn->TakeOutput();
  Append(all_output, out);
  for (Event& e : conn->TakeEvents()) events.push_back(std::move(e));
  return out;
}

bool Endpoint::HasEvent(EventType type) const {
  for (const Event& e : events) {
    if (e.type == type) return true;
  }
  return false;
}

const Event* Endpoint::AlertSent() const {
  for (const Event& e : events) {
    if (e.type == EventType::kAlertSent) return &e;
  }
  return nullptr;
}

const Event* Endpoint::AlertReceived() const {
  for (const Event& e : events) {
    if (e.type == EventType::kAlertReceived) return &e;
  }
  return nullptr;
}

std::string Endpoint::Received() const {
  std::string out;
  for (const Event& e : events) {
    if (e.type == EventType::kApplicationData) out.append(e.data.begin(), e.data.end());
  }
  return out;
}

Endpoint MakeEndpoint(const Config& config, uint64_t seed, World* world, Observer* observer) {
  Endpoint ep;
  ep.rng = std::make_unique<DeterministicRng>(seed);
  Environment env;
  env.rng = ep.rng.get();
  env.observer = observer;
  if (world != nullptr) {
    env.clock = [world] { return world->now; };
    std::shared_ptr<SharedContext>& ctx =
        config.role == Side::kServer ? world->server_context : world->client_context;
    if (ctx == nullptr) {
      DeterministicRng ctx_rng(seed ^ 0xc0ffee);
      Result<std::shared_ptr<SharedContext>> made = SharedContext::Create(config, ctx_rng);
      EXPECT_TRUE(made.ok()) << made.status().ToString();
      if (made.ok()) ctx = *made;
    }
    env.shared = ctx;
    if (config.role == Side::kServer) env.session_cache = &world->cache;
  }
  Result<std::unique_ptr<Connection>> conn = Connection::Create(config, env);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (conn.ok()) ep.conn = std::move(conn).value();
  return ep;
}

bool Pump(Endpoint& client, Endpoint& server, int max_rounds) {
  for (int i = 0; i < max_rounds; ++i) {
    Bytes c = client.Take();
    if (!c.empty()) server->ReceiveBytes(c);
    Bytes s = server.Take();
    if (!s.empty()) client->ReceiveBytes(s);
    if (c.empty() && s.empty()) {
      client.Take();  // collect the last events
      return true;
    }
  }
  return false;
}

Pair Handshake(const Config& client, const Config& server, World* world, uint64_t seed) {
  Pair p{MakeEndpoint(client, seed, world), MakeEndpoint(server, seed + 1000, world)};
  if (p.client.conn == nullptr || p.server.conn == nullptr) return p;
  p.client->Start();
  EXPECT_TRUE(Pump(p.client, p.server));
  return p;
}

std::vector<Record> Records(ByteView bytes) {
  Result<std::vector<Record>> records = ParseRecords(bytes, /*is_protected=*/true);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? *records : std::vector<Record>();
}

std::vector<Bytes> HandshakeMessagesIn(ByteView bytes) {
  Bytes stream;
  for (const Record& r : Records(bytes)) {
    if (r.is(ContentType::kChangeCipherSpec)) break;  // what follows is encrypted
    if (r.is(ContentType::kHandshake)) Append(stream, r.fragment);
  }
  Result<std::vector<HandshakeMessage>> messages = ParseHandshakeMessages(stream);
  EXPECT_TRUE(messages.ok()) << messages.status().ToString();
  std::vector<Bytes> out;
  if (messages.ok()) {
    for (const HandshakeMessage& m : *messages) out.push_back(m.encoded);
  }
  return out;
}

Bytes PlainRecord(uint8_t type, ByteView payload, uint16_t version) {
  return *SerializeRecord(Record(type, version, payload.ToBytes()));
}

Bytes PlainRecord(ContentType type, ByteView payload, uint16_t version) {
  return PlainRecord(static_cast<uint8_t>(type), payload, version);
}

Bytes HandshakeRecord(ByteView message) { return PlainRecord(ContentType::kHandshake, message); }

Bytes RawHandshake(uint8_t type, ByteView body) {
  return *WrapHandshake(static_cast<HandshakeType>(type), body);
}

namespace {

std::unique_ptr<RecordProtection> FirstProtection(const Connection& sender, Side role,
                                                  Botan::RandomNumberGenerator* rng) {
  const Negotiated& n = sender.negotiated();
  if (n.suite == nullptr || n.master_secret.empty()) {
    ADD_FAILURE() << "sender has no keys yet";
    return nullptr;
  }
  Result<Bytes> block = ComputeKeyBlock(*n.suite, n.master_secret, n.client_random, n.server_random);
  if (!block.ok()) return nullptr;
  Result<KeyBlock> keys = SplitKeyBlock(*n.suite, *block);
  if (!keys.ok()) return nullptr;
  Result<std::unique_ptr<RecordProtection>> p = RecordProtection::Create(
      *n.suite, role == Side::kClient ? keys->client_write : keys->server_write, rng,
      n.encrypt_then_mac);
  EXPECT_TRUE(p.ok());
  return p.ok() ? std::move(p).value() : nullptr;
}

}  // namespace

Bytes SealAsFirstProtected(const Connection& sender, Side role, ContentType type,
                           ByteView plaintext) {
  DeterministicRng rng(99);
  std::unique_ptr<RecordProtection> p = FirstProtection(sender, role, &rng);
  if (p == nullptr) return {};
  Result<Bytes> sealed = p->Seal(type, ProtocolVersion::kTls12, plaintext);
  EXPECT_TRUE(sealed.ok());
  return PlainRecord(type, *sealed);
}

Bytes OpenFirstProtected(const Connection& sender, Side role, const Record& record) {
  DeterministicRng rng(99);
  std::unique_ptr<RecordProtection> p = FirstProtection(sender, role, &rng);
  if (p == nullptr) return {};
  Result<Bytes> opened = p->Open(static_cast<ContentType>(record.type),
                                 static_cast<ProtocolVersion>(record.version), record.fragment);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? *opened : Bytes();
}

}  // namespace testing
}  // namespace shakedown
