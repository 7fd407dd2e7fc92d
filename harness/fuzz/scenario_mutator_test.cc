#include "harness/fuzz/scenario_mutator.h"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace shakedown {
namespace {

std::vector<Scenario> Corpus() {
  TreeLoad tree = LoadScenarioTree({"vectors/conformance"});
  std::vector<Scenario> out;
  for (LoadedVector& v : tree.vectors) {
    if (v.ok()) out.push_back(std::move(*v.scenario));
  }
  return out;
}

const std::vector<Scenario>& Vectors() {
  static const std::vector<Scenario>* vectors = new std::vector<Scenario>(Corpus());
  return *vectors;
}

TEST(ScenarioMutatorTest, CorpusLoads) { ASSERT_GT(Vectors().size(), 1000u); }

// Every mutation of every vector loads again, differs from its input, stays in the limits,
// and every kind of mutation happens somewhere.
TEST(ScenarioMutatorTest, MutationsStayLoadableAndCoverEveryKind) {
  ScenarioMutator mutator;
  std::array<int, kMutationKinds> applied{};
  uint64_t seed = 1;
  for (size_t i = 0; i < Vectors().size(); i += 7) {
    Scenario s = Vectors()[i];
    for (int round = 0; round < 12; ++round) {
      const Scenario before = s;
      Mutation kind;
      if (!mutator.Mutate(&s, seed++, &kind)) continue;
      ++applied[static_cast<int>(kind)];
      ASSERT_NE(s, before) << MutationName(kind);
      ASSERT_TRUE(mutator.Loadable(s)) << before.id << " after " << MutationName(kind);
      Result<Scenario> back = ParseScenarioCbor(SerializeScenarioCbor(s), s.source);
      ASSERT_TRUE(back.ok()) << back.status().message();
      ASSERT_EQ(*back, s);
      MutatorLimits limits;
      ASSERT_LE(s.connections.size(), limits.max_connections);
    }
  }
  for (int k = 0; k < kMutationKinds; ++k) {
    EXPECT_GT(applied[k], 0) << MutationName(static_cast<Mutation>(k)) << " never applied";
  }
}

TEST(ScenarioMutatorTest, SameSeedSameMutation) {
  ScenarioMutator mutator;
  Scenario a = Vectors()[3], b = Vectors()[3];
  ASSERT_TRUE(mutator.Mutate(&a, 99));
  ASSERT_TRUE(mutator.Mutate(&b, 99));
  EXPECT_EQ(a, b);
}

TEST(ScenarioMutatorTest, ByteMutatorIsUsedInsideByteFields) {
  int calls = 0;
  ScenarioMutator mutator([&](uint8_t* data, size_t size, size_t max_size) {
    ++calls;
    if (size < max_size) data[size++] = 0xab;
    return size;
  });
  for (const Scenario& v : Vectors()) {
    Scenario s = v;
    for (uint64_t seed = 0; seed < 40 && calls == 0; ++seed) mutator.Mutate(&s, seed);
    if (calls > 0) break;
  }
  EXPECT_GT(calls, 0);
}

TEST(ScenarioMutatorTest, CrossOverIsLoadable) {
  ScenarioMutator mutator;
  int changed = 0;
  for (size_t i = 0; i + 1 < Vectors().size(); i += 37) {
    const Scenario& a = Vectors()[i];
    const Scenario& b = Vectors()[i + 1];
    // Only loadable seeds reach the fuzzer (a ClientHello over 2^14 bytes is over its limits).
    if (!mutator.Loadable(a) || !mutator.Loadable(b)) continue;
    Scenario mixed = mutator.CrossOver(a, b, i);
    EXPECT_TRUE(mutator.Loadable(mixed)) << a.id << " x " << b.id;
    if (mixed != a) ++changed;
  }
  EXPECT_GT(changed, 0);
}

const Scenario& VectorById(const std::string& id) {
  for (const Scenario& v : Vectors()) {
    if (v.id == id) return v;
  }
  ADD_FAILURE() << "no vector " << id;
  return Vectors()[0];
}

// A seed that stops at the alert it expects goes on, in some cross-overs, with the rest of a
// normal flight after its deviating message (the edited ServerHello, here).
TEST(ScenarioMutatorTest, CrossOverContinuesTheFlightAfterTheDeviation) {
  ScenarioMutator mutator;
  const Scenario& negative = VectorById("client.handshake.unsolicited-unknown-extension");
  const Scenario& positive = VectorById("client.handshake.full-ecdhe-rsa");
  const std::vector<Step>& before = negative.connections.back().steps;
  int continued = 0;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Scenario mixed = mutator.CrossOver(negative, positive, seed);
    const std::vector<Step>& steps = mixed.connections.back().steps;
    if (steps.size() < 3) continue;
    const auto* sh = std::get_if<SendStep>(&steps[1].action);
    const auto* next = std::get_if<SendStep>(&steps[2].action);
    if (sh != nullptr && sh->message == MessageName::kServerHello && !sh->set.empty() &&
        next != nullptr && next->message == MessageName::kCertificate) {
      EXPECT_EQ(steps[1], before[1]);  // the deviation is kept as it was
      ++continued;
    }
  }
  EXPECT_GT(continued, 8);
}

// libFuzzer may hand in anything: garbage becomes the fallback, mutated; the output decodes.
TEST(ScenarioMutatorTest, CborGlueSurvivesGarbage) {
  ScenarioMutator mutator;
  const Scenario& fallback = Vectors()[0];
  for (unsigned seed = 0; seed < 50; ++seed) {
    std::vector<uint8_t> buffer(8192);
    for (size_t i = 0; i < 64; ++i) buffer[i] = static_cast<uint8_t>(seed * 31 + i * 7);
    const size_t n = mutator.MutateCbor(buffer.data(), 64, buffer.size(), seed, fallback);
    ASSERT_GT(n, 0u);
    Result<Scenario> back = ParseScenarioCbor(ByteView(buffer.data(), n), "fuzz-input");
    EXPECT_TRUE(back.ok()) << back.status().message();
  }
  const Bytes a = SerializeScenarioCbor(Vectors()[0]);
  const Bytes b = SerializeScenarioCbor(Vectors()[1]);
  std::vector<uint8_t> out(16384);
  const size_t n = mutator.CrossOverCbor(a.data(), a.size(), b.data(), b.size(), out.data(),
                                         out.size(), 5, fallback);
  ASSERT_GT(n, 0u);
  EXPECT_TRUE(ParseScenarioCbor(ByteView(out.data(), n), "fuzz-input").ok());
}

}  // namespace
}  // namespace shakedown
