#include "engine/crypto/rng.h"

#include <botan/chacha_rng.h>
#include <botan/hash.h>

#include <string_view>

namespace shakedown {
namespace {

// Domain separation, so a seed used here never collides with other uses of the same number.
constexpr std::string_view kSeedLabel = "shakedown DeterministicRng v1";

Botan::secure_vector<uint8_t> SeedMaterial(uint64_t seed) {
  uint8_t seed_be[8];
  for (int i = 0; i < 8; ++i) seed_be[i] = static_cast<uint8_t>(seed >> (56 - 8 * i));
  // SHA-512 is part of every Botan build this project links (see build.h); create_or_throw
  // cannot fail here.
  std::unique_ptr<Botan::HashFunction> sha = Botan::HashFunction::create_or_throw("SHA-512");
  sha->update(reinterpret_cast<const uint8_t*>(kSeedLabel.data()), kSeedLabel.size());
  sha->update(seed_be, sizeof(seed_be));
  return sha->final();  // 64 bytes: more than the 256 bits ChaCha_RNG asks for
}

}  // namespace

// The seed-only ChaCha_RNG constructor has no underlying RNG and no entropy sources, so it
// never reseeds automatically (reseed interval 0).
DeterministicRng::DeterministicRng(uint64_t seed)
    : seed_(seed), impl_(std::make_unique<Botan::ChaCha_RNG>(SeedMaterial(seed))) {}

DeterministicRng::~DeterministicRng() = default;

void DeterministicRng::randomize(uint8_t output[], size_t length) {
  impl_->randomize(output, length);
}

void DeterministicRng::add_entropy(const uint8_t input[], size_t length) {
  impl_->add_entropy(input, length);
}

void DeterministicRng::randomize_with_input(uint8_t output[], size_t output_len,
                                            const uint8_t input[], size_t input_len) {
  impl_->randomize_with_input(output, output_len, input, input_len);
}

void DeterministicRng::randomize_with_ts_input(uint8_t output[], size_t output_len) {
  impl_->randomize(output, output_len);
}

size_t DeterministicRng::reseed(Botan::Entropy_Sources& /*sources*/, size_t /*poll_bits*/,
                                std::chrono::milliseconds /*poll_timeout*/) {
  return 0;
}

}  // namespace shakedown
