// The reference server and client against each other over loopback TCP.
#include "harness/net/endpoint.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "engine/connection/session.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/rng.h"
#include "engine/wire/registry.h"

namespace shakedown {
namespace {

const TestPki& Pki() {
  static const TestPki* pki = [] {
    DeterministicRng rng(7);
    TestPkiOptions options;
    options.rsa_bits = 1024;  // fast; the engine does not enforce a minimum
    Result<TestPki> made = GenerateTestPki(rng, options);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return new TestPki(std::move(*made));
  }();
  return *pki;
}

uint16_t Suite(std::string_view name) { return FindCipherSuite(name)->id; }

// A ReferenceServer on its own thread, serving until destroyed.
class ServerThread {
 public:
  explicit ServerThread(ServerOptions options) {
    Result<TcpListener> listener = ListenTcp();
    EXPECT_TRUE(listener.ok()) << listener.status().ToString();
    listener_ = std::move(*listener);
    options.session_cache = &cache_;
    Result<std::unique_ptr<ReferenceServer>> server = ReferenceServer::Create(std::move(options));
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return;
    server_ = std::move(*server);
    thread_ = std::thread([this] {
      Status status = server_->Run(listener_, stop_, 0, [this](const ServedConnection& served) {
        std::lock_guard<std::mutex> lock(mutex_);
        served_.push_back(served);
      });
      EXPECT_TRUE(status.ok()) << status.ToString();
    });
  }
  ~ServerThread() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return listener_.port; }
  // The n-th served connection (1-based), waiting for it up to 10 s.
  ServedConnection Served(size_t n) {
    Deadline deadline = Deadline::AfterMs(10000);
    while (!deadline.expired()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (served_.size() >= n) return served_[n - 1];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "connection " << n << " was not served in time";
    return ServedConnection();
  }

 private:
  TcpListener listener_;
  InMemorySessionCache cache_{100, 3600};
  std::unique_ptr<ReferenceServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ServedConnection> served_;
};

ServerOptions RsaServer(std::vector<uint16_t> suites) {
  ServerOptions options;
  options.config.cipher_suites = std::move(suites);
  options.config.credentials = {Pki().rsa_server, Pki().ecdsa_server};
  options.handshake_timeout = std::chrono::milliseconds(5000);
  options.request_timeout = std::chrono::milliseconds(2000);
  return options;
}

ClientOptions HttpClient(std::vector<uint16_t> suites) {
  ClientOptions options;
  options.config.cipher_suites = std::move(suites);
  options.config.server_name = "localhost";
  options.request = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
  options.timeout = std::chrono::milliseconds(5000);
  return options;
}

TEST(CipherSuitesTest, DefaultsAreSupportedAndStrongestFirst) {
  std::vector<uint16_t> suites = DefaultCipherSuites();
  ASSERT_FALSE(suites.empty());
  bool seen_rsa_kx = false, seen_cbc = false;
  for (uint16_t id : suites) {
    const CipherSuiteInfo* suite = FindCipherSuite(id);
    ASSERT_NE(suite, nullptr);
    EXPECT_TRUE(suite->engine_supported) << suite->name;
    if (suite->key_exchange == KeyExchange::kRsa) seen_rsa_kx = true;
    if (suite->cipher_type != CipherType::kAead) seen_cbc = true;
    // No ECDHE suite after an RSA key-transport one; no ECDHE AEAD suite after a CBC one.
    if (suite->IsEcdhe()) {
      EXPECT_FALSE(seen_rsa_kx) << suite->name;
    }
    if (suite->IsEcdhe() && suite->cipher_type == CipherType::kAead) {
      EXPECT_FALSE(seen_cbc) << suite->name;
    }
  }
  EXPECT_EQ(FindCipherSuite(suites[0])->key_exchange, KeyExchange::kEcdheEcdsa);
}

TEST(CipherSuitesTest, FromNames) {
  Result<std::vector<uint16_t>> ids = CipherSuitesFromNames(
      {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<uint16_t>{0x009c, 0xc02f}));  // RFC 5288, RFC 5289
  Result<std::vector<uint16_t>> unknown =
      CipherSuitesFromNames({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_BOGUS"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'TLS_BOGUS'"), std::string::npos);
  Result<std::vector<uint16_t>> unsupported = CipherSuitesFromNames({"TLS_RSA_WITH_RC4_128_MD5"});
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.status().message().find("not supported by the engine"), std::string::npos);
  EXPECT_FALSE(CipherSuitesFromNames({}).ok());
}

TEST(StatusPageTest, IsAnHttpResponseNamingTheParameters) {
  Negotiated negotiated;
  negotiated.suite = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  negotiated.group = NamedGroup::kX25519;
  negotiated.resumed = true;
  std::string page = StatusPageResponse(negotiated);
  size_t blank = page.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  EXPECT_EQ(page.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  std::string body = page.substr(blank + 4);
  EXPECT_NE(page.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(body.rfind(std::string(kStatusPageTitle) + "\n", 0), 0u);
  EXPECT_NE(body.find("cipher suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"), std::string::npos);
  EXPECT_NE(body.find("group: x25519\n"), std::string::npos);
  EXPECT_NE(body.find("session: resumed\n"), std::string::npos);
}

TEST(EndpointTest, HttpExchangeAndResumption) {
  ServerThread server(RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")}));
  ClientOptions options = HttpClient(DefaultCipherSuites());
  ClientResult first = RunClient("127.0.0.1", server.port(), options);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  ASSERT_TRUE(first.handshake_complete);
  EXPECT_EQ(first.negotiated.suite->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_FALSE(first.negotiated.resumed);
  EXPECT_NE(first.response.find(kStatusPageTitle), std::string::npos) << first.response;
  EXPECT_NE(first.response.find("session: full handshake"), std::string::npos);
  ServedConnection served = server.Served(1);
  EXPECT_TRUE(served.status.ok()) << served.Summary();
  EXPECT_TRUE(served.answered);
  EXPECT_EQ(served.request.rfind("GET / HTTP/1.0\r\n", 0), 0u);
  EXPECT_NE(served.Summary().find(" ok request=\"GET / HTTP/1.0\""), std::string::npos)
      << served.Summary();
  EXPECT_EQ(served.negotiated.master_secret, first.negotiated.master_secret);

  ASSERT_TRUE(first.session.has_value());
  options.config.resume = first.session;
  ClientResult second = RunClient("127.0.0.1", server.port(), options);
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_TRUE(second.negotiated.resumed);
  EXPECT_EQ(second.negotiated.session_id, first.negotiated.session_id);
  EXPECT_NE(second.response.find("session: resumed"), std::string::npos) << second.response;
  EXPECT_TRUE(server.Served(2).negotiated.resumed);
}

TEST(EndpointTest, EchoModeEchoesLines) {
  ServerOptions server_options = RsaServer({Suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")});
  server_options.reply = ServerReply::kEcho;
  ServerThread server(std::move(server_options));
  ClientOptions options = HttpClient({Suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")});
  options.request = "hello engine\n";
  options.expect = "hello engine\n";
  ClientResult result = RunClient("127.0.0.1", server.port(), options);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_EQ(result.response, "hello engine\n");
  ServedConnection served = server.Served(1);
  EXPECT_TRUE(served.status.ok()) << served.Summary();
  EXPECT_EQ(served.request, "hello engine\n");
}

// An HTTP server must not answer a line that is not a request (a scripted peer's application data
// would otherwise come back and be judged as the target's data).
TEST(EndpointTest, HttpModeDoesNotEchoLinesThatAreNotHttp) {
  ServerOptions server_options = RsaServer({Suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")});
  server_options.request_timeout = std::chrono::milliseconds(300);
  ServerThread server(std::move(server_options));
  ClientOptions options = HttpClient({Suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")});
  options.request = "hello engine\n";
  options.expect = "hello engine\n";
  options.timeout = std::chrono::milliseconds(600);
  ClientResult result = RunClient("127.0.0.1", server.port(), options);
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(result.response.find("hello engine"), std::string::npos) << result.response;
}

TEST(EndpointTest, ClientAuthentication) {
  ServerOptions server_options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  server_options.config.client_auth = ClientAuthMode::kRequired;
  server_options.config.trusted_roots = {Pki().ca_der};
  ServerThread server(std::move(server_options));
  ClientOptions options = HttpClient({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.config.credentials = {Pki().ecdsa_client};
  ClientResult result = RunClient("127.0.0.1", server.port(), options);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_NE(result.response.find("client certificate: verified"), std::string::npos);
  EXPECT_TRUE(server.Served(1).negotiated.client_authenticated);

  // Without a certificate the required mode refuses the client.
  options.config.credentials.clear();
  ClientResult refused = RunClient("127.0.0.1", server.port(), options);
  EXPECT_FALSE(refused.status.ok());
  ServedConnection served = server.Served(2);
  EXPECT_FALSE(served.status.ok());
  EXPECT_NE(served.Summary().find("failed: "), std::string::npos) << served.Summary();
}

TEST(EndpointTest, NoCommonSuiteFailsOnBothSidesWithTheAlert) {
  ServerThread server(RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")}));
  ClientOptions options = HttpClient({Suite("TLS_RSA_WITH_AES_256_GCM_SHA384")});
  ClientResult result = RunClient("127.0.0.1", server.port(), options);
  ASSERT_FALSE(result.status.ok());
  EXPECT_FALSE(result.handshake_complete);
  // RFC 5246 7.4.1.3: no acceptable suite -> handshake_failure.
  EXPECT_EQ(result.status.alert(), AlertDescription::kHandshakeFailure)
      << result.status.ToString();
  EXPECT_NE(result.status.message().find("received fatal handshake_failure"), std::string::npos)
      << result.status.message();
  ServedConnection served = server.Served(1);
  EXPECT_EQ(served.status.alert(), AlertDescription::kHandshakeFailure);
  EXPECT_NE(served.Summary().find("failed: TLS connection failed before the handshake to "
                                  "complete: sent fatal handshake_failure"),
            std::string::npos)
      << served.Summary();
}

TEST(EndpointTest, SilentServerTimesOutTheClient) {
  Result<TcpListener> listener = ListenTcp();  // accepts (backlog) but never speaks
  ASSERT_TRUE(listener.ok());
  ClientOptions options = HttpClient(DefaultCipherSuites());
  options.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  ClientResult result = RunClient("127.0.0.1", listener->port, options);
  EXPECT_TRUE(result.status.timed_out()) << result.status.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

// A server without credentials is refused when created or, at the latest, per connection.
TEST(EndpointTest, ServerConfigurationErrorsAreReported) {
  ServerOptions options;
  options.config.cipher_suites = {Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")};
  Result<std::unique_ptr<ReferenceServer>> server = ReferenceServer::Create(options);
  if (!server.ok()) {
    EXPECT_FALSE(server.status().message().empty());
  } else {
    // Some configurations are only refused per connection: then Serve reports it.
    Result<TcpListener> listener = ListenTcp();
    ASSERT_TRUE(listener.ok());
    IoResult<Fd> client = ConnectTcp("127.0.0.1", listener->port, Deadline::AfterMs(1000));
    ASSERT_TRUE(client.ok());
    IoResult<Fd> accepted = AcceptTcp(*listener, Deadline::AfterMs(1000));
    ASSERT_TRUE(accepted.ok());
    ServedConnection served = (*server)->Serve(std::move(*accepted), "test");
    EXPECT_FALSE(served.status.ok());
  }
}

}  // namespace
}  // namespace shakedown
