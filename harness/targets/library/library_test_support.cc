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

std::string Explain(const VectorResult& v) {
  std::string out = v.id + ": " + v.rule + ": " + v.message;
  for (const TraceEntry& t : v.trace) out += "\n  " + t.summary;
  return out;
}

}  // namespace shakedown
