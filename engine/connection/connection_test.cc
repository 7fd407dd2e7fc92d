// End-to-end tests of the reference engine: client <-> server in memory for every suite and
// client-auth mode, resumption (session IDs, tickets, RFC 7627 5.3), determinism, the
// observer/key log, the checklist's error paths (with the alert each must produce), and
// garbage input. Over 800 lines on purpose: every case drives the same in-memory pair of
// connections through a whole handshake, and the cases read best beside that one driver.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "engine/connection/connection.h"
#include "engine/connection/connection_internal.h"
#include "engine/connection/test_support.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace {

using namespace ::shakedown::testing;  // NOLINT
using AD = AlertDescription;

const uint16_t kEcdheRsaGcm = 0xc02f;
const uint16_t kEcdheEcdsaGcm = 0xc02b;
const uint16_t kRsaGcm = 0x009c;
const uint16_t kRsaCbc = 0x002f;

std::string AlertName(AD d) {
  auto n = shakedown::AlertName(static_cast<uint8_t>(d));
  return n ? std::string(*n) : std::to_string(static_cast<int>(d));
}

// The alert `ep` sent: fatal, and the last thing it sent (checklist: alert, level, close).
void ExpectFatalAlertSent(Endpoint& ep, AD expected) {
  ep.Take();
  const Event* alert = ep.AlertSent();
  ASSERT_NE(alert, nullptr) << "no alert sent; state " << ep->state();
  EXPECT_EQ(alert->level, AlertLevel::kFatal);
  EXPECT_EQ(AlertName(alert->alert), AlertName(expected)) << alert->detail;
  EXPECT_TRUE(ep->dead());
  EXPECT_TRUE(ep.HasEvent(EventType::kClosed));
  ASSERT_TRUE(ep->failure().has_value());
  // Nothing more, whatever arrives (RFC 5246 7.2.2).
  ep->ReceiveBytes(PlainRecord(ContentType::kHandshake, RawHandshake(1, Bytes(40, 0))));
  EXPECT_TRUE(ep->TakeOutput().empty());
}

void ExpectAgreement(Pair& p) {
  ASSERT_TRUE(p.client->handshake_complete()) << p.client->state();
  ASSERT_TRUE(p.server->handshake_complete()) << p.server->state();
  const Negotiated& c = p.client->negotiated();
  const Negotiated& s = p.server->negotiated();
  EXPECT_EQ(c.version, ProtocolVersion::kTls12);
  EXPECT_EQ(c.version, s.version);
  ASSERT_NE(c.suite, nullptr);
  EXPECT_EQ(c.suite, s.suite);
  EXPECT_EQ(c.session_id, s.session_id);
  EXPECT_EQ(c.master_secret, s.master_secret);
  EXPECT_EQ(c.master_secret.size(), 48u);
  EXPECT_EQ(c.extended_master_secret, s.extended_master_secret);
  EXPECT_EQ(c.resumed, s.resumed);
  EXPECT_EQ(c.client_random, s.client_random);
  EXPECT_EQ(c.server_random, s.server_random);
  EXPECT_NE(c.client_random, c.server_random);  // checklist 37
  EXPECT_EQ(c.client_authenticated, s.client_authenticated);
  EXPECT_TRUE(c.secure_renegotiation);
  EXPECT_TRUE(s.secure_renegotiation);
  EXPECT_TRUE(p.client.HasEvent(EventType::kHandshakeComplete));
  EXPECT_TRUE(p.server.HasEvent(EventType::kHandshakeComplete));
}

void ExchangeDataAndClose(Pair& p) {
  const std::string big(40000, 'x');  // spans three records
  ASSERT_TRUE(p.client->SendApplicationData(Bytes(big.begin(), big.end())).ok());
  const std::string pong = "pong";
  ASSERT_TRUE(p.server->SendApplicationData(Bytes(pong.begin(), pong.end())).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.server.Received(), big);
  EXPECT_EQ(p.client.Received(), pong);
  // RFC 5246 7.2.1 (checklist 13): close_notify is answered with close_notify.
  p.client->Close();
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_TRUE(p.server->dead());
  EXPECT_TRUE(p.client->dead());
  EXPECT_FALSE(p.server->failure().has_value());
  EXPECT_FALSE(p.client->failure().has_value());
  auto received_close_notify = [](const Endpoint& ep) {
    for (const Event& e : ep.events) {
      if (e.type == EventType::kAlertReceived && e.alert == AD::kCloseNotify) return true;
    }
    return false;
  };
  EXPECT_TRUE(received_close_notify(p.server));
  EXPECT_TRUE(received_close_notify(p.client));
  EXPECT_TRUE(p.client.HasEvent(EventType::kClosed));
  EXPECT_TRUE(p.server.HasEvent(EventType::kClosed));
}

// ---- Every suite, every client-auth mode ----

class EverySuite : public ::testing::TestWithParam<uint16_t> {};

TEST_P(EverySuite, HandshakeDataAndCloseWithEachClientAuthMode) {
  const uint16_t suite = GetParam();
  World world;
  {
    SCOPED_TRACE("no client auth");
    Pair p = Handshake(ClientConfig({suite}), ServerConfig({suite}), &world, 1);
    ExpectAgreement(p);
    EXPECT_EQ(p.client->negotiated().suite->id, suite);
    EXPECT_TRUE(p.client->negotiated().extended_master_secret);
    EXPECT_FALSE(p.client->negotiated().client_authenticated);
    EXPECT_EQ(p.client->negotiated().peer_chain.size(), 1u);
    ExchangeDataAndClose(p);
  }
  {
    SCOPED_TRACE("optional, client has no certificate: empty Certificate");
    Config server = ServerConfig({suite});
    server.client_auth = ClientAuthMode::kOptional;
    Pair p = Handshake(ClientConfig({suite}), server, &world, 2);
    ExpectAgreement(p);
    EXPECT_FALSE(p.server->negotiated().client_authenticated);
    ExchangeDataAndClose(p);
  }
  {
    SCOPED_TRACE("optional, RSA client certificate");
    Config server = ServerConfig({suite});
    server.client_auth = ClientAuthMode::kOptional;
    Config client = ClientConfig({suite});
    client.credentials = {Pki().rsa_client};
    World w2;  // a client context with the client credential
    Pair p = Handshake(client, server, &w2, 3);
    ExpectAgreement(p);
    EXPECT_TRUE(p.server->negotiated().client_authenticated);
    EXPECT_EQ(p.server->negotiated().peer_chain, Pki().rsa_client.chain_der);
    EXPECT_TRUE(p.server->negotiated().client_signature.has_value());
    ExchangeDataAndClose(p);
  }
  {
    SCOPED_TRACE("required, ECDSA client certificate");
    Config server = ServerConfig({suite});
    server.client_auth = ClientAuthMode::kRequired;
    Config client = ClientConfig({suite});
    client.credentials = {Pki().ecdsa_client};
    World w3;
    Pair p = Handshake(client, server, &w3, 4);
    ExpectAgreement(p);
    EXPECT_TRUE(p.server->negotiated().client_authenticated);
    ExchangeDataAndClose(p);
  }
  {
    SCOPED_TRACE("required, no client certificate: handshake_failure (checklist 43)");
    Config server = ServerConfig({suite});
    server.client_auth = ClientAuthMode::kRequired;
    Pair p = Handshake(ClientConfig({suite}), server, &world, 5);
    EXPECT_FALSE(p.client->handshake_complete());
    ExpectFatalAlertSent(p.server, AD::kHandshakeFailure);
    ASSERT_NE(p.client.AlertReceived(), nullptr);
    EXPECT_EQ(p.client.AlertReceived()->alert, AD::kHandshakeFailure);
    EXPECT_TRUE(p.client->dead());
    EXPECT_FALSE(p.client->session().has_value());
  }
}

