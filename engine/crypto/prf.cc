#include "engine/crypto/prf.h"

#include <botan/mac.h>

#include <exception>
#include <map>
#include <memory>
#include <string>

namespace shakedown {
namespace {

// RFC 5246 5: P_hash(secret, seed) = HMAC(secret, A(1) + seed) || HMAC(secret, A(2) + seed)
// || ..., with A(0) = seed and A(i) = HMAC(secret, A(i-1)). Here seed is label || seed.
// Throws whatever Botan throws; Prf() catches.
Bytes PHash(const std::string& hmac_name, ByteView secret, std::string_view label,
            ByteView seed, size_t out_len) {
  // One HMAC object per algorithm and thread, keyed afresh for each call: creating it by name
  // costs more than the key schedule. Nothing of one call survives into the next (set_key
  // replaces the key; every final() leaves the object ready for a new message).
  thread_local std::map<std::string, std::unique_ptr<Botan::MessageAuthenticationCode>> macs;
  std::unique_ptr<Botan::MessageAuthenticationCode>& cached = macs[hmac_name];
  if (cached == nullptr) cached = Botan::MessageAuthenticationCode::create_or_throw(hmac_name);
  Botan::MessageAuthenticationCode* mac = cached.get();
  mac->clear();
  mac->set_key(secret.data(), secret.size());
  const auto* label_bytes = reinterpret_cast<const uint8_t*>(label.data());

  Bytes out;
  out.reserve(out_len + mac->output_length());
  // A(1)
  mac->update(label_bytes, label.size());
  mac->update(seed.data(), seed.size());
  Bytes a = mac->final_stdvec();
  while (out.size() < out_len) {
    mac->update(a);
    mac->update(label_bytes, label.size());
    mac->update(seed.data(), seed.size());
    Bytes block = mac->final_stdvec();
    Append(out, block);
    if (out.size() >= out_len) break;  // A(i+1) is only needed for another block
    mac->update(a);
    a = mac->final_stdvec();
  }
  out.resize(out_len);
  return out;
}

std::string HmacName(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kSha224: return "HMAC(SHA-224)";
    case PrfAlgorithm::kSha256: return "HMAC(SHA-256)";
    case PrfAlgorithm::kSha384: return "HMAC(SHA-384)";
    case PrfAlgorithm::kSha512: return "HMAC(SHA-512)";
    case PrfAlgorithm::kSha512_256: return "HMAC(SHA-512-256)";
    case PrfAlgorithm::kMd5Sha1: break;
  }
  return "";
}

struct NamedPrf {
  PrfAlgorithm prf;
  std::string_view name;
};

constexpr NamedPrf kPrfNames[] = {
    {PrfAlgorithm::kMd5Sha1, "md5-sha1"}, {PrfAlgorithm::kSha224, "sha224"},
    {PrfAlgorithm::kSha256, "sha256"},    {PrfAlgorithm::kSha384, "sha384"},
    {PrfAlgorithm::kSha512, "sha512"},    {PrfAlgorithm::kSha512_256, "sha512_256"},
};

}  // namespace

PrfAlgorithm PrfFor(PrfHash hash) {
  switch (hash) {
    case PrfHash::kSha256: return PrfAlgorithm::kSha256;
    case PrfHash::kSha384: return PrfAlgorithm::kSha384;
  }
  return PrfAlgorithm::kSha256;
}

std::string_view PrfAlgorithmName(PrfAlgorithm prf) {
  for (const NamedPrf& entry : kPrfNames) {
    if (entry.prf == prf) return entry.name;
  }
  return "unknown-prf";
}

std::optional<PrfAlgorithm> PrfAlgorithmFromName(std::string_view name) {
  for (const NamedPrf& entry : kPrfNames) {
    if (entry.name == name) return entry.prf;
  }
  return std::nullopt;
}

size_t HandshakeHashLength(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kMd5Sha1: return 16 + 20;
    case PrfAlgorithm::kSha224: return 28;
    case PrfAlgorithm::kSha256: return 32;
    case PrfAlgorithm::kSha384: return 48;
    case PrfAlgorithm::kSha512: return 64;
    case PrfAlgorithm::kSha512_256: return 32;
  }
  return 0;
}

Result<Bytes> Prf(PrfAlgorithm prf, ByteView secret, std::string_view label, ByteView seed,
                  size_t out_len) {
  if (out_len > kMaxPrfOutput) {
    return InternalError("PRF: output length " + std::to_string(out_len) +
                         " exceeds the maximum of " + std::to_string(kMaxPrfOutput));
  }
  try {
    if (prf != PrfAlgorithm::kMd5Sha1) {
      return PHash(HmacName(prf), secret, label, seed, out_len);
    }
    // RFC 2246 5: S1 is the first and S2 the last ceil(len/2) bytes of the secret (they
    // share the middle byte when the length is odd); PRF = P_MD5(S1, ...) xor P_SHA-1(S2, ...).
    size_t half = (secret.size() + 1) / 2;
    Bytes md5 = PHash("HMAC(MD5)", secret.subview(0, half), label, seed, out_len);
    Bytes sha1 = PHash("HMAC(SHA-1)", secret.subview(secret.size() - half, half), label, seed,
                       out_len);
    for (size_t i = 0; i < out_len; ++i) md5[i] ^= sha1[i];
    return md5;
  } catch (const std::exception& e) {
    return InternalError(std::string("PRF (") + std::string(PrfAlgorithmName(prf)) +
                         "): " + e.what());
  }
}

}  // namespace shakedown
