// Client authentication between the reference engine and Botan 2.19. Botan's command-line
// tools cannot do it (tls_client has no certificate option; tls_server never sends a
// CertificateRequest), so these cases use Botan's TLS library in-process
// (interop/botan_peer.h). The command-line cases are in peer_tools_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "interop/botan_peer.h"
#include "interop/interop_support.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kHttpGet[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
constexpr char kEchoLine[] = "ping from shakedown\n";

// ---- client authentication, Botan's TLS library in-process ----

TEST(BotanLibraryTest, LibraryClientWithCertificateToEngine) {
  ServerOptions options = EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server});
  options.config.client_auth = ClientAuthMode::kRequired;
  options.config.trusted_roots = {Pki().ca_der};
  EngineServer server(std::move(options));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  BotanPeerOptions peer;
  peer.credential = &Pki().ecdsa_client;
  peer.trusted_ca = &Pki().ca_der;
  BotanPeerResult result = RunBotanClient(server.port(), peer, kHttpGet);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString() << "\n" << server.Log();
  EXPECT_EQ(result.suite, "ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_TRUE(result.peer_verified) << result.status.ToString();
  EXPECT_NE(result.received.find(kStatusPageTitle), std::string::npos) << result.received;
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_TRUE(served.negotiated.client_authenticated) << served.Summary();
  ASSERT_FALSE(served.negotiated.peer_chain.empty());
  EXPECT_EQ(served.negotiated.peer_chain[0], Pki().ecdsa_client.chain_der[0]);
}

TEST(BotanLibraryTest, EngineWithCertificateToLibraryServer) {
  BotanPeerOptions peer;
  peer.credential = &Pki().rsa_server;
  peer.trusted_ca = &Pki().ca_der;  // and so it asks for a client certificate
  BotanServer server(peer);
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kEchoLine, kEchoLine);
  options.config.credentials = {Pki().rsa_client};
  ClientResult result = EngineConnect(server.port(), options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << server.Log();
  EXPECT_EQ(result.response, kEchoLine);
  std::optional<BotanPeerResult> seen = server.WaitResult(std::chrono::seconds(5));
  ASSERT_TRUE(seen.has_value()) << server.Log();
  EXPECT_TRUE(seen->status.ok()) << seen->status.ToString();
  EXPECT_EQ(seen->suite, "ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  // Botan validated the engine's client certificate against the CA.
  EXPECT_TRUE(seen->peer_verified) << server.Log();
  ASSERT_FALSE(seen->peer_chain.empty());
  EXPECT_EQ(seen->peer_chain[0], Pki().rsa_client.chain_der[0]);
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
