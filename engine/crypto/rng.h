// Randomness for the engine. Everything that needs random bytes (client/server randoms,
// session ids, ephemeral keys, RSA padding, CBC IVs) takes a Botan::RandomNumberGenerator;
// DeterministicRng makes that a pure function of a 64-bit seed, so equal seeds give equal bytes.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_RNG_H_
#define SHAKEDOWN_ENGINE_CRYPTO_RNG_H_

#include <botan/rng.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shakedown {

// A ChaCha20-based deterministic generator. Never reseeds from the system; add_entropy()
// mixes the given bytes in deterministically.
//
// Construction: Botan::ChaCha_RNG seeded with
//   SHA-512("shakedown DeterministicRng v1" || uint64_be(seed)).
// Botan locks internally, but output is reproducible only if draws happen in a fixed order:
// use one generator per connection. Botan's ChaCha_RNG throws if used in a fork()ed child
// (it cannot reseed); create generators after forking.
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

  // The base-class versions of these read the clock, the system RNG or the global entropy
  // sources, which would make the output depend on more than the seed.
  void randomize_with_input(uint8_t output[], size_t output_len, const uint8_t input[],
                            size_t input_len) override;
  // Ignores the timestamps the base class would mix in: same as randomize().
  void randomize_with_ts_input(uint8_t output[], size_t output_len) override;
  // Polls nothing; returns 0 bits.
  size_t reseed(Botan::Entropy_Sources& sources, size_t poll_bits,
                std::chrono::milliseconds poll_timeout) override;

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  std::unique_ptr<Botan::RandomNumberGenerator> impl_;
};

// A seed from a name (FNV-1a, 64-bit): per-vector and per-connection generators derive their
// seeds from the vector id, so one run seed reproduces every byte of every vector.
constexpr uint64_t SeedFromName(std::string_view name) {
  uint64_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_RNG_H_
