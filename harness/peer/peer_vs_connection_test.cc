// The scripted peer against the engine's reference Connection: two independent
// implementations built from the same codecs must agree on everything a handshake fixes,
// and the Connection's reactions to the peer's deviations must arrive as decoded WireItems.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "engine/connection/connection.h"
#include "engine/connection/session.h"
#include "engine/crypto/rng.h"
#include "harness/peer/peer_test_util.h"
#include "harness/peer/scripted_peer.h"

namespace shakedown {
namespace {

using M = MessageName;

using ::shakedown::testing::Pki;
using ::shakedown::testing::Suite;


struct Ref {
  std::unique_ptr<DeterministicRng> rng;
  std::unique_ptr<Connection> conn;
  Connection* operator->() { return conn.get(); }
};

Ref MakeRef(Config config, uint64_t seed, SessionCache* cache) {
  Ref r;
  r.rng = std::make_unique<DeterministicRng>(seed);
  Environment env;
  env.rng = r.rng.get();
  env.session_cache = cache;
  Result<std::unique_ptr<Connection>> c = Connection::Create(std::move(config), env);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (c.ok()) r.conn = std::move(c).value();
  return r;
}

Config ServerConfig(uint16_t suite, ClientAuthMode auth = ClientAuthMode::kNone) {
  Config c;
  c.role = Side::kServer;
  c.cipher_suites = {suite};
  c.credentials = {Pki().rsa_server, Pki().ecdsa_server};
  c.client_auth = auth;
  return c;
}

Config ClientConfig(uint16_t suite) {
  Config c;
  c.role = Side::kClient;
  c.cipher_suites = {suite};
  c.server_name = "localhost";
  c.credentials = {Pki().rsa_client};
  return c;
}

Scenario MakeScenario(Side role, uint16_t suite, size_t connections = 1) {
  Scenario s;
  s.id = "test.peer-vs-connection";
  s.role = role;
  s.peer.cipher_suites = {suite};
  s.connections.resize(connections);
  for (size_t i = 1; i < connections; ++i) s.connections[i].resume = true;
  return s;
}

std::unique_ptr<ScriptedPeer> MakePeer(const Scenario& s) {
  PeerResources r;
  r.pki = std::shared_ptr<const TestPki>(&Pki(), [](const TestPki*) {});
  r.seed = 11;
  Result<std::unique_ptr<ScriptedPeer>> p = ScriptedPeer::Create(s, r);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : nullptr;
}

SendStep Step(M m) {
  SendStep s;
  s.message = m;
  return s;
}

Bytes SendAll(ScriptedPeer& peer, const std::vector<M>& names) {
  Bytes out;
  for (M m : names) {
    Result<Bytes> b = peer.Send(Step(m), nullptr);
    EXPECT_TRUE(b.ok()) << MessageNameString(m) << ": " << b.status().ToString();
    if (b.ok()) Append(out, *b);
  }
  return out;
}

// Feeds `bytes` to the Connection and its answer to the peer.
std::vector<WireItem> Exchange(ScriptedPeer& peer, Ref& ref, ByteView bytes) {
  ref->ReceiveBytes(bytes);
  return peer.Receive(ref->TakeOutput());
}

std::vector<M> Kinds(const std::vector<WireItem>& items) {
  std::vector<M> out;
  for (const WireItem& i : items) {
    switch (i.kind) {
      case WireItem::Kind::kHandshake:
        out.push_back(i.message);
        break;
      case WireItem::Kind::kChangeCipherSpec:
        out.push_back(M::kChangeCipherSpec);
        break;
      case WireItem::Kind::kAlert:
        out.push_back(M::kAlert);
        break;
      case WireItem::Kind::kApplicationData:
        out.push_back(M::kApplicationData);
        break;
      default:
        ADD_FAILURE() << "unexpected item: " << i.summary;
        break;
    }
  }
  return out;
}

std::string Rules(const std::vector<Violation>& v) {
  std::string out;
  for (const Violation& x : v) {
    out += std::string(ViolationRuleName(x.rule)) + " (" + x.detail + "); ";
  }
  return out;
}

void ExpectAgreement(const PeerView& view, const Negotiated& n) {
  EXPECT_TRUE(view.handshake_complete);
  EXPECT_EQ(view.version, n.version);
  ASSERT_NE(n.suite, nullptr);
  EXPECT_EQ(view.cipher_suite, n.suite->id);
  EXPECT_EQ(view.master_secret, n.master_secret);
  EXPECT_EQ(view.session_id, n.session_id);
  EXPECT_EQ(view.extended_master_secret, n.extended_master_secret);
  EXPECT_EQ(view.resumed, n.resumed);
  EXPECT_EQ(view.client_random, n.client_random);
  EXPECT_EQ(view.server_random, n.server_random);
}

// ---- Peer as client, reference server ----

struct ClientCase {
  const char* suite;
  bool client_auth;
};

class PeerClientTest : public ::testing::TestWithParam<ClientCase> {};

TEST_P(PeerClientTest, FullHandshakeThenResumption) {
  const ClientCase& p = GetParam();
  uint16_t suite = Suite(p.suite);
  bool ecdhe = FindCipherSuite(suite)->IsEcdhe();
  InMemorySessionCache cache(8, 3600);
  auto peer = MakePeer(MakeScenario(Side::kServer, suite, 2));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref server = MakeRef(
      ServerConfig(suite, p.client_auth ? ClientAuthMode::kRequired : ClientAuthMode::kNone), 5,
      &cache);

  std::vector<M> flight = {M::kServerHello, M::kCertificate};
  if (ecdhe) flight.push_back(M::kServerKeyExchange);
  if (p.client_auth) flight.push_back(M::kCertificateRequest);
  flight.push_back(M::kServerHelloDone);
  EXPECT_EQ(Kinds(Exchange(*peer, server, SendAll(*peer, {M::kClientHello}))), flight);

  std::vector<M> second;
  if (p.client_auth) second.push_back(M::kCertificate);
  second.push_back(M::kClientKeyExchange);
  if (p.client_auth) second.push_back(M::kCertificateVerify);
  second.push_back(M::kChangeCipherSpec);
  second.push_back(M::kFinished);
  EXPECT_EQ(Kinds(Exchange(*peer, server, SendAll(*peer, second))),
            (std::vector<M>{M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
  ASSERT_TRUE(server->handshake_complete()) << server->state();
  ExpectAgreement(peer->view(), server->negotiated());
  EXPECT_EQ(server->negotiated().client_authenticated, p.client_auth);

  // Resumption against a new Connection sharing the cache (RFC 5246 7.3, Figure 2).
  ASSERT_TRUE(peer->StartConnection(1).ok());
  Ref again = MakeRef(ServerConfig(suite), 6, &cache);
  EXPECT_EQ(Kinds(Exchange(*peer, again, SendAll(*peer, {M::kClientHello}))),
            (std::vector<M>{M::kServerHello, M::kChangeCipherSpec, M::kFinished}));
  Exchange(*peer, again, SendAll(*peer, {M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
  ASSERT_TRUE(again->handshake_complete()) << again->state();
  EXPECT_TRUE(peer->view().resumed);
  ExpectAgreement(peer->view(), again->negotiated());
}

INSTANTIATE_TEST_SUITE_P(
    Suites, PeerClientTest,
    ::testing::Values(ClientCase{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
                      ClientCase{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true},
                      ClientCase{"TLS_RSA_WITH_AES_128_CBC_SHA256", false},
                      ClientCase{"TLS_RSA_WITH_AES_256_GCM_SHA384", true},
                      ClientCase{"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", false}));

TEST(PeerClient, TamperedFinishedDrawsDecryptError) {
  uint16_t suite = Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  auto peer = MakePeer(MakeScenario(Side::kServer, suite));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref server = MakeRef(ServerConfig(suite), 5, nullptr);
  Exchange(*peer, server, SendAll(*peer, {M::kClientHello}));
  Bytes out = SendAll(*peer, {M::kClientKeyExchange, M::kChangeCipherSpec});
  SendStep fin = Step(M::kFinished);
  fin.set = {FieldEdit{"verify_data", FieldValue{BytesXor{{0x80}, 11}}}};
  Append(out, *peer->Send(fin, nullptr));
  std::vector<WireItem> items = Exchange(*peer, server, out);
  ASSERT_EQ(Kinds(items), std::vector<M>{M::kAlert});
  // RFC 5246 7.4.9, checklist 46.
  EXPECT_EQ(items[0].alert, AlertDescription::kDecryptError);
  EXPECT_EQ(items[0].level, AlertLevel::kFatal);
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
  EXPECT_FALSE(peer->view().handshake_complete);
}

TEST(PeerClient, TamperedCertificateVerifyDrawsDecryptError) {
  uint16_t suite = Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  auto peer = MakePeer(MakeScenario(Side::kServer, suite));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref server = MakeRef(ServerConfig(suite, ClientAuthMode::kRequired), 5, nullptr);
  Exchange(*peer, server, SendAll(*peer, {M::kClientHello}));
  Bytes out = SendAll(*peer, {M::kCertificate, M::kClientKeyExchange});
  SendStep cv = Step(M::kCertificateVerify);
  cv.corrupt.xor_bytes = BytesXor{{0x01}, -1};  // the signature's last byte
  Append(out, *peer->Send(cv, nullptr));
  std::vector<WireItem> items = Exchange(*peer, server, out);
  ASSERT_EQ(Kinds(items), std::vector<M>{M::kAlert});
  EXPECT_EQ(items[0].alert, AlertDescription::kDecryptError);  // checklist 44
}

TEST(PeerClient, EarlyCcsDrawsUnexpectedMessage) {
  uint16_t suite = Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  auto peer = MakePeer(MakeScenario(Side::kServer, suite));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref server = MakeRef(ServerConfig(suite), 5, nullptr);
  Exchange(*peer, server, SendAll(*peer, {M::kClientHello}));
  // CVE-2014-0224, checklist 17: CCS before ClientKeyExchange.
  std::vector<WireItem> items = Exchange(*peer, server, SendAll(*peer, {M::kChangeCipherSpec}));
  ASSERT_EQ(Kinds(items), std::vector<M>{M::kAlert});
  EXPECT_EQ(items[0].alert, AlertDescription::kUnexpectedMessage);
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
}

TEST(PeerClient, FragmentedClientHelloStillNegotiates) {
  // Checklist 5, attack 18 (CVE-2014-3511): a ClientHello in 1-byte records.
  uint16_t suite = Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  auto peer = MakePeer(MakeScenario(Side::kServer, suite));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref server = MakeRef(ServerConfig(suite), 5, nullptr);
  SendStep ch = Step(M::kClientHello);
  ch.record.fragment = 1;
  ch.record.version = 0x0301;
  EXPECT_EQ(Kinds(Exchange(*peer, server, *peer->Send(ch, nullptr))),
            (std::vector<M>{M::kServerHello, M::kCertificate, M::kServerKeyExchange,
                            M::kServerHelloDone}));
}

// ---- Peer as server, reference client ----

class PeerServerTest : public ::testing::TestWithParam<ClientCase> {};

TEST_P(PeerServerTest, FullHandshakeThenResumption) {
  const ClientCase& p = GetParam();
  uint16_t suite = Suite(p.suite);
  bool ecdhe = FindCipherSuite(suite)->IsEcdhe();
  auto peer = MakePeer(MakeScenario(Side::kClient, suite, 2));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref client = MakeRef(ClientConfig(suite), 9, nullptr);
  client->Start();
  EXPECT_EQ(Kinds(peer->Receive(client->TakeOutput())), std::vector<M>{M::kClientHello});

  std::vector<M> flight = {M::kServerHello, M::kCertificate};
  if (ecdhe) flight.push_back(M::kServerKeyExchange);
  if (p.client_auth) flight.push_back(M::kCertificateRequest);
  flight.push_back(M::kServerHelloDone);
  std::vector<M> answer;
  if (p.client_auth) answer.push_back(M::kCertificate);
  answer.push_back(M::kClientKeyExchange);
  if (p.client_auth) answer.push_back(M::kCertificateVerify);
  answer.push_back(M::kChangeCipherSpec);
  answer.push_back(M::kFinished);
  EXPECT_EQ(Kinds(Exchange(*peer, client, SendAll(*peer, flight))), answer);
  client->ReceiveBytes(SendAll(*peer, {M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
  ASSERT_TRUE(client->handshake_complete()) << client->state();
  ExpectAgreement(peer->view(), client->negotiated());
  std::optional<Session> session = client->session();
  ASSERT_TRUE(session.has_value());

  // The reference client offers the session; the peer's cache resumes it.
  ASSERT_TRUE(peer->StartConnection(1).ok());
  Config again_config = ClientConfig(suite);
  again_config.resume = session;
  Ref again = MakeRef(again_config, 10, nullptr);
  again->Start();
  peer->Receive(again->TakeOutput());
  EXPECT_EQ(Kinds(Exchange(*peer, again,
                           SendAll(*peer, {M::kServerHello, M::kChangeCipherSpec, M::kFinished}))),
            (std::vector<M>{M::kChangeCipherSpec, M::kFinished}));
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
  ASSERT_TRUE(again->handshake_complete()) << again->state();
  EXPECT_TRUE(peer->view().resumed);
  EXPECT_TRUE(peer->view().handshake_complete);
  ExpectAgreement(peer->view(), again->negotiated());
}

INSTANTIATE_TEST_SUITE_P(
    Suites, PeerServerTest,
    ::testing::Values(ClientCase{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
                      ClientCase{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", true},
                      ClientCase{"TLS_RSA_WITH_AES_128_GCM_SHA256", false},
                      ClientCase{"TLS_RSA_WITH_AES_128_CBC_SHA", true}));

TEST(PeerServer, TamperedServerKeyExchangeIsRefused) {
  uint16_t suite = Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  auto peer = MakePeer(MakeScenario(Side::kClient, suite));
  ASSERT_TRUE(peer->StartConnection(0).ok());
  Ref client = MakeRef(ClientConfig(suite), 9, nullptr);
  client->Start();
  peer->Receive(client->TakeOutput());
  Bytes out = SendAll(*peer, {M::kServerHello, M::kCertificate});
  SendStep ske = Step(M::kServerKeyExchange);
  ske.set = {FieldEdit{"signature", FieldValue{BytesXor{{0x01}, -1}}}};
  Append(out, *peer->Send(ske, nullptr));
  Append(out, SendAll(*peer, {M::kServerHelloDone}));
  std::vector<WireItem> items = Exchange(*peer, client, out);
  ASSERT_EQ(Kinds(items), std::vector<M>{M::kAlert});
  // Checklist 40: a bad signature is decrypt_error.
  EXPECT_EQ(items[0].alert, AlertDescription::kDecryptError);
  EXPECT_EQ(Rules(peer->TakeViolations()), "");
}

}  // namespace
}  // namespace shakedown
