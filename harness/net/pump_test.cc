// SocketPump against a scripted fake Connection over a socketpair: the pump's contract
// (flush before returning, stop on the condition, report failures, peer hang-ups and
// timeouts) without any TLS.
#include "harness/net/pump.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace shakedown {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

Event MakeEvent(EventType type, AlertLevel level = AlertLevel::kWarning,
                AlertDescription alert = AlertDescription::kCloseNotify) {
  Event event;
  event.type = type;
  event.level = level;
  event.alert = alert;
  return event;
}

// A line protocol standing in for TLS. Start() sends "HELLO"; from the peer, "DONE"
// completes the handshake, "DATA x" delivers application data x, "BYE" closes cleanly,
// "FAIL" makes it send a fatal alert ("ALERT") and die.
class FakeConnection : public Connection {
 public:
  void Start() override { Out("HELLO\n"); }
  void ReceiveEof() override { dead_ = true; }
  void ReceiveBytes(ByteView data) override {
    if (dead_) return;
    pending_.append(reinterpret_cast<const char*>(data.data()), data.size());
    size_t end;
    while (!dead_ && (end = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      if (line == "DONE") {
        complete_ = true;
        events_.push_back(MakeEvent(EventType::kHandshakeComplete));
      } else if (line.rfind("DATA ", 0) == 0 && complete_) {
        Event event = MakeEvent(EventType::kApplicationData);
        event.data = B(line.substr(5));
        events_.push_back(event);
      } else if (line == "BYE") {
        dead_ = true;
        events_.push_back(MakeEvent(EventType::kAlertReceived));
        events_.push_back(MakeEvent(EventType::kClosed));
      } else {
        Out("ALERT\n");
        dead_ = true;
        failure_ = Status::Error(AlertDescription::kHandshakeFailure, "fake failure on " + line);
        Event alert =
            MakeEvent(EventType::kAlertSent, AlertLevel::kFatal, AlertDescription::kHandshakeFailure);
        alert.detail = failure_->message();
        events_.push_back(alert);
        events_.push_back(MakeEvent(EventType::kClosed));
      }
    }
  }
  Bytes TakeOutput() override { return std::move(out_); }
  std::vector<Event> TakeEvents() override { return std::move(events_); }
  Status SendHeartbeatRequest(ByteView) override { return InternalError("no heartbeat"); }
  Status SendApplicationData(ByteView data) override {
    if (!complete_ || dead_) return InternalError("not ready");
    Out("DATA " + std::string(data.begin(), data.end()) + "\n");
    return Status::Ok();
  }
  void Close() override {
    if (dead_) return;
    Out("BYE\n");
    dead_ = true;
  }
  Status Renegotiate() override { return InternalError("not supported"); }
  bool handshake_complete() const override { return complete_; }
  std::string_view state() const override { return dead_ ? "Dead" : complete_ ? "Done" : "Wait"; }
  bool dead() const override { return dead_; }
  std::optional<Status> failure() const override { return failure_; }
  const Negotiated& negotiated() const override { return negotiated_; }
  std::optional<Session> session() const override { return std::nullopt; }

 private:
  void Out(std::string_view text) { Append(out_, B(text)); }

  std::string pending_;
  Bytes out_;
  std::vector<Event> events_;
  bool complete_ = false;
  bool dead_ = false;
  std::optional<Status> failure_;
  Negotiated negotiated_;
};

class PumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    ours_.reset(fds[0]);
    theirs_.reset(fds[1]);
  }
  void PeerSends(std::string_view text) {
    ASSERT_TRUE(WriteAll(theirs_.get(), text, Deadline::AfterMs(1000)).ok());
  }
  // Everything the pump wrote so far.
  std::string PeerReads() {
    std::string got;
    uint8_t buffer[256];
    while (true) {
      IoResult<size_t> n = ReadSome(theirs_.get(), buffer, sizeof(buffer), Deadline::AfterMs(50));
      if (!n.ok() || *n == 0) return got;
      got.append(reinterpret_cast<char*>(buffer), *n);
    }
  }

  FakeConnection connection_;
  Fd ours_;
  Fd theirs_;
};

TEST_F(PumpTest, HandshakeCompletes) {
  SocketPump pump(&connection_, ours_.get());
  connection_.Start();
  PeerSends("DONE\n");
  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(2000));
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(PeerReads(), "HELLO\n");
  ASSERT_EQ(pump.events().size(), 1u);
  EXPECT_EQ(pump.events()[0].type, EventType::kHandshakeComplete);
}