std::string SuiteName(const ::testing::TestParamInfo<uint16_t>& info) {
  return std::string(FindCipherSuite(info.param)->name);
}

INSTANTIATE_TEST_SUITE_P(Engine, EverySuite, ::testing::ValuesIn(SupportedSuites()), SuiteName);

TEST(Negotiation, ServerPicksByItsOwnPreferenceAndGroup) {
  World world;
  Config client = ClientConfig({kRsaGcm, kEcdheRsaGcm, kEcdheEcdsaGcm});
  client.groups = {NamedGroup::kSecp256r1, NamedGroup::kX25519};
  Config server = ServerConfig({kEcdheEcdsaGcm, kEcdheRsaGcm});
  server.groups = {NamedGroup::kX25519, NamedGroup::kSecp256r1};
  Pair p = Handshake(client, server, &world);
  ExpectAgreement(p);
  EXPECT_EQ(p.client->negotiated().suite->id, kEcdheEcdsaGcm);
  EXPECT_EQ(p.client->negotiated().group, NamedGroup::kX25519);
  EXPECT_EQ(p.client->negotiated().server_signature, SignatureScheme::kEcdsaSecp256r1Sha256);
}

// RFC 5246 7.4.1.3: the server chooses; by its own order (the default) or by the client's.
TEST(Negotiation, SuitePreferenceServersOrClients) {
  World world;
  const uint16_t ccm8 = SuiteId("TLS_RSA_WITH_AES_128_CCM_8");
  const uint16_t ccm = SuiteId("TLS_ECDHE_ECDSA_WITH_AES_256_CCM");
  // The client's first suite is one the server lacks: skipped in either order.
  Config client = ClientConfig({kRsaGcm, ccm8, kEcdheRsaGcm, ccm});
  Config server = ServerConfig({ccm, kEcdheRsaGcm, ccm8});
  Pair by_server = Handshake(client, server, &world, 1);
  ExpectAgreement(by_server);
  EXPECT_EQ(by_server.server->negotiated().suite->id, ccm);
  server.suite_preference = SuitePreference::kClient;
  Pair by_client = Handshake(client, server, &world, 2);
  ExpectAgreement(by_client);
  EXPECT_EQ(by_client.server->negotiated().suite->id, ccm8);
}

TEST(Negotiation, Secp256r1AndRsaPss) {
  World world;
  Config client = ClientConfig({kEcdheRsaGcm});
  client.groups = {NamedGroup::kSecp256r1};
  client.signature_schemes = {SignatureScheme::kRsaPssRsaeSha256};
  Pair p = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world);
  ExpectAgreement(p);
  EXPECT_EQ(p.server->negotiated().group, NamedGroup::kSecp256r1);
  EXPECT_EQ(p.server->negotiated().server_signature, SignatureScheme::kRsaPssRsaeSha256);
}

TEST(Negotiation, EmsDisabledOnOneSideGivesLegacyMasterSecret) {
  World world;
  Config client = ClientConfig({kEcdheRsaGcm});
  client.extended_master_secret = EmsPolicy::kDisabled;
  Pair p = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world);
  ExpectAgreement(p);
  EXPECT_FALSE(p.server->negotiated().extended_master_secret);  // checklist 55
}

TEST(Negotiation, EmsRequiredRefusesPeerWithout) {
  World world;
  Config client = ClientConfig({kEcdheRsaGcm});
  client.extended_master_secret = EmsPolicy::kDisabled;
  Config server = ServerConfig({kEcdheRsaGcm});
  server.extended_master_secret = EmsPolicy::kRequired;
  Pair p = Handshake(client, server, &world);
  ExpectFatalAlertSent(p.server, AD::kHandshakeFailure);
}

TEST(Negotiation, Alpn) {
  World world;
  Config client = ClientConfig({kEcdheRsaGcm});
  client.alpn = {"h2", "http/1.1"};
  Config server = ServerConfig({kEcdheRsaGcm});
  server.alpn = {"http/1.1"};
  Pair p = Handshake(client, server, &world);
  ExpectAgreement(p);
  EXPECT_EQ(p.client->negotiated().alpn, "http/1.1");
  EXPECT_EQ(p.server->negotiated().alpn, "http/1.1");
}

TEST(Create, RejectsUnusableConfigurations) {
  DeterministicRng rng(1);
  Environment env;
  env.rng = &rng;
  EXPECT_FALSE(Connection::Create(ClientConfig({}), env).ok());
  EXPECT_FALSE(Connection::Create(ClientConfig({0x0005}), env).ok());  // RC4: not supported
  Config tls11 = ClientConfig({kRsaGcm});
  tls11.min_version = ProtocolVersion::kTls11;
  EXPECT_FALSE(Connection::Create(tls11, env).ok());
  Config no_cred = ServerConfig({kEcdheEcdsaGcm});
  no_cred.credentials = {Pki().rsa_server};
  EXPECT_FALSE(Connection::Create(no_cred, env).ok());
  Config bad_ticket_key = ServerConfig({kRsaGcm});
  bad_ticket_key.ticket_key = Bytes(16, 1);
  EXPECT_FALSE(Connection::Create(bad_ticket_key, env).ok());
  EXPECT_FALSE(Connection::Create(ClientConfig({kRsaGcm}), Environment()).ok());  // no rng
  EXPECT_TRUE(Connection::Create(ClientConfig({kRsaGcm}), env).ok());
}

TEST(PeerAuthentication, ChainValidatedAgainstTrustAnchorsAtTheInjectedTime) {
  Config client = ClientConfig({kEcdheRsaGcm});
  client.trusted_roots = {Pki().ca_der};
  {
    World world;
    world.now = 1735689600;  // 2025-01-01, inside the test PKI's validity
    Pair p = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world);
    ExpectAgreement(p);
  }
  {
    World world;  // 1970: not yet valid
    Pair p = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world);
    ExpectFatalAlertSent(p.client, AD::kCertificateExpired);
  }
  {
    World world;
    world.now = 1735689600;
    Config other_root = client;
    other_root.trusted_roots = {Pki().rsa_client.chain_der[0]};  // not the issuer
    Pair p = Handshake(other_root, ServerConfig({kEcdheRsaGcm}), &world);
    ExpectFatalAlertSent(p.client, AD::kUnknownCa);
  }
}

// ---- Resumption by session ID ----

