#include "engine/crypto/transcript.h"

#include <botan/hash.h>

#include <exception>
#include <string>
#include <utility>

namespace shakedown {
namespace {

// Botan names of the hashes whose outputs, concatenated, form the handshake hash.
std::vector<std::string> HashNames(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kMd5Sha1: return {"MD5", "SHA-1"};  // RFC 2246 7.4.9
    case PrfAlgorithm::kSha224: return {"SHA-224"};
    case PrfAlgorithm::kSha256: return {"SHA-256"};
    case PrfAlgorithm::kSha384: return {"SHA-384"};
    case PrfAlgorithm::kSha512: return {"SHA-512"};
    case PrfAlgorithm::kSha512_256: return {"SHA-512-256"};
  }
  return {};
}

// Throws what Botan throws.
std::vector<std::unique_ptr<Botan::HashFunction>> CreateHashes(PrfAlgorithm prf) {
  std::vector<std::unique_ptr<Botan::HashFunction>> hashes;
  for (const std::string& name : HashNames(prf)) {
    hashes.push_back(Botan::HashFunction::create_or_throw(name));
  }
  return hashes;
}

// Finishes copies of `hashes` and concatenates the outputs. Throws what Botan throws.
Bytes FinishCopies(const std::vector<std::unique_ptr<Botan::HashFunction>>& hashes) {
  Bytes out;
  for (const auto& hash : hashes) {
    std::unique_ptr<Botan::HashFunction> fork = hash->copy_state();
    Append(out, fork->final_stdvec());
  }
  return out;
}

Status BotanError(PrfAlgorithm prf, const std::exception& e) {
  return InternalError(std::string("handshake hash (") + std::string(PrfAlgorithmName(prf)) +
                       "): " + e.what());
}

}  // namespace

Result<Bytes> HandshakeHash(PrfAlgorithm prf, ByteView messages) {
  try {
    Bytes out;
    for (const auto& hash : CreateHashes(prf)) {
      hash->update(messages.data(), messages.size());
      Append(out, hash->final_stdvec());
    }
    return out;
  } catch (const std::exception& e) {
    return BotanError(prf, e);
  }
}

Transcript::Transcript() = default;
Transcript::~Transcript() = default;
Transcript::Transcript(Transcript&& other) noexcept = default;
Transcript& Transcript::operator=(Transcript&& other) noexcept = default;

Transcript::Transcript(const Transcript& other)
    : messages_(other.messages_), algorithm_(other.algorithm_) {
  try {
    for (const auto& hash : other.running_) running_.push_back(hash->copy_state());
  } catch (const std::exception&) {
    running_.clear();  // Hash() falls back to hashing messages_.
  }
}

Transcript& Transcript::operator=(const Transcript& other) {
  if (this != &other) *this = Transcript(other);
  return *this;
}

void Transcript::Add(ByteView handshake_bytes) {
  Append(messages_, handshake_bytes);
  try {
    for (auto& hash : running_) hash->update(handshake_bytes.data(), handshake_bytes.size());
  } catch (const std::exception&) {
    running_.clear();  // Hash() falls back to hashing messages_.
  }
}

Status Transcript::SetAlgorithm(PrfAlgorithm prf) {
  if (algorithm_.has_value()) {
    if (*algorithm_ == prf) return Status::Ok();
    return InternalError("transcript: hash already set to " +
                         std::string(PrfAlgorithmName(*algorithm_)) + ", cannot change to " +
                         std::string(PrfAlgorithmName(prf)));
  }
  try {
    std::vector<std::unique_ptr<Botan::HashFunction>> hashes = CreateHashes(prf);
    for (auto& hash : hashes) hash->update(messages_.data(), messages_.size());
    running_ = std::move(hashes);
  } catch (const std::exception& e) {
    return BotanError(prf, e);
  }
  algorithm_ = prf;
  return Status::Ok();
}

Result<Bytes> Transcript::Hash(PrfAlgorithm prf) const {
  if (algorithm_ != prf || running_.empty()) return HandshakeHash(prf, messages_);
  try {
    return FinishCopies(running_);
  } catch (const std::exception& e) {
    return BotanError(prf, e);
  }
}

}  // namespace shakedown
