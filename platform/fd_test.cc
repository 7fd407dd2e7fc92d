#include "platform/fd.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "platform/deadline.h"
#include "platform/io_status.h"

namespace shakedown {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

struct SocketPair {
  Fd a;
  Fd b;
};

SocketPair NonBlockingPair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  return {Fd(fds[0]), Fd(fds[1])};
}

TEST(DeadlineTest, RemainingAndExpiry) {
  Deadline soon = Deadline::AfterMs(200);
  EXPECT_FALSE(soon.expired());
  EXPECT_GT(soon.PollTimeoutMs(), 0);
  EXPECT_LE(soon.PollTimeoutMs(), 200);
  EXPECT_EQ(soon.PollTimeoutMs(50), 50);
  Deadline past = Deadline::AfterMs(-5);
  EXPECT_TRUE(past.expired());
  EXPECT_EQ(past.PollTimeoutMs(), 0);
  EXPECT_EQ(past.remaining().count(), 0);
  EXPECT_EQ(soon.Min(past).when(), past.when());
  EXPECT_EQ(past.Min(soon).when(), past.when());
}

TEST(FdTest, ClosesOnDestructionAndMoves) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int raw = fds[0];
  {
    Fd first(raw);
    Fd second(std::move(first));
    EXPECT_FALSE(first.valid());
    EXPECT_EQ(second.get(), raw);
  }
  EXPECT_EQ(close(raw), -1);  // already closed
  close(fds[1]);
}

TEST(FdTest, ReadAndWrite) {
  SocketPair pair = NonBlockingPair();
  ASSERT_TRUE(WriteAll(pair.a.get(), std::string_view("ping"), Deadline::AfterMs(1000)).ok());
  uint8_t buffer[16];
  IoResult<size_t> n = ReadSome(pair.b.get(), buffer, sizeof(buffer), Deadline::AfterMs(1000));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), *n), "ping");
}

TEST(FdTest, ReadSeesEndOfStream) {
  SocketPair pair = NonBlockingPair();
  pair.a.reset();
  uint8_t buffer[16];
  IoResult<size_t> n = ReadSome(pair.b.get(), buffer, sizeof(buffer), Deadline::AfterMs(1000));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 0u);
}

TEST(FdTest, ReadTimeoutIsTypedAndNamesTheWait) {
  SocketPair pair = NonBlockingPair();
  uint8_t buffer[16];
  auto start = Clock::now();
  IoResult<size_t> n = ReadSome(pair.b.get(), buffer, sizeof(buffer), Deadline::AfterMs(100));
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.timed_out());
  EXPECT_EQ(n.status().outcome(), IoOutcome::kTimedOut);
  EXPECT_EQ(n.status().message(), "timed out reading");
  EXPECT_GE(MsSince(start), 90);
}

TEST(FdTest, ReadErrorIsNotATimeout) {
  uint8_t buffer[16];
  IoResult<size_t> n = ReadSome(-1, buffer, sizeof(buffer), Deadline::AfterMs(100));
  ASSERT_FALSE(n.ok());
  EXPECT_FALSE(n.timed_out());
  EXPECT_EQ(n.status().outcome(), IoOutcome::kFailed);
}

TEST(FdTest, WriteToAPeerThatNeverReadsTimesOut) {
  SocketPair pair = NonBlockingPair();
  IoStatus status = WriteAll(pair.a.get(), std::string(16 << 20, 'x'), Deadline::AfterMs(200));
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.timed_out()) << status.ToString();
}

TEST(FdTest, WriteToAClosedPeerFailsWithoutSigpipe) {
  SocketPair pair = NonBlockingPair();
  pair.b.reset();
  IoStatus status = WriteAll(pair.a.get(), std::string_view("x"), Deadline::AfterMs(1000));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out()) << status.ToString();
}

TEST(IoStatusTest, KindsAndContext) {
  EXPECT_TRUE(IoStatus::Ok().ok());
  EXPECT_TRUE(IoStatus::Failed(Status::Ok()).ok());
  IoStatus failed = IoStatus::Failed(IllegalParameter("bad"));
  EXPECT_EQ(failed.outcome(), IoOutcome::kFailed);
  EXPECT_EQ(failed.status().alert(), AlertDescription::kIllegalParameter);
  IoStatus timed_out = IoStatus::TimedOut("waiting").WithContext("server");
  EXPECT_TRUE(timed_out.timed_out());
  EXPECT_EQ(timed_out.message(), "server: timed out waiting");
  // As a plain Status the kind is gone but the error stays.
  const Status& plain = timed_out;
  EXPECT_FALSE(plain.ok());
  Result<int> result = timed_out;
  EXPECT_FALSE(result.ok());
}

}  // namespace
}  // namespace shakedown
