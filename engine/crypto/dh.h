// Finite-field Diffie-Hellman for the TLS 1.2 DHE suites: the RFC 7919 groups (ffdhe2048 ...
// ffdhe8192), the checks RFC 7919 asks of each side on the other's parameters and public
// value, and the ephemeral key pair (RFC 5246 7.4.3, 7.4.7.2, 8.1.2). Botan does the
// arithmetic; every failure comes back as the alert it should produce.
#ifndef SHAKEDOWN_ENGINE_CRYPTO_DH_H_
#define SHAKEDOWN_ENGINE_CRYPTO_DH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/registry.h"

namespace Botan {
class RandomNumberGenerator;
}  // namespace Botan

namespace shakedown {

// A DH group as ServerDHParams carries it: p and g as big-endian integers without leading
// zero bytes.
struct DhGroup {
  Bytes p;
  Bytes g;
  // The RFC 7919 group these parameters are, if they are one.
  std::optional<NamedGroup> named;

  size_t bits() const;  // of p
};

// RFC 7919 2: code points 256..511 are finite-field groups (known to us or not).
bool IsFfdheCodePoint(NamedGroup group);
// ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192.
bool IsSupportedFfdheGroup(NamedGroup group);

// The parameters of an RFC 7919 group (Appendix A: safe prime p, g = 2); nullopt for any other
// group. Computed once per process.
std::optional<DhGroup> FfdheGroup(NamedGroup group);

// Fixed groups that are not RFC 7919 groups, for scripted peers that offer "custom" (server-
// chosen) parameters: "dh512" (a 512-bit safe prime: export-grade, Logjam), "modp1024" (RFC 2409 6.2, the 1024-bit Oakley group 2: Logjam-size),
// "modp1536" (RFC 3526 2), "modp2048" (RFC 3526 3: a sound 2048-bit safe-prime group that is
// not negotiated by name), "composite2048" (2^2048 - 1: odd, 2048 bits, not prime).
// nullopt for an unknown name.
std::optional<DhGroup> NamedDhGroup(const std::string& name);

// RFC 7919 Appendix A's derivation, computed: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1
// with e summed exactly to the needed precision. For known-answer checks of FfdheGroup (the
// groups themselves come from Botan's table); b >= 130.
Bytes Rfc7919Prime(size_t b, uint64_t x);

// The RFC 7919 group with these exact parameters, if any (leading zero bytes ignored).
std::optional<NamedGroup> IdentifyFfdheGroup(ByteView p, ByteView g);
// ServerDHParams' p and g as a group: leading zero bytes dropped, `named` set when they are an
// RFC 7919 group.
DhGroup DhGroupFromWire(ByteView p, ByteView g);

// A client's checks on parameters the server chose itself (RFC 7919 3.1: "at least cursory
// checks on group size"): p of at least `min_bits` bits -> else insufficient_security
// (RFC 7919 3 names it for a refused group); p odd and a probable prime, 1 < g < p-1 -> else
// illegal_parameter. The primality test is remembered per p (engine/crypto/memo.h).
Status CheckDhGroup(ByteView p, ByteView g, size_t min_bits);

// RFC 7919 5.1: 1 < Y < p-1, and for an RFC 7919 group (a safe prime, g = 2 generating the
// subgroup of order q = (p-1)/2) Y must lie in that subgroup: Jacobi(Y, p) = 1, so an element of
// order 2q cannot leak the low bit of the other side's exponent. Leading zero bytes are allowed
// (Y is an integer; RFC 5246 7.4.3 does not ask for a minimal encoding). An empty Y is
// decode_error; everything else is handshake_failure (RFC 7919 3 and 4 name it for both sides).
Status CheckDhPublicValue(const DhGroup& group, ByteView y);

// An ephemeral DH key pair in one group.
class DheKeyPair {
 public:
  // Draws the exponent x from `rng`: for an RFC 7919 group of the size Appendix A recommends
  // for short exponents (225, 275, 325, 375, 400 bits, rounded up to bytes), otherwise of
  // min(bits(p) - 1, 512) bits; the top bit set. Errors: a group whose p or g is not usable
  // (zero, even p) -> internal_error.
  static Result<DheKeyPair> Generate(const DhGroup& group, Botan::RandomNumberGenerator& rng);
  // For known-answer tests: x as a big-endian integer, 1 < x < p-1.
  static Result<DheKeyPair> FromPrivateKey(const DhGroup& group, ByteView x);
  // For scripted peers testing RFC 5246 8.1.2: a key pair whose shared secret with
  // `peer_public` has a leading zero byte (so the pre-master secret is shorter than p). Draws
  // x as Generate does, then steps it by one (Z = Y^x gains a factor Y) until Z < 2^(8(n-1))
  // for p of n bytes: about 256 modular multiplications. Errors: CheckDhPublicValue's, or no
  // such x within 65536 steps -> internal_error.
  static Result<DheKeyPair> GenerateWithShortSecret(const DhGroup& group, ByteView peer_public,
                                                    Botan::RandomNumberGenerator& rng);

  DheKeyPair(DheKeyPair&&) noexcept;
  DheKeyPair& operator=(DheKeyPair&&) noexcept;
  ~DheKeyPair();

  const DhGroup& group() const { return group_; }
  // g^x mod p, big-endian, without leading zero bytes.
  const Bytes& public_value() const { return public_value_; }

  // The pre-master secret: Z = Y^x mod p with its leading zero bytes stripped (RFC 5246 8.1.2:
  // "Leading bytes of Z that contain all zero bits are stripped"). Errors: whatever
  // CheckDhPublicValue rejects.
  Result<Bytes> Agree(ByteView peer_public) const;

 private:
  DheKeyPair() = default;

  DhGroup group_;
  Bytes private_key_;
  Bytes public_value_;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CRYPTO_DH_H_
