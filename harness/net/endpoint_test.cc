// The reference server and client against each other over loopback TCP.
#include "harness/net/endpoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
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
  explicit ServerThread(ServerOptions options, int backlog = 64) {
    Result<TcpListener> listener = ListenTcp("127.0.0.1", 0, backlog);
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
        served_[served.index] = served;
      });
      EXPECT_TRUE(status.ok()) << status.ToString();
    });
  }
  ~ServerThread() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return listener_.port; }
  // The connection with this index (1-based, accept order), waiting for it to end up to 10 s.
  // (Connections end in any order: the server runs them concurrently.)
  ServedConnection Served(uint64_t index) {
    Deadline deadline = Deadline::AfterMs(10000);
    while (!deadline.expired()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = served_.find(index);
        if (it != served_.end()) return it->second;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "connection " << index << " was not served in time";
    return ServedConnection();
  }
  size_t served_count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return served_.size();
  }

 private:
  TcpListener listener_;
  InMemorySessionCache cache_{100, 3600};
  std::unique_ptr<ReferenceServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::map<uint64_t, ServedConnection> served_;  // by index
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
    EXPECT_FALSE(suite->IsCcm()) << suite->name;  // negotiated only when named
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

// ---- Concurrency ----

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

// A client that connects and says nothing holds one worker until its handshake timeout; the next
// client must not wait for it. (The sequential server made it wait the full 20 s.)
TEST(ConcurrentServerTest, SilentClientDoesNotDelayOthers) {
  ServerOptions options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.handshake_timeout = seconds(20);
  options.workers = 4;
  ServerThread server(std::move(options));
  // Connected first, so accepted first (the listener's queue is FIFO): connection #1.
  IoResult<Fd> silent = ConnectTcp("127.0.0.1", server.port(), Deadline::AfterMs(5000));
  ASSERT_TRUE(silent.ok()) << silent.status().ToString();

  ClientOptions client = HttpClient(DefaultCipherSuites());
  client.timeout = seconds(30);
  steady_clock::time_point start = steady_clock::now();
  ClientResult result = RunClient("127.0.0.1", server.port(), client);
  steady_clock::duration elapsed = steady_clock::now() - start;
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_NE(result.response.find(kStatusPageTitle), std::string::npos) << result.response;
  // A handshake on loopback takes milliseconds; 5 s leaves room for a loaded machine and is still
  // far from the silent client's 20 s.
  EXPECT_LT(elapsed, seconds(5)) << "the second client waited for the silent one: "
                                 << std::chrono::duration_cast<milliseconds>(elapsed).count()
                                 << " ms";
  EXPECT_TRUE(server.Served(2).answered);

  silent->reset();  // hang up: connection #1 ends now rather than at its timeout
  ServedConnection first = server.Served(1);
  EXPECT_FALSE(first.handshake_complete);
  EXPECT_FALSE(first.status.ok());
}

// At most `workers` connections are accepted at once: with both workers held by silent clients a
// third client is not served until one of them hangs up.
TEST(ConcurrentServerTest, WorkersBoundTheConnectionsInProgress) {
  ServerOptions options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.handshake_timeout = seconds(30);
  options.workers = 2;
  ServerThread server(std::move(options));
  IoResult<Fd> silent1 = ConnectTcp("127.0.0.1", server.port(), Deadline::AfterMs(5000));
  IoResult<Fd> silent2 = ConnectTcp("127.0.0.1", server.port(), Deadline::AfterMs(5000));
  ASSERT_TRUE(silent1.ok() && silent2.ok());

  std::atomic<bool> done{false};
  ClientResult result;
  std::thread client([&] {
    ClientOptions options = HttpClient(DefaultCipherSuites());
    options.timeout = seconds(60);
    result = RunClient("127.0.0.1", server.port(), options);
    done = true;
  });
  // Not a speed test: the client cannot finish while both workers wait for silent clients.
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_FALSE(done.load()) << "a third connection was served while two workers were busy";
  EXPECT_EQ(server.served_count(), 0u);
  silent1->reset();  // frees a worker; silent2 still holds the other for its 30 s
  steady_clock::time_point freed = steady_clock::now();
  client.join();
  EXPECT_LT(steady_clock::now() - freed, seconds(10));
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(server.Served(3).answered);
  EXPECT_FALSE(server.Served(1).status.ok());
  silent2->reset();
  EXPECT_FALSE(server.Served(2).status.ok());
}

