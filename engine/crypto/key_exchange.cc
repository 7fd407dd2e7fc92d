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
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/crypto/memo.h"

namespace shakedown {
namespace {

constexpr size_t kX25519Length = 32;

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
    case NamedGroup::kSecp521r1:
      return "secp521r1";
    default:
      return nullptr;
  }
}

// The curve's Botan group, built once per process: constructing an EC_Group by name looks
// it up (and parses its OID) every time. `group` must be a NIST curve NistCurveName knows.
const Botan::EC_Group& NistGroup(NamedGroup group) {
  static const Botan::EC_Group* const p256 = new Botan::EC_Group("secp256r1");
  static const Botan::EC_Group* const p384 = new Botan::EC_Group("secp384r1");
  static const Botan::EC_Group* const p521 = new Botan::EC_Group("secp521r1");
  switch (group) {
    case NamedGroup::kSecp384r1:
      return *p384;
    case NamedGroup::kSecp521r1:
      return *p521;
    default:
      return *p256;
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

namespace {

// A Botan decryptor for one key, with the generator its RSA blinding refers to.
struct DecryptOperation {
  std::shared_ptr<const Botan::Private_Key> key;
  std::unique_ptr<Botan::RandomNumberGenerator> blinding_rng;
  std::unique_ptr<Botan::PK_Decryptor_EME> decryptor;
};

SharedObjects<DecryptOperation>& DecryptOperations() {
  static auto* operations = new SharedObjects<DecryptOperation>();
  return *operations;
}

Memo<Bytes>& PreMasterSecrets() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}

// The generator R comes from: the rejection secret and the memo key (which names the
// ciphertext and the version).
std::unique_ptr<Botan::RandomNumberGenerator> RejectionRng(const Bytes& secret,
                                                           const MemoKey& inputs) {
  auto rng = std::make_unique<Botan::ChaCha_RNG>(
      Botan::secure_vector<uint8_t>(secret.begin(), secret.end()));
  rng->add_entropy(inputs.data(), inputs.size());
  return rng;
}

}  // namespace

Result<RsaKeyTransportServer> RsaKeyTransportServer::Create(
    std::shared_ptr<const Botan::Private_Key> key) {
  if (key == nullptr || AsRsa(*key) == nullptr) {
    return InternalError("RSA key exchange: server key is " +
                         (key ? key->algo_name() : std::string("missing")) + ", not RSA");
  }
  RsaKeyTransportServer server;
  try {
    server.key_id_ = PublicKeyId(*key);
    server.rejection_secret_ = PrivateKeySecret(*key, "shakedown RSA implicit rejection");
    server.modulus_bytes_ = AsRsa(*key)->get_n().bytes();
  } catch (const std::exception& e) {
    return InternalError(std::string("RSA key exchange: ") + e.what());
  }
  server.key_ = std::move(key);
  return server;
}

RsaKeyTransportServer::RsaKeyTransportServer(RsaKeyTransportServer&&) noexcept = default;
RsaKeyTransportServer& RsaKeyTransportServer::operator=(RsaKeyTransportServer&&) noexcept = default;
RsaKeyTransportServer::~RsaKeyTransportServer() = default;

Bytes RsaKeyTransportServer::DecryptPreMasterSecret(ByteView encrypted,
                                                    uint16_t client_hello_version) const {
  const uint8_t version[2] = {static_cast<uint8_t>(client_hello_version >> 8),
                              static_cast<uint8_t>(client_hello_version)};
  const uint8_t version_offsets[2] = {0, 1};
  const MemoKey memo_key =
      MemoKeyBuilder("rsa pre-master").Add(key_id_).Add(client_hello_version).Add(encrypted)
          .Finish();
  if (std::optional<Bytes> known = PreMasterSecrets().Find(memo_key)) return *known;
  std::unique_ptr<Botan::RandomNumberGenerator> rng = RejectionRng(rejection_secret_, memo_key);
  // RFC 5246 7.4.7.1 step 1: R comes first, whatever the ciphertext looks like.
  Botan::secure_vector<uint8_t> pms = rng->random_vec(kRsaPreMasterSecretLength);
  try {
    // Draws its own random string first, then decrypts and selects it in constant time on a
    // padding error, a plaintext length other than 48, or a version mismatch.
    pms = DecryptOperations().With(
        MemoKeyBuilder("rsa decryptor").Add(key_id_).Finish(),
        [&] {
          auto op = std::make_unique<DecryptOperation>();
          op->key = key_;
          // Blinding never changes a result; seed it from the key so runs stay reproducible.
          op->blinding_rng = std::make_unique<Botan::ChaCha_RNG>(
              Botan::secure_vector<uint8_t>(rejection_secret_.begin(), rejection_secret_.end()));
          op->decryptor = std::make_unique<Botan::PK_Decryptor_EME>(*op->key, *op->blinding_rng,
                                                                    "EME-PKCS1-v1_5");
          return op;
        },
        [&](DecryptOperation& op) {
          return op.decryptor->decrypt_or_random(encrypted.data(), encrypted.size(),
                                                 kRsaPreMasterSecretLength, *rng, version,
                                                 version_offsets, sizeof(version));
        });
  } catch (const std::exception&) {
    // Botan throws only for a ciphertext that is not below the modulus: a property of the
    // public ciphertext, not of the key, so keeping R here reveals nothing.
  }
  // RFC 5246 7.4.7.1 step 3: pre_master_secret = ClientHello.client_version || R (or M[2..47],
  // whose version bytes were just checked to be equal).
  pms[0] = version[0];
  pms[1] = version[1];
  Bytes out(pms.begin(), pms.end());
  PreMasterSecrets().Keep(memo_key, out);
  return out;
}

Bytes DecryptPreMasterSecret(std::shared_ptr<const Botan::Private_Key> server_key,
                             ByteView encrypted, uint16_t client_hello_version) {
  Result<RsaKeyTransportServer> server = RsaKeyTransportServer::Create(server_key);
  if (server.ok()) return server->DecryptPreMasterSecret(encrypted, client_hello_version);
  // Not an RSA key: version || R all the same, R from the key's secret and the ciphertext.
  Bytes secret;
  try {
    if (server_key != nullptr) secret = PrivateKeySecret(*server_key, "shakedown RSA rejection");
  } catch (const std::exception&) {
  }
  const MemoKey inputs = MemoKeyBuilder("non-RSA pre-master").Add(encrypted).Finish();
  return MakeRsaPreMasterSecret(client_hello_version, *RejectionRng(secret, inputs));
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
    const Botan::EC_Group& ec = NistGroup(group);
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

namespace {

// (group, scalar) -> public value; (group, scalar, peer value) -> shared secret.
Memo<Bytes>& EcdhePublicValues() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}
Memo<Bytes>& EcdheSharedSecrets() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}

// Blinding randomness for a key, derived from the key itself: results never depend on it.
std::unique_ptr<Botan::RandomNumberGenerator> KeyBlindingRng(ByteView scalar) {
  const MemoKey seed = MemoKeyBuilder("shakedown ECDHE blinding").Add(scalar).Finish();
  return std::make_unique<Botan::ChaCha_RNG>(
      Botan::secure_vector<uint8_t>(seed.begin(), seed.end()));
}

// One scalar multiplication each, with Botan's primitives: building a Botan key object would
// compute the public point again on every agreement (twice the cost of the agreement).
// x25519: RFC 7748 5 (the function clamps the scalar). NIST curves: d times the point `peer`
// (already validated), blinded. An empty `peer`: the generator (the public value).
Bytes ScalarMultiply(NamedGroup group, ByteView scalar, ByteView peer) {
  if (group == NamedGroup::kX25519) {
    Bytes out(kX25519Length);
    if (peer.empty()) {
      Botan::curve25519_basepoint(out.data(), scalar.data());
    } else {
      Botan::curve25519_donna(out.data(), scalar.data(), peer.data());
    }
    return out;
  }
  // x25519 takes no randomness; the NIST curves' blinding does (KeyBlindingRng).
  std::unique_ptr<Botan::RandomNumberGenerator> rng = KeyBlindingRng(scalar);
  const Botan::EC_Group& ec = NistGroup(group);
  const Botan::BigInt d(scalar.data(), scalar.size());
  std::vector<Botan::BigInt> workspace;
  if (peer.empty()) {
    const Botan::PointGFp point = ec.blinded_base_point_multiply(d, *rng, workspace);
    const std::vector<uint8_t> encoded = point.encode(Botan::PointGFp::UNCOMPRESSED);
    return Bytes(encoded.begin(), encoded.end());
  }
  const Botan::PointGFp point = ec.OS2ECP(peer.data(), peer.size());
  const Botan::PointGFp shared = ec.blinded_var_point_multiply(point, d, *rng, workspace);
  if (shared.is_zero()) throw std::runtime_error("the shared point is the point at infinity");
  // RFC 8422 5.10: the x-coordinate, left-padded to the field size.
  const Botan::secure_vector<uint8_t> x =
      Botan::BigInt::encode_1363(shared.get_affine_x(), ec.get_p_bytes());
  return Bytes(x.begin(), x.end());
}

}  // namespace

