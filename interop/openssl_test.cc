// The reference engine against OpenSSL 3 over loopback TCP, both directions:
// `openssl s_client` against the engine's server, the engine's client against
// `openssl s_server -www`. Command lines are in docs/INTEROP.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/interop_support.h"

namespace shakedown {
namespace interop {
namespace {

constexpr char kHttpGet[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

class OpensslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    openssl_ = Tool("openssl");
    ASSERT_FALSE(openssl_.empty()) << "openssl not found on PATH (Debian package: openssl)";
    ASSERT_FALSE(Files().dir.empty());
  }

  // s_client verifying the engine's certificate against the test CA and the name localhost;
  // -verify_return_error makes a bad chain a failed run.
  std::vector<std::string> SClient(uint16_t port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {openssl_,       "s_client",   "-connect",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-servername",  "localhost",  "-CAfile",
                                     Files().ca,     "-verify_return_error",
                                     "-verify_hostname", "localhost"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // s_server -www answers GET with a page that names the cipher ("New, TLSv1.2, Cipher is
  // ..." or "Reused, ...") and the client certificate, then closes.
  Result<std::unique_ptr<Subprocess>> SServer(const std::string& cert, const std::string& key,
                                              std::vector<std::string> extra, uint16_t* port) {
    return StartPeerServer(
        [&](uint16_t p) {
          std::vector<std::string> argv = {openssl_, "s_server", "-accept", std::to_string(p),
                                           "-cert",  cert,       "-key",    key,
                                           "-www"};
          argv.insert(argv.end(), extra.begin(), extra.end());
          return argv;
        },
        port);
  }


  std::string openssl_;
};

// ---- s_client -> engine server ----

void ExpectPageServed(const PeerRun& run, const ServedConnection& served) {
  EXPECT_EQ(served.request.rfind("GET / HTTP/1.0\r\n", 0), 0u) << served.Summary();
  EXPECT_TRUE(served.answered) << served.Summary();
  EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
  EXPECT_NE(run.out.find("Verify return code: 0 (ok)"), std::string::npos) << run.Describe();
}

TEST_F(OpensslTest, ClientToEngineEcdheRsa) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  // s_client offers TLS 1.3 too: the engine must answer with TLS 1.2 and OpenSSL accept it.
  PeerRun run = RunPeerClient(SClient(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_FALSE(served.negotiated.resumed);
  EXPECT_TRUE(served.negotiated.extended_master_secret);  // OpenSSL always offers RFC 7627
  EXPECT_NE(run.out.find("New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"),
            std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(OpensslTest, ClientToEngineRsaKeyExchange) {
  EngineServer server(EngineServerOptions(kRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(SClient(server.port(), {"-cipher", "AES128-GCM-SHA256"}), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kRsaSuite);
  EXPECT_FALSE(served.negotiated.group.has_value());
  EXPECT_NE(run.out.find("New, TLSv1.2, Cipher is AES128-GCM-SHA256"), std::string::npos)
      << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(OpensslTest, ClientToEngineEcdsaCertificate) {
  EngineServer server(EngineServerOptions(kEcdheEcdsaSuite, {Pki().ecdsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(SClient(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheEcdsaSuite);
  EXPECT_NE(run.out.find("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"),
            std::string::npos)
      << run.Describe();
  EXPECT_NE(run.out.find("Peer signature type: ECDSA"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(OpensslTest, ClientToEngineWithClientCertificate) {
  ServerOptions options = EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server});
  options.config.client_auth = ClientAuthMode::kRequired;
  options.config.trusted_roots = {Pki().ca_der};
  EngineServer server(std::move(options));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(
      SClient(server.port(), {"-cert", Files().rsa_client_cert, "-key", Files().rsa_client_key}),
      kHttpGet);
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << server.Log();
  ServedConnection served = ExpectServed(server, 1, kEcdheRsaSuite);
  EXPECT_TRUE(served.negotiated.client_authenticated) << served.Summary();
  ASSERT_FALSE(served.negotiated.peer_chain.empty());
  EXPECT_EQ(served.negotiated.peer_chain[0], Pki().rsa_client.chain_der[0]);
  EXPECT_NE(run.out.find("client certificate: verified"), std::string::npos) << run.Describe();
  ExpectPageServed(run, served);
}

TEST_F(OpensslTest, ClientWithoutRequiredCertificateIsRefused) {
  ServerOptions options = EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server});
  options.config.client_auth = ClientAuthMode::kRequired;
  options.config.trusted_roots = {Pki().ca_der};
  EngineServer server(std::move(options));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  PeerRun run = RunPeerClient(SClient(server.port()), kHttpGet);
  ASSERT_TRUE(run.status.ok()) << run.Describe();  // it exits (with an error), never hangs
  std::optional<ServedConnection> served = server.WaitServed(1, std::chrono::seconds(5));
  ASSERT_TRUE(served.has_value()) << server.Log();
  // RFC 5246 7.4.6 (checklist 43): an empty client Certificate -> handshake_failure.
  EXPECT_FALSE(served->status.ok());
  EXPECT_EQ(served->status.alert(), AlertDescription::kHandshakeFailure) << served->Summary();
  EXPECT_NE(run.err.find("alert handshake failure"), std::string::npos) << run.Describe();
  EXPECT_EQ(run.out.find(kStatusPageTitle), std::string::npos);
}

TEST_F(OpensslTest, ClientResumesEngineSession) {
  EngineServer server(EngineServerOptions(kEcdheRsaSuite, {Pki().rsa_server}));
  ASSERT_TRUE(server.status().ok()) << server.status().ToString();
  Result<std::string> dir = MakeTempDir("openssl-session");
  ASSERT_TRUE(dir.ok());
  std::string session_file = *dir + "/session.pem";
  PeerRun first = RunPeerClient(SClient(server.port(), {"-sess_out", session_file}), kHttpGet);
  ASSERT_TRUE(first.status.ok() && first.exit.success()) << first.Describe() << server.Log();
  PeerRun second = RunPeerClient(SClient(server.port(), {"-sess_in", session_file}), kHttpGet);
  ASSERT_TRUE(second.status.ok() && second.exit.success()) << second.Describe() << server.Log();
  RemoveTree(*dir);

  ServedConnection full = ExpectServed(server, 1, kEcdheRsaSuite);
  ServedConnection resumed = ExpectServed(server, 2, kEcdheRsaSuite);
  EXPECT_FALSE(full.negotiated.resumed);
  EXPECT_TRUE(resumed.negotiated.resumed) << server.Log();
  EXPECT_EQ(resumed.negotiated.session_id, full.negotiated.session_id);
  EXPECT_NE(first.out.find("New, TLSv1.2"), std::string::npos) << first.Describe();
  EXPECT_NE(second.out.find("Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"),
            std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("session: resumed"), std::string::npos) << second.Describe();
}

// ---- engine client -> s_server ----

TEST_F(OpensslTest, EngineToServerEcdheRsa) {
  uint16_t port = 0;
  auto peer = SServer(Files().rsa_server_cert, Files().rsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kHttpGet);
  options.config.trusted_roots = {Pki().ca_der};  // the engine validates the chain too
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheRsaSuite);
  EXPECT_TRUE(result.negotiated.extended_master_secret);
  EXPECT_EQ(result.negotiated.peer_chain.at(0), Pki().rsa_server.chain_der[0]);
  EXPECT_NE(result.response.find("New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"),
            std::string::npos)
      << Describe(result);
}

TEST_F(OpensslTest, EngineToServerRsaKeyExchange) {
  uint16_t port = 0;
  auto peer = SServer(Files().rsa_server_cert, Files().rsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kRsaSuite, kHttpGet));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kRsaSuite);
  EXPECT_NE(result.response.find("New, TLSv1.2, Cipher is AES128-GCM-SHA256"), std::string::npos)
      << Describe(result);
}

TEST_F(OpensslTest, EngineToServerEcdsaCertificate) {
  uint16_t port = 0;
  auto peer = SServer(Files().ecdsa_server_cert, Files().ecdsa_server_key, {}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kEcdheEcdsaSuite, kHttpGet));
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  EXPECT_EQ(result.negotiated.suite->name, kEcdheEcdsaSuite);
  EXPECT_NE(result.response.find("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"),
            std::string::npos)
      << Describe(result);
}

TEST_F(OpensslTest, EngineToServerWithClientCertificate) {
  uint16_t port = 0;
  // -Verify 1: request a client certificate, fail without one, validate it against -CAfile.
  auto peer = SServer(Files().rsa_server_cert, Files().rsa_server_key,
                      {"-Verify", "1", "-CAfile", Files().ca}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientOptions options = EngineClientOptions(kEcdheRsaSuite, kHttpGet);
  options.config.credentials = {Pki().rsa_client};
  ClientResult result = EngineConnect(port, options);
  ASSERT_TRUE(result.status.ok()) << Describe(result) << (*peer)->Describe();
  // The page prints the certificate the server received.
  EXPECT_NE(result.response.find("Client certificate"), std::string::npos) << Describe(result);
  EXPECT_NE(result.response.find("Subject: CN=shakedown RSA client"), std::string::npos)
      << Describe(result);
  EXPECT_EQ(result.response.find("no client certificate available"), std::string::npos);
}

TEST_F(OpensslTest, EngineWithoutCertificateIsRefusedByServer) {
  uint16_t port = 0;
  auto peer = SServer(Files().rsa_server_cert, Files().rsa_server_key,
                      {"-Verify", "1", "-CAfile", Files().ca}, &port);
  ASSERT_TRUE(peer.ok()) << peer.status().ToString();
  ClientResult result = EngineConnect(port, EngineClientOptions(kEcdheRsaSuite, kHttpGet));
  ASSERT_FALSE(result.status.ok()) << Describe(result);
  EXPECT_FALSE(result.status.timed_out()) << Describe(result);
  // OpenSSL answers an empty client Certificate with handshake_failure in TLS 1.2.
  EXPECT_EQ(result.status.alert(), AlertDescription::kHandshakeFailure) << Describe(result);
  EXPECT_NE(result.status.message().find("received fatal handshake_failure"), std::string::npos)
      << Describe(result);
}

TEST_F(OpensslTest, EngineResumesServerSession) {
  uint16_t port = 0;
  auto peer = SServer(Files().rsa_server_cert, Files().rsa_server_key, {}, &port);
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
  EXPECT_TRUE(second.negotiated.resumed) << Describe(second);
  EXPECT_EQ(second.negotiated.session_id, first.negotiated.session_id);
  EXPECT_EQ(second.negotiated.master_secret, first.negotiated.master_secret);
  EXPECT_NE(second.response.find("Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"),
            std::string::npos)
      << Describe(second);
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