TEST(Resumption, SessionIdHitIsAbbreviated) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 10);
  ExpectAgreement(first);
  std::optional<Session> session = first.client->session();
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->session_id.size(), 32u);
  EXPECT_EQ(world.cache.size(), 1u);

  Config client = ClientConfig({kEcdheRsaGcm});
  client.resume = session;
  Pair second = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world, 11);
  ExpectAgreement(second);
  EXPECT_TRUE(second.client->negotiated().resumed);
  EXPECT_EQ(second.client->negotiated().session_id, session->session_id);
  EXPECT_EQ(second.client->negotiated().master_secret, session->master_secret);
  EXPECT_EQ(second.client->negotiated().peer_chain, session->peer_chain);
  // RFC 5246 7.3 Figure 2: ServerHello, then the server's CCS and Finished; no Certificate.
  std::vector<Record> server_records = Records(second.server.all_output);
  ASSERT_GE(server_records.size(), 3u);
  EXPECT_TRUE(server_records[0].is(ContentType::kHandshake));
  EXPECT_TRUE(server_records[1].is(ContentType::kChangeCipherSpec));
  EXPECT_EQ(HandshakeMessagesIn(second.server.all_output).size(), 1u);  // only ServerHello
  ExchangeDataAndClose(second);
}

TEST(Resumption, UnknownSessionIdGivesFullHandshakeWithNewId) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 12);
  Session session = *first.client->session();
  session.session_id[0] ^= 1;
  Config client = ClientConfig({kEcdheRsaGcm});
  client.resume = session;
  Pair second = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world, 13);
  ExpectAgreement(second);
  EXPECT_FALSE(second.client->negotiated().resumed);
  EXPECT_NE(second.client->negotiated().session_id, session.session_id);
  EXPECT_NE(second.client->negotiated().master_secret, session.master_secret);
}

TEST(Resumption, SuiteNoLongerAllowedGivesFullHandshake) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 14);
  Config client = ClientConfig({kEcdheRsaGcm, kRsaGcm});
  client.resume = first.client->session();
  // The server now allows only another suite (checklist 25, CVE-2010-4180).
  Pair second = Handshake(client, ServerConfig({kRsaGcm}), &world, 15);
  ExpectAgreement(second);
  EXPECT_FALSE(second.client->negotiated().resumed);
  EXPECT_EQ(second.client->negotiated().suite->id, kRsaGcm);
}

TEST(Resumption, SessionNotOfferedWhenClientDroppedItsSuite) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm, kRsaGcm}),
                         &world, 16);
  Config client = ClientConfig({kRsaGcm});
  client.resume = first.client->session();
  Pair second = Handshake(client, ServerConfig({kEcdheRsaGcm, kRsaGcm}), &world, 17);
  ExpectAgreement(second);
  EXPECT_FALSE(second.client->negotiated().resumed);
  // checklist 25: the ClientHello offered no session at all.
  std::vector<Bytes> ch = HandshakeMessagesIn(second.client.all_output);
  Result<ClientHello> hello = ClientHello::Parse(ByteView(ch[0]).subview(4));
  ASSERT_TRUE(hello.ok());
  EXPECT_TRUE(hello->session_id.empty());
}

struct EmsCase {
  bool original;
  bool resumption;
};

// RFC 7627 5.3 (checklist 56): the four combinations.
TEST(Resumption, ExtendedMasterSecretCombinations) {
  for (EmsCase c : {EmsCase{true, true}, EmsCase{true, false}, EmsCase{false, true},
                    EmsCase{false, false}}) {
    SCOPED_TRACE(std::string("original EMS ") + (c.original ? "yes" : "no") + ", new CH " +
                 (c.resumption ? "yes" : "no"));
    World world;
    Config client1 = ClientConfig({kEcdheRsaGcm});
    if (!c.original) client1.extended_master_secret = EmsPolicy::kDisabled;
    Pair first = Handshake(client1, ServerConfig({kEcdheRsaGcm}), &world, 20);
    ASSERT_TRUE(first.client->handshake_complete());
    EXPECT_EQ(first.client->negotiated().extended_master_secret, c.original);
    Config client2 = ClientConfig({kEcdheRsaGcm});
    if (!c.resumption) client2.extended_master_secret = EmsPolicy::kDisabled;
    client2.resume = first.client->session();
    Pair second = Handshake(client2, ServerConfig({kEcdheRsaGcm}), &world, 21);
    if (c.original && !c.resumption) {
      ExpectFatalAlertSent(second.server, AD::kHandshakeFailure);  // "MUST abort"
      continue;
    }
    ExpectAgreement(second);
    // Original non-EMS + new EMS: "MUST NOT perform the abbreviated handshake".
    EXPECT_EQ(second.client->negotiated().resumed, c.original == c.resumption);
    EXPECT_EQ(second.client->negotiated().extended_master_secret, c.resumption);
  }
}

TEST(Resumption, ClientAbortsWhenResumedServerHelloChangesEms) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 22);
  Config client = ClientConfig({kEcdheRsaGcm});
  client.resume = first.client->session();
  Endpoint c = MakeEndpoint(client, 23, &world);
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 24, &world);
  c->Start();
  s->ReceiveBytes(c.Take());
  std::vector<Bytes> msgs = HandshakeMessagesIn(s.Take());
  ASSERT_FALSE(msgs.empty());
  Result<ServerHello> sh = ServerHello::Parse(ByteView(msgs[0]).subview(4));
  ASSERT_TRUE(sh.ok());
  ASSERT_EQ(sh->session_id, first.client->session()->session_id);  // the server resumed
  ASSERT_TRUE(sh->extensions->Remove(static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret)));
  c->ReceiveBytes(HandshakeRecord(*SerializeHandshake(*sh)));
  ExpectFatalAlertSent(c, AD::kHandshakeFailure);
}

TEST(Resumption, FatalAlertInvalidatesTheSession) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 25);
  std::optional<Session> session = first.client->session();
  Config client = ClientConfig({kEcdheRsaGcm});
  client.resume = session;
  Endpoint c = MakeEndpoint(client, 26, &world);
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 27, &world);
  c->Start();
  s->ReceiveBytes(c.Take());
  ASSERT_FALSE(s->dead());
  s->ReceiveBytes(PlainRecord(0x19, Bytes{1, 2, 3}));  // checklist 1
  ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
  EXPECT_EQ(world.cache.size(), 0u);  // RFC 5246 7.2.2, checklist 12
  Pair third = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world, 28);
  ExpectAgreement(third);
  EXPECT_FALSE(third.client->negotiated().resumed);
}

TEST(Resumption, ExpiredSessionIsNotResumed) {
  World world;
  Pair first = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 29);
  Config client = ClientConfig({kEcdheRsaGcm});
  client.resume = first.client->session();
  world.now += 3600;  // the cache's lifetime
  Pair second = Handshake(client, ServerConfig({kEcdheRsaGcm}), &world, 30);
  ExpectAgreement(second);
  EXPECT_FALSE(second.client->negotiated().resumed);
}

// ---- Session tickets (RFC 5077) ----

Config TicketClient(uint16_t suite) {
  Config c = ClientConfig({suite});
  c.session_tickets = true;
  return c;
}
Config TicketServer(uint16_t suite) {
  Config c = ServerConfig({suite});
  c.session_tickets = true;
  return c;
}

