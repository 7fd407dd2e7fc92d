#include "engine/crypto/dh.h"

#include <botan/bigint.h>
#include <botan/chacha_rng.h>
#include <botan/dl_group.h>
#include <botan/hex.h>
#include <botan/numthry.h>
#include <botan/reducer.h>
#include <botan/rng.h>

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/crypto/memo.h"

namespace shakedown {
namespace {

struct FfdheEntry {
  NamedGroup group;
  const char* botan_name;
  size_t exponent_bits;  // RFC 7919 Appendix A: "a secret key of at least N bits"
};

constexpr FfdheEntry kFfdheGroups[] = {
    {NamedGroup::kFfdhe2048, "ffdhe/ietf/2048", 225},
    {NamedGroup::kFfdhe3072, "ffdhe/ietf/3072", 275},
    {NamedGroup::kFfdhe4096, "ffdhe/ietf/4096", 325},
    {NamedGroup::kFfdhe6144, "ffdhe/ietf/6144", 375},
    {NamedGroup::kFfdhe8192, "ffdhe/ietf/8192", 400},
};

const FfdheEntry* FindEntry(NamedGroup group) {
  for (const FfdheEntry& e : kFfdheGroups) {
    if (e.group == group) return &e;
  }
  return nullptr;
}

Bytes Encode(const Botan::BigInt& n) {
  const std::vector<uint8_t> out = Botan::BigInt::encode(n);
  return Bytes(out.begin(), out.end());
}

Botan::BigInt Decode(ByteView bytes) { return Botan::BigInt(bytes.data(), bytes.size()); }

std::string GroupLabel(const DhGroup& group) {
  return group.named.has_value()
             ? Describe(Registry::kNamedGroup, static_cast<uint16_t>(*group.named))
             : "DH group of " + std::to_string(group.bits()) + " bits";
}

// The Botan groups of the RFC 7919 table, built once: fixed-base exponentiation of g reuses
// their precomputation.
const Botan::DL_Group& BotanFfdheGroup(const FfdheEntry& entry) {
  static std::mutex mutex;
  static auto* groups = new std::map<NamedGroup, std::unique_ptr<Botan::DL_Group>>();
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Botan::DL_Group>& slot = (*groups)[entry.group];
  if (slot == nullptr) slot = std::make_unique<Botan::DL_Group>(entry.botan_name);
  return *slot;
}

Memo<Bytes>& DhPublicValues() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}
Memo<Bytes>& DhSharedSecrets() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}
// p -> "prime" or "composite" (a 2048-bit Miller-Rabin run costs tens of milliseconds).
Memo<Bytes>& PrimalityResults() {
  static auto* memo = new Memo<Bytes>(256);
  return *memo;
}

bool IsProbablePrime(const Botan::BigInt& p, ByteView p_bytes) {
  const MemoKey key = MemoKeyBuilder("dh prime").Add(p_bytes).Finish();
  if (std::optional<Bytes> known = PrimalityResults().Find(key)) return (*known)[0] == 1;
  // A generator seeded from p: the answer is a function of p alone.
  const MemoKey seed = MemoKeyBuilder("dh prime rng").Add(p_bytes).Finish();
  Botan::ChaCha_RNG rng(Botan::secure_vector<uint8_t>(seed.begin(), seed.end()));
  // 40 bits: an error probability below 2^-40 for any p, in a third of the time of 64.
  const bool prime = Botan::is_prime(p, rng, 40, false);
  PrimalityResults().Keep(key, Bytes{static_cast<uint8_t>(prime ? 1 : 0)});
  return prime;
}

Botan::BigInt PowerG(const DhGroup& group, const Botan::BigInt& x) {
  if (group.named.has_value()) {
    const FfdheEntry* entry = FindEntry(*group.named);
    if (entry != nullptr) return BotanFfdheGroup(*entry).power_g_p(x, x.bits());
  }
  return Botan::power_mod(Decode(group.g), x, Decode(group.p));
}

}  // namespace

size_t DhGroup::bits() const { return Decode(p).bits(); }

Bytes Rfc7919Prime(size_t b, uint64_t x) {
  // floor(2^(b-130) * e): e = sum 1/k!, each term floor(2^(b-130+64) / k!) with 64 guard bits
  // (the truncation error of the sum is below the number of terms, far below 2^64).
  const size_t guard = 64;
  Botan::BigInt term = Botan::BigInt::power_of_2(b - 130 + guard);
  Botan::BigInt sum = term;
  for (uint32_t k = 1; term > 0; ++k) {
    term /= Botan::BigInt(k);
    sum += term;
  }
  const Botan::BigInt e_part = sum >> guard;
  const Botan::BigInt p = Botan::BigInt::power_of_2(b) - Botan::BigInt::power_of_2(b - 64) +
                          ((e_part + Botan::BigInt(x)) << 64) - 1;
  return Encode(p);
}

