// Finite-field DHE between two engines: the RFC 7919 negotiation rules on each side and the
// client's policy on groups the server chose itself.
#include <gtest/gtest.h>

#include "engine/connection/test_support.h"
#include "engine/wire/extensions.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kDheGcm = 0x009e;    // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
const uint16_t kEcdheGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

bool Completed(Pair& p) {
  return p.client->handshake_complete() && p.server->handshake_complete();
}

TEST(DheTest, ServerPicksTheFirstOfItsGroupsTheClientOffered) {
  World world;
  Config client = ClientConfig({kDheGcm});
  client.groups = {NamedGroup::kFfdhe4096, NamedGroup::kFfdhe3072};
  Config server = ServerConfig({kDheGcm});
  server.groups = {NamedGroup::kFfdhe2048, NamedGroup::kFfdhe3072, NamedGroup::kFfdhe4096};
  Pair p = Handshake(client, server, &world);
  ASSERT_TRUE(Completed(p));
  EXPECT_EQ(p.client->negotiated().group, NamedGroup::kFfdhe3072);
  EXPECT_EQ(p.server->negotiated().group, NamedGroup::kFfdhe3072);
  EXPECT_EQ(p.client->negotiated().dh_bits, 3072u);
  EXPECT_EQ(p.client->negotiated().master_secret, p.server->negotiated().master_secret);
}

TEST(DheTest, ClientWithoutFfdheGroupsGetsTheServersExplicitGroup) {
  // RFC 7919 4: no FFDHE code point in supported_groups: "an FFDHE group of its choice".
  World world;
  Config client = ClientConfig({kDheGcm, kEcdheGcm});
  client.groups = {NamedGroup::kX25519};  // with only an ECDHE curve listed
  Config server = ServerConfig({kDheGcm});
  Pair p = Handshake(client, server, &world);
  ASSERT_TRUE(Completed(p));
  EXPECT_EQ(p.client->negotiated().suite->id, kDheGcm);
  // The server's first group, recognised by the client although it did not name it.
  EXPECT_EQ(p.client->negotiated().group, NamedGroup::kFfdhe2048);
}

TEST(DheTest, NoSharedFfdheGroupFallsBackToEcdheOrInsufficientSecurity) {
  World world;
  Config client = ClientConfig({kDheGcm, kEcdheGcm});
  client.groups = {NamedGroup::kFfdhe8192, NamedGroup::kX25519};
  Config server = ServerConfig({kDheGcm, kEcdheGcm});
  server.groups = {NamedGroup::kFfdhe2048, NamedGroup::kX25519};
  Pair p = Handshake(client, server, &world);
  ASSERT_TRUE(Completed(p));
  // RFC 7919 4: "the server MUST NOT select an FFDHE cipher suite".
  EXPECT_EQ(p.server->negotiated().suite->id, kEcdheGcm);

  // Nothing else in common: insufficient_security (RFC 7919 4, MUST).
  Config dhe_only = ClientConfig({kDheGcm});
  dhe_only.groups = {NamedGroup::kFfdhe8192};
  Pair q = Handshake(dhe_only, ServerConfig({kDheGcm, kEcdheGcm}), &world, 2);
  server.groups = {NamedGroup::kFfdhe2048};
  Pair r = Handshake(dhe_only, server, &world, 3);
  ASSERT_NE(r.server.AlertSent(), nullptr);
  EXPECT_EQ(r.server.AlertSent()->alert, AlertDescription::kInsufficientSecurity);
  // The default server has ffdhe8192 off: the same.
  ASSERT_NE(q.server.AlertSent(), nullptr);
  EXPECT_EQ(q.server.AlertSent()->alert, AlertDescription::kInsufficientSecurity);
}

// The groups of the client's ClientHello.
std::vector<NamedGroup> OfferedGroups(const Endpoint& client) {
  const std::vector<Bytes> messages = HandshakeMessagesIn(client.all_output);
  EXPECT_FALSE(messages.empty());
  Result<ClientHello> hello = ClientHello::Parse(ByteView(messages[0]).subview(4));
  EXPECT_TRUE(hello.ok());
  std::optional<Result<SupportedGroupsExt>> groups = hello->extensions->Find<SupportedGroupsExt>();
  if (!groups.has_value()) return {};
  return (*groups)->groups;
}

TEST(DheTest, ClientOffersEachKindOfGroupOnlyWithItsSuites) {
  World world;
  Config ecdhe_only = ClientConfig({kEcdheGcm});
  Pair p = Handshake(ecdhe_only, ServerConfig({kEcdheGcm}), &world);
  ASSERT_TRUE(Completed(p));
  EXPECT_EQ(OfferedGroups(p.client),
            (std::vector<NamedGroup>{NamedGroup::kX25519, NamedGroup::kSecp256r1,
                                     NamedGroup::kSecp384r1, NamedGroup::kSecp521r1}));
  Pair q = Handshake(ClientConfig({kDheGcm}), ServerConfig({kDheGcm}), &world, 2);
  ASSERT_TRUE(Completed(q));
  EXPECT_EQ(OfferedGroups(q.client),
            (std::vector<NamedGroup>{NamedGroup::kFfdhe2048, NamedGroup::kFfdhe3072,
                                     NamedGroup::kFfdhe4096}));
}

TEST(DheTest, ClientMinimumGroupSize) {
  World world;
  Config client = ClientConfig({kDheGcm});
  client.groups = {NamedGroup::kX25519};  // no FFDHE group named: the server chooses
  client.min_dh_bits = 3072;
  Pair p = Handshake(client, ServerConfig({kDheGcm}), &world);
  // ffdhe2048 was not offered, so it is a server-chosen group below the client's minimum.
  ASSERT_NE(p.client.AlertSent(), nullptr);
  EXPECT_EQ(p.client.AlertSent()->alert, AlertDescription::kInsufficientSecurity);
  EXPECT_FALSE(p.client->handshake_complete());
}

TEST(DheTest, ResumptionKeepsTheSessionWithoutAKeyExchange) {
  World world;
  Pair first = Handshake(ClientConfig({kDheGcm}), ServerConfig({kDheGcm}), &world, 5);
  ASSERT_TRUE(Completed(first));
  Config client = ClientConfig({kDheGcm});
  client.resume = first.client->session();
  Pair second = Handshake(client, ServerConfig({kDheGcm}), &world, 6);
  ASSERT_TRUE(Completed(second));
  EXPECT_TRUE(second.client->negotiated().resumed);
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
