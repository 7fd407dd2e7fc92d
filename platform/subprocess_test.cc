#include "platform/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace shakedown {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::unique_ptr<Subprocess> StartOrDie(std::vector<std::string> argv, bool stdin_pipe = false) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  options.stdin_pipe = stdin_pipe;
  Result<std::unique_ptr<Subprocess>> child = Subprocess::Start(std::move(options));
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  return child.ok() ? std::move(*child) : nullptr;
}

// Whether `pid` is gone or a zombie waiting for init (killed either way).
bool ProcessEnded(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return true;
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

bool EventuallyEnded(pid_t pid) {
  Deadline deadline = Deadline::AfterMs(3000);
  while (!deadline.expired()) {
    if (ProcessEnded(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(SubprocessTest, ExitCodeAndOutputAreCaptured) {
  auto child = StartOrDie({"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"});
  ASSERT_NE(child, nullptr);
  IoResult<ExitStatus> status = child->Wait(Deadline::AfterMs(5000));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 3);
  EXPECT_FALSE(status->success());
  EXPECT_EQ(status->ToString(), "exit code 3");
  EXPECT_EQ(child->Stdout(), "to-stdout\n");
  EXPECT_EQ(child->Stderr(), "to-stderr\n");
  std::string description = child->Describe();
  EXPECT_NE(description.find("command: sh -c 'echo to-stdout;"), std::string::npos) << description;
  EXPECT_NE(description.find("exit code 3"), std::string::npos);
  EXPECT_NE(description.find("to-stderr"), std::string::npos);
  EXPECT_FALSE(child->running());
}

TEST(SubprocessTest, SuccessfulExit) {
  auto child = StartOrDie({"true"});
  ASSERT_NE(child, nullptr);
  IoResult<ExitStatus> status = child->Wait(Deadline::AfterMs(5000));
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success());
}

TEST(SubprocessTest, OutputGoesToGivenFiles) {
  Result<std::string> dir = MakeTempDir("subprocess-test");
  ASSERT_TRUE(dir.ok());
  SubprocessOptions options;
  options.argv = {"sh", "-c", "echo out; echo err >&2"};
  options.stdout_path = *dir + "/out.txt";
  options.stderr_path = *dir + "/err.txt";
  {
    Result<std::unique_ptr<Subprocess>> child = Subprocess::Start(options);
    ASSERT_TRUE(child.ok());
    ASSERT_TRUE((*child)->Wait(Deadline::AfterMs(5000)).ok());
  }
  // Given files are the caller's: they outlive the Subprocess.
  std::ifstream out(*dir + "/out.txt"), err(*dir + "/err.txt");
  std::stringstream o, e;
  o << out.rdbuf();
  e << err.rdbuf();
  EXPECT_EQ(o.str(), "out\n");
  EXPECT_EQ(e.str(), "err\n");
  RemoveTree(*dir);
}

TEST(SubprocessTest, MissingProgramIsAnErrorNamingIt) {
  SubprocessOptions options;
  options.argv = {"shakedown-no-such-program", "x"};
  Result<std::unique_ptr<Subprocess>> child = Subprocess::Start(options);
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("'shakedown-no-such-program' not found"),
            std::string::npos);
  options.argv = {};
  EXPECT_FALSE(Subprocess::Start(options).ok());
}

TEST(SubprocessTest, StdinPipe) {
  auto child = StartOrDie({"cat"}, /*stdin_pipe=*/true);
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WriteStdin("hello\n", Deadline::AfterMs(1000)).ok());
  EXPECT_TRUE(child->running());
  child->CloseStdin();
  IoResult<ExitStatus> status = child->Wait(Deadline::AfterMs(5000));
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success());
  EXPECT_EQ(child->Stdout(), "hello\n");
  EXPECT_FALSE(child->WriteStdin("late", Deadline::AfterMs(100)).ok());
}

TEST(SubprocessTest, StdinIsDevNullWithoutPipe) {
  auto child = StartOrDie({"cat"});  // would block forever on an inherited terminal
  ASSERT_NE(child, nullptr);
  IoResult<ExitStatus> status = child->Wait(Deadline::AfterMs(5000));
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success());
  EXPECT_EQ(child->Stdout(), "");
}

TEST(SubprocessTest, HangingChildTimesOutThenIsKilled) {
  auto child = StartOrDie({"sleep", "100"});
  ASSERT_NE(child, nullptr);
  auto start = Clock::now();
  IoResult<ExitStatus> waited = child->Wait(Deadline::AfterMs(200));
  ASSERT_FALSE(waited.ok());
  EXPECT_TRUE(waited.timed_out()) << waited.status().ToString();
  EXPECT_GE(MsSince(start), 190);
  EXPECT_TRUE(child->running());
  ExitStatus killed = child->Kill();
  EXPECT_FALSE(killed.exited);
  EXPECT_EQ(killed.signal, SIGTERM);
  EXPECT_LT(MsSince(start), 3000);
  EXPECT_FALSE(child->running());
  // Idempotent.
  EXPECT_EQ(child->Kill().signal, SIGTERM);
}