bool IsFfdheCodePoint(NamedGroup group) {
  const uint16_t v = static_cast<uint16_t>(group);
  return v >= 256 && v <= 511;
}

bool IsSupportedFfdheGroup(NamedGroup group) { return FindEntry(group) != nullptr; }

std::optional<DhGroup> FfdheGroup(NamedGroup group) {
  const FfdheEntry* entry = FindEntry(group);
  if (entry == nullptr) return std::nullopt;
  const Botan::DL_Group& dl = BotanFfdheGroup(*entry);
  return DhGroup{Encode(dl.get_p()), Encode(dl.get_g()), group};
}

std::optional<DhGroup> NamedDhGroup(const std::string& name) {
  if (name == "dh512") {
    // A 512-bit safe prime (`openssl prime -generate -bits 512 -safe`): the size of the
    // DHE_EXPORT groups Logjam downgrades to, below RFC 7919 3.1's 768-bit floor.
    const std::vector<uint8_t> p = Botan::hex_decode(
        "F84A5EA771D9F977CF2AB72401E669E23E9A95B8E32B4973C9434B329879E9B4"
        "8346E7643D2C0DE94B5F2C43858B44FA6DFF664ED906F076CCC3CC163FA14927");
    return DhGroup{Bytes(p.begin(), p.end()), Bytes{2}, std::nullopt};
  }
  if (name == "composite2048") {
    const Botan::BigInt p = Botan::BigInt::power_of_2(2048) - 1;
    return DhGroup{Encode(p), Bytes{2}, std::nullopt};
  }
  const char* botan_name = name == "modp1024"   ? "modp/ietf/1024"
                           : name == "modp1536" ? "modp/ietf/1536"
                           : name == "modp2048" ? "modp/ietf/2048"
                                                : nullptr;
  if (botan_name != nullptr) {
    const Botan::DL_Group dl(botan_name);
    return DhGroup{Encode(dl.get_p()), Encode(dl.get_g()), std::nullopt};
  }
  for (const FfdheEntry& e : kFfdheGroups) {
    if (name == Describe(Registry::kNamedGroup, static_cast<uint16_t>(e.group))) {
      return FfdheGroup(e.group);
    }
  }
  return std::nullopt;
}

std::optional<NamedGroup> IdentifyFfdheGroup(ByteView p, ByteView g) {
  const Botan::BigInt bp = Decode(p);
  const Botan::BigInt bg = Decode(g);
  for (const FfdheEntry& e : kFfdheGroups) {
    const Botan::DL_Group& dl = BotanFfdheGroup(e);
    if (dl.get_p() == bp && dl.get_g() == bg) return e.group;
  }
  return std::nullopt;
}

DhGroup DhGroupFromWire(ByteView p, ByteView g) {
  return DhGroup{Encode(Decode(p)), Encode(Decode(g)), IdentifyFfdheGroup(p, g)};
}

Status CheckDhGroup(ByteView p, ByteView g, size_t min_bits) {
  try {
    const Botan::BigInt bp = Decode(p);
    const Botan::BigInt bg = Decode(g);
    if (bp.bits() < min_bits) {
      // RFC 7919 3: a client "MAY decide to terminate the connection with a fatal
      // insufficient_security(71) alert" for a group its policy refuses (Logjam).
      return Status::Error(AlertDescription::kInsufficientSecurity,
                           "ServerKeyExchange.dh_p: " + std::to_string(bp.bits()) +
                               "-bit group, below this client's minimum of " +
                               std::to_string(min_bits) + " bits (RFC 7919 3.1)");
    }
    if (bp.is_even()) return IllegalParameter("ServerKeyExchange.dh_p: even");
    if (bg <= 1 || bg >= bp - 1) {
      return IllegalParameter("ServerKeyExchange.dh_g: not in [2, p-2]");
    }
    if (!IsProbablePrime(bp, p)) {
      return IllegalParameter("ServerKeyExchange.dh_p: not prime (RFC 7919 1: a client "
                              "refuses a group whose p is not prime)");
    }
  } catch (const std::exception& e) {
    return IllegalParameter(std::string("ServerKeyExchange DH parameters: ") + e.what());
  }
  return Status::Ok();
}

Status CheckDhPublicValue(const DhGroup& group, ByteView y) {
  const std::string label = GroupLabel(group);
  if (y.empty()) return DecodeError(label + " public value: empty");
  try {
    const Botan::BigInt p = Decode(group.p);
    const Botan::BigInt by = Decode(y);
    // RFC 7919 5.1: "Peers MUST validate each other's public key Y ... by ensuring that
    // 1 < Y < p-1"; RFC 7919 3 and 4: a fatal handshake_failure(40) otherwise.
    if (by <= 1 || by >= p - 1) {
      return Status::Error(AlertDescription::kHandshakeFailure,
                           label + " public value: not in [2, p-2] (RFC 7919 5.1)");
    }
    if (group.named.has_value() && Botan::jacobi(by, p) != 1) {
      return Status::Error(AlertDescription::kHandshakeFailure,
                           label + " public value: outside the prime-order subgroup (RFC 7919 "
                                   "5.1; Jacobi symbol is not 1)");
    }
  } catch (const std::exception& e) {
    return Status::Error(AlertDescription::kHandshakeFailure,
                         label + " public value: " + e.what());
  }
  return Status::Ok();
}