TEST(Tickets, IssuedAndResumedWithoutServerState) {
  World world;
  Pair first = Handshake(TicketClient(kEcdheEcdsaGcm), TicketServer(kEcdheEcdsaGcm), &world, 40);
  ExpectAgreement(first);
  EXPECT_TRUE(first.client->negotiated().ticket_issued);
  EXPECT_TRUE(first.server->negotiated().ticket_issued);
  std::optional<Session> session = first.client->session();
  ASSERT_TRUE(session.has_value());
  EXPECT_FALSE(session->ticket.empty());

  // Another server process: no cache entry, a fresh context, the same ticket key.
  World other;
  Config client = TicketClient(kEcdheEcdsaGcm);
  client.resume = session;
  Pair second = Handshake(client, TicketServer(kEcdheEcdsaGcm), &other, 41);
  ExpectAgreement(second);
  EXPECT_TRUE(second.client->negotiated().resumed);
  EXPECT_EQ(second.client->negotiated().master_secret, session->master_secret);
  // RFC 5077 3.4: the server echoed the session ID the client sent with the ticket.
  EXPECT_EQ(second.client->negotiated().session_id, session->session_id);
  // The ticket was renewed in the abbreviated handshake (RFC 5077 3.3).
  std::optional<Session> renewed = second.client->session();
  ASSERT_TRUE(renewed.has_value());
  EXPECT_FALSE(renewed->ticket.empty());
  EXPECT_NE(renewed->ticket, session->ticket);
  ExchangeDataAndClose(second);

  Config third_client = TicketClient(kEcdheEcdsaGcm);
  third_client.resume = renewed;
  World third_world;
  Pair third = Handshake(third_client, TicketServer(kEcdheEcdsaGcm), &third_world, 42);
  ExpectAgreement(third);
  EXPECT_TRUE(third.client->negotiated().resumed);
}

TEST(Tickets, BadTicketGivesFullHandshake) {
  World world;
  Pair first = Handshake(TicketClient(kRsaGcm), TicketServer(kRsaGcm), &world, 43);
  Session session = *first.client->session();
  session.ticket[session.ticket.size() / 2] ^= 0x40;
  World other;
  Config client = TicketClient(kRsaGcm);
  client.resume = session;
  Pair second = Handshake(client, TicketServer(kRsaGcm), &other, 44);
  ExpectAgreement(second);
  EXPECT_FALSE(second.client->negotiated().resumed);
  EXPECT_NE(second.client->negotiated().session_id, session.session_id);
}

TEST(Tickets, TicketUnderAnotherKeyOrExpiredGivesFullHandshake) {
  World world;
  Pair first = Handshake(TicketClient(kEcdheRsaGcm), TicketServer(kEcdheRsaGcm), &world, 45);
  Config client = TicketClient(kEcdheRsaGcm);
  client.resume = first.client->session();
  {
    World other;
    Config server = TicketServer(kEcdheRsaGcm);
    server.ticket_key = Bytes(32, 0x11);
    Pair second = Handshake(client, server, &other, 46);
    ExpectAgreement(second);
    EXPECT_FALSE(second.client->negotiated().resumed);
  }
  {
    World other;
    other.now = world.now + 7200;  // ticket_lifetime_seconds
    Pair second = Handshake(client, TicketServer(kEcdheRsaGcm), &other, 47);
    ExpectAgreement(second);
    EXPECT_FALSE(second.client->negotiated().resumed);
  }
}

TEST(Tickets, NotIssuedUnlessBothSidesWantThem) {
  World world;
  Pair p = Handshake(TicketClient(kEcdheRsaGcm), ServerConfig({kEcdheRsaGcm}), &world, 48);
  ExpectAgreement(p);
  EXPECT_FALSE(p.client->negotiated().ticket_issued);
  Pair q = Handshake(ClientConfig({kEcdheRsaGcm}), TicketServer(kEcdheRsaGcm), &world, 49);
  ExpectAgreement(q);
  EXPECT_FALSE(q.server->negotiated().ticket_issued);
}

// ---- Determinism, observer, key log ----

TEST(Determinism, SameSeedGivesByteIdenticalTranscripts) {
  for (uint16_t suite : {kEcdheRsaGcm, kRsaCbc, kEcdheEcdsaGcm}) {
    Config server = ServerConfig({suite});
    server.client_auth = ClientAuthMode::kOptional;
    Config client = ClientConfig({suite});
    client.credentials = {Pki().rsa_client};
    World w1, w2, w3;
    Pair a = Handshake(client, server, &w1, 77);
    Pair b = Handshake(client, server, &w2, 77);
    Pair c = Handshake(client, server, &w3, 78);
    ExpectAgreement(a);
    ExchangeDataAndClose(a);
    ExchangeDataAndClose(b);
    EXPECT_EQ(a.client.all_output, b.client.all_output);
    EXPECT_EQ(a.server.all_output, b.server.all_output);
    EXPECT_NE(a.client.all_output, c.client.all_output);
  }
}

class Recorder : public Observer {
 public:
  void OnStateChange(std::string_view from, std::string_view to) override {
    states.push_back(std::string(from) + "->" + std::string(to));
  }
  void OnMessage(Direction d, const FlowStep& step, ByteView encoded, size_t offset) override {
    steps.push_back(step);
    offsets.push_back(offset);
    sizes.push_back(step.change_cipher_spec ? 0 : encoded.size());
  }
  void OnSecret(std::string_view label, ByteView random, ByteView secret) override {
    secrets.push_back(std::string(label));
  }
  void OnAlert(Direction d, AlertLevel l, AlertDescription a) override { alerts.push_back(a); }
  std::vector<std::string> states;
  std::vector<FlowStep> steps;
  std::vector<size_t> offsets;
  std::vector<size_t> sizes;
  std::vector<std::string> secrets;
  std::vector<AlertDescription> alerts;
};

TEST(Observer, ReportsStepsOfATableFlowSecretsAndStates) {
  World world;
  Recorder rec;
  std::ostringstream keylog;
  KeyLogWriter writer(&keylog);
  ObserverList both;
  both.Add(&rec);
  both.Add(&writer);
  Endpoint c = MakeEndpoint(ClientConfig({kEcdheRsaGcm}), 5, &world, &both);
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 6, &world);
  c->Start();
  ASSERT_TRUE(Pump(c, s));
  ASSERT_TRUE(c->handshake_complete());
  // The steps are exactly one flow of the table.
  bool matched = false;
  for (const HandshakeFlow& f : HandshakeFlows()) matched = matched || f.steps == rec.steps;
  EXPECT_TRUE(matched);
  // Each handshake message starts where the previous one ended in the transcript.
  for (size_t i = 1; i < rec.offsets.size(); ++i) {
    EXPECT_EQ(rec.offsets[i], rec.offsets[i - 1] + rec.sizes[i - 1]) << i;
  }
  EXPECT_EQ(rec.secrets, (std::vector<std::string>{"PRE_MASTER_SECRET", "CLIENT_RANDOM",
                                                   "KEY_BLOCK"}));
  // One state change per step, named after the table's prefix tree.
  EXPECT_EQ(rec.states.size(), rec.steps.size());
  EXPECT_EQ(rec.states.front(), "start->after C:client_hello");
  EXPECT_EQ(rec.states.back(), "after S:change_cipher_spec->after S:finished");
  EXPECT_EQ(c->state(), "after S:finished");
  // The NSS key log line (the SSLKEYLOGFILE format).
  const Negotiated& n = c->negotiated();
  EXPECT_EQ(keylog.str(),
            "CLIENT_RANDOM " + ToHex(n.client_random) + " " + ToHex(n.master_secret) + "\n");
}

