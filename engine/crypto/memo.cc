#include "engine/crypto/memo.h"

#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/sha2_32.h>

#include <memory>

namespace shakedown {
namespace {

std::atomic<bool> g_enabled{true};
std::atomic<uint64_t> g_hits{0};
std::atomic<uint64_t> g_misses{0};

Bytes Sha256(std::string_view label, const uint8_t* data, size_t size) {
  std::unique_ptr<Botan::HashFunction> sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  sha->update(data, size);
  const Botan::secure_vector<uint8_t> digest = sha->final();
  return Bytes(digest.begin(), digest.end());
}

}  // namespace

Bytes PublicKeyId(const Botan::Public_Key& key) {
  const std::vector<uint8_t> bits = key.public_key_bits();
  return Sha256("shakedown public key", bits.data(), bits.size());
}

Bytes PrivateKeySecret(const Botan::Private_Key& key, std::string_view label) {
  const Botan::secure_vector<uint8_t> bits = key.private_key_bits();
  return Sha256(label, bits.data(), bits.size());
}

struct MemoKeyBuilder::State {
  Botan::SHA_256 sha_256;  // directly, not by name: keys are built on hot paths
  Botan::HashFunction* sha = &sha_256;
};

MemoKeyBuilder::MemoKeyBuilder(std::string_view operation) : state_(new State()) {
  Add(ByteView(reinterpret_cast<const uint8_t*>(operation.data()), operation.size()));
}

MemoKeyBuilder::~MemoKeyBuilder() { delete state_; }

MemoKeyBuilder& MemoKeyBuilder::Add(uint64_t number) {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(number >> (56 - 8 * i));
  state_->sha->update(be, sizeof(be));
  return *this;
}

MemoKeyBuilder& MemoKeyBuilder::Add(ByteView input) {
  Add(static_cast<uint64_t>(input.size()));  // length first: ("ab","c") != ("a","bc")
  state_->sha->update(input.data(), input.size());
  return *this;
}

MemoKey MemoKeyBuilder::Finish() {
  MemoKey key;
  state_->sha->final(key.data());
  return key;
}

void SetMemosEnabled(bool enabled) { g_enabled = enabled; }
bool MemosEnabled() { return g_enabled; }

MemoStats GetMemoStats() { return MemoStats{g_hits.load(), g_misses.load()}; }

void CountMemoLookup(bool hit) { ++(hit ? g_hits : g_misses); }

}  // namespace shakedown