Result<EcdheKeyPair> EcdheKeyPair::Generate(NamedGroup group, Botan::RandomNumberGenerator& rng) {
  if (!IsSupportedEcdheGroup(group)) {
    return HandshakeFailure("ECDHE: group " + GroupLabel(group) + " is not supported");
  }
  try {
    if (group == NamedGroup::kX25519) {
      const Botan::secure_vector<uint8_t> scalar = rng.random_vec(kX25519Length);
      return FromPrivateKey(group, ByteView(scalar.data(), scalar.size()));
    }
    const Botan::EC_Group& ec = NistGroup(group);
    const Botan::secure_vector<uint8_t> extra = rng.random_vec(ec.get_order_bytes() + 8);
    const Botan::BigInt d =
        Botan::BigInt(extra.data(), extra.size()) % (ec.get_order() - 1) + 1;
    const Botan::secure_vector<uint8_t> scalar =
        Botan::BigInt::encode_1363(d, ec.get_order_bytes());
    return FromPrivateKey(group, ByteView(scalar.data(), scalar.size()));
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
    if (group == NamedGroup::kX25519) {
      if (private_key.size() != kX25519Length) {
        return InternalError(label + " private key: length " + std::to_string(private_key.size()) +
                             ", expected 32");
      }
    } else {
      const Botan::EC_Group& ec = NistGroup(group);
      const Botan::BigInt d(private_key.data(), private_key.size());
      if (private_key.size() != ec.get_order_bytes() || d == 0 || d >= ec.get_order()) {
        return InternalError(label + " private key: not a scalar in [1, n-1] of " +
                             std::to_string(ec.get_order_bytes()) + " bytes");
      }
    }
    EcdheKeyPair pair;
    pair.group_ = group;
    pair.private_key_ = private_key.ToBytes();
    // The memo key only when the memo is on (benchmarks turn it off: the key is a hash).
    const bool memo = MemosEnabled();
    MemoKey memo_key{};
    if (memo) {
      memo_key = MemoKeyBuilder("ecdhe public")
                     .Add(static_cast<uint16_t>(group))
                     .Add(private_key)
                     .Finish();
      if (std::optional<Bytes> known = EcdhePublicValues().Find(memo_key)) {
        pair.public_value_ = std::move(*known);
        return pair;
      }
    }
    pair.public_value_ = ScalarMultiply(group, private_key, ByteView());
    if (memo) EcdhePublicValues().Keep(memo_key, pair.public_value_);
    return pair;
  } catch (const std::exception& e) {
    return InternalError("ECDHE " + label + ": cannot load private key: " + e.what());
  }
}

EcdheKeyPair::EcdheKeyPair(EcdheKeyPair&&) noexcept = default;
EcdheKeyPair& EcdheKeyPair::operator=(EcdheKeyPair&&) noexcept = default;
EcdheKeyPair::~EcdheKeyPair() = default;

Result<Bytes> EcdheKeyPair::Agree(ByteView peer_public) const {
  const bool memo = MemosEnabled();
  MemoKey memo_key{};
  if (memo) {
    memo_key = MemoKeyBuilder("ecdhe shared")
                   .Add(static_cast<uint16_t>(group_))
                   .Add(private_key_)
                   .Add(peer_public)
                   .Finish();
    // Only secrets of peer values that passed every check below are remembered.
    if (std::optional<Bytes> known = EcdheSharedSecrets().Find(memo_key)) return *known;
  }
  SD_RETURN_IF_ERROR(CheckEcdhePublicValue(group_, peer_public));
  Bytes shared;
  try {
    shared = ScalarMultiply(group_, private_key_, peer_public);
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
  if (memo) EcdheSharedSecrets().Keep(memo_key, shared);
  return shared;
}

}  // namespace shakedown