// ---- Server: ClientHello processing (section D of the checklist) ----

ClientHello RealClientHello(const Config& config) {
  Endpoint c = MakeEndpoint(config, 3, nullptr);
  c->Start();
  std::vector<Bytes> msgs = HandshakeMessagesIn(c.Take());
  Result<ClientHello> ch = ClientHello::Parse(ByteView(msgs.at(0)).subview(4));
  EXPECT_TRUE(ch.ok());
  return *ch;
}

Endpoint ServerGets(const ClientHello& ch, uint16_t suite = kEcdheRsaGcm) {
  Endpoint s = MakeEndpoint(ServerConfig({suite}), 4, nullptr);
  s->ReceiveBytes(HandshakeRecord(*SerializeHandshake(ch)));
  return s;
}

std::optional<ServerHello> ServerHelloFrom(Endpoint& s) {
  std::vector<Bytes> msgs = HandshakeMessagesIn(s.Take());
  if (msgs.empty()) return std::nullopt;
  Result<ServerHello> sh = ServerHello::Parse(ByteView(msgs[0]).subview(4));
  if (!sh.ok()) return std::nullopt;
  return *sh;
}

TEST(ServerChecks, HigherClientVersionsGetTls12) {  // checklist 26
  for (uint16_t v : {0x0304, 0x0305, 0x03ff, 0x0400}) {
    ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
    ch.client_version = static_cast<ProtocolVersion>(v);
    Endpoint s = ServerGets(ch);
    std::optional<ServerHello> sh = ServerHelloFrom(s);
    ASSERT_TRUE(sh.has_value()) << v;
    EXPECT_EQ(sh->server_version, ProtocolVersion::kTls12);
  }
}

TEST(ServerChecks, OldVersionsGetProtocolVersion) {  // checklists 26, 27
  for (uint16_t v : {0x0302, 0x0301, 0x0300, 0x0200, 0x0002}) {
    ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
    ch.client_version = static_cast<ProtocolVersion>(v);
    Endpoint s = ServerGets(ch);
    ExpectFatalAlertSent(s, AD::kProtocolVersion);
  }
}

TEST(ServerChecks, FallbackScsv) {  // checklist 36b
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ch.cipher_suites.push_back(kFallbackScsv);
  Endpoint ok = ServerGets(ch);
  EXPECT_TRUE(ServerHelloFrom(ok).has_value());
  ch.client_version = ProtocolVersion::kTls11;
  Endpoint s = ServerGets(ch);
  ExpectFatalAlertSent(s, AD::kInappropriateFallback);
}

TEST(ServerChecks, CompressionMustOfferNull) {  // checklist 23
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ch.compression_methods = {1};
  Endpoint s = ServerGets(ch);
  ExpectFatalAlertSent(s, AD::kIllegalParameter);
  ch.compression_methods = {1, 0};
  Endpoint ok = ServerGets(ch);
  std::optional<ServerHello> sh = ServerHelloFrom(ok);
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->compression_method, 0);
}

TEST(ServerChecks, SuiteSelection) {  // checklists 24, 32
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ch.cipher_suites = {0x0a0a, 0xffff, kEcdheRsaGcm};  // GREASE/unknown first: ignored
  Endpoint ok = ServerGets(ch);
  ASSERT_TRUE(ServerHelloFrom(ok).has_value());
  ch.cipher_suites = {0x0005, 0x0004, 0x0003};  // RC4 and export only
  Endpoint rc4 = ServerGets(ch);
  ExpectFatalAlertSent(rc4, AD::kHandshakeFailure);
  ch.cipher_suites = {kRsaGcm};  // known, but the server does not allow it
  Endpoint none = ServerGets(ch);
  ExpectFatalAlertSent(none, AD::kHandshakeFailure);
}

TEST(ServerChecks, RenegotiationInfo) {  // checklist 51
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ch.extensions->Remove(static_cast<uint16_t>(ExtensionType::kRenegotiationInfo));
  ch.cipher_suites.push_back(kEmptyRenegotiationInfoScsv);
  Endpoint scsv = ServerGets(ch);
  std::optional<ServerHello> sh = ServerHelloFrom(scsv);
  ASSERT_TRUE(sh.has_value());
  const Extension* ri = sh->extensions->FindRaw(0xff01);
  ASSERT_NE(ri, nullptr);
  EXPECT_EQ(ri->body, Bytes{0});  // ff 01 00 01 00

  ClientHello plain = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  plain.extensions->Remove(static_cast<uint16_t>(ExtensionType::kRenegotiationInfo));
  Endpoint legacy = ServerGets(plain);
  sh = ServerHelloFrom(legacy);
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->extensions->FindRaw(0xff01), nullptr);  // never unsolicited

  ClientHello bad = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ASSERT_TRUE(bad.extensions->Set(RenegotiationInfoExt{Bytes(12, 7)}).ok());
  Endpoint s = ServerGets(bad);
  ExpectFatalAlertSent(s, AD::kHandshakeFailure);
}

TEST(ServerChecks, PointFormatsWithoutUncompressed) {  // checklist 58
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ASSERT_TRUE(ch.extensions->Set(EcPointFormatsExt{{EcPointFormat::kAnsiX962CompressedPrime}}).ok());
  Endpoint s = ServerGets(ch);
  ExpectFatalAlertSent(s, AD::kIllegalParameter);
}

TEST(ServerChecks, MalformedExtensions) {  // checklists 29, 54
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ch.extensions->SetRaw(static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret), {0});
  Endpoint ems = ServerGets(ch);
  ExpectFatalAlertSent(ems, AD::kDecodeError);
  ClientHello dup = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  dup.extensions->mutable_list().push_back(
      Extension{static_cast<uint16_t>(ExtensionType::kExtendedMasterSecret), {}});
  Endpoint d = ServerGets(dup);
  ExpectFatalAlertSent(d, AD::kDecodeError);
}

TEST(ServerChecks, NoExtensionsAtAllStillWorks) {  // checklist 21
  ClientHello ch = RealClientHello(ClientConfig({kRsaGcm}));
  ch.extensions.reset();
  Endpoint s = ServerGets(ch, kRsaGcm);
  std::optional<ServerHello> sh = ServerHelloFrom(s);
  ASSERT_TRUE(sh.has_value());
  EXPECT_FALSE(sh->extensions.has_value());
}

TEST(ServerChecks, TruncatedClientHelloIsDecodeError) {  // checklist 21
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  Bytes body = *SerializeToBytes(ch);
  for (size_t cut : {size_t{1}, size_t{35}, body.size() - 1}) {
    Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
    s->ReceiveBytes(HandshakeRecord(RawHandshake(1, ByteView(body).subview(0, cut))));
    ExpectFatalAlertSent(s, AD::kDecodeError);
  }
}

TEST(ServerChecks, HelloRequestFromClientIsUnexpected) {  // checklist 20
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(HandshakeRecord(RawHandshake(0, {})));
  ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
}

// ---- Record layer (section A) ----

