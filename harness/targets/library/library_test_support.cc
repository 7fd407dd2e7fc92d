#include "harness/targets/library/library_test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "harness/scenario/loader.h"
#include "platform/subprocess.h"

namespace shakedown {

const TargetResources& TestResources() {
  static const TargetResources* resources = [] {
    Result<TargetResources> made = MakeRunResourcesWithPem(kTestSeed, "library-test");
    if (!made.ok()) {
      std::fprintf(stderr, "MakeRunResourcesWithPem: %s\n", made.status().ToString().c_str());
      std::abort();
    }
    auto* r = new TargetResources(std::move(made).value());
    std::atexit([] { RemoveTree(TestResources().pem.dir); });
    return r;
  }();
  return *resources;
}

RunOptions TestRunOptions() {
  RunOptions o;
  o.pki = TestResources().pki;
  o.seed = kTestSeed;
  o.timeout_ms = 200;
  return o;
}

Scenario LoadConformanceVector(const std::string& file) {
  Result<Scenario> s = LoadScenarioFile("vectors/conformance/" + file);
  EXPECT_TRUE(s.ok()) << file << ": " << s.status().message();
  return s.ok() ? *s : Scenario();
}

RunResult RunConformanceVectors(const std::vector<std::string>& files, const TargetFactory& make) {
  std::vector<Scenario> vectors;
  for (const std::string& f : files) vectors.push_back(LoadConformanceVector(f));
  return RunScenarios(vectors, make, TestRunOptions());
}

VectorResult RunConformanceVector(const std::string& file,
                                  const std::function<std::unique_ptr<Target>()>& make) {
  RunResult run = RunConformanceVectors(
      {file}, [&make](int) -> Result<std::unique_ptr<Target>> { return make(); });
  EXPECT_EQ(run.vectors.size(), 1u);
  return run.vectors.empty() ? VectorResult() : run.vectors[0];
}

void ExpectGarbageAndEarlyEofEnd(const std::function<std::unique_ptr<Library>()>& make) {
  for (Side role : {Side::kServer, Side::kClient}) {
    Result<Scenario> s = LoadScenarioFile(
        role == Side::kServer ? "vectors/conformance/handshake/server-full-ecdhe-rsa.json"
                              : "vectors/conformance/handshake/client-full-ecdhe-rsa.json");
    ASSERT_TRUE(s.ok());
    std::unique_ptr<Target> target = MakeLibraryTarget(make());
    Result<std::unique_ptr<TargetConnection>> conn = target->Connect(*s, 0);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    Bytes garbage;
    for (int i = 0; i < 400; ++i) garbage.insert(garbage.end(), {0x16, 0x03, 0x03, 0xff, 0xff});
    Status w = (*conn)->Write(ByteView(garbage.data(), garbage.size()));
    (void)w;  // may report a closed library
    bool ended = false;
    for (int i = 0; i < 10 && !ended; ++i) {
      ReadResult r = (*conn)->Read(Deadline::AfterMs(0));
      ended = r.kind != ReadResult::Kind::kData;
    }
    EXPECT_TRUE(ended);
    (*conn)->TakeNotes();

    // A fresh connection whose peer closes at once.
    Result<std::unique_ptr<TargetConnection>> eof = target->Connect(*s, 0);
    ASSERT_TRUE(eof.ok());
    const uint8_t partial[] = {0x16, 0x03, 0x01, 0x00};
    if (role == Side::kServer) (void)(*eof)->Write(ByteView(partial, sizeof(partial)));
    EXPECT_TRUE((*eof)->CloseWrite().ok());
    ReadResult r;
    for (int i = 0; i < 10; ++i) {
      r = (*eof)->Read(Deadline::AfterMs(0));
      if (r.kind != ReadResult::Kind::kData) break;
    }
    EXPECT_EQ(r.kind, ReadResult::Kind::kEof);
    std::vector<std::string> notes = (*eof)->TakeNotes();
    EXPECT_FALSE(notes.empty());
    (*eof)->Close();
  }
}

std::string Explain(const VectorResult& v) {
  std::string out = v.id + ": " + v.rule + ": " + v.message;
  for (const TraceEntry& t : v.trace) out += "\n  " + t.summary;
  return out;
}

}  // namespace shakedown
