// The reference engine against Botan 2.19 over loopback TCP, both directions:
// `botan tls_client` against the engine's server, the engine's client against
// `botan tls_server` (an echo server). Botan's command-line tools cannot do client
// authentication (tls_client has no certificate option; tls_server never sends a
// CertificateRequest), so those cases use Botan's TLS library in-process
// (interop/botan_peer.h). Command lines are in docs/INTEROP.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/botan_peer.h"
#include "interop/interop_support.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kHttpGet[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
constexpr char kEchoLine[] = "ping from shakedown\n";

class BotanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    botan_ = Tool("botan");
    ASSERT_FALSE(botan_.empty()) << "botan not found on PATH (Debian package: botan)";
    ASSERT_FALSE(Files().dir.empty());
  }

  // tls_client validating against the test CA only (and the name localhost); it reports
  // the result as "Certificate validation status: ..." and carries on either way, so the
  // tests check that line.
  std::vector<std::string> Client(uint16_t port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {botan_,
                                     "tls_client",
                                     "localhost",
                                     "--port=" + std::to_string(port),
                                     "--trusted-cas=" + Files().ca_dir,
                                     "--skip-system-cert-store"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // tls_server echoes each line back.
  Result<std::unique_ptr<Subprocess>> Server(const std::string& cert, const std::string& key,
                                             std::vector<std::string> extra, uint16_t* port) {
    return StartPeerServer(
        [&](uint16_t p) {
          std::vector<std::string> argv = {botan_, "tls_server", cert, key,
                                           "--port=" + std::to_string(p)};
          argv.insert(argv.end(), extra.begin(), extra.end());
          return argv;
        },
        port);
  }


  static void ExpectPageServed(const PeerRun& run, const ServedConnection& served,
                               bool full_handshake = true) {
    EXPECT_EQ(served.request.rfind("GET / HTTP/1.0\r\n", 0), 0u) << served.Summary();
    EXPECT_TRUE(served.answered) << served.Summary();
    EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
    if (full_handshake) {
      EXPECT_NE(run.out.find("Certificate validation status: Verified"), std::string::npos)
          << run.Describe();
    }
  }

  std::string botan_;
};

// ---- botan tls_client -> engine server ----

TEST_F(BotanTest, ClientToEngineEcdheRsa) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(Client(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_NE(run.out.find("Handshake complete, TLS v1.2 using ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(BotanTest, ClientToEngineRsaKeyExchange) {
  EngineServer server(EngineServerOptions(kRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(Client(server.port(), {"--policy=" + Files().botan_rsa_policy}),
                              kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kRsaSuite);
  EXPECT_NE(run.out.find("Handshake complete, TLS v1.2 using RSA_WITH_AES_128_GCM_SHA256"),
            std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(BotanTest, ClientToEngineEcdsaCertificate) {
  EngineServer server(EngineServerOptions(kEcdheEcdsaSuite, {Pki().ecdsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(Client(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheEcdsaSuite);
  EXPECT_NE(
      run.out.find("Handshake complete, TLS v1.2 using ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
      std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(BotanTest, ClientResumesEngineSession) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // tls_client keeps sessions between runs only in its SQLite session database.
  Result<std::string> dir = MakeTempDir("botan-sessions");
  ASSERT_TRUE(dir.ok());
  std::vector<std::string> db = {"--session-db=" + *dir + "/sessions.db",
                                 "--session-db-pass=shakedown"};
  PeerRun first = RunPeerClient(Client(server.port(), db), kHttpGet);
  ASSERT_TRUE(first.status.ok() && first.exit.success()) << first.Describe() << server.Log();
  PeerRun second = RunPeerClient(Client(server.port(), db), kHttpGet);
  ASSERT_TRUE(second.status.ok() && second.exit.success()) << second.Describe() << server.Log();
  RemoveTree(*dir);
  ServedConnection full = ExpectServed(server, 1, kEcdheRsaSuite);
  ServedConnection resumed = ExpectServed(server, 2, kEcdheRsaSuite);
  EXPECT_FALSE(full.negotiated.resumed);
  EXPECT_TRUE(resumed.negotiated.resumed) << server.Log();
  EXPECT_EQ(resumed.negotiated.session_id, full.negotiated.session_id);
  // An abbreviated handshake has no certificate to validate.
  EXPECT_EQ(second.out.find("Certificate validation status"), std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("Session ID " + ToUpperHex(full.negotiated.session_id)),
            std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("session: resumed"), std::string::npos) << second.Describe();
}

// ---- engine client -> botan tls_server ----

TEST_F(BotanTest, EngineToServerEcdheRsa) {
  uint16_t port = 0;
  auto peer = Server(Files().rsa_server_cert, Files().rsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kEchoLine, kEchoLine);
  options.config.trusted_roots = {Pki().ca_der};
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheRsaSuite);
  EXPECT_EQ(result.response, kEchoLine);
  EXPECT_TRUE(WaitForStdout(**peer,
                            "Handshake complete, TLS v1.2 using ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
      << (*peer)->Describe();
}

TEST_F(BotanTest, EngineToServerRsaKeyExchange) {
  uint16_t port = 0;
  auto peer = Server(Files().rsa_server_cert, Files().rsa_server_key,
                     {"--policy=" + Files().botan_rsa_policy}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kRsaSuite, kEchoLine, kEchoLine));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kRsaSuite);
  EXPECT_EQ(result.response, kEchoLine);
  EXPECT_TRUE(
      WaitForStdout(**peer, "Handshake complete, TLS v1.2 using RSA_WITH_AES_128_GCM_SHA256"))
      << (*peer)->Describe();
}

TEST_F(BotanTest, EngineToServerEcdsaCertificate) {
  uint16_t port = 0;
  auto peer = Server(Files().ecdsa_server_cert, Files().ecdsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result =
      EngineConnect(port, EngineClientOptions(kEcdheEcdsaSuite, kEchoLine, kEchoLine));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheEcdsaSuite);
  EXPECT_EQ(result.response, kEchoLine);
  EXPECT_TRUE(WaitForStdout(
      **peer, "Handshake complete, TLS v1.2 using ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
      << (*peer)->Describe();
}

TEST_F(BotanTest, EngineResumesServerSession) {
  uint16_t port = 0;
  auto peer = Server(Files().rsa_server_cert, Files().rsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kEchoLine, kEchoLine);
  ClientResult first = EngineConnect(port, options);
  ASSERT_TRUE(first.status.ok()) << Describe(first) << (*peer)->Describe();
  ASSERT_TRUE(first.session.has_value());
  ASSERT_FALSE(first.session->session_id.empty());
  options.config.resume = first.session;
  ClientResult second = EngineConnect(port, options);
  ASSERT_TRUE(second.status.ok()) << Describe(second) << (*peer)->Describe();
  EXPECT_FALSE(first.negotiated.resumed);
  EXPECT_TRUE(second.negotiated.resumed) << Describe(second) << (*peer)->Describe();
  EXPECT_EQ(second.negotiated.session_id, first.negotiated.session_id);
  EXPECT_EQ(second.response, kEchoLine);
  // tls_server prints the session id of each handshake: the same one twice.
  std::string id_line = "Session ID " + ToUpperHex(first.negotiated.session_id);
  EXPECT_TRUE(WaitForStdout(**peer, "Alert: close_notify\nHandshake complete"))
      << (*peer)->Describe();
  EXPECT_EQ(Count((*peer)->Stdout(), id_line), 2u) << (*peer)->Describe();
}

// ---- client authentication, Botan's TLS library in-process ----

TEST_F(BotanTest, LibraryClientWithCertificateToEngine) {
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

TEST_F(BotanTest, EngineWithCertificateToLibraryServer) {
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