TEST(RecordLayer, UnknownContentTypes) {  // checklist 1
  for (uint8_t type : {0x00, 0x18, 0x19, 0xff}) {
    Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
    s->ReceiveBytes(PlainRecord(type, Bytes{1, 2}));
    ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
  }
}

TEST(RecordLayer, ClientHelloByteByByteAndAnyRecordVersion) {  // checklists 5, 6
  for (uint16_t version : {0x0300, 0x0301, 0x0303, 0x03ff}) {
    World world;
    Endpoint c = MakeEndpoint(ClientConfig({kEcdheRsaGcm}), 8, &world);
    Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 9, &world);
    c->Start();
    Bytes hello = HandshakeMessagesIn(c.Take()).at(0);
    Bytes stream;
    for (uint8_t b : hello) Append(stream, PlainRecord(ContentType::kHandshake, Bytes{b}, version));
    s->ReceiveBytes(stream);
    c->ReceiveBytes(s.Take());
    ASSERT_TRUE(Pump(c, s));
    EXPECT_TRUE(c->handshake_complete()) << version;
    EXPECT_TRUE(s->handshake_complete()) << version;
  }
}

TEST(RecordLayer, OtherRecordInsideFragmentedMessage) {  // checklist 5
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  Bytes msg = *SerializeHandshake(ch);
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  Bytes input = HandshakeRecord(ByteView(msg).subview(0, 10));
  Append(input, PlainRecord(ContentType::kAlert, Bytes{1, 90}));  // warning user_canceled
  Append(input, HandshakeRecord(ByteView(msg).subview(10)));
  s->ReceiveBytes(input);
  ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
}

TEST(RecordLayer, OversizedPlaintextRecord) {  // checklist 2
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(PlainRecord(ContentType::kHandshake, Bytes((1 << 14) + 1, 1)));
  ExpectFatalAlertSent(s, AD::kRecordOverflow);
}

TEST(RecordLayer, EmptyHandshakeRecord) {  // checklist 4
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(PlainRecord(ContentType::kHandshake, {}));
  ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
}

TEST(RecordLayer, ApplicationDataBeforeHandshake) {
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(PlainRecord(ContentType::kApplicationData, Bytes{1}));
  ExpectFatalAlertSent(s, AD::kUnexpectedMessage);
}

TEST(RecordLayer, TamperedProtectedRecordIsBadRecordMac) {  // checklists 8, 10
  for (uint16_t suite : {kEcdheRsaGcm, kRsaCbc}) {
    World world;
    Pair p = Handshake(ClientConfig({suite}), ServerConfig({suite}), &world, 9);
    ASSERT_TRUE(p.client->SendApplicationData(Bytes(100, 'a')).ok());
    Bytes record = p.client.Take();
    record[record.size() - 5] ^= 1;
    p.server->ReceiveBytes(record);
    ExpectFatalAlertSent(p.server, AD::kBadRecordMac);
  }
}

TEST(RecordLayer, ReplayedRecordIsBadRecordMac) {  // checklist 7
  World world;
  Pair p = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 9);
  ASSERT_TRUE(p.client->SendApplicationData(Bytes(10, 'a')).ok());
  Bytes record = p.client.Take();
  p.server->ReceiveBytes(record);
  EXPECT_FALSE(p.server->dead());
  p.server->ReceiveBytes(record);
  ExpectFatalAlertSent(p.server, AD::kBadRecordMac);
}

// ---- Alerts (section B) ----

TEST(Alerts, ReservedAlertsAreNeverSent) {  // checklist 11
  EXPECT_EQ(AlertToSend(Status::Error(AD::kDecryptionFailed, "")), AD::kBadRecordMac);
  EXPECT_EQ(AlertToSend(Status::Error(AD::kNoCertificate, "")), AD::kHandshakeFailure);
  EXPECT_EQ(AlertToSend(Status::Error(AD::kExportRestriction, "")), AD::kInsufficientSecurity);
  EXPECT_EQ(AlertToSend(Status::Error(AD::kDecodeError, "")), AD::kDecodeError);
}

TEST(Alerts, WarningFloodIsCut) {  // checklist 14
  World world;
  Pair p = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 9);
  auto* raw = static_cast<ConnectionBase*>(p.client.conn.get());
  for (int i = 0; i < kMaxConsecutiveWarningAlerts; ++i) {
    ASSERT_TRUE(raw->SendRawRecordForTesting(21, Bytes{1, 90}).ok());
  }
  p.server->ReceiveBytes(p.client.Take());
  EXPECT_FALSE(p.server->dead());
  ASSERT_TRUE(raw->SendRawRecordForTesting(21, Bytes{1, 90}).ok());
  p.server->ReceiveBytes(p.client.Take());
  ExpectFatalAlertSent(p.server, AD::kUnexpectedMessage);
}

TEST(Alerts, MalformedAlertRecords) {  // checklist 14
  for (Bytes body : {Bytes{2}, Bytes{2, 40, 0}, Bytes{}}) {
    Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
    s->ReceiveBytes(PlainRecord(ContentType::kAlert, body));
    ExpectFatalAlertSent(s, AD::kDecodeError);
  }
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(PlainRecord(ContentType::kAlert, Bytes{3, 40}));  // level 3
  ExpectFatalAlertSent(s, AD::kIllegalParameter);
}

TEST(Alerts, FatalAlertReceivedKillsTheConnection) {
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 4, nullptr);
  s->ReceiveBytes(PlainRecord(ContentType::kAlert, Bytes{2, 40}));
  s.Take();
  EXPECT_TRUE(s->dead());
  ASSERT_TRUE(s->failure().has_value());
  EXPECT_EQ(s->failure()->alert(), AD::kHandshakeFailure);
  EXPECT_EQ(s.AlertSent(), nullptr);  // no answer to a fatal alert
  EXPECT_TRUE(s.HasEvent(EventType::kClosed));
}

// ---- ServerHello processing (section E, client side) ----

// A client that sent its ClientHello, and the server's answer as messages.
struct ClientAtServerHello {
  Endpoint client;
  std::vector<Bytes> server_messages;
  World world;
};

std::unique_ptr<ClientAtServerHello> StartClient(uint16_t suite = kEcdheRsaGcm,
                                                 Config client_config = Config()) {
  auto t = std::make_unique<ClientAtServerHello>();
  Config cc = client_config.cipher_suites.empty() ? ClientConfig({suite}) : client_config;
  t->client = MakeEndpoint(cc, 31, &t->world);
  Endpoint s = MakeEndpoint(ServerConfig({suite}), 32, &t->world);
  t->client->Start();
  s->ReceiveBytes(t->client.Take());
  t->server_messages = HandshakeMessagesIn(s.Take());
  return t;
}

ServerHello ParseSh(const Bytes& m) { return *ServerHello::Parse(ByteView(m).subview(4)); }

void DeliverWithServerHello(ClientAtServerHello& t, const ServerHello& sh) {
  Bytes input = HandshakeRecord(*SerializeHandshake(sh));
  for (size_t i = 1; i < t.server_messages.size(); ++i) {
    Append(input, HandshakeRecord(t.server_messages[i]));
  }
  t.client->ReceiveBytes(input);
}

