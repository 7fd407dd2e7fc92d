#include "harness/net/socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>

#include "platform/subprocess.h"

namespace shakedown {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

struct Pair {
  TcpListener listener;
  Fd client;
  Fd server;
  std::string peer;
};

Pair Connected() {
  Pair pair;
  Result<TcpListener> listener = ListenTcp();
  EXPECT_TRUE(listener.ok()) << listener.status().ToString();
  pair.listener = std::move(*listener);
  IoResult<Fd> client = ConnectTcp("127.0.0.1", pair.listener.port, Deadline::AfterMs(2000));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  IoResult<Fd> server = AcceptTcp(pair.listener, Deadline::AfterMs(2000), &pair.peer);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  pair.client = std::move(*client);
  pair.server = std::move(*server);
  return pair;
}

TEST(SocketTest, PortZeroPicksAFreePortThatListens) {
  Result<TcpListener> listener = ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_NE(listener->port, 0);
  EXPECT_TRUE(IsListening(listener->port));
  std::optional<std::set<std::string>> inodes = ListeningSocketInodes(listener->port);
  ASSERT_TRUE(inodes.has_value());
  EXPECT_EQ(inodes->size(), 1u);
  // The port is taken while the listener lives.
  Result<TcpListener> again = ListenTcp("127.0.0.1", listener->port);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("bind 127.0.0.1:" + std::to_string(listener->port)),
            std::string::npos);
  uint16_t port = listener->port;
  listener->fd.reset();
  EXPECT_FALSE(IsListening(port));
}

TEST(SocketTest, PickFreePortCanBeBound) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_FALSE(IsListening(*port));
  Result<TcpListener> listener = ListenTcp("127.0.0.1", *port);
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_EQ(listener->port, *port);
}

TEST(SocketTest, ListenRejectsANonAddress) {
  Result<TcpListener> listener = ListenTcp("localhost", 0);
  ASSERT_FALSE(listener.ok());
  EXPECT_NE(listener.status().message().find("'localhost'"), std::string::npos);
}

TEST(SocketTest, ListensOnIpv6Loopback) {
  Result<TcpListener> listener = ListenTcp("::1", 0);
  if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback: " << listener.status().ToString();
  IoResult<Fd> client = ConnectTcp("::1", listener->port, Deadline::AfterMs(2000));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::string peer;
  IoResult<Fd> server = AcceptTcp(*listener, Deadline::AfterMs(2000), &peer);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_EQ(peer.substr(0, 5), "[::1]");
}

TEST(SocketTest, RoundTripBothWays) {
  Pair pair = Connected();
  EXPECT_EQ(pair.peer.substr(0, 10), "127.0.0.1:");
  ASSERT_TRUE(WriteAll(pair.client.get(), std::string_view("ping"), Deadline::AfterMs(1000)).ok());
  uint8_t buffer[16];
  std::string got;
  while (got.size() < 4) {
    IoResult<size_t> n = ReadSome(pair.server.get(), buffer, sizeof(buffer), Deadline::AfterMs(1000));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    ASSERT_GT(*n, 0u);
    got.append(reinterpret_cast<char*>(buffer), *n);
  }
  EXPECT_EQ(got, "ping");
  ASSERT_TRUE(WriteAll(pair.server.get(), std::string_view("pong"), Deadline::AfterMs(1000)).ok());
  got.clear();
  while (got.size() < 4) {
    IoResult<size_t> n = ReadSome(pair.client.get(), buffer, sizeof(buffer), Deadline::AfterMs(1000));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    ASSERT_GT(*n, 0u);
    got.append(reinterpret_cast<char*>(buffer), *n);
  }
  EXPECT_EQ(got, "pong");
}

TEST(SocketTest, ReadSeesEndOfStream) {
  Pair pair = Connected();
  pair.client.reset();
  uint8_t buffer[16];
  IoResult<size_t> n = ReadSome(pair.server.get(), buffer, sizeof(buffer), Deadline::AfterMs(2000));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 0u);
}

TEST(SocketTest, ReadTimesOutWhenNothingArrives) {
  Pair pair = Connected();
  uint8_t buffer[16];
  auto start = Clock::now();
  IoResult<size_t> n = ReadSome(pair.server.get(), buffer, sizeof(buffer), Deadline::AfterMs(150));
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.timed_out()) << n.status().ToString();
  EXPECT_GE(MsSince(start), 140);
  EXPECT_LT(MsSince(start), 2000);
}

TEST(SocketTest, AcceptTimesOutWithoutClient) {
  Result<TcpListener> listener = ListenTcp();
  ASSERT_TRUE(listener.ok());
  auto start = Clock::now();
  IoResult<Fd> fd = AcceptTcp(*listener, Deadline::AfterMs(150));
  ASSERT_FALSE(fd.ok());
  EXPECT_TRUE(fd.timed_out()) << fd.status().ToString();
  EXPECT_NE(fd.status().message().find(std::to_string(listener->port)), std::string::npos);
  EXPECT_GE(MsSince(start), 140);
  EXPECT_LT(MsSince(start), 2000);
}

