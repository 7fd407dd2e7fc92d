// Adapter robustness: whatever a library does — throws out of its binding, waits for input
// forever, fails with an error code it never explains, refuses the configuration — the vector
// gets a verdict with the reason in its trace, and the run goes on to the next vector.
#include "harness/targets/library/library.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/runner/runner.h"
#include "harness/runner/target.h"
#include "harness/scenario/loader.h"
#include "harness/targets/library/library_test_support.h"

namespace shakedown {
namespace {

enum class Behaviour {
  kThrowsOnInput,  // Drive() throws once the peer has sent something
  kWaitsForever,   // reads everything, never answers, never finishes
  kFailsSilently,  // stops at the first input with an error code and no alert
  kRefusesToOpen,  // Open() fails
  kThrowsOnOpen,   // Open() throws
};

class FakeConnection final : public LibraryConnection {
 public:
  explicit FakeConnection(Behaviour b) : behaviour_(b) {}
  void Drive(LibraryIo& io) override {
    if (io.unread() == 0) return;
    switch (behaviour_) {
      case Behaviour::kThrowsOnInput:
        throw std::runtime_error("Decoding_Error: bad length");
      case Behaviour::kFailsSilently:
        io.read_pos = io.inbound.size();
        io.Note("fake: error -0x7200");
        finished_ = true;
        return;
      default:
        io.read_pos = io.inbound.size();  // takes it, says nothing
        return;
    }
  }
  bool finished() const override { return finished_; }
  const Negotiated* negotiated() const override { return nullptr; }

 private:
  Behaviour behaviour_;
  bool finished_ = false;
};

class FakeLibrary final : public Library {
 public:
  explicit FakeLibrary(Behaviour b) : behaviour_(b) {}
  std::string name() const override { return "fake"; }
  std::string version() const override { return "fake 1.0"; }
  std::optional<std::string> Unsupported(const Scenario&) const override { return std::nullopt; }
  Result<std::unique_ptr<LibraryConnection>> Open(const Scenario&, size_t) override {
    if (behaviour_ == Behaviour::kRefusesToOpen) return InternalError("no such suite");
    if (behaviour_ == Behaviour::kThrowsOnOpen) throw std::logic_error("bad policy");
    return std::unique_ptr<LibraryConnection>(new FakeConnection(behaviour_));
  }

 private:
  Behaviour behaviour_;
};

RunResult RunTwo(Behaviour b) {
  return RunConformanceVectors(
      {"handshake/server-full-ecdhe-rsa.json", "finished/server-tampered-verify-data.json"},
      [b](int) -> Result<std::unique_ptr<Target>> {
        return MakeLibraryTarget(std::make_unique<FakeLibrary>(b));
      });
}

bool TraceSays(const VectorResult& v, const std::string& text) {
  for (const TraceEntry& t : v.trace) {
    if (t.summary.find(text) != std::string::npos) return true;
  }
  return v.message.find(text) != std::string::npos;
}

TEST(LibraryTarget, AThrowingLibraryFailsTheVectorWithTheExceptionAndTheRunGoesOn) {
  RunResult run = RunTwo(Behaviour::kThrowsOnInput);
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    EXPECT_EQ(v.verdict, Verdict::kFail) << v.id << ": " << v.rule << ": " << v.message;
    EXPECT_TRUE(TraceSays(v, "fake: Drive threw (Decoding_Error: bad length)")) << v.id;
  }
}

TEST(LibraryTarget, ALibraryThatWaitsForeverFailsAsNoAnswer) {
  RunResult run = RunTwo(Behaviour::kWaitsForever);
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    EXPECT_EQ(v.verdict, Verdict::kFail) << v.id;
    EXPECT_NE(v.message.find("sent nothing"), std::string::npos) << v.id << ": " << v.message;
  }
}

TEST(LibraryTarget, AnUnexplainedErrorCodeIsACloseWithTheLibrarysNote) {
  RunResult run = RunTwo(Behaviour::kFailsSilently);
  ASSERT_EQ(run.vectors.size(), 2u);
  for (const VectorResult& v : run.vectors) {
    EXPECT_EQ(v.verdict, Verdict::kFail) << v.id;
    EXPECT_EQ(v.response, "close") << v.id;
    EXPECT_TRUE(TraceSays(v, "fake: error -0x7200")) << v.id;
  }
}

TEST(LibraryTarget, ARefusedOrThrowingOpenIsAnErrorNamingTheLibrary) {
  for (Behaviour b : {Behaviour::kRefusesToOpen, Behaviour::kThrowsOnOpen}) {
    RunResult run = RunTwo(b);
    ASSERT_EQ(run.vectors.size(), 2u);
    for (const VectorResult& v : run.vectors) {
      EXPECT_EQ(v.verdict, Verdict::kError) << v.id;
      EXPECT_NE(v.message.find("fake refused the configuration: "), std::string::npos) << v.message;
    }
    EXPECT_NE(run.vectors[0].message.find(
                  b == Behaviour::kRefusesToOpen ? "no such suite" : "Open threw: bad policy"),
              std::string::npos)
        << run.vectors[0].message;
  }
}

}  // namespace
}  // namespace shakedown
