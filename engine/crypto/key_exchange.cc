#include "engine/crypto/key_exchange.h"

#include <botan/bigint.h>
#include <botan/chacha_rng.h>
#include <botan/curve25519.h>
#include <botan/ec_group.h>
#include <botan/ecdh.h>
#include <botan/hash.h>
#include <botan/numthry.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include <exception>
#include <string>
#include <utility>

namespace shakedown {
namespace {

constexpr size_t kX25519Length = 32;

// Botan's RSA and ECDH operations keep a reference to the RNG they were built with (for
// blinding), so long-lived objects own one, seeded from the caller's generator. Blinding
// never changes results, and a deterministic parent keeps the whole run reproducible.
std::unique_ptr<Botan::RandomNumberGenerator> ChildRng(Botan::RandomNumberGenerator& parent) {
  Botan::secure_vector<uint8_t> seed(32);
  parent.randomize(seed.data(), seed.size());
  return std::make_unique<Botan::ChaCha_RNG>(seed);
}

std::string GroupLabel(NamedGroup group) {
  return Describe(Registry::kNamedGroup, static_cast<uint16_t>(group));
}

// Botan's curve name, or nullptr for x25519 and unsupported groups.
const char* NistCurveName(NamedGroup group) {
  switch (group) {
    case NamedGroup::kSecp256r1:
      return "secp256r1";
    case NamedGroup::kSecp384r1:
      return "secp384r1";
    default:
      return nullptr;
  }
}

Status HandshakeFailure(std::string message) {
  return Status::Error(AlertDescription::kHandshakeFailure, std::move(message));
}

const Botan::RSA_PublicKey* AsRsa(const Botan::Public_Key& key) {
  if (key.algo_name() != "RSA") return nullptr;
  return dynamic_cast<const Botan::RSA_PublicKey*>(&key);
}

}  // namespace

// ---- RSA key transport ----

Bytes MakeRsaPreMasterSecret(uint16_t client_version, Botan::RandomNumberGenerator& rng) {
  Bytes pms(kRsaPreMasterSecretLength);
  pms[0] = static_cast<uint8_t>(client_version >> 8);
  pms[1] = static_cast<uint8_t>(client_version);
  rng.randomize(pms.data() + 2, pms.size() - 2);
  return pms;
}

Result<Bytes> EncryptPreMasterSecret(const Botan::Public_Key& server_key,
                                     ByteView pre_master_secret,
                                     Botan::RandomNumberGenerator& rng) {
  // RFC 5246 7.4.7.1: RSA-encrypted with the public key from the server's certificate.
  if (AsRsa(server_key) == nullptr) {
    return Status::Error(AlertDescription::kUnsupportedCertificate,
                         "RSA key exchange: server key is " + server_key.algo_name() + ", not RSA");
  }
  try {
    Botan::PK_Encryptor_EME encryptor(server_key, rng, "EME-PKCS1-v1_5");
    if (pre_master_secret.size() > encryptor.maximum_input_size()) {
      return InternalError("RSA key exchange: pre-master secret of " +
                           std::to_string(pre_master_secret.size()) +
                           " bytes does not fit the key (max " +
                           std::to_string(encryptor.maximum_input_size()) + ")");
    }
    return encryptor.encrypt(pre_master_secret.data(), pre_master_secret.size(), rng);
  } catch (const std::exception& e) {
    return InternalError(std::string("RSA key exchange: encryption failed: ") + e.what());
  }
}

Result<Bytes> EncryptRsaRaw(const Botan::Public_Key& server_key, ByteView block) {
  const Botan::RSA_PublicKey* rsa = AsRsa(server_key);
  if (rsa == nullptr) {
    return Status::Error(AlertDescription::kUnsupportedCertificate,
                         "raw RSA: key is " + server_key.algo_name() + ", not RSA");
  }
  try {
    const Botan::BigInt m(block.data(), block.size());
    if (m >= rsa->get_n()) {
      return InternalError("raw RSA: block is not less than the modulus");
    }
    const Botan::BigInt c = Botan::power_mod(m, rsa->get_e(), rsa->get_n());
    const Botan::secure_vector<uint8_t> out = Botan::BigInt::encode_1363(c, rsa->get_n().bytes());
    return Bytes(out.begin(), out.end());
  } catch (const std::exception& e) {
    return InternalError(std::string("raw RSA: ") + e.what());
  }
}

Result<RsaKeyTransportServer> RsaKeyTransportServer::Create(
    std::shared_ptr<const Botan::Private_Key> key, Botan::RandomNumberGenerator& rng) {
  if (key == nullptr || AsRsa(*key) == nullptr) {
    return InternalError("RSA key exchange: server key is " +
                         (key ? key->algo_name() : std::string("missing")) + ", not RSA");
  }
  RsaKeyTransportServer server;
  try {
    server.blinding_rng_ = ChildRng(rng);
    server.decryptor_ =
        std::make_unique<Botan::PK_Decryptor_EME>(*key, *server.blinding_rng_, "EME-PKCS1-v1_5");
    server.modulus_bytes_ = AsRsa(*key)->get_n().bytes();
  } catch (const std::exception& e) {
    return InternalError(std::string("RSA key exchange: cannot build decryptor: ") + e.what());
  }
  server.key_ = std::move(key);
  return server;
}

RsaKeyTransportServer::RsaKeyTransportServer(RsaKeyTransportServer&&) noexcept = default;
RsaKeyTransportServer& RsaKeyTransportServer::operator=(RsaKeyTransportServer&&) noexcept = default;
RsaKeyTransportServer::~RsaKeyTransportServer() = default;

Bytes RsaKeyTransportServer::DecryptPreMasterSecret(ByteView encrypted,
                                                    uint16_t client_hello_version,
                                                    Botan::RandomNumberGenerator& rng) const {
  const uint8_t version[2] = {static_cast<uint8_t>(client_hello_version >> 8),
                              static_cast<uint8_t>(client_hello_version)};
  const uint8_t version_offsets[2] = {0, 1};
  // RFC 5246 7.4.7.1 step 1: R comes first, whatever the ciphertext looks like.
  Botan::secure_vector<uint8_t> pms = rng.random_vec(kRsaPreMasterSecretLength);
  try {
    // Draws its own random string first, then decrypts and selects it in constant time on a
    // padding error, a plaintext length other than 48, or a version mismatch.
    pms =
        decryptor_->decrypt_or_random(encrypted.data(), encrypted.size(), kRsaPreMasterSecretLength,
                                      rng, version, version_offsets, sizeof(version));
  } catch (const std::exception&) {
    // Botan throws only for a ciphertext that is not below the modulus: a property of the
    // public ciphertext, not of the key, so keeping R here reveals nothing.
  }
  // RFC 5246 7.4.7.1 step 3: pre_master_secret = ClientHello.client_version || R (or M[2..47],
  // whose version bytes were just checked to be equal).
  pms[0] = version[0];
  pms[1] = version[1];
  return Bytes(pms.begin(), pms.end());
}

Bytes DecryptPreMasterSecret(const Botan::Private_Key& server_key, ByteView encrypted,
                             uint16_t client_hello_version, Botan::RandomNumberGenerator& rng) {
  // Non-owning: the server object lives only for this call.
  std::shared_ptr<const Botan::Private_Key> key(&server_key, [](const Botan::Private_Key*) {});
  Result<RsaKeyTransportServer> server = RsaKeyTransportServer::Create(key, rng);
  if (!server.ok()) {
    Bytes fallback = MakeRsaPreMasterSecret(client_hello_version, rng);
    return fallback;
  }
  return server->DecryptPreMasterSecret(encrypted, client_hello_version, rng);
}

// ---- ECDHE ----

bool IsSupportedEcdheGroup(NamedGroup group) {
  return group == NamedGroup::kX25519 || NistCurveName(group) != nullptr;
}

Status CheckEcdhePublicValue(NamedGroup group, ByteView public_value) {
  const std::string label = GroupLabel(group);
  if (group == NamedGroup::kX25519) {
    // RFC 7748 5: u-coordinates are 32 bytes. RFC 8422 5.11 lets any 32 bytes through here;
    // low-order points show up as an all-zero shared secret in Agree().
    if (public_value.size() != kX25519Length) {
      return IllegalParameter(label + " public value: length " +
                              std::to_string(public_value.size()) + ", expected 32");
    }
    return Status::Ok();
  }
  const char* curve = NistCurveName(group);
  if (curve == nullptr) {
    return IllegalParameter("ECDHE: group " + label + " is not supported");
  }
  try {
    const Botan::EC_Group ec(curve);
    const size_t field_bytes = ec.get_p_bytes();
    if (public_value.empty()) {
      return IllegalParameter(label + " public value: empty");
    }
    // RFC 8422 5.4 / 5.1.2: only the uncompressed form 04 || X || Y is used.
    if (public_value[0] != 0x04) {
      return IllegalParameter(label + " public value: point form 0x" +
                              ToHex(public_value.subview(0, 1)) + " is not uncompressed (0x04)");
    }
    if (public_value.size() != 1 + 2 * field_bytes) {
      return IllegalParameter(label + " public value: length " +
                              std::to_string(public_value.size()) + ", expected " +
                              std::to_string(1 + 2 * field_bytes));
    }
    const Botan::BigInt x(public_value.data() + 1, field_bytes);
    const Botan::BigInt y(public_value.data() + 1 + field_bytes, field_bytes);
    // RFC 8422 5.11: validate the point (SEC 1 3.2.2.1): coordinates in [0, p-1], on the
    // curve. The uncompressed form cannot encode the point at infinity; (0, 0) is off-curve.
    if (x >= ec.get_p() || y >= ec.get_p()) {
      return IllegalParameter(label + " public value: coordinate not below p");
    }
    const Botan::PointGFp point = ec.point(x, y);
    if (point.is_zero() || !point.on_the_curve()) {
      return IllegalParameter(label + " public value: point is not on the curve");
    }
  } catch (const std::exception& e) {
    return IllegalParameter(label + " public value: invalid point: " + e.what());
  }
  return Status::Ok();
}

Result<EcdheKeyPair> EcdheKeyPair::Generate(NamedGroup group, Botan::RandomNumberGenerator& rng) {
  if (!IsSupportedEcdheGroup(group)) {
    return HandshakeFailure("ECDHE: group " + GroupLabel(group) + " is not supported");
  }
  try {
    std::unique_ptr<Botan::Private_Key> key;
    if (group == NamedGroup::kX25519) {
      key = std::make_unique<Botan::Curve25519_PrivateKey>(rng);
    } else {
      key = std::make_unique<Botan::ECDH_PrivateKey>(rng, Botan::EC_Group(NistCurveName(group)));
    }
    return FromBotanKey(group, std::move(key), ChildRng(rng));
  } catch (const std::exception& e) {
    return InternalError("ECDHE " + GroupLabel(group) + ": key generation failed: " + e.what());
  }
}

Result<EcdheKeyPair> EcdheKeyPair::FromPrivateKey(NamedGroup group, ByteView private_key) {
  const std::string label = GroupLabel(group);
  if (!IsSupportedEcdheGroup(group)) {
    return HandshakeFailure("ECDHE: group " + label + " is not supported");
  }
  try {
    // Blinding randomness for this key, derived from the key itself: KATs stay reproducible.
    std::unique_ptr<Botan::HashFunction> sha = Botan::HashFunction::create_or_throw("SHA-256");
    sha->update("shakedown ECDHE blinding");
    sha->update(private_key.data(), private_key.size());
    auto rng = std::make_unique<Botan::ChaCha_RNG>(sha->final());

    std::unique_ptr<Botan::Private_Key> key;
    if (group == NamedGroup::kX25519) {
      if (private_key.size() != kX25519Length) {
        return InternalError(label + " private key: length " + std::to_string(private_key.size()) +
                             ", expected 32");
      }
      key = std::make_unique<Botan::Curve25519_PrivateKey>(
          Botan::secure_vector<uint8_t>(private_key.begin(), private_key.end()));
    } else {
      const Botan::EC_Group ec(NistCurveName(group));
      const Botan::BigInt d(private_key.data(), private_key.size());
      if (private_key.size() != ec.get_order_bytes() || d == 0 || d >= ec.get_order()) {
        return InternalError(label + " private key: not a scalar in [1, n-1] of " +
                             std::to_string(ec.get_order_bytes()) + " bytes");
      }
      key = std::make_unique<Botan::ECDH_PrivateKey>(*rng, ec, d);
    }
    return FromBotanKey(group, std::move(key), std::move(rng));
  } catch (const std::exception& e) {
    return InternalError("ECDHE " + label + ": cannot load private key: " + e.what());
  }
}

Result<EcdheKeyPair> EcdheKeyPair::FromBotanKey(NamedGroup group,
                                                std::unique_ptr<Botan::Private_Key> key,
                                                std::unique_ptr<Botan::RandomNumberGenerator> rng) {
  EcdheKeyPair pair;
  pair.group_ = group;
  // Private_Key is a virtual base, so reach the concrete type with dynamic_cast.
  if (const auto* x25519 = dynamic_cast<const Botan::Curve25519_PrivateKey*>(key.get())) {
    pair.public_value_ = x25519->public_value();
  } else if (const auto* ecdh = dynamic_cast<const Botan::ECDH_PrivateKey*>(key.get())) {
    pair.public_value_ = ecdh->public_value(Botan::PointGFp::UNCOMPRESSED);
  } else {
    return InternalError("ECDHE: unexpected key type " + key->algo_name());
  }
  pair.blinding_rng_ = std::move(rng);
  pair.agreement_ = std::make_unique<Botan::PK_Key_Agreement>(*key, *pair.blinding_rng_, "Raw");
  pair.key_ = std::move(key);
  return pair;
}

EcdheKeyPair::EcdheKeyPair(EcdheKeyPair&&) noexcept = default;
EcdheKeyPair& EcdheKeyPair::operator=(EcdheKeyPair&&) noexcept = default;
EcdheKeyPair::~EcdheKeyPair() = default;

Result<Bytes> EcdheKeyPair::Agree(ByteView peer_public) const {
  SD_RETURN_IF_ERROR(CheckEcdhePublicValue(group_, peer_public));
  Botan::secure_vector<uint8_t> shared;
  try {
    shared = agreement_->derive_key(0, peer_public.data(), peer_public.size()).bits_of();
  } catch (const std::exception& e) {
    return IllegalParameter("ECDHE " + GroupLabel(group_) + ": key agreement failed: " + e.what());
  }
  if (group_ == NamedGroup::kX25519) {
    // RFC 7748 6.1 / RFC 8422 5.11: an all-zero output means the peer sent a low-order
    // point; abort. OR-accumulate so the check does not depend on where a nonzero byte is.
    uint8_t acc = 0;
    for (uint8_t b : shared) acc |= b;
    if (acc == 0) {
      return IllegalParameter("x25519: shared secret is all zero (low-order peer public value)");
    }
  }
  return Bytes(shared.begin(), shared.end());
}

}  // namespace shakedown
