// The public-key floor: only the public-key operations one handshake needs, with Botan's
// primitives, and every object that can outlive a handshake (signer, verifier, encryptor,
// decryptor, the certificate's public key) built once before timing, as a well-built stack
// would. Ephemeral x25519 and ffdhe2048 keys and their agreement objects are per handshake by
// nature (the DH group, like any long-lived parameter, is built once).
#include <botan/curve25519.h>
#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/pubkey.h>
#include <botan/x509cert.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <string>

#include "bench/handshake_bench.h"
#include "engine/crypto/rng.h"

namespace shakedown {
namespace {

class FloorBench {
 public:
  FloorBench(const BenchFixture& fixture, BenchSuite suite)
      : suite_(suite),
        rng_(301),
        certificate_(fixture.ServerFor(suite).chain_der.front()),
        public_key_(certificate_.load_subject_public_key()),
        signer_(*fixture.ServerFor(suite).key, rng_, Padding(suite)),
        verifier_(*public_key_, Padding(suite)) {
    const BenchSuiteInfo& info = InfoOf(suite);
    // client_random || server_random || ServerECDHParams for x25519 (RFC 5246 7.4.3,
    // RFC 8422 5.4), or ServerDHParams for ffdhe2048 (p, g = 2, Ys, each with a 2-byte
    // length): the size of what ServerKeyExchange signs.
    signed_data_.assign(info.key_exchange == BenchKeyExchange::kDhe ? 64 + 258 + 3 + 258
                                                                     : 64 + 4 + 32,
                        0x5a);
    pre_master_secret_.assign(48, 0x03);
    if (info.key_exchange == BenchKeyExchange::kRsa) {
      encryptor_ = std::make_unique<Botan::PK_Encryptor_EME>(*public_key_, rng_, "EME-PKCS1-v1_5");
      decryptor_ = std::make_unique<Botan::PK_Decryptor_EME>(*fixture.server.key, rng_,
                                                             "EME-PKCS1-v1_5");
    }
    if (info.key_exchange == BenchKeyExchange::kDhe) {
      group_ = std::make_unique<Botan::DL_Group>("ffdhe/ietf/2048");
    }
  }

  Status Next() {
    switch (InfoOf(suite_).key_exchange) {
      case BenchKeyExchange::kEcdhe:
        return Ecdhe();
      case BenchKeyExchange::kDhe:
        return Dhe();
      case BenchKeyExchange::kRsa:
        break;
    }
    return RsaTransport();
  }

 private:
  static std::string Padding(BenchSuite suite) {
    return InfoOf(suite).ecdsa ? "EMSA1(SHA-256)" : "EMSA3(SHA-256)";
  }

  Status SignAndVerify() {
    std::vector<uint8_t> signature = signer_.sign_message(signed_data_, rng_);
    if (!verifier_.verify_message(signed_data_, signature)) {
      return InternalError("floor: the signature did not verify");
    }
    return Status::Ok();
  }

  // Server key pair, its signature, the client's check, the client's key pair, both
  // agreements (the client's range check on Ys, RFC 7919 3, is a comparison: not counted).
  Status Dhe() {
    Botan::DH_PrivateKey server_key(rng_, *group_);
    SD_RETURN_IF_ERROR(SignAndVerify());
    Botan::DH_PrivateKey client_key(rng_, *group_);
    Botan::PK_Key_Agreement client_agreement(client_key, rng_, "Raw");
    Botan::PK_Key_Agreement server_agreement(server_key, rng_, "Raw");
    Botan::SymmetricKey client_secret = client_agreement.derive_key(0, server_key.public_value());
    Botan::SymmetricKey server_secret = server_agreement.derive_key(0, client_key.public_value());
    if (client_secret != server_secret) return InternalError("floor: DH secrets differ");
    return Status::Ok();
  }

  Status Ecdhe() {
    Botan::Curve25519_PrivateKey server_key(rng_);
    SD_RETURN_IF_ERROR(SignAndVerify());
    Botan::Curve25519_PrivateKey client_key(rng_);
    Botan::PK_Key_Agreement client_agreement(client_key, rng_, "Raw");
    Botan::PK_Key_Agreement server_agreement(server_key, rng_, "Raw");
    Botan::SymmetricKey client_secret =
        client_agreement.derive_key(0, server_key.public_value());
    Botan::SymmetricKey server_secret =
        server_agreement.derive_key(0, client_key.public_value());
    if (client_secret != server_secret) return InternalError("floor: x25519 secrets differ");
    return Status::Ok();
  }

  Status RsaTransport() {
    std::vector<uint8_t> encrypted = encryptor_->encrypt(pre_master_secret_, rng_);
    // Botan's TLS server and the engine decrypt this way: constant time, no padding oracle.
    Botan::secure_vector<uint8_t> decrypted = decryptor_->decrypt_or_random(
        encrypted.data(), encrypted.size(), pre_master_secret_.size(), rng_);
    if (decrypted.size() != pre_master_secret_.size() ||
        !std::equal(decrypted.begin(), decrypted.end(), pre_master_secret_.begin())) {
      return InternalError("floor: the pre-master secret did not round-trip");
    }
    return Status::Ok();
  }

  BenchSuite suite_;
  DeterministicRng rng_;
  Botan::X509_Certificate certificate_;
  std::unique_ptr<Botan::Public_Key> public_key_;
  Botan::PK_Signer signer_;
  Botan::PK_Verifier verifier_;
  std::unique_ptr<Botan::PK_Encryptor_EME> encryptor_;  // RSA key transport only
  std::unique_ptr<Botan::PK_Decryptor_EME> decryptor_;
  std::unique_ptr<Botan::DL_Group> group_;  // DHE only
  std::vector<uint8_t> signed_data_;
  std::vector<uint8_t> pre_master_secret_;
};

}  // namespace

Result<StackResult> RunPublicKeyFloor(const BenchFixture& fixture, BenchSuite suite,
                                      HandshakeMode mode, const BenchLimits& limits) {
  if (mode != HandshakeMode::kFull) {
    return InternalError("floor: a resumed handshake has no public-key operations");
  }
  if (fixture.server.chain_der.empty() || !fixture.server.key) {
    return InternalError("floor: the fixture has no server credential");
  }
  std::unique_ptr<FloorBench> bench;
  try {
    bench = std::make_unique<FloorBench>(fixture, suite);
  } catch (const std::exception& e) {
    return InternalError(std::string("floor: Botan: ") + e.what());
  }
  Result<StackResult> result = TimeHandshakes(limits, [&bench]() -> Status {
    try {
      return bench->Next();
    } catch (const std::exception& e) {
      return InternalError(std::string("floor: Botan: ") + e.what());
    }
  });
  if (!result.ok()) return result;
  result->stack = "floor";
  result->suite = std::string(SuiteName(suite));
  result->mode = std::string(ModeName(mode));
  return result;
}

}  // namespace shakedown
