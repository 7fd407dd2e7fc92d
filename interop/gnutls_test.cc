// The reference engine against GnuTLS 3.7 over loopback TCP, both directions: `gnutls-cli`
// against the engine's server, the engine's client against `gnutls-serv --http`. Command
// lines are in docs/INTEROP.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/interop_support.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kHttpGet[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

class GnutlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_ = Tool("gnutls-cli");
    serv_ = Tool("gnutls-serv");
    ASSERT_FALSE(cli_.empty()) << "gnutls-cli not found on PATH (Debian package: gnutls-bin)";
    ASSERT_FALSE(serv_.empty()) << "gnutls-serv not found on PATH (Debian package: gnutls-bin)";
    ASSERT_FALSE(Files().dir.empty());
  }

  // gnutls-cli validating the engine's chain against the test CA for the name localhost
  // (it refuses an untrusted server unless --insecure, which is never given).
  std::vector<std::string> Cli(uint16_t port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {cli_,
                                     "-p",
                                     std::to_string(port),
                                     "--x509cafile",
                                     Files().ca,
                                     "--sni-hostname",
                                     "localhost",
                                     "--verify-hostname",
                                     "localhost"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("127.0.0.1");
    return argv;
  }

  // gnutls-serv --http answers GET with an HTML page naming the protocol and the suite
  // (GnuTLS names: ECDHE_RSA_AES_128_GCM_SHA256), then closes.
  Result<std::unique_ptr<Subprocess>> Serv(const std::string& cert, const std::string& key,
                                           std::vector<std::string> extra, uint16_t* port) {
    return StartPeerServer(
        [&](uint16_t p) {
          std::vector<std::string> argv = {serv_,          "-p",  std::to_string(p),
                                           "--x509certfile", cert, "--x509keyfile",
                                           key,            "--http"};
          argv.insert(argv.end(), extra.begin(), extra.end());
          return argv;
        },
        port);
  }


  static void ExpectPageServed(const PeerRun& run, const ServedConnection& served) {
    EXPECT_EQ(served.request.rfind("GET / HTTP/1.0\r\n", 0), 0u) << served.Summary();
    EXPECT_TRUE(served.answered) << served.Summary();
    EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
    EXPECT_NE(run.out.find("- Status: The certificate is trusted."), std::string::npos)
        << run.Describe();
    EXPECT_NE(run.out.find("- Handshake was completed"), std::string::npos) << run.Describe();
  }

  std::string cli_;
  std::string serv_;
};

// ---- gnutls-cli -> engine server ----

