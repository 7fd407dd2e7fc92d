// `shakedown serve` and `shakedown connect` as a user runs them: the built CLI binary as a
// subprocess, against itself and against openssl s_client.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "interop/interop_support.h"

namespace shakedown {
namespace interop {
namespace {

// A data dependency: tests run in the runfiles root of workspace "shakedown".
constexpr char kShakedown[] = "cli/shakedown";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(FindExecutable(kShakedown).has_value()) << "missing data dependency " << kShakedown;
  }

  // Starts `shakedown serve --port 0 ...`, returns it once it printed its port.
  std::unique_ptr<Subprocess> Serve(std::vector<std::string> args, uint16_t* port) {
    SubprocessOptions options;
    options.argv = {kShakedown, "serve", "--port", "0"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    Result<std::unique_ptr<Subprocess>> started = Subprocess::Start(options);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (!started.ok()) return nullptr;
    std::unique_ptr<Subprocess> serve = std::move(*started);
    if (!WaitForStdout(*serve, "listening on 127.0.0.1:", std::chrono::seconds(30))) {
      ADD_FAILURE() << "serve did not start\n" << serve->Describe();
      return nullptr;
    }
    std::smatch match;
    std::string out = serve->Stdout();
    std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)\n");
    if (!std::regex_search(out, match, listening)) {
      EXPECT_TRUE(WaitForStdout(*serve, "\n", std::chrono::seconds(1)));
      out = serve->Stdout();
      if (!std::regex_search(out, match, listening)) {
        ADD_FAILURE() << "no port in serve's output\n" << serve->Describe();
        return nullptr;
      }
    }
    *port = static_cast<uint16_t>(std::stoi(match[1]));
    return serve;
  }

  // The directory of the PKI `serve` generated, from its start-up lines.
  static std::string PkiDir(const Subprocess& serve) {
    std::smatch match;
    std::string out = serve.Stdout();
    std::regex dir("throw-away PKI \\(removed on exit\\) in (\\S+):\n");
    return std::regex_search(out, match, dir) ? std::string(match[1]) : std::string();
  }