TEST(SubprocessTest, ChildIgnoringSigtermGetsSigkill) {
  auto child = StartOrDie({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"});
  ASSERT_NE(child, nullptr);
  Deadline ready = Deadline::AfterMs(5000);
  while (child->Stdout().empty() && !ready.expired()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(child->Stdout(), "ready\n");
  auto start = Clock::now();
  ExitStatus killed = child->Kill(/*grace_ms=*/200);
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_GE(MsSince(start), 190);
  EXPECT_LT(MsSince(start), 3000);
}

TEST(SubprocessTest, KillReachesTheWholeProcessGroup) {
  auto child = StartOrDie({"sh", "-c", "sleep 100 & echo $!; wait"});
  ASSERT_NE(child, nullptr);
  Deadline ready = Deadline::AfterMs(5000);
  while (child->Stdout().find('\n') == std::string::npos && !ready.expired()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_t grandchild = static_cast<pid_t>(std::stol(child->Stdout()));
  EXPECT_FALSE(ProcessEnded(grandchild));
  child->Kill();
  EXPECT_TRUE(EventuallyEnded(grandchild));
}

TEST(SubprocessTest, LeftoversAreKilledWhenTheChildExits) {
  auto child = StartOrDie({"sh", "-c", "sleep 100 & echo $!"});
  ASSERT_NE(child, nullptr);
  IoResult<ExitStatus> status = child->Wait(Deadline::AfterMs(5000));
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success());
  pid_t grandchild = static_cast<pid_t>(std::stol(child->Stdout()));
  EXPECT_TRUE(EventuallyEnded(grandchild));
}

TEST(SubprocessTest, DestructionKillsAndReaps) {
  pid_t pid;
  {
    auto child = StartOrDie({"sleep", "100"});
    ASSERT_NE(child, nullptr);
    pid = child->pid();
  }
  // Reaped: no zombie is left for this process to collect.
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(ProcessEnded(pid));
}

TEST(SubprocessTest, WritingToAChildThatQuitFailsWithoutSigpipe) {
  auto child = StartOrDie({"true"}, /*stdin_pipe=*/true);
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->Wait(Deadline::AfterMs(5000)).ok());
  IoStatus status = child->WriteStdin(std::string(1 << 20, 'x'), Deadline::AfterMs(1000));
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(status.timed_out()) << status.ToString();
}

TEST(RunSubprocess, PassesInputAndReturnsOutput) {
  // Larger than any pipe buffer: input and output must be interleaved.
  std::string input(3 << 20, 'x');
  input[12345] = '\n';
  Result<std::string> out = RunSubprocess({"cat"}, input, 10000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, input);
}

TEST(RunSubprocess, ReportsNonZeroExitWithStderr) {
  Result<std::string> out = RunSubprocess({"sh", "-c", "echo oops >&2; exit 3"}, "", 10000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("exit status 3"), std::string::npos);
  EXPECT_NE(out.status().message().find("oops"), std::string::npos);
}

TEST(RunSubprocess, ReportsMissingProgram) {
  Result<std::string> out = RunSubprocess({"/nonexistent/shakedown-dot"}, "x", 10000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("/nonexistent/shakedown-dot"), std::string::npos);
  // The HTML report stops calling a tool that "cannot run".
  EXPECT_NE(out.status().message().find("cannot run"), std::string::npos);
}

TEST(RunSubprocess, KillsAProgramThatOverrunsItsTimeout) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> out = RunSubprocess({"sleep", "30"}, "", 200);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("timed out"), std::string::npos);
  EXPECT_LT(ms, 5000);
}

TEST(RunSubprocess, SurvivesAProgramThatIgnoresItsInput) {
  // `true` exits without reading: writing the rest must not raise SIGPIPE here.
  Result<std::string> out = RunSubprocess({"true"}, std::string(4 << 20, 'x'), 10000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "");
}

TEST(RunSubprocess, CapsOutput) {
  Result<std::string> out = RunSubprocess({"cat"}, std::string(1 << 20, 'x'), 10000, 1000);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bytes of output"), std::string::npos);
}

TEST(TempTest, MakeTempDirAndRemoveTree) {
  Result<std::string> dir = MakeTempDir("subprocess-test");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(dir->rfind(TempRoot(), 0), 0u);
  std::ofstream(*dir + "/file") << "x";
  RemoveTree(*dir);
  EXPECT_FALSE(std::ifstream(*dir + "/file").good());
}

TEST(FindExecutableTest, FindsOnPath) {
  std::optional<std::string> sh = FindExecutable("sh");
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->back(), 'h');
  EXPECT_EQ(FindExecutable(*sh), sh);
  EXPECT_FALSE(FindExecutable("shakedown-no-such-program").has_value());
  EXPECT_FALSE(FindExecutable("/nonexistent/sh").has_value());
}

}  // namespace
}  // namespace shakedown