Result<DheKeyPair> DheKeyPair::Generate(const DhGroup& group, Botan::RandomNumberGenerator& rng) {
  size_t bits = 0;
  if (group.named.has_value() && FindEntry(*group.named) != nullptr) {
    bits = FindEntry(*group.named)->exponent_bits;
  } else {
    bits = std::min<size_t>(group.bits() > 1 ? group.bits() - 1 : 0, 512);
  }
  if (bits < 2) return InternalError(GroupLabel(group) + ": p too small for a key");
  const size_t bytes = (bits + 7) / 8;
  Bytes x(bytes);
  rng.randomize(x.data(), x.size());
  x[0] |= 0x80;  // exactly 8 * bytes bits, never 0 or 1
  if (8 * bytes >= group.bits()) {
    // Custom groups smaller than the exponent: reduce into [2, p-2].
    const Botan::BigInt p = Decode(group.p);
    const Botan::BigInt r = Decode(x) % (p - 3) + 2;
    x = Encode(r);
  }
  return FromPrivateKey(group, x);
}

Result<DheKeyPair> DheKeyPair::FromPrivateKey(const DhGroup& group, ByteView x) {
  try {
    const Botan::BigInt p = Decode(group.p);
    const Botan::BigInt bx = Decode(x);
    if (p < 5 || p.is_even() || Decode(group.g) < 2 || bx <= 1 || bx >= p - 1) {
      return InternalError(GroupLabel(group) + ": unusable group or private key");
    }
    DheKeyPair pair;
    pair.group_ = group;
    pair.private_key_ = x.ToBytes();
    const MemoKey key =
        MemoKeyBuilder("dh public").Add(group.p).Add(group.g).Add(x).Finish();
    if (std::optional<Bytes> known = DhPublicValues().Find(key)) {
      pair.public_value_ = std::move(*known);
      return pair;
    }
    pair.public_value_ = Encode(PowerG(group, bx));
    DhPublicValues().Keep(key, pair.public_value_);
    return pair;
  } catch (const std::exception& e) {
    return InternalError(GroupLabel(group) + ": key generation failed: " + e.what());
  }
}

Result<DheKeyPair> DheKeyPair::GenerateWithShortSecret(const DhGroup& group,
                                                        ByteView peer_public,
                                                        Botan::RandomNumberGenerator& rng) {
  SD_RETURN_IF_ERROR(CheckDhPublicValue(group, peer_public));
  SD_ASSIGN_OR_RETURN(DheKeyPair start, Generate(group, rng));
  try {
    const Botan::BigInt p = Decode(group.p);
    const Botan::BigInt y = Decode(peer_public);
    const Botan::BigInt bound = Botan::BigInt::power_of_2(8 * (group.p.size() - 1));
    const Botan::Modular_Reducer reducer(p);
    Botan::BigInt x = Decode(start.private_key_);
    Botan::BigInt z = Botan::power_mod(y, x, p);
    for (int step = 0; step < 65536; ++step) {
      if (z < bound && x < p - 1) return FromPrivateKey(group, Encode(x));
      z = reducer.multiply(z, y);
      x += 1;
    }
  } catch (const std::exception& e) {
    return InternalError(GroupLabel(group) + ": " + e.what());
  }
  return InternalError(GroupLabel(group) + ": no exponent with a short shared secret found");
}

DheKeyPair::DheKeyPair(DheKeyPair&&) noexcept = default;
DheKeyPair& DheKeyPair::operator=(DheKeyPair&&) noexcept = default;
DheKeyPair::~DheKeyPair() = default;

Result<Bytes> DheKeyPair::Agree(ByteView peer_public) const {
  const MemoKey key = MemoKeyBuilder("dh shared")
                          .Add(group_.p)
                          .Add(group_.g)
                          .Add(private_key_)
                          .Add(peer_public)
                          .Finish();
  // Only secrets of peer values that passed the checks are remembered.
  if (std::optional<Bytes> known = DhSharedSecrets().Find(key)) return *known;
  SD_RETURN_IF_ERROR(CheckDhPublicValue(group_, peer_public));
  Bytes z;
  try {
    // Encode() drops leading zero bytes: RFC 5246 8.1.2.
    z = Encode(Botan::power_mod(Decode(peer_public), Decode(private_key_), Decode(group_.p)));
  } catch (const std::exception& e) {
    return InternalError(GroupLabel(group_) + ": key agreement failed: " + e.what());
  }
  DhSharedSecrets().Keep(key, z);
  return z;
}

}  // namespace shakedown
