#include "engine/crypto/signature.h"

#include <botan/chacha_rng.h>
#include <botan/ecc_key.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

namespace shakedown {
namespace {

enum class KeyKind { kRsa, kEcdsa, kEd25519, kOther };

struct SchemeSpec {
  SignatureScheme scheme;
  KeyKind kind;
  const char* emsa;  // Botan 2 padding / encoding name
};

// RSA-PSS: salt length = hash length (RFC 8446 4.2.3, which TLS 1.2 implementations follow
// for rsa_pss_rsae_*); Botan verifies that exact salt length when it is given in the name.
constexpr SchemeSpec kSchemes[] = {
    {SignatureScheme::kRsaPkcs1Sha1, KeyKind::kRsa, "EMSA3(SHA-1)"},
    {SignatureScheme::kRsaPkcs1Sha256, KeyKind::kRsa, "EMSA3(SHA-256)"},
    {SignatureScheme::kRsaPkcs1Sha384, KeyKind::kRsa, "EMSA3(SHA-384)"},
    {SignatureScheme::kRsaPkcs1Sha512, KeyKind::kRsa, "EMSA3(SHA-512)"},
    {SignatureScheme::kRsaPssRsaeSha256, KeyKind::kRsa, "PSSR(SHA-256,MGF1,32)"},
    {SignatureScheme::kRsaPssRsaeSha384, KeyKind::kRsa, "PSSR(SHA-384,MGF1,48)"},
    {SignatureScheme::kRsaPssRsaeSha512, KeyKind::kRsa, "PSSR(SHA-512,MGF1,64)"},
    {SignatureScheme::kEcdsaSha1, KeyKind::kEcdsa, "EMSA1(SHA-1)"},
    {SignatureScheme::kEcdsaSecp256r1Sha256, KeyKind::kEcdsa, "EMSA1(SHA-256)"},
    {SignatureScheme::kEcdsaSecp384r1Sha384, KeyKind::kEcdsa, "EMSA1(SHA-384)"},
    {SignatureScheme::kEcdsaSecp521r1Sha512, KeyKind::kEcdsa, "EMSA1(SHA-512)"},
    {SignatureScheme::kEd25519, KeyKind::kEd25519, "Pure"},
};

// Built-in preference: SHA-256 first, PKCS#1 v1.5 before PSS (the classic TLS 1.2 choice),
// SHA-1 last.
constexpr SignatureScheme kDefaultPreference[] = {
    SignatureScheme::kEcdsaSecp256r1Sha256, SignatureScheme::kEcdsaSecp384r1Sha384,
    SignatureScheme::kEcdsaSecp521r1Sha512, SignatureScheme::kEd25519,
    SignatureScheme::kRsaPkcs1Sha256,       SignatureScheme::kRsaPssRsaeSha256,
    SignatureScheme::kRsaPkcs1Sha384,       SignatureScheme::kRsaPssRsaeSha384,
    SignatureScheme::kRsaPkcs1Sha512,       SignatureScheme::kRsaPssRsaeSha512,
    SignatureScheme::kRsaPkcs1Sha1,         SignatureScheme::kEcdsaSha1,
};

const SchemeSpec* FindScheme(SignatureScheme scheme) {
  for (const SchemeSpec& spec : kSchemes) {
    if (spec.scheme == scheme) return &spec;
  }
  return nullptr;
}

KeyKind KindOf(const Botan::Public_Key& key) {
  const std::string algo = key.algo_name();
  if (algo == "RSA") return KeyKind::kRsa;
  if (algo == "ECDSA") return KeyKind::kEcdsa;
  if (algo == "Ed25519") return KeyKind::kEd25519;
  return KeyKind::kOther;
}

// ECDSA signatures are DER SEQUENCE { r, s } in TLS (RFC 8422 5.4); Botan defaults to the
// IEEE 1363 r || s form.
Botan::Signature_Format FormatFor(KeyKind kind) {
  return kind == KeyKind::kEcdsa ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
}

std::string SchemeLabel(SignatureScheme scheme) {
  return Describe(Registry::kSignatureScheme, static_cast<uint16_t>(scheme));
}

// The hash matching an ECDSA key's curve (RFC 8446 4.2.3 pairs), for the default choice.
std::optional<SignatureScheme> CurveMatchedScheme(const Botan::Public_Key& key) {
  const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key);
  if (ec == nullptr) return std::nullopt;
  switch (ec->domain().get_p_bits()) {
    case 256:
      return SignatureScheme::kEcdsaSecp256r1Sha256;
    case 384:
      return SignatureScheme::kEcdsaSecp384r1Sha384;
    case 521:
      return SignatureScheme::kEcdsaSecp521r1Sha512;
    default:
      return std::nullopt;
  }
}

Status CheckSchemeForKey(SignatureScheme scheme, const Botan::Public_Key& key,
                         const SchemeSpec** spec_out) {
  const SchemeSpec* spec = FindScheme(scheme);
  if (spec == nullptr) {
    return IllegalParameter("signature scheme " + SchemeLabel(scheme) + " is not supported");
  }
  if (spec->kind != KindOf(key)) {
    return IllegalParameter("signature scheme " + SchemeLabel(scheme) + " does not match the " +
                            key.algo_name() + " key");
  }
  *spec_out = spec;
  return Status::Ok();
}

Status DecryptError(std::string message) {
  return Status::Error(AlertDescription::kDecryptError, std::move(message));
}

Status VerifyWith(Botan::PK_Verifier& verifier, SignatureScheme scheme, ByteView message,
                  ByteView signature) {
  bool valid = false;
  try {
    valid =
        verifier.verify_message(message.data(), message.size(), signature.data(), signature.size());
  } catch (const std::exception&) {
    valid = false;  // malformed encodings are bad signatures too
  }
  if (!valid) {
    return DecryptError("signature (" + SchemeLabel(scheme) + ") does not verify");
  }
  return Status::Ok();
}

}  // namespace