TEST(ClientChecks, UnsolicitedServerHelloExtensions) {  // checklists 30, 33
  for (uint16_t type : {uint16_t{15}, uint16_t{16}, uint16_t{13}, uint16_t{10}, uint16_t{0x1234}}) {
    auto t = StartClient();
    ServerHello sh = ParseSh(t->server_messages[0]);
    sh.extensions->SetRaw(type, type == 16 ? Bytes{0, 3, 2, 'h', '2'} : Bytes{0, 2, 4, 1});
    DeliverWithServerHello(*t, sh);
    ExpectFatalAlertSent(t->client, AD::kUnsupportedExtension);
  }
}

TEST(ClientChecks, ServerHelloChoices) {  // checklists 34, 35, 27
  {
    auto t = StartClient();
    ServerHello sh = ParseSh(t->server_messages[0]);
    sh.cipher_suite = kRsaGcm;  // not offered
    DeliverWithServerHello(*t, sh);
    ExpectFatalAlertSent(t->client, AD::kIllegalParameter);
  }
  {
    auto t = StartClient();
    ServerHello sh = ParseSh(t->server_messages[0]);
    sh.compression_method = 1;
    DeliverWithServerHello(*t, sh);
    ExpectFatalAlertSent(t->client, AD::kIllegalParameter);
  }
  for (uint16_t v : {0x0302, 0x0300, 0x0304}) {
    auto t = StartClient();
    ServerHello sh = ParseSh(t->server_messages[0]);
    sh.server_version = static_cast<ProtocolVersion>(v);
    DeliverWithServerHello(*t, sh);
    ExpectFatalAlertSent(t->client, AD::kProtocolVersion);
  }
  {
    auto t = StartClient();  // checklist 50
    ServerHello sh = ParseSh(t->server_messages[0]);
    ASSERT_TRUE(sh.extensions->Set(RenegotiationInfoExt{Bytes{1, 2, 3, 4}}).ok());
    DeliverWithServerHello(*t, sh);
    ExpectFatalAlertSent(t->client, AD::kHandshakeFailure);
  }
}

TEST(ClientChecks, ServerKeyExchange) {  // checklists 40, 58
  auto mutate = [](std::function<void(ServerKeyExchange&)> change, AD expected) {
    auto t = StartClient();
    ASSERT_EQ(t->server_messages.size(), 4u);  // SH, Certificate, SKE, SHD
    Result<ServerKeyExchange> ske =
        ServerKeyExchange::Parse(ByteView(t->server_messages[2]).subview(4), KeyExchangeKind::kEcdhe);
    ASSERT_TRUE(ske.ok());
    change(*ske);
    t->server_messages[2] = *SerializeHandshake(*ske);
    Bytes input;
    for (const Bytes& m : t->server_messages) Append(input, HandshakeRecord(m));
    t->client->ReceiveBytes(input);
    ExpectFatalAlertSent(t->client, expected);
  };
  mutate([](ServerKeyExchange& s) { s.signature[10] ^= 1; }, AD::kDecryptError);
  mutate([](ServerKeyExchange& s) { s.algorithm = SignatureScheme::kRsaPkcs1Md5; },
         AD::kIllegalParameter);
  mutate([](ServerKeyExchange& s) { s.algorithm = SignatureScheme::kEcdsaSecp256r1Sha256; },
         AD::kIllegalParameter);  // offered, but does not match the RSA key
  mutate([](ServerKeyExchange& s) { std::get<EcdhServerParams>(s.params).public_key.pop_back(); },
         AD::kIllegalParameter);
  mutate([](ServerKeyExchange& s) {
           std::get<EcdhServerParams>(s.params).named_curve = NamedGroup::kSecp384r1;
         },
         AD::kIllegalParameter);
}

TEST(ClientChecks, EmptyServerCertificateAndWrongKeyType) {  // checklists 38, 41
  {
    auto t = StartClient();
    t->server_messages[1] = *SerializeHandshake(Certificate{});
    DeliverWithServerHello(*t, ParseSh(t->server_messages[0]));
    ExpectFatalAlertSent(t->client, AD::kDecodeError);
  }
  {
    auto t = StartClient();
    t->server_messages[1] = *SerializeHandshake(Certificate{Pki().ecdsa_server.chain_der});
    DeliverWithServerHello(*t, ParseSh(t->server_messages[0]));
    ExpectFatalAlertSent(t->client, AD::kUnsupportedCertificate);
  }
}

TEST(ClientChecks, HelloRequestDuringHandshakeIsIgnoredAndNotHashed) {  // checklist 20
  World world;
  Endpoint c = MakeEndpoint(ClientConfig({kEcdheRsaGcm}), 51, &world);
  Endpoint s = MakeEndpoint(ServerConfig({kEcdheRsaGcm}), 52, &world);
  c->Start();
  s->ReceiveBytes(c.Take());
  std::vector<Bytes> msgs = HandshakeMessagesIn(s.Take());
  Bytes input = HandshakeRecord(msgs[0]);
  Append(input, HandshakeRecord(RawHandshake(0, {})));
  for (size_t i = 1; i < msgs.size(); ++i) Append(input, HandshakeRecord(msgs[i]));
  c->ReceiveBytes(input);
  ASSERT_TRUE(Pump(c, s));
  EXPECT_TRUE(c->handshake_complete());  // both Finished verified
  EXPECT_TRUE(s->handshake_complete());
  EXPECT_EQ(c.AlertSent(), nullptr);
}

TEST(Renegotiation, RefusedWithWarningAndConnectionContinues) {  // checklist 53
  World world;
  Pair p = Handshake(ClientConfig({kEcdheRsaGcm}), ServerConfig({kEcdheRsaGcm}), &world, 9);
  auto* server = static_cast<ConnectionBase*>(p.server.conn.get());
  ASSERT_TRUE(server->SendRawRecordForTesting(22, RawHandshake(0, {})).ok());
  p.client->ReceiveBytes(p.server.Take());
  p.server->ReceiveBytes(p.client.Take());  // the warning: ignored by the server
  EXPECT_FALSE(p.server->dead());
  ASSERT_NE(p.client.AlertSent(), nullptr);
  EXPECT_EQ(p.client.AlertSent()->level, AlertLevel::kWarning);
  EXPECT_EQ(p.client.AlertSent()->alert, AD::kNoRenegotiation);
  EXPECT_FALSE(p.client->dead());

  auto* client = static_cast<ConnectionBase*>(p.client.conn.get());
  ClientHello ch = RealClientHello(ClientConfig({kEcdheRsaGcm}));
  ASSERT_TRUE(client->SendRawRecordForTesting(22, *SerializeHandshake(ch)).ok());
  p.server->ReceiveBytes(p.client.Take());
  p.client->ReceiveBytes(p.server.Take());  // the warning: ignored by the client
  ASSERT_NE(p.server.AlertSent(), nullptr);
  EXPECT_EQ(p.server.AlertSent()->level, AlertLevel::kWarning);
  EXPECT_EQ(p.server.AlertSent()->alert, AD::kNoRenegotiation);
  EXPECT_FALSE(p.server->dead());
  ExchangeDataAndClose(p);
}

// ---- The client's second flight, seen by the server ----

struct ServerAtClientFlight {
  World world;
  Endpoint client;
  Endpoint server;
  std::vector<Record> flight;  // the client's records: handshake..., CCS, Finished
};

