#include "harness/fuzz/known_findings.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace shakedown {
namespace {

TEST(KnownFindings, WhatSeedsShowIsLearnedAndStopsNothingLater) {
  unsetenv("SHAKEDOWN_LIBFUZZ_KNOWN");
  unsetenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL");
  KnownFindings known;
  EXPECT_FALSE(known.Stops("invariant: a", "seed.one"));  // read with the initial corpus
  known.StartMutating();
  EXPECT_FALSE(known.Stops("invariant: a", "?"));
  EXPECT_TRUE(known.Stops("invariant: b", "?"));
  EXPECT_TRUE(known.Stops("invariant: b", "?"));  // a stop is not learned: each run stops
}

TEST(KnownFindings, TheEnvironmentAddsFindingsOrTurnsLearningOff) {
  setenv("SHAKEDOWN_LIBFUZZ_KNOWN", "invariant: a;lib completes what the reference refuses (x)", 1);
  unsetenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL");
  {
    KnownFindings known;
    known.StartMutating();
    EXPECT_FALSE(known.Stops("invariant: a", "?"));
    EXPECT_FALSE(known.Stops("lib completes what the reference refuses (x)", "?"));
    EXPECT_TRUE(known.Stops("invariant: c", "?"));
  }
  setenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL", "1", 1);
  {
    KnownFindings known;
    EXPECT_TRUE(known.Stops("invariant: a", "seed"));  // neither env list nor seeds count
  }
  unsetenv("SHAKEDOWN_LIBFUZZ_KNOWN");
  unsetenv("SHAKEDOWN_LIBFUZZ_ABORT_ALL");
}

}  // namespace
}  // namespace shakedown