bool IsSupportedSignatureScheme(SignatureScheme scheme) { return FindScheme(scheme) != nullptr; }

bool SchemeMatchesKey(SignatureScheme scheme, const Botan::Public_Key& key) {
  const SchemeSpec* spec = FindScheme(scheme);
  return spec != nullptr && spec->kind == KindOf(key);
}

Result<SignatureScheme> ChooseSignatureScheme(
    const Botan::Public_Key& key, const std::optional<std::vector<SignatureScheme>>& peer_offered,
    const std::vector<SignatureScheme>* preference) {
  const KeyKind kind = KindOf(key);
  if (!peer_offered.has_value()) {
    // RFC 5246 7.4.1.4.1: without signature_algorithms, {sha1, rsa} or {sha1, ecdsa}.
    if (kind == KeyKind::kRsa) return SignatureScheme::kRsaPkcs1Sha1;
    if (kind == KeyKind::kEcdsa) return SignatureScheme::kEcdsaSha1;
    return Status::Error(AlertDescription::kHandshakeFailure,
                         "no signature_algorithms from the peer, and the " + key.algo_name() +
                             " key has no default scheme (RFC 5246 7.4.1.4.1)");
  }
  std::vector<SignatureScheme> order;
  if (preference != nullptr) {
    order = *preference;
  } else {
    if (std::optional<SignatureScheme> matched = CurveMatchedScheme(key)) {
      order.push_back(*matched);
    }
    order.insert(order.end(), std::begin(kDefaultPreference), std::end(kDefaultPreference));
  }
  for (SignatureScheme scheme : order) {
    if (!SchemeMatchesKey(scheme, key)) continue;
    if (std::find(peer_offered->begin(), peer_offered->end(), scheme) != peer_offered->end()) {
      return scheme;
    }
  }
  return Status::Error(AlertDescription::kHandshakeFailure,
                       "no offered signature scheme suits the " + key.algo_name() + " key");
}