TEST(SocketTest, ConnectToAClosedPortIsRefusedNotATimeout) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok());
  IoResult<Fd> fd = ConnectTcp("127.0.0.1", *port, Deadline::AfterMs(2000));
  ASSERT_FALSE(fd.ok());
  EXPECT_FALSE(fd.timed_out());
  EXPECT_NE(fd.status().message().find("refused"), std::string::npos) << fd.status().ToString();
}

TEST(SocketTest, ConnectResolvesNames) {
  Result<TcpListener> listener = ListenTcp();
  ASSERT_TRUE(listener.ok());
  // "localhost" may resolve to ::1 first; the listener is on 127.0.0.1 only, so this also
  // checks that later addresses are tried.
  IoResult<Fd> fd = ConnectTcp("localhost", listener->port, Deadline::AfterMs(2000));
  EXPECT_TRUE(fd.ok()) << fd.status().ToString();
}

TEST(SocketTest, WriteToAPeerThatNeverReadsTimesOut) {
  Pair pair = Connected();
  std::string big(64 << 20, 'x');  // far more than both socket buffers hold
  auto start = Clock::now();
  IoStatus status = WriteAll(pair.client.get(), big, Deadline::AfterMs(300));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out()) << status.ToString();
  EXPECT_LT(MsSince(start), 3000);
}

TEST(SocketTest, WriteToAClosedPeerFailsWithoutSigpipe) {
  Pair pair = Connected();
  pair.server.reset();
  std::string chunk(1 << 16, 'x');
  IoStatus status;
  // The first write may succeed (the reset arrives later); keep writing until it fails.
  for (int i = 0; i < 100 && status.ok(); ++i) {
    status = WriteAll(pair.client.get(), chunk, Deadline::AfterMs(1000));
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out()) << status.ToString();
}

std::unique_ptr<Subprocess> StartOrDie(std::vector<std::string> argv) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  Result<std::unique_ptr<Subprocess>> child = Subprocess::Start(std::move(options));
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  return child.ok() ? std::move(*child) : nullptr;
}

class ListeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FindExecutable("python3")) GTEST_SKIP() << "python3 is needed to play a server";
  }
  static std::vector<std::string> PythonListener(uint16_t port, double delay_s) {
    return {"python3", "-c",
            "import socket, sys, time\n"
            "time.sleep(" + std::to_string(delay_s) + ")\n"
            "s = socket.socket()\n"
            "s.bind(('127.0.0.1', " + std::to_string(port) + "))\n"
            "s.listen()\n"
            "time.sleep(60)\n"};
  }
};

TEST_F(ListeningTest, WaitsUntilTheChildListens) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok());
  auto child = StartOrDie(PythonListener(*port, 0.3));
  ASSERT_NE(child, nullptr);
  IoStatus status = WaitForListening(*child, *port, Deadline::AfterMs(10000));
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(IsListening(*port));
}

TEST_F(ListeningTest, ChildThatExitsFailsFastWithItsStderr) {
  auto child = StartOrDie({"sh", "-c", "echo 'bind: address in use' >&2; exit 4"});
  ASSERT_NE(child, nullptr);
  auto start = Clock::now();
  IoStatus status = WaitForListening(*child, 1, Deadline::AfterMs(10000));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out());
  EXPECT_LT(MsSince(start), 5000);
  EXPECT_NE(status.message().find("exited before listening"), std::string::npos);
  EXPECT_NE(status.message().find("bind: address in use"), std::string::npos);
  EXPECT_NE(status.message().find("exit code 4"), std::string::npos);
}

TEST_F(ListeningTest, ChildThatNeverListensTimesOut) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok());
  auto child = StartOrDie({"sleep", "100"});
  ASSERT_NE(child, nullptr);
  auto start = Clock::now();
  IoStatus status = WaitForListening(*child, *port, Deadline::AfterMs(300));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out()) << status.ToString();
  EXPECT_LT(MsSince(start), 3000);
}

TEST_F(ListeningTest, SomeoneElsesListenerDoesNotCount) {
  Result<TcpListener> ours = ListenTcp();
  ASSERT_TRUE(ours.ok());
  auto child = StartOrDie({"sleep", "100"});
  ASSERT_NE(child, nullptr);
  IoStatus status = WaitForListening(*child, ours->port, Deadline::AfterMs(300));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out()) << status.ToString();
}

TEST(ParseHostPortTest, Accepts) {
  Result<HostPort> a = ParseHostPort("localhost:443");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 443);
  Result<HostPort> b = ParseHostPort("[::1]:8443");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 8443);
  Result<HostPort> c = ParseHostPort("10.0.0.1:65535");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 65535);
}

TEST(ParseHostPortTest, Rejects) {
  for (const char* bad : {"host", "host:", ":80", "h:0", "h:65536", "h:12a", "h:-1", "::1:80",
                          "[::1]80", "[::1]:", "[]:80", "h:123456", ""}) {
    Result<HostPort> parsed = ParseHostPort(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find("'" + std::string(bad) + "'"), std::string::npos)
          << parsed.status().message();
    }
  }
}

}  // namespace
}  // namespace shakedown