// Run stops accepting after max_connections, waits for those in progress, and reports each once.
TEST(ConcurrentServerTest, RunReturnsAfterMaxConnectionsEnded) {
  Result<TcpListener> listener = ListenTcp();
  ASSERT_TRUE(listener.ok());
  ServerOptions options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.workers = 3;
  Result<std::unique_ptr<ReferenceServer>> server = ReferenceServer::Create(std::move(options));
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::vector<ClientResult> results(3);
  std::vector<std::thread> clients;
  for (ClientResult& result : results) {
    clients.emplace_back([&result, port = listener->port] {
      result = RunClient("127.0.0.1", port, HttpClient(DefaultCipherSuites()));
    });
  }
  std::atomic<bool> stop{false};
  std::vector<uint64_t> indices;
  Status status = (*server)->Run(*listener, stop, 3, [&](const ServedConnection& served) {
    indices.push_back(served.index);  // no lock: Run serialises these calls
    EXPECT_TRUE(served.answered) << served.Summary();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::sort(indices.begin(), indices.end());
  EXPECT_EQ(indices, (std::vector<uint64_t>{1, 2, 3}));
  for (std::thread& client : clients) client.join();
  for (const ClientResult& result : results) EXPECT_TRUE(result.status.ok());
}

TEST(ConcurrentServerTest, ZeroWorkersIsAnError) {
  ServerOptions options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.workers = 0;
  Result<std::unique_ptr<ReferenceServer>> server = ReferenceServer::Create(std::move(options));
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("workers"), std::string::npos);
}

// 200 clients at once on 8 workers: every one completes its handshake and gets the page, and
// sessions resume on whichever worker serves the connection, by session ID (the shared cache) and
// by ticket (one ticket key for every worker's context).
TEST(ConcurrentServerTest, TwoHundredClientsResumeAcrossWorkers) {
  constexpr int kClients = 200;
  ServerOptions options = RsaServer({Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")});
  options.config.session_tickets = true;
  options.workers = 8;
  options.handshake_timeout = seconds(60);  // connections queue for a worker, not for this
  options.request_timeout = seconds(60);
  ServerThread server(std::move(options), /*backlog=*/kClients);

  ClientOptions by_id = HttpClient(DefaultCipherSuites());  // no tickets: the session ID
  by_id.timeout = seconds(120);
  ClientOptions by_ticket = by_id;
  by_ticket.config.session_tickets = true;
  ClientResult id_session = RunClient("127.0.0.1", server.port(), by_id);
  ClientResult ticket_session = RunClient("127.0.0.1", server.port(), by_ticket);
  ASSERT_TRUE(id_session.status.ok() && ticket_session.status.ok());
  ASSERT_TRUE(id_session.session.has_value() && ticket_session.session.has_value());
  ASSERT_FALSE(id_session.session->session_id.empty());
  ASSERT_FALSE(ticket_session.session->ticket.empty());
  by_id.config.resume = id_session.session;
  by_ticket.config.resume = ticket_session.session;
  ClientOptions full = HttpClient(DefaultCipherSuites());
  full.timeout = seconds(120);

  // Client i: a full handshake, a resumption by ID or by ticket, by i % 3.
  std::vector<ClientResult> results(kClients);
  std::vector<std::thread> clients;
  steady_clock::time_point start = steady_clock::now();
  for (int i = 0; i < kClients; ++i) {
    const ClientOptions& options = i % 3 == 0 ? full : i % 3 == 1 ? by_id : by_ticket;
    clients.emplace_back([&results, &options, i, port = server.port()] {
      results[i] = RunClient("127.0.0.1", port, options);
    });
  }
  for (std::thread& client : clients) client.join();
  const double elapsed =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count() / 1000.0;
  std::printf("%d concurrent connections on 8 workers in %.2f s\n", kClients, elapsed);

  for (int i = 0; i < kClients; ++i) {
    const ClientResult& result = results[i];
    ASSERT_TRUE(result.status.ok()) << "client " << i << ": " << result.status.ToString();
    EXPECT_NE(result.response.find(kStatusPageTitle), std::string::npos) << "client " << i;
    EXPECT_EQ(result.negotiated.resumed, i % 3 != 0) << "client " << i;
  }
  // Indices 1 and 2 set the sessions up; the load is 3..202, each reported once.
  for (uint64_t index = 3; index < 3 + kClients; ++index) {
    ServedConnection served = server.Served(index);
    EXPECT_TRUE(served.status.ok()) << served.Summary();
    EXPECT_TRUE(served.answered) << served.Summary();
  }
  EXPECT_EQ(server.served_count(), 2u + kClients);
}

}  // namespace
}  // namespace shakedown