// ---- Signer ----

Result<Signer> Signer::Create(std::shared_ptr<const Botan::Private_Key> key,
                              Botan::RandomNumberGenerator& rng) {
  if (key == nullptr) return InternalError("Signer: no key");
  if (KindOf(*key) == KeyKind::kOther) {
    return InternalError("Signer: " + key->algo_name() + " keys cannot sign TLS 1.2 messages");
  }
  Signer signer;
  try {
    // Botan's RSA signer keeps a reference to this generator for blinding.
    Botan::secure_vector<uint8_t> seed(32);
    rng.randomize(seed.data(), seed.size());
    signer.blinding_rng_ = std::make_unique<Botan::ChaCha_RNG>(seed);
  } catch (const std::exception& e) {
    return InternalError(std::string("Signer: ") + e.what());
  }
  signer.key_ = std::move(key);
  return signer;
}

Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;
Signer::~Signer() = default;

Result<Bytes> Signer::Sign(SignatureScheme scheme, ByteView message,
                           Botan::RandomNumberGenerator& rng) {
  const SchemeSpec* spec = nullptr;
  Status usable = CheckSchemeForKey(scheme, *key_, &spec);
  if (!usable.ok()) return InternalError("Signer: " + usable.message());
  try {
    std::unique_ptr<Botan::PK_Signer>& signer = signers_[scheme];
    if (signer == nullptr) {
      signer = std::make_unique<Botan::PK_Signer>(*key_, *blinding_rng_, spec->emsa,
                                                  FormatFor(spec->kind));
    }
    return signer->sign_message(message.data(), message.size(), rng);
  } catch (const std::exception& e) {
    signers_.erase(scheme);  // a failed signer may hold a partial message
    return InternalError("signing with " + SchemeLabel(scheme) + " failed: " + e.what());
  }
}

// ---- Verification ----

Status VerifySignature(const Botan::Public_Key& key, SignatureScheme scheme, ByteView message,
                       ByteView signature) {
  const SchemeSpec* spec = nullptr;
  SD_RETURN_IF_ERROR(CheckSchemeForKey(scheme, key, &spec));
  std::unique_ptr<Botan::PK_Verifier> verifier;
  try {
    verifier = std::make_unique<Botan::PK_Verifier>(key, spec->emsa, FormatFor(spec->kind));
  } catch (const std::exception& e) {
    return InternalError("cannot verify " + SchemeLabel(scheme) + ": " + e.what());
  }
  return VerifyWith(*verifier, scheme, message, signature);
}

Verifier::Verifier(std::shared_ptr<const Botan::Public_Key> key) : key_(std::move(key)) {}
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;
Verifier::~Verifier() = default;

Status Verifier::Verify(SignatureScheme scheme, ByteView message, ByteView signature) {
  if (key_ == nullptr) return InternalError("Verifier: no key");
  const SchemeSpec* spec = nullptr;
  SD_RETURN_IF_ERROR(CheckSchemeForKey(scheme, *key_, &spec));
  std::unique_ptr<Botan::PK_Verifier>& verifier = verifiers_[scheme];
  if (verifier == nullptr) {
    try {
      verifier = std::make_unique<Botan::PK_Verifier>(*key_, spec->emsa, FormatFor(spec->kind));
    } catch (const std::exception& e) {
      verifiers_.erase(scheme);
      return InternalError("cannot verify " + SchemeLabel(scheme) + ": " + e.what());
    }
  }
  Status status = VerifyWith(*verifier, scheme, message, signature);
  // Botan 2's PK_Verifier keeps the hashed message when a DER signature fails to decode, which
  // would poison the next verification: start afresh after any failure.
  if (!status.ok()) verifiers_.erase(scheme);
  return status;
}

}  // namespace shakedown
