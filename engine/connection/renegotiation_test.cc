// Secure renegotiation (RFC 5746) between two engines: started by either side, refused by
// policy or after too many, with application data under the old keys until the new ones.
#include <gtest/gtest.h>

#include "engine/connection/connection_internal.h"
#include "engine/connection/test_support.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
const uint16_t kCbc = 0xc013;  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA

Config Client(RenegotiationPolicy policy, std::vector<uint16_t> suites = {kGcm}) {
  Config c = ClientConfig(std::move(suites));
  c.renegotiation = policy;
  return c;
}
Config Server(RenegotiationPolicy policy, std::vector<uint16_t> suites = {kGcm}) {
  Config c = ServerConfig(std::move(suites));
  c.renegotiation = policy;
  return c;
}

int Count(const Endpoint& e, EventType type) {
  int n = 0;
  for (const Event& ev : e.events) n += ev.type == type ? 1 : 0;
  return n;
}

void ExpectDataBothWays(Pair& p, const std::string& tag) {
  ASSERT_TRUE(p.client->SendApplicationData(Bytes(tag.begin(), tag.end())).ok());
  ASSERT_TRUE(p.server->SendApplicationData(Bytes(tag.begin(), tag.end())).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_NE(p.server.Received().find(tag), std::string::npos);
  EXPECT_NE(p.client.Received().find(tag), std::string::npos);
}

TEST(RenegotiationTest, ClientInitiatedCompletesWithNewKeys) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), Server(RenegotiationPolicy::kAccept),
                     &world);
  ASSERT_TRUE(p.server->negotiated().secure_renegotiation);
  const Negotiated first = p.server->negotiated();
  ASSERT_TRUE(p.client->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.client.AlertSent(), nullptr);
  EXPECT_EQ(p.server.AlertSent(), nullptr);
  EXPECT_EQ(Count(p.client, EventType::kHandshakeComplete), 2);
  EXPECT_EQ(Count(p.server, EventType::kHandshakeComplete), 2);
  const Negotiated& second = p.server->negotiated();
  EXPECT_EQ(second.renegotiations, 1);
  EXPECT_EQ(p.client->negotiated().renegotiations, 1);
  EXPECT_NE(second.client_random, first.client_random);
  EXPECT_NE(second.master_secret, first.master_secret);
  EXPECT_EQ(second.master_secret, p.client->negotiated().master_secret);
  ExpectDataBothWays(p, "after");
}

TEST(RenegotiationTest, ServerInitiatedByHelloRequest) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), Server(RenegotiationPolicy::kAccept),
                     &world, 2);
  ASSERT_TRUE(p.server->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.client.AlertSent(), nullptr);
  EXPECT_EQ(p.server->negotiated().renegotiations, 1);
  EXPECT_EQ(p.client->negotiated().renegotiations, 1);
  ExpectDataBothWays(p, "after");
}

TEST(RenegotiationTest, InitiatePolicyRenegotiatesOnceRightAway) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), Server(RenegotiationPolicy::kInitiate),
                     &world, 3);
  EXPECT_EQ(p.server->negotiated().renegotiations, 1);
  EXPECT_EQ(p.client->negotiated().renegotiations, 1);
  Pair q = Handshake(Client(RenegotiationPolicy::kInitiate), Server(RenegotiationPolicy::kAccept),
                     &world, 4);
  EXPECT_EQ(q.server->negotiated().renegotiations, 1);
  ExpectDataBothWays(q, "after");
}

TEST(RenegotiationTest, RefusedByDefaultWithAWarningAndTheConnectionGoesOn) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), ServerConfig({kGcm}), &world, 5);
  EXPECT_FALSE(p.server->Renegotiate().ok());  // its own policy
  ASSERT_TRUE(p.client->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  ASSERT_NE(p.server.AlertSent(), nullptr);
  EXPECT_EQ(p.server.AlertSent()->alert, AlertDescription::kNoRenegotiation);
  EXPECT_EQ(p.server.AlertSent()->level, AlertLevel::kWarning);
  EXPECT_FALSE(p.client->dead());
  // The client's renegotiation never completes; the old keys still carry data.
  EXPECT_EQ(p.client->negotiated().renegotiations, 0);
  ExpectDataBothWays(p, "still");
}

TEST(RenegotiationTest, ClientRefusesHelloRequestByDefault) {
  World world;
  Pair p = Handshake(ClientConfig({kGcm}), Server(RenegotiationPolicy::kAccept), &world, 6);
  ASSERT_TRUE(p.server->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  ASSERT_NE(p.client.AlertSent(), nullptr);
  EXPECT_EQ(p.client.AlertSent()->alert, AlertDescription::kNoRenegotiation);
  ExpectDataBothWays(p, "still");
}

TEST(RenegotiationTest, APeerMayStartOnlyAFew) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), Server(RenegotiationPolicy::kAccept),
                     &world, 7);
  for (int i = 1; i <= kMaxPeerRenegotiations; ++i) {
    ASSERT_TRUE(p.client->Renegotiate().ok()) << i;
    ASSERT_TRUE(Pump(p.client, p.server));
    ASSERT_EQ(p.server->negotiated().renegotiations, i);
  }
  ASSERT_TRUE(p.client->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  ASSERT_NE(p.server.AlertSent(), nullptr);
  EXPECT_EQ(p.server.AlertSent()->alert, AlertDescription::kNoRenegotiation);
  EXPECT_EQ(p.server->negotiated().renegotiations, kMaxPeerRenegotiations);
  EXPECT_FALSE(p.server->dead());
}

TEST(RenegotiationTest, ApplicationDataInterleavedUnderTheOldKeys) {
  World world;
  Pair p = Handshake(Client(RenegotiationPolicy::kAccept), Server(RenegotiationPolicy::kAccept),
                     &world, 8);
  ASSERT_TRUE(p.client->Renegotiate().ok());
  // The server answers the ClientHello; data it sends before the client's next flight goes
  // under the old keys, and the client reads it mid-handshake.
  p.server->ReceiveBytes(p.client.Take());
  ASSERT_TRUE(p.server->SendApplicationData(Bytes{'m', 'i', 'd'}).ok());
  p.client->ReceiveBytes(p.server.Take());
  const Bytes flight = p.client.Take();
  EXPECT_EQ(p.client.Received(), "mid");
  EXPECT_EQ(p.client->negotiated().renegotiations, 0);  // not complete yet
  p.server->ReceiveBytes(flight);
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.client->negotiated().renegotiations, 1);
  ExpectDataBothWays(p, "after");
}

TEST(RenegotiationTest, EncryptThenMacIsNeverDroppedByARenegotiation) {
  World world;
  Config client = Client(RenegotiationPolicy::kAccept, {kCbc});
  Pair p = Handshake(client, Server(RenegotiationPolicy::kAccept, {kCbc}), &world, 9);
  ASSERT_TRUE(p.server->negotiated().encrypt_then_mac);
  ASSERT_TRUE(p.client->Renegotiate().ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_TRUE(p.server->negotiated().encrypt_then_mac);
  EXPECT_EQ(p.server->negotiated().renegotiations, 1);
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
