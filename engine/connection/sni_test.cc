// Server name indication (RFC 6066 3) between two engines: the certificate chosen by name, the
// empty acknowledgement, unrecognised names, and sessions bound to their name.
#include <gtest/gtest.h>

#include "engine/connection/test_support.h"
#include "engine/wire/extensions.h"
#include "engine/wire/handshake.h"

namespace shakedown {
namespace testing {
namespace {

const uint16_t kGcm = 0xc02f;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

// The server's ServerHello, parsed.
ServerHello ServerHelloOf(const Endpoint& server) {
  const std::vector<Bytes> messages = HandshakeMessagesIn(server.all_output);
  EXPECT_FALSE(messages.empty());
  Result<ServerHello> sh = ServerHello::Parse(ByteView(messages[0]).subview(4));
  EXPECT_TRUE(sh.ok());
  return *sh;
}

bool AcknowledgesName(const ServerHello& sh) {
  return sh.extensions.has_value() && sh.extensions->Has(ExtensionType::kServerName);
}

// The default RSA credential, and the "wrong name" one (same key) named other.example.
Config NamedServer() {
  Config server = ServerConfig({kGcm});
  Credential other = Pki().flawed_server.wrong_name;
  other.names = {"other.example"};
  server.credentials.push_back(other);
  return server;
}

TEST(SniTest, CertificateChosenByNameAndAcknowledgedEmpty) {
  World world;
  Config client = ClientConfig({kGcm});
  client.server_name = "OTHER.example";  // case-insensitive (DNS)
  client.trusted_roots.clear();           // the wrong-name certificate would not validate
  Pair p = Handshake(client, NamedServer(), &world);
  ASSERT_TRUE(p.client->handshake_complete()) << (p.client->failure() ? p.client->failure()->ToString() : "");
  EXPECT_EQ(p.client->negotiated().peer_chain.at(0), Pki().flawed_server.wrong_name.chain_der[0]);
  EXPECT_EQ(p.server->negotiated().server_name, "OTHER.example");
  const ServerHello sh = ServerHelloOf(p.server);
  ASSERT_TRUE(AcknowledgesName(sh));
  EXPECT_TRUE(sh.extensions->FindRaw(0)->body.empty());  // RFC 6066 3: empty extension_data
  // Any other name: the default credential.
  Pair q = Handshake(ClientConfig({kGcm}), NamedServer(), &world, 2);
  ASSERT_TRUE(q.client->handshake_complete());
  EXPECT_EQ(q.client->negotiated().peer_chain.at(0), Pki().rsa_server.chain_der[0]);
}

TEST(SniTest, UnrecognizedNameRefusedOnlyWhenConfigured) {
  World world;
  Config client = ClientConfig({kGcm});
  client.server_name = "nobody.example";
  client.trusted_roots.clear();
  Pair go_on = Handshake(client, NamedServer(), &world);
  EXPECT_TRUE(go_on.client->handshake_complete());
  Config strict = NamedServer();
  strict.refuse_unrecognized_name = true;
  Pair refused = Handshake(client, strict, &world, 2);
  ASSERT_NE(refused.server.AlertSent(), nullptr);
  EXPECT_EQ(refused.server.AlertSent()->alert, AlertDescription::kUnrecognizedName);
  EXPECT_EQ(refused.server.AlertSent()->level, AlertLevel::kFatal);
}

TEST(SniTest, SessionsResumeOnlyUnderTheirNameAndWithoutAcknowledgement) {
  World world;
  Config first_client = ClientConfig({kGcm});
  Pair first = Handshake(first_client, ServerConfig({kGcm}), &world, 3);
  ASSERT_TRUE(first.client->handshake_complete());
  Config again = ClientConfig({kGcm});
  again.resume = first.client->session();
  Pair same = Handshake(again, ServerConfig({kGcm}), &world, 4);
  ASSERT_TRUE(same.client->negotiated().resumed);
  // RFC 6066 3: "When resuming a session, the server MUST NOT include a server_name extension".
  EXPECT_FALSE(AcknowledgesName(ServerHelloOf(same.server)));
  Config other = again;
  other.server_name = "127.0.0.1.nip.example";
  other.trusted_roots.clear();
  Pair renamed = Handshake(other, ServerConfig({kGcm}), &world, 5);
  ASSERT_TRUE(renamed.client->handshake_complete());
  EXPECT_FALSE(renamed.client->negotiated().resumed);
}

TEST(SniTest, HostNamesOutsideAsciiAreIllegalParameter) {
  World world;
  for (const std::string& name : {std::string("a\0b", 3), std::string("caf\xc3\xa9.example"),
                                  std::string("trailing.example.")}) {
    Config client = ClientConfig({kGcm});
    client.server_name = name;
    client.trusted_roots.clear();
    Pair p = Handshake(client, ServerConfig({kGcm}), &world);
    ASSERT_NE(p.server.AlertSent(), nullptr)
        << name.size() << " " << (p.client.conn ? std::string(p.client->state()) : "no client")
        << " " << (p.server.conn ? std::string(p.server->state()) : "no server") << " "
        << (p.client.conn && p.client->failure() ? p.client->failure()->ToString() : "");
    EXPECT_EQ(p.server.AlertSent()->alert, AlertDescription::kIllegalParameter) << name;
  }
}

}  // namespace
}  // namespace testing
}  // namespace shakedown