  static PeerRun Connect(std::vector<std::string> args) {
    std::vector<std::string> argv = {kShakedown, "connect"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunPeerClient(argv, "");
  }
};

TEST_F(CliTest, ServeAndConnectWithResumption) {
  uint16_t port = 0;
  auto serve = Serve({"--max-connections", "2", "--seed", "1",
                      "--suites", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
                     &port);
  ASSERT_NE(serve, nullptr);
  std::string dir = PkiDir(*serve);
  ASSERT_FALSE(dir.empty()) << serve->Describe();
  Result<std::string> tmp = MakeTempDir("cli-keylog");
  ASSERT_TRUE(tmp.ok());
  std::string keylog = *tmp + "/keys.log";
  PeerRun run = Connect({"127.0.0.1:" + std::to_string(port), "--resume", "--ca", dir + "/ca.pem",
                         "--servername", "localhost", "--keylog", keylog});
  ASSERT_TRUE(run.status.ok()) << run.Describe();
  EXPECT_EQ(run.exit.code, 0) << run.Describe() << serve->Describe();
  EXPECT_NE(run.out.find("handshake: TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 x25519 full"),
            std::string::npos)
      << run.Describe();
  EXPECT_NE(run.out.find(kStatusPageTitle), std::string::npos) << run.Describe();
  EXPECT_NE(run.out.find("resumption: resumed"), std::string::npos) << run.Describe();

  // After --max-connections it exits by itself.
  IoResult<ExitStatus> served = serve->Wait(Deadline::AfterMs(10000));
  ASSERT_TRUE(served.ok()) << serve->Describe();
  EXPECT_TRUE(served->success()) << serve->Describe();
  std::string log = serve->Stdout();
  EXPECT_NE(log.find("#1 127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 resumed ems"), std::string::npos)
      << log;
  EXPECT_NE(log.find("served 2 connection(s), 0 failed"), std::string::npos) << log;

  // NSS key log: one CLIENT_RANDOM line per connection (32-byte random, 48-byte secret).
  std::ifstream in(keylog);
  std::string line;
  int lines = 0;
  std::regex format("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}");
  while (std::getline(in, line)) {
    EXPECT_TRUE(std::regex_match(line, format)) << line;
    ++lines;
  }
  EXPECT_EQ(lines, 2);
  RemoveTree(*tmp);
  EXPECT_FALSE(std::ifstream(dir + "/ca.pem").good()) << "serve left its PKI behind";
}

TEST_F(CliTest, ServeAnswersOpensslWithClientAuthentication) {
  std::string openssl = Tool("openssl");
  ASSERT_FALSE(openssl.empty()) << "openssl not found on PATH";
  uint16_t port = 0;
  auto serve = Serve({"--client-auth", "required"}, &port);
  ASSERT_NE(serve, nullptr);
  std::string dir = PkiDir(*serve);
  ASSERT_FALSE(dir.empty()) << serve->Describe();
  PeerRun run = RunPeerClient(
      {openssl, "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile",
       dir + "/ca.pem", "-verify_return_error", "-cert", dir + "/rsa_client.pem", "-key",
       dir + "/rsa_client.key"},
      "GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe() << serve->Describe();
  EXPECT_NE(run.out.find("client certificate: verified"), std::string::npos) << run.Describe();
  EXPECT_TRUE(WaitForStdout(*serve, "client-cert=yes ok request=\"GET / HTTP/1.0\""))
      << serve->Describe();

  // SIGTERM: a clean exit with a summary.
  kill(serve->pid(), SIGTERM);
  IoResult<ExitStatus> stopped = serve->Wait(Deadline::AfterMs(10000));
  ASSERT_TRUE(stopped.ok()) << serve->Describe();
  EXPECT_TRUE(stopped->success()) << serve->Describe();
  EXPECT_NE(serve->Stdout().find("served 1 connection(s), 0 failed (stopped by signal)"),
            std::string::npos)
      << serve->Describe();
  EXPECT_FALSE(std::ifstream(dir + "/ca.pem").good()) << "serve left its PKI behind";
}

TEST_F(CliTest, ConnectReportsHandshakeFailureWithExitCode1) {
  uint16_t port = 0;
  auto serve =
      Serve({"--max-connections", "1", "--suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, &port);
  ASSERT_NE(serve, nullptr);
  PeerRun run = Connect({"127.0.0.1:" + std::to_string(port), "--suites",
                         "TLS_RSA_WITH_AES_128_GCM_SHA256"});
  ASSERT_TRUE(run.status.ok()) << run.Describe();
  EXPECT_EQ(run.exit.code, 1) << run.Describe();
  EXPECT_NE(run.out.find("error (handshake_failure)"), std::string::npos) << run.Describe();
  EXPECT_TRUE(WaitForStdout(*serve, "sent fatal handshake_failure")) << serve->Describe();
}

TEST_F(CliTest, ConnectToAClosedPortExits1) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok());
  PeerRun run = Connect({"127.0.0.1:" + std::to_string(*port), "--timeout-ms", "2000"});
  ASSERT_TRUE(run.status.ok()) << run.Describe();
  EXPECT_EQ(run.exit.code, 1) << run.Describe();
  EXPECT_NE(run.out.find("refused"), std::string::npos) << run.Describe();
}

// Resumption across processes (--session), as an exec: client target needs it, and a server that
// echoes instead of serving a page.
TEST_F(CliTest, SessionFileResumesInTheNextProcessAndEchoRepliesLines) {
  uint16_t port = 0;
  auto serve = Serve({"--max-connections", "3", "--seed", "1", "--reply", "echo", "--tickets",
                      "--suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                     &port);
  ASSERT_NE(serve, nullptr);
  std::string dir = PkiDir(*serve);
  Result<std::string> tmp = MakeTempDir("cli-session");
  ASSERT_TRUE(tmp.ok());
  std::string session = *tmp + "/session";
  std::vector<std::string> args = {"127.0.0.1:" + std::to_string(port),
                                   "--ca",
                                   dir + "/ca.pem",
                                   "--servername",
                                   "localhost",
                                   "--session",
                                   session,
                                   "--tickets"};
  PeerRun first = Connect(args);
  EXPECT_EQ(first.exit.code, 0) << first.Describe() << serve->Describe();
  EXPECT_EQ(first.out.find("offering the session"), std::string::npos) << first.Describe();
  EXPECT_NE(first.out.find("GET / HTTP/1.0"),
            std::string::npos)  // echoed, no status page
      << first.Describe();
  EXPECT_EQ(first.out.find(kStatusPageTitle), std::string::npos) << first.Describe();
  PeerRun second = Connect(args);
  EXPECT_EQ(second.exit.code, 0) << second.Describe();
  EXPECT_NE(second.out.find("offering the session stored in " + session), std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("resumption: resumed"), std::string::npos) << second.Describe();

  // A connection that fails removes the file: RFC 5246 7.2.2, no resumption after a fatal alert.
  // The server offers only ECDHE_RSA here; the client only RSA key transport.
  args.push_back("--suites");
  args.push_back("TLS_RSA_WITH_AES_128_GCM_SHA256");
  PeerRun refused = Connect(args);
  EXPECT_EQ(refused.exit.code, 1) << refused.Describe();
  EXPECT_FALSE(std::ifstream(session).good()) << "the session file outlived a failed connection";
}

TEST_F(CliTest, UsageErrorsExit2NamingTheBadValue) {
  const std::string garbage = ::testing::TempDir() + "/garbage-session";
  std::ofstream(garbage) << "not a session\n";
  struct Case {
    std::vector<std::string> args;
    std::string expected;  // in stderr
  };
  std::vector<Case> cases = {
      {{"connect", "127.0.0.1:4433", "--suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_BOGUS"},
       "'TLS_BOGUS'"},
      {{"connect", "127.0.0.1:4433", "--suites", "TLS_RSA_WITH_RC4_128_MD5"},
       "'TLS_RSA_WITH_RC4_128_MD5' is not supported"},
      {{"connect", "no-port-here"}, "'no-port-here'"},
      {{"connect", "127.0.0.1:99999"}, "'127.0.0.1:99999'"},
      {{"connect", "127.0.0.1:4433", "--session", garbage}, garbage + ": not a session"},
      {{"connect", "127.0.0.1:4433", "--groups", "x25519,nope"}, "'nope'"},
      {{"serve", "--groups", "x448"}, "'x448' is not supported"},
      {{"connect", "127.0.0.1:4433", "--min-dh-bits", "512"}, "--min-dh-bits"},
      {{"serve", "--sni", "name-without-files"}, "NAME=CERT,KEY"},
      {{"serve", "--ems", "sometimes"}, "sometimes"},
      {{"serve", "--reply", "loud"}, "loud"},
      {{"serve", "--suites", "TLS_NOPE"}, "'TLS_NOPE'"},
      {{"serve", "--client-auth", "sometimes"}, "sometimes"},
      {{"serve", "--cert", "only-a-cert.pem"}, "--key"},
      {{"serve", "--cert", "/nonexistent/c.pem", "--key", "/nonexistent/k.pem"},
       "/nonexistent/c.pem"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {kShakedown};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    PeerRun run = RunPeerClient(argv, "", std::chrono::seconds(10));
    ASSERT_TRUE(run.status.ok()) << run.Describe();
    EXPECT_EQ(run.exit.code, 2) << run.Describe();
    EXPECT_NE(run.err.find(c.expected), std::string::npos) << run.Describe();
  }
}

TEST_F(CliTest, HelpExplainsTheOptions) {
  for (const char* command : {"serve", "connect"}) {
    PeerRun run = RunPeerClient({kShakedown, command, "--help"}, "", std::chrono::seconds(10));
    ASSERT_TRUE(run.status.ok() && run.exit.success()) << run.Describe();
    for (const char* option :
         {"--suites", "--groups", "--ems", "--tickets", "--cert", "--key", "--keylog", "--seed"}) {
      EXPECT_NE(run.out.find(option), std::string::npos) << command << " " << option;
    }
  }
}

}  // namespace
}  // namespace interop
}  // namespace shakedown