TEST_F(GnutlsTest, ClientToEngineEcdheRsa) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // Default priorities (NORMAL): TLS 1.3 is offered too; the engine answers with TLS 1.2.
  PeerRun run = RunPeerClient(Cli(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_TRUE(served.negotiated.extended_master_secret);
  EXPECT_NE(run.out.find("- Description: (TLS1.2-X.509)-(ECDHE-"), std::string::npos)
      << run.Describe();
  EXPECT_NE(run.out.find("-(AES-128-GCM)"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(GnutlsTest, ClientToEngineRsaKeyExchange) {
  EngineServer server(EngineServerOptions(kRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // NORMAL leaves out RSA key transport; +RSA adds it.
  PeerRun run = RunPeerClient(Cli(server.port(), {"--priority", "NORMAL:+RSA"}), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kRsaSuite);
  EXPECT_NE(run.out.find("- Description: (TLS1.2-X.509)-(RSA)-(AES-128-GCM)"), std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(GnutlsTest, ClientToEngineEcdsaCertificate) {
  EngineServer server(EngineServerOptions(kEcdheEcdsaSuite, {Pki().ecdsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(Cli(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheEcdsaSuite);
  EXPECT_NE(run.out.find("-(ECDSA-SHA256)-(AES-128-GCM)"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(GnutlsTest, ClientToEngineWithClientCertificate) {
  ServerOptions options = EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server});
  options.config.client_auth = ClientAuthMode::kRequired;
  options.config.trusted_roots = {Pki().ca_der};
  EngineServer server(std::move(options));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(Cli(server.port(), {"--x509certfile", Files().ecdsa_client_cert,
                                                  "--x509keyfile", Files().ecdsa_client_key}),
                              kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_TRUE(served.negotiated.client_authenticated) << served.Summary();
  ASSERT_FALSE(served.negotiated.peer_chain.empty());
  EXPECT_EQ(served.negotiated.peer_chain[0], Pki().ecdsa_client.chain_der[0]);
  EXPECT_NE(run.out.find("- Successfully sent 1 certificate(s) to server."), std::string::npos)
      << run.Describe();
  EXPECT_NE(run.out.find("client certificate: verified"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(GnutlsTest, ClientResumesEngineSession) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // --resume: a full handshake, disconnect, reconnect offering the session; the request
  // goes over the second connection.
  PeerRun run = RunPeerClient(Cli(server.port(), {"--resume"}), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection full = ExpectServed(server, 1, kEcdheRsaSuite);
  ServedConnection resumed = ExpectServed(server, 2, kEcdheRsaSuite);
  EXPECT_FALSE(full.negotiated.resumed);
  EXPECT_TRUE(resumed.negotiated.resumed) << server.Log();
  EXPECT_EQ(resumed.negotiated.session_id, full.negotiated.session_id);
  EXPECT_NE(run.out.find("*** This is a resumed session"), std::string::npos) << run.Describe();
  EXPECT_NE(run.out.find("session: resumed"), std::string::npos) << run.Describe();
}

// ---- engine client -> gnutls-serv ----

TEST_F(GnutlsTest, EngineToServerEcdheRsa) {
  uint16_t port = 0;
  // -a: do not ask for a client certificate.
  auto peer = Serv(Files().rsa_server_cert, Files().rsa_server_key, {"-a"}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kHttpGet);
  options.config.trusted_roots = {Pki().ca_der};
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheRsaSuite);
  EXPECT_TRUE(result.negotiated.extended_master_secret);
  EXPECT_NE(result.response.find("ECDHE_RSA_AES_128_GCM_SHA256"), std::string::npos)
      << Describe(result);
  EXPECT_NE(result.response.find("TLS1.2"), std::string::npos) << Describe(result);
}

TEST_F(GnutlsTest, EngineToServerRsaKeyExchange) {
  uint16_t port = 0;
  // Without -a gnutls-serv asks for an (optional) client certificate: the engine answers
  // with an empty Certificate (RFC 5246 7.4.6).
  auto peer = Serv(Files().rsa_server_cert, Files().rsa_server_key,
                   {"--priority", "NORMAL:+RSA"}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kRsaSuite, kHttpGet));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kRsaSuite);
  EXPECT_NE(result.response.find("RSA_AES_128_GCM_SHA256"), std::string::npos) << Describe(result);
  EXPECT_EQ(result.response.find("ECDHE_RSA_AES_128_GCM_SHA256"), std::string::npos);
}

TEST_F(GnutlsTest, EngineToServerEcdsaCertificate) {
  uint16_t port = 0;
  auto peer = Serv(Files().ecdsa_server_cert, Files().ecdsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kEcdheEcdsaSuite, kHttpGet));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheEcdsaSuite);
  EXPECT_NE(result.response.find("ECDHE_ECDSA_AES_128_GCM_SHA256"), std::string::npos)
      << Describe(result);
}

TEST_F(GnutlsTest, EngineToServerWithClientCertificate) {
  uint16_t port = 0;
  auto peer = Serv(Files().rsa_server_cert, Files().rsa_server_key,
                   {"--require-client-cert", "--verify-client-cert", "--x509cafile", Files().ca},
                   &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kHttpGet);
  options.config.credentials = {Pki().ecdsa_client};
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  // gnutls-serv logs the certificate it received (and would have refused an unverifiable one).
  EXPECT_TRUE(WaitForStdout(**peer, "CN=shakedown ECDSA client")) << (*peer)->Describe();
  EXPECT_EQ((*peer)->Stdout().find("NOT verified"), std::string::npos) << (*peer)->Describe();
}

TEST_F(GnutlsTest, EngineWithoutCertificateIsRefusedByServer) {
  uint16_t port = 0;
  auto peer = Serv(Files().rsa_server_cert, Files().rsa_server_key,
                   {"--require-client-cert", "--verify-client-cert", "--x509cafile", Files().ca},
                   &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kEcdheRsaSuite, kHttpGet));
  ASSERT_FALSE(result.status.ok()) << Describe(result);
  EXPECT_FALSE(result.status.timed_out()) << Describe(result);
  EXPECT_NE(result.status.message().find("received fatal"), std::string::npos)
      << Describe(result);
}

TEST_F(GnutlsTest, EngineResumesServerSession) {
  uint16_t port = 0;
  auto peer = Serv(Files().rsa_server_cert, Files().rsa_server_key, {"-a"}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kHttpGet);
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
  EXPECT_EQ(second.negotiated.master_secret, first.negotiated.master_secret);
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
