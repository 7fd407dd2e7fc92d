// Encrypt-then-MAC (RFC 7366) between two engines: negotiated for CBC suites only, and never
// dropped by a resumption.
#include <gtest/gtest.h>

#include "engine/connection/test_support.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kCbc = 0xc013;  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

void ExpectDataBothWays(Pair& p) {
  ASSERT_TRUE(p.client->handshake_complete() && p.server->handshake_complete());
  ASSERT_TRUE(p.client->SendApplicationData(Bytes{'p', 'i', 'n', 'g'}).ok());
  ASSERT_TRUE(p.server->SendApplicationData(Bytes{'p', 'o', 'n', 'g'}).ok());
  ASSERT_TRUE(Pump(p.client, p.server));
  EXPECT_EQ(p.server.Received(), "ping");
  EXPECT_EQ(p.client.Received(), "pong");
}

TEST(EtmTest, NegotiatedForCbcAndCarriesData) {
  World world;
  Pair p = Handshake(ClientConfig({kCbc}), ServerConfig({kCbc}), &world);
  EXPECT_TRUE(p.client->negotiated().encrypt_then_mac);
  EXPECT_TRUE(p.server->negotiated().encrypt_then_mac);
  ExpectDataBothWays(p);
}

TEST(EtmTest, NeverForAnAeadSuite) {
  World world;
  // The client offers it (a CBC suite is in its list); the server picks GCM.
  Pair p = Handshake(ClientConfig({kGcm, kCbc}), ServerConfig({kGcm}), &world);
  EXPECT_FALSE(p.client->negotiated().encrypt_then_mac);
  EXPECT_FALSE(p.server->negotiated().encrypt_then_mac);
  ExpectDataBothWays(p);
}

TEST(EtmTest, EitherSideCanDecline) {
  World world;
  Config client = ClientConfig({kCbc});
  client.encrypt_then_mac = false;
  Pair p = Handshake(client, ServerConfig({kCbc}), &world);
  EXPECT_FALSE(p.server->negotiated().encrypt_then_mac);
  ExpectDataBothWays(p);
  Config server = ServerConfig({kCbc});
  server.encrypt_then_mac = false;
  Pair q = Handshake(ClientConfig({kCbc}), server, &world, 2);
  EXPECT_FALSE(q.client->negotiated().encrypt_then_mac);
  ExpectDataBothWays(q);
}

TEST(EtmTest, ResumptionKeepsItAndIsNotADowngrade) {
  World world;
  Pair first = Handshake(ClientConfig({kCbc}), ServerConfig({kCbc}), &world, 3);
  ASSERT_TRUE(first.client->negotiated().encrypt_then_mac);
  std::optional<Session> session = first.client->session();
  ASSERT_TRUE(session.has_value() && session->encrypt_then_mac);
  Config client = ClientConfig({kCbc});
  client.resume = session;
  Pair second = Handshake(client, ServerConfig({kCbc}), &world, 4);
  EXPECT_TRUE(second.client->negotiated().resumed);
  EXPECT_TRUE(second.client->negotiated().encrypt_then_mac);
  ExpectDataBothWays(second);
  // RFC 7366 3.1: a server that would resume without it does a full handshake instead.
  Config server = ServerConfig({kCbc});
  server.encrypt_then_mac = false;
  Pair third = Handshake(client, server, &world, 5);
  EXPECT_FALSE(third.client->negotiated().resumed);
  EXPECT_FALSE(third.client->negotiated().encrypt_then_mac);
  ExpectDataBothWays(third);
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
