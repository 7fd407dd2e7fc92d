// Results of public-key operations kept for reuse across connections.
//
// The suite and the scenario fuzzers repeat the same public-key operations on the same inputs
// thousands of times: the same seed gives the same randoms, ephemeral keys and signed
// messages, and the same certificates arrive again and again. These operations were about 90%
// of the time of a fuzz input (docs/BENCHMARKS.md, "Scenario fuzzer throughput"), so their
// results are remembered here.
//
// Only results that are pure functions of the memo key's inputs are kept, so a run produces
// the same bytes whether or not a result was already known (replays stay byte-exact): every
// operation that needs randomness takes it from a generator seeded from its own inputs, never
// from the connection's. Failures are kept only where they are costly to find (a chain that
// does not validate); others are recomputed. Bounded: a memo that reaches its capacity
// starts over. Thread-safe.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_MEMO_H_
#define SHAKEDOWN_ENGINE_CRYPTO_MEMO_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "engine/base/bytes.h"

namespace Botan {
class Private_Key;
class Public_Key;
}  // namespace Botan

namespace shakedown {

// SHA-256 of the key's public encoding: names a key in memo keys.
Bytes PublicKeyId(const Botan::Public_Key& key);
// SHA-256 of `label` and the key's private encoding: a secret that seeds the randomness an
// operation with this key needs (so that its result is a function of its inputs).
Bytes PrivateKeySecret(const Botan::Private_Key& key, std::string_view label);

// SHA-256 over an operation label and length-prefixed inputs: equal keys mean equal inputs.
using MemoKey = std::array<uint8_t, 32>;

class MemoKeyBuilder {
 public:
  explicit MemoKeyBuilder(std::string_view operation);
  ~MemoKeyBuilder();
  MemoKeyBuilder& Add(ByteView input);
  MemoKeyBuilder& Add(uint64_t number);
  MemoKey Finish();

 private:
  struct State;
  State* state_;
};

// Turns every memo off (tests that compare runs with and without it; benchmarks).
void SetMemosEnabled(bool enabled);
bool MemosEnabled();

// Hits and misses over every memo of the process (for benchmarks).
struct MemoStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
};
MemoStats GetMemoStats();
void CountMemoLookup(bool hit);

// One memo of values of type V. Keep one static instance per operation.
template <typename V>
class Memo {
 public:
  explicit Memo(size_t capacity = 4096) : capacity_(capacity) {}

  std::optional<V> Find(const MemoKey& key) {
    if (!MemosEnabled()) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = values_.find(key);
    CountMemoLookup(it != values_.end());
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }

  void Keep(const MemoKey& key, V value) {
    if (!MemosEnabled()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (values_.size() >= capacity_) values_.clear();
    values_.insert_or_assign(key, std::move(value));
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::map<MemoKey, V> values_;
};

// One costly object per key for the whole process: Botan's RSA signers and decryptors set up
// blinding when built (a modular inverse: more than a signature costs), and every connection
// of a run signs and decrypts with the same few private keys. Botan's objects are not
// thread-safe, so each is used under its own lock. Never evicted: only this process's own
// private keys have entries.
template <typename T>
class SharedObjects {
 public:
  // make() -> std::unique_ptr<T>, may throw (the entry is then not kept); use(T&) -> result.
  template <typename Make, typename Use>
  auto With(const MemoKey& key, Make make, Use use) {
    Entry* entry = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::unique_ptr<Entry>& slot = entries_[key];
      if (slot == nullptr) {
        try {
          slot = std::make_unique<Entry>();
          slot->object = make();
        } catch (...) {
          entries_.erase(key);
          throw;
        }
      }
      entry = slot.get();
    }
    std::lock_guard<std::mutex> lock(entry->mutex);
    return use(*entry->object);
  }

 private:
  struct Entry {
    std::mutex mutex;
    std::unique_ptr<T> object;
  };
  std::mutex mutex_;
  std::map<MemoKey, std::unique_ptr<Entry>> entries_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_MEMO_H_