TEST_F(PumpTest, InputInSingleBytesIsReassembled) {
  SocketPump pump(&connection_, ours_.get());
  std::thread peer([this] {
    for (char c : std::string("DONE\nDATA abc\n")) {
      (void)WriteAll(theirs_.get(), std::string_view(&c, 1), Deadline::AfterMs(1000));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  IoStatus status = pump.RunUntil(PumpUntil::kApplicationData, Deadline::AfterMs(5000));
  peer.join();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(pump.received_text(), "abc");
}

TEST_F(PumpTest, ApplicationDataMeansNewDataInThisRun) {
  SocketPump pump(&connection_, ours_.get());
  PeerSends("DONE\nDATA one\n");
  ASSERT_TRUE(pump.RunUntil(PumpUntil::kApplicationData, Deadline::AfterMs(2000)).ok());
  EXPECT_EQ(pump.received_text(), "one");
  // Data already seen does not satisfy the next wait.
  IoStatus status = pump.RunUntil(PumpUntil::kApplicationData, Deadline::AfterMs(100));
  EXPECT_TRUE(status.timed_out()) << status.ToString();
  PeerSends("DATA two\n");
  ASSERT_TRUE(pump.RunUntil(PumpUntil::kApplicationData, Deadline::AfterMs(2000)).ok());
  EXPECT_EQ(pump.received_text(), "onetwo");
}

TEST_F(PumpTest, SendAndCloseAreFlushed) {
  SocketPump pump(&connection_, ours_.get());
  EXPECT_FALSE(pump.Send(B("early"), Deadline::AfterMs(100)).ok());  // before the handshake
  PeerSends("DONE\n");
  ASSERT_TRUE(pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(2000)).ok());
  ASSERT_TRUE(pump.Send(B("hi"), Deadline::AfterMs(1000)).ok());
  ASSERT_TRUE(pump.Close(Deadline::AfterMs(1000)).ok());
  EXPECT_EQ(PeerReads(), "DATA hi\nBYE\n");
}

TEST_F(PumpTest, FailureReportsTheAlertAndFlushesIt) {
  SocketPump pump(&connection_, ours_.get());
  connection_.Start();
  PeerSends("GARBAGE\n");
  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(2000));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out());
  EXPECT_EQ(status.alert(), AlertDescription::kHandshakeFailure);
  EXPECT_NE(status.message().find("the handshake to complete"), std::string::npos);
  EXPECT_NE(status.message().find("sent fatal handshake_failure: fake failure on GARBAGE"),
            std::string::npos)
      << status.message();
  // The alert reached the peer before RunUntil returned.
  EXPECT_EQ(PeerReads(), "HELLO\nALERT\n");
}

TEST_F(PumpTest, CleanCloseSatisfiesClosedButNotHandshake) {
  {
    SocketPump pump(&connection_, ours_.get());
    PeerSends("BYE\n");
    IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(2000));
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("closed (close_notify)"), std::string::npos)
        << status.message();
  }
  FakeConnection other;
  SocketPump pump(&other, ours_.get());
  PeerSends("BYE\n");
  EXPECT_TRUE(pump.RunUntil(PumpUntil::kClosed, Deadline::AfterMs(2000)).ok());
}

TEST_F(PumpTest, PeerHangUp) {
  SocketPump pump(&connection_, ours_.get());
  theirs_.reset();
  auto start = Clock::now();
  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(5000));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out());
  EXPECT_NE(status.message().find("peer closed the TCP connection"), std::string::npos);
  EXPECT_LT(MsSince(start), 2000);
  EXPECT_TRUE(pump.peer_closed());
  // A hang-up is what kClosed waits for.
  EXPECT_TRUE(pump.RunUntil(PumpUntil::kClosed, Deadline::AfterMs(1000)).ok());
}

TEST_F(PumpTest, SilentPeerTimesOut) {
  SocketPump pump(&connection_, ours_.get());
  auto start = Clock::now();
  IoStatus status = RunOverSocket(connection_, ours_.get(), PumpUntil::kHandshakeComplete,
                                Deadline::AfterMs(150));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out()) << status.ToString();
  EXPECT_NE(status.message().find("the handshake to complete (state Wait)"), std::string::npos)
      << status.message();
  EXPECT_GE(MsSince(start), 140);
  EXPECT_LT(MsSince(start), 2000);
}

TEST_F(PumpTest, CancelStopsALongWait) {
  SocketPump pump(&connection_, ours_.get());
  std::atomic<bool> cancel{false};
  pump.set_cancel(&cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  auto start = Clock::now();
  IoStatus status = pump.RunUntil(PumpUntil::kHandshakeComplete, Deadline::AfterMs(30000));
  canceller.join();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out());
  EXPECT_NE(status.message().find("cancelled"), std::string::npos);
  EXPECT_LT(MsSince(start), 2000);
}

TEST(DescribeTest, Negotiated) {
  Negotiated negotiated;
  negotiated.suite = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  negotiated.group = NamedGroup::kX25519;
  negotiated.extended_master_secret = true;
  EXPECT_EQ(DescribeNegotiated(negotiated),
            "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 x25519 full ems client-cert=no");
  negotiated.group.reset();
  negotiated.resumed = true;
  negotiated.extended_master_secret = false;
  negotiated.client_authenticated = true;
  EXPECT_EQ(DescribeNegotiated(negotiated),
            "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 resumed no-ems client-cert=yes");
}

TEST(DescribeTest, FailureNamesTheReceivedAlert) {
  FakeConnection connection;
  std::vector<Event> events = {
      MakeEvent(EventType::kAlertReceived, AlertLevel::kFatal, AlertDescription::kBadCertificate)};
  EXPECT_EQ(DescribeFailure(connection, events), "received fatal bad_certificate");
  EXPECT_EQ(DescribeFailure(connection, {}), "no failure");
}

}  // namespace
}  // namespace shakedown
