// Randomness for the engine. Everything that needs random bytes (client/server randoms,
// session ids, ephemeral keys, RSA padding, CBC IVs) takes a Botan::RandomNumberGenerator;
// DeterministicRng makes that a pure function of a 64-bit seed, so equal seeds give equal bytes.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_RNG_H_
#define SHAKEDOWN_ENGINE_CRYPTO_RNG_H_

#include <botan/rng.h>

#include <cstdint>
#include <memory>
#include <string>

namespace shakedown {

// A ChaCha20-based deterministic generator. Never reseeds from the system; add_entropy()
// mixes the given bytes in deterministically.
class DeterministicRng final : public Botan::RandomNumberGenerator {
 public:
  explicit DeterministicRng(uint64_t seed);
  ~DeterministicRng() override;

  void randomize(uint8_t output[], size_t length) override;
  void add_entropy(const uint8_t input[], size_t length) override;
  bool accepts_input() const override { return true; }
  std::string name() const override { return "shakedown-deterministic"; }
  bool is_seeded() const override { return true; }
  void clear() override {}

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  std::unique_ptr<Botan::RandomNumberGenerator> impl_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_RNG_H_
