// Byte-level fuzzer for the reference Connection, both roles. The first input byte picks the
// target role, the suite set and whether a valid first flight from a real peer goes first
// (so the fuzzed bytes also land in later states: after ClientHello for a server, after the
// server's first flight for a client); the rest is fed in chunks whose sizes come from the
// input. Oracle: no crash, no hang, no unbounded allocation (ASan/libFuzzer limits), and once
// a connection has sent a fatal alert or is dead it sends and reports nothing more.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/connection/connection.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

constexpr uint64_t kClientSeed = 1;
constexpr uint64_t kServerSeed = 2;

std::vector<uint16_t> Suites(int choice) {
  switch (choice) {
    case 0: return {0xc02f};  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    case 1: return {0x002f};  // TLS_RSA_WITH_AES_128_CBC_SHA
    case 2: return {0xcca9, 0xc02b};  // ECDHE_ECDSA ChaCha20 / GCM
    default: {
      std::vector<uint16_t> all;
      size_t n = 0;
      const CipherSuiteInfo* table = CipherSuiteTable(&n);
      for (size_t i = 0; i < n; ++i) {
        if (table[i].engine_supported) all.push_back(table[i].id);
      }
      return all;
    }
  }
}

struct Fixture {
  TestPki pki;
  std::shared_ptr<SharedContext> server_context[4];
  std::shared_ptr<SharedContext> client_context[4];
  Config server_config[4];
  Config client_config[4];
  Bytes client_first_flight[4];  // a real client's ClientHello
  Bytes server_first_flight[4];  // a real server's answer to that ClientHello
};

std::unique_ptr<Connection> Make(const Config& config, std::shared_ptr<SharedContext> shared,
                                 DeterministicRng* rng) {
  Environment env;
  env.rng = rng;
  env.clock = [] { return uint64_t{1800000000}; };
  env.shared = std::move(shared);
  Result<std::unique_ptr<Connection>> c = Connection::Create(config, env);
  if (!c.ok()) __builtin_trap();  // the fixture's configurations are valid
  return std::move(c).value();
}

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture();
    DeterministicRng rng(42);
    Result<TestPki> pki = GenerateTestPki(rng);
    if (!pki.ok()) __builtin_trap();
    f->pki = std::move(pki).value();
    for (int i = 0; i < 4; ++i) {
      Config& s = f->server_config[i];
      s.role = Side::kServer;
      s.cipher_suites = Suites(i);
      s.credentials = {f->pki.rsa_server, f->pki.ecdsa_server};
      s.client_auth = i == 3 ? ClientAuthMode::kOptional : ClientAuthMode::kNone;
      s.session_tickets = i == 3;
      s.ticket_key = Bytes(32, 0x5a);
      Config& c = f->client_config[i];
      c.role = Side::kClient;
      c.cipher_suites = Suites(i);
      c.server_name = "localhost";
      c.session_tickets = i == 3;
      auto sctx = SharedContext::Create(s, rng);
      auto cctx = SharedContext::Create(c, rng);
      if (!sctx.ok() || !cctx.ok()) __builtin_trap();
      f->server_context[i] = *sctx;
      f->client_context[i] = *cctx;
      DeterministicRng crng(kClientSeed), srng(kServerSeed);
      auto client = Make(c, f->client_context[i], &crng);
      auto server = Make(s, f->server_context[i], &srng);
      client->Start();
      f->client_first_flight[i] = client->TakeOutput();
      server->ReceiveBytes(f->client_first_flight[i]);
      f->server_first_flight[i] = server->TakeOutput();
    }
    return f;
  }();
  return *fixture;
}

bool SentFatalAlert(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (e.type == EventType::kAlertSent && e.level == AlertLevel::kFatal) return true;
  }
  return false;
}

}  // namespace
}  // namespace shakedown

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shakedown;
  if (size < 1) return 0;
  const Fixture& f = GetFixture();
  const bool target_is_client = data[0] & 1;
  const bool prefix = data[0] & 2;
  const int suites = (data[0] >> 2) & 3;
  ++data;
  --size;

  DeterministicRng rng(target_is_client ? kClientSeed : kServerSeed);
  std::unique_ptr<Connection> conn =
      target_is_client
          ? Make(f.client_config[suites], f.client_context[suites], &rng)
          : Make(f.server_config[suites], f.server_context[suites], &rng);
  conn->Start();
  conn->TakeOutput();
  if (prefix) {
    conn->ReceiveBytes(target_is_client ? f.server_first_flight[suites]
                                        : f.client_first_flight[suites]);
    conn->TakeOutput();
  }
  bool finished = SentFatalAlert(conn->TakeEvents()) || conn->dead();

  size_t pos = 0;
  while (pos < size) {
    size_t chunk = 1 + data[pos] % 64;
    ++pos;
    if (chunk > size - pos) chunk = size - pos;
    conn->ReceiveBytes(ByteView(data + pos, chunk));
    pos += chunk;
    Bytes out = conn->TakeOutput();
    std::vector<Event> events = conn->TakeEvents();
    // After a fatal alert or death, nothing more is sent or reported.
    if (finished && (!out.empty() || !events.empty())) __builtin_trap();
    finished = finished || SentFatalAlert(events) || conn->dead();
  }
  return 0;
}
