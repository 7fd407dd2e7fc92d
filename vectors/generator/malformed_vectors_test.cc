#include "vectors/generator/malformed_vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <variant>

#include "harness/scenario/loader.h"
#include "vectors/generator/committed_files.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace {

constexpr char kCommitted[] = "vectors/conformance/malformed";
constexpr char kRegenerate[] =
    "bazel run //vectors/generator:malformed_vectors -- --out $PWD/vectors/conformance/malformed";

const MalformedVectors& Generated() {
  static const MalformedVectors* vectors = [] {
    Result<MalformedVectors> v = GenerateMalformedVectors();
    EXPECT_TRUE(v.ok()) << v.status().message();
    return new MalformedVectors(v.ok() ? *v : MalformedVectors());
  }();
  return *vectors;
}

TEST(MalformedVectors, CommittedFilesAreWhatTheGeneratorWrites) {
  ExpectCommittedFilesAre(Generated().files, kCommitted, kRegenerate);
}

// What the vectors must say, from RFC 5246 7.4.1.2 and the checklist, whatever the code.
TEST(MalformedVectors, EveryVectorEndsInAFatalDecodeErrorAllowedAndNothingLooser) {
  int vectors = 0;
  for (const GeneratedFile& f : Generated().files) {
    if (f.name == "README.md") continue;
    Result<Scenario> s = ParseScenarioJson(f.content, std::string(kCommitted) + "/" + f.name);
    ASSERT_TRUE(s.ok()) << f.name << ": " << s.status().message();
    ++vectors;
    // One connection, or a full handshake and then the resumption the message is in.
    ASSERT_TRUE(s->connections.size() == 1 ||
                (s->connections.size() == 2 && s->connections[1].resume))
        << f.name;
    const std::vector<Step>& steps = s->connections.back().steps;
    ASSERT_GE(steps.size(), 2u) << f.name;
    const auto* send = std::get_if<SendStep>(&steps[steps.size() - 2].action);
    ASSERT_NE(send, nullptr) << f.name;
    if (f.name.find("-ext-") != std::string::npos) {
      // An extension body broken inside: a hello with one extension set, refused with the
      // alerts of a body that does not match its format (RFC 5246 7.2.2), plus
      // handshake_failure where RFC 5746 3.6 or RFC 8422 5.1 leads there.
      ASSERT_EQ(send->set.size(), 1u) << f.name;
      EXPECT_EQ(send->set[0].field.rfind("extensions.", 0), 0u) << f.name;
      const auto* expect = std::get_if<Expectation>(&steps.back().action);
      ASSERT_NE(expect, nullptr) << f.name;
      EXPECT_EQ(expect->alerts.count(AlertDescription::kDecodeError), 1u) << f.name;
      for (AlertDescription a : expect->alerts) {
        EXPECT_TRUE(a == AlertDescription::kDecodeError ||
                    a == AlertDescription::kIllegalParameter ||
                    a == AlertDescription::kHandshakeFailure)
            << f.name;
      }
      continue;
    }
    ASSERT_TRUE(send->malform.has_value()) << f.name;
    const auto* expect = std::get_if<Expectation>(&steps.back().action);
    ASSERT_NE(expect, nullptr) << f.name;
    EXPECT_EQ(expect->alert_level, AlertLevel::kFatal) << f.name;
    EXPECT_FALSE(expect->close) << f.name << ": a close alone proves nothing";
    EXPECT_EQ(expect->alerts.count(AlertDescription::kDecodeError), 1u) << f.name;
    for (AlertDescription a : expect->alerts) {
      EXPECT_TRUE(a == AlertDescription::kDecodeError || a == AlertDescription::kIllegalParameter ||
                  a == AlertDescription::kBadCertificate || a == AlertDescription::kDecryptError ||
                  a == AlertDescription::kHandshakeFailure)
          << f.name;
    }
    // A message that ends early or late has one answer (RFC 5246 7.4.1.2); a ClientHello with
    // an inner length off by one too (checklist 21).
    const MalformEdit e = send->malform->edit;
    const bool cut = e == MalformEdit::kTruncate || e == MalformEdit::kTruncateLength ||
                     e == MalformEdit::kTruncateContent || e == MalformEdit::kTrailing;
    const bool shifted = e == MalformEdit::kLengthPlusOne || e == MalformEdit::kLengthMinusOne;
    // The one exception: an empty ECDHE ClientKeyExchange is RFC 8422 5.7's implicit form.
    const bool implicit_form = send->message == MessageName::kClientKeyExchange &&
                               e == MalformEdit::kTruncate &&
                               s->peer.cipher_suites == std::vector<uint16_t>{0xc02f};
    if ((cut && !implicit_form) || (shifted && send->message == MessageName::kClientHello)) {
      EXPECT_EQ(expect->alerts.size(), 1u) << f.name;
    }
  }
  EXPECT_GT(vectors, 150);
}

}  // namespace
}  // namespace shakedown
