#include "vectors/generator/record_vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "harness/scenario/loader.h"
#include "vectors/generator/committed_files.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace {

constexpr char kCommitted[] = "vectors/conformance/record-protection";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:record_vectors -- --out $PWD/vectors/conformance/record-protection";

const RecordVectors& Generated() {
  static const RecordVectors* vectors = [] {
    Result<RecordVectors> v = GenerateRecordVectors();
    EXPECT_TRUE(v.ok()) << v.status().message();
    return new RecordVectors(v.ok() ? *v : RecordVectors());
  }();
  return *vectors;
}

TEST(RecordVectors, CommittedFilesAreWhatTheGeneratorWrites) {
  ExpectCommittedFilesAre(Generated().files, kCommitted, kRegenerate);
}

// What the vectors must say, from RFC 5246 6.2.3.2 and 6.2.3.3, whatever the code.
TEST(RecordVectors, EveryVectorFlipsOneRecordBitAndExpectsOnlyBadRecordMac) {
  int vectors = 0;
  for (const GeneratedFile& f : Generated().files) {
    if (f.name == "README.md") continue;
    Result<Scenario> s = ParseScenarioJson(f.content, std::string(kCommitted) + "/" + f.name);
    ASSERT_TRUE(s.ok()) << f.name << ": " << s.status().message();
    ++vectors;
    const std::vector<Step>& steps = s->connections.at(0).steps;
    ASSERT_GE(steps.size(), 2u) << f.name;
    const auto* send = std::get_if<SendStep>(&steps[steps.size() - 2].action);
    ASSERT_NE(send, nullptr) << f.name;
    ASSERT_TRUE(send->record.corrupt_record.has_value()) << f.name;
    EXPECT_EQ(send->record.corrupt_record->mask, Bytes{0x01}) << f.name;
    const auto* expect = std::get_if<Expectation>(&steps.back().action);
    ASSERT_NE(expect, nullptr) << f.name;
    EXPECT_EQ(expect->alerts, std::set<AlertDescription>{AlertDescription::kBadRecordMac})
        << f.name;
    EXPECT_EQ(expect->alert_level, AlertLevel::kFatal) << f.name;
    EXPECT_FALSE(expect->close) << f.name;
    // The premise: the target enables the suite of the record.
    EXPECT_EQ(s->target.cipher_suites, s->peer.cipher_suites) << f.name;
  }
  EXPECT_GT(vectors, 200);
}

}  // namespace
}  // namespace shakedown
