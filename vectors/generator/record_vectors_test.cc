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
// Two kinds: a bit flipped after sealing (corrupt_record), always bad_record_mac; and a record
// sealed the way the vector says (seal), bad_record_mac when the shape breaks the MAC or the
// padding, otherwise a close_notify round trip that proves the target went on.
TEST(RecordVectors, EachVectorBreaksOneRecordOrShapesItWithinTheRfc) {
  int flipped = 0;
  int refused = 0;
  int accepted = 0;
  for (const GeneratedFile& f : Generated().files) {
    if (f.name == "README.md") continue;
    Result<Scenario> s = ParseScenarioJson(f.content, std::string(kCommitted) + "/" + f.name);
    ASSERT_TRUE(s.ok()) << f.name << ": " << s.status().message();
    // The premise: the target enables the suite of the record.
    EXPECT_EQ(s->target.cipher_suites, s->peer.cipher_suites) << f.name;
    const std::vector<Step>& steps = s->connections.at(0).steps;
    const SendStep* shaped = nullptr;
    for (const Step& step : steps) {
      const auto* send = std::get_if<SendStep>(&step.action);
      if (send != nullptr && (send->record.corrupt_record || send->record.seal)) {
        ASSERT_EQ(shaped, nullptr) << f.name << ": one record is broken or shaped";
        shaped = send;
      }
    }
    ASSERT_NE(shaped, nullptr) << f.name;
    const auto* expect = std::get_if<Expectation>(&steps.back().action);
    ASSERT_NE(expect, nullptr) << f.name;
    if (shaped->record.corrupt_record) {
      ++flipped;
      EXPECT_EQ(shaped->record.corrupt_record->mask, Bytes{0x01}) << f.name;
    }
    const bool breaks = shaped->record.corrupt_record ||
                        (shaped->record.seal->xor_inner || shaped->record.seal->inner);
    if (breaks) {
      refused += shaped->record.seal ? 1 : 0;
      EXPECT_EQ(expect->alerts, std::set<AlertDescription>{AlertDescription::kBadRecordMac})
          << f.name;
      EXPECT_EQ(expect->alert_level, AlertLevel::kFatal) << f.name;
      EXPECT_FALSE(expect->close) << f.name;
    } else {
      ++accepted;
      EXPECT_EQ(expect->alerts, std::set<AlertDescription>{AlertDescription::kCloseNotify})
          << f.name;
      EXPECT_EQ(expect->alert_level, AlertLevel::kWarning) << f.name;
    }
  }
  // 20 CBC and AEAD suites before CCM (312), and 8 CCM ones: 4 spots x 2 records x 2 roles each.
  EXPECT_EQ(flipped, 312 + 8 * 4 * 2 * 2);
  EXPECT_GT(refused, 100);
  EXPECT_GT(accepted, 50);
}

}  // namespace
}  // namespace shakedown