std::unique_ptr<ServerAtClientFlight> RunToClientFlight(uint16_t suite, bool client_cert) {
  auto t = std::make_unique<ServerAtClientFlight>();
  Config cc = ClientConfig({suite});
  Config sc = ServerConfig({suite});
  if (client_cert) {
    cc.credentials = {Pki().rsa_client};
    sc.client_auth = ClientAuthMode::kRequired;
  }
  t->client = MakeEndpoint(cc, 61, &t->world);
  t->server = MakeEndpoint(sc, 62, &t->world);
  t->client->Start();
  t->server->ReceiveBytes(t->client.Take());
  t->client->ReceiveBytes(t->server.Take());
  t->flight = Records(t->client.Take());
  return t;
}

Bytes Join(const std::vector<Record>& records) {
  Bytes out;
  for (const Record& r : records) Append(out, *SerializeRecord(r));
  return out;
}

TEST(ServerChecks, ClientFinishedMismatchIsDecryptError) {  // checklist 46
  for (uint16_t suite : {kEcdheRsaGcm, kRsaCbc}) {
    auto t = RunToClientFlight(suite, false);
    Record& fin = t->flight.back();
    Bytes plain = OpenFirstProtected(*t->client.conn, Side::kClient, fin);
    ASSERT_EQ(plain.size(), 16u);
    plain[6] ^= 0x01;
    Bytes resealed = SealAsFirstProtected(*t->client.conn, Side::kClient, ContentType::kHandshake,
                                          plain);
    t->flight.pop_back();
    Bytes input = Join(t->flight);
    Append(input, resealed);
    t->server->ReceiveBytes(input);
    ExpectFatalAlertSent(t->server, AD::kDecryptError);
  }
}

TEST(ServerChecks, RsaPreMasterSecretFailureShowsOnlyAtFinished) {  // checklist 45b
  auto t = RunToClientFlight(kRsaGcm, false);
  ASSERT_TRUE(t->flight[0].is(ContentType::kHandshake));
  Bytes& cke = t->flight[0].fragment;  // ClientKeyExchange alone in the first record
  ASSERT_EQ(cke[0], 16);
  cke[cke.size() - 3] ^= 0x55;  // corrupt the RSA ciphertext
  t->server->ReceiveBytes(Join({t->flight[0]}));
  EXPECT_TRUE(t->server->TakeOutput().empty());  // no alert at ClientKeyExchange
  EXPECT_FALSE(t->server->dead());
  t->server->ReceiveBytes(Join({t->flight.begin() + 1, t->flight.end()}));
  // The keys differ, so the client's protected Finished does not authenticate.
  ExpectFatalAlertSent(t->server, AD::kBadRecordMac);
}

TEST(ServerChecks, CertificateVerifyChecks) {  // checklist 44
  {
    auto t = RunToClientFlight(kEcdheRsaGcm, true);
    Bytes& hs = t->flight[0].fragment;  // Certificate, CKE, CV coalesced
    hs[hs.size() - 7] ^= 1;             // inside the CV signature
    t->server->ReceiveBytes(Join(t->flight));
    ExpectFatalAlertSent(t->server, AD::kDecryptError);
  }
  {
    auto t = RunToClientFlight(kEcdheRsaGcm, true);
    std::vector<Bytes> msgs = HandshakeMessagesIn(Join({t->flight[0]}));
    ASSERT_EQ(msgs.size(), 3u);
    Result<CertificateVerify> cv = CertificateVerify::Parse(ByteView(msgs[2]).subview(4));
    ASSERT_TRUE(cv.ok());
    cv->algorithm = SignatureScheme::kRsaPkcs1Md5;  // not in the CertificateRequest
    Bytes input = HandshakeRecord(msgs[0]);
    Append(input, HandshakeRecord(msgs[1]));
    Append(input, HandshakeRecord(*SerializeHandshake(*cv)));
    t->server->ReceiveBytes(input);
    ExpectFatalAlertSent(t->server, AD::kIllegalParameter);
  }
}

TEST(ServerChecks, MalformedChangeCipherSpec) {  // checklist 16
  for (Bytes body : {Bytes{1, 1}, Bytes{2}, Bytes{}}) {
    auto t = RunToClientFlight(kEcdheRsaGcm, false);
    ASSERT_TRUE(t->flight[1].is(ContentType::kChangeCipherSpec));
    t->flight[1].fragment = body;
    t->server->ReceiveBytes(Join(t->flight));
    ExpectFatalAlertSent(t->server, AD::kUnexpectedMessage);
  }
}

TEST(ServerChecks, BadClientKeyExchangePoint) {  // checklist 58
  auto t = RunToClientFlight(kEcdheRsaGcm, false);
  Bytes& cke = t->flight[0].fragment;
  // x25519 ClientKeyExchange: 16 | len(3) | 32 | u; a u-coordinate of 0 is low order.
  ASSERT_EQ(cke.size(), 4u + 1 + 32);
  std::fill(cke.begin() + 5, cke.end(), 0);
  t->server->ReceiveBytes(Join(t->flight));
  ExpectFatalAlertSent(t->server, AD::kIllegalParameter);
}

// ---- Garbage never crashes and always ends in a verdict ----

TEST(BadInput, RandomBytesAtEveryStage) {
  DeterministicRng noise(4242);
  for (int trial = 0; trial < 60; ++trial) {
    World world;
    const uint16_t suite = trial % 3 == 0 ? kRsaCbc : (trial % 3 == 1 ? kEcdheRsaGcm : kEcdheEcdsaGcm);
    Endpoint c = MakeEndpoint(ClientConfig({suite}), 100 + trial, &world);
    Endpoint s = MakeEndpoint(ServerConfig({suite}), 200 + trial, &world);
    c->Start();
    // Advance a random number of half-steps, then hit one side with garbage.
    const int steps = trial % 5;
    for (int i = 0; i < steps; ++i) {
      if (i % 2 == 0) s->ReceiveBytes(c.Take()); else c->ReceiveBytes(s.Take());
    }
    Endpoint& victim = trial % 2 == 0 ? s : c;
    Endpoint& other = trial % 2 == 0 ? c : s;
    Bytes honest = other.Take();
    Bytes garbage(1 + noise.next_byte() % 200);
    noise.randomize(garbage.data(), garbage.size());
    Bytes input;
    switch (trial % 4) {
      case 0: input = garbage; break;                                   // pure noise
      case 1: input = PlainRecord(22, garbage); break;                  // noise as handshake
      case 2: input = Bytes(honest.begin(), honest.begin() + honest.size() / 2); break;  // truncated
      case 3:                                                           // one bit flipped
        input = honest;
        if (!input.empty()) input[noise.next_byte() % input.size()] ^= 1 << (trial % 8);
        break;
    }
    victim->ReceiveBytes(input);
    victim.Take();
    if (victim->dead()) {
      ASSERT_NE(victim.AlertSent(), nullptr) << trial;
      EXPECT_EQ(victim.AlertSent()->level, AlertLevel::kFatal);
      victim->ReceiveBytes(garbage);
      EXPECT_TRUE(victim->TakeOutput().empty());
    } else {
      EXPECT_FALSE(victim->failure().has_value());  // still waiting for more data
    }
  }
}

}  // namespace
}  // namespace shakedown
