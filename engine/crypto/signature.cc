#include "engine/crypto/signature.h"

#include <botan/chacha_rng.h>
#include <botan/ecc_key.h>
#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "engine/crypto/memo.h"

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

// Schemes this code signs with but never verifies: RFC 5246's MD5 and SHA-224 pairs, which no
// stack should accept (SLOTH, CVE-2015-7575). A scripted peer signs with them so that a vector
// labelled rsa_pkcs1_md5 carries a genuine MD5 signature and fails only on the label.
constexpr SchemeSpec kSigningOnlySchemes[] = {
    {SignatureScheme::kRsaPkcs1Md5, KeyKind::kRsa, "EMSA3(MD5)"},
    {SignatureScheme::kRsaPkcs1Sha224, KeyKind::kRsa, "EMSA3(SHA-224)"},
    {SignatureScheme::kEcdsaSha224, KeyKind::kEcdsa, "EMSA1(SHA-224)"},
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
    std::optional<SignatureScheme> sha1;
    if (kind == KeyKind::kRsa) sha1 = SignatureScheme::kRsaPkcs1Sha1;
    if (kind == KeyKind::kEcdsa) sha1 = SignatureScheme::kEcdsaSha1;
    if (!sha1.has_value()) {
      return Status::Error(AlertDescription::kHandshakeFailure,
                           "no signature_algorithms from the peer, and the " + key.algo_name() +
                               " key has no default scheme (RFC 5246 7.4.1.4.1)");
    }
    // RFC 9155 4: "Servers MUST NOT include MD5 and SHA-1 in ServerKeyExchange messages": with
    // SHA-1 off (not in `preference`) no scheme is left that the peer is assumed to verify.
    if (preference != nullptr &&
        std::find(preference->begin(), preference->end(), *sha1) == preference->end()) {
      return Status::Error(AlertDescription::kHandshakeFailure,
                           "no signature_algorithms from the peer: its default " +
                               Describe(Registry::kSignatureScheme, static_cast<uint16_t>(*sha1)) +
                               " (RFC 5246 7.4.1.4.1) is off (RFC 9155)");
    }
    return *sha1;
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

namespace {

// A Botan signer for one key and scheme, with the generator its RSA blinding refers to.
struct SigningOperation {
  std::shared_ptr<const Botan::Private_Key> key;  // the signer refers to it
  std::unique_ptr<Botan::RandomNumberGenerator> blinding_rng;
  std::unique_ptr<Botan::PK_Signer> signer;
};

SharedObjects<SigningOperation>& SigningOperations() {
  static auto* operations = new SharedObjects<SigningOperation>();
  return *operations;
}

Memo<Bytes>& Signatures() {
  static auto* memo = new Memo<Bytes>(8192);
  return *memo;
}

}  // namespace

Result<Signer> Signer::Create(std::shared_ptr<const Botan::Private_Key> key) {
  if (key == nullptr) return InternalError("Signer: no key");
  if (KindOf(*key) == KeyKind::kOther) {
    return InternalError("Signer: " + key->algo_name() + " keys cannot sign TLS 1.2 messages");
  }
  Signer signer;
  try {
    signer.key_id_ = PublicKeyId(*key);
    signer.salt_secret_ = PrivateKeySecret(*key, "shakedown signature salts");
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
                           std::optional<size_t> pss_salt_length) const {
  const SchemeSpec* spec = nullptr;
  Status usable = CheckSchemeForKey(scheme, *key_, &spec);
  if (!usable.ok()) {
    for (const SchemeSpec& legacy : kSigningOnlySchemes) {
      if (legacy.scheme == scheme && legacy.kind == KindOf(*key_)) spec = &legacy;
    }
    if (spec == nullptr) return InternalError("Signer: " + usable.message());
  }
  const uint16_t code = static_cast<uint16_t>(scheme);
  std::string emsa = spec->emsa;
  if (pss_salt_length) {
    // "PSSR(SHA-256,MGF1,32)" -> "PSSR(SHA-256,MGF1,<n>)".
    const size_t comma = emsa.rfind(',');
    if (emsa.rfind("PSSR(", 0) != 0 || comma == std::string::npos) {
      return InternalError("Signer: a salt length is for RSA-PSS, not " + SchemeLabel(scheme));
    }
    emsa = emsa.substr(0, comma + 1) + std::to_string(*pss_salt_length) + ")";
  }
  const uint64_t variant = pss_salt_length ? *pss_salt_length + 1 : 0;
  // Only RSA-PSS draws anything that reaches the signature (its salt). PKCS#1 v1.5 draws
  // nothing and ECDSA's nonce is RFC 6979's, so their randomness only blinds and they sign with
  // the operation's blinding generator: no per-signature generator to seed.
  const bool pss = emsa.rfind("PSSR(", 0) == 0;
  const bool memo = MemosEnabled();
  MemoKey memo_key{};
  if (memo || pss) {
    memo_key = MemoKeyBuilder("sign").Add(key_id_).Add(code).Add(variant).Add(message).Finish();
  }
  if (memo) {
    if (std::optional<Bytes> known = Signatures().Find(memo_key)) return *known;
  }
  try {
    const MemoKey operation_key =
        MemoKeyBuilder("signer").Add(key_id_).Add(code).Add(variant).Finish();
    // Salts (PSS) from the private key's secret and the message: a pure function of the inputs.
    std::optional<Botan::ChaCha_RNG> salt_rng;
    if (pss) {
      salt_rng.emplace(Botan::secure_vector<uint8_t>(memo_key.begin(), memo_key.end()));
      salt_rng->add_entropy(salt_secret_.data(), salt_secret_.size());
    }
    std::vector<uint8_t> signature = SigningOperations().With(
        operation_key,
        [&] {
          auto op = std::make_unique<SigningOperation>();
          op->key = key_;
          // Blinding never changes a signature; seed it from the key so runs stay reproducible.
          op->blinding_rng = std::make_unique<Botan::ChaCha_RNG>(
              Botan::secure_vector<uint8_t>(salt_secret_.begin(), salt_secret_.end()));
          op->signer = std::make_unique<Botan::PK_Signer>(*op->key, *op->blinding_rng, emsa,
                                                          FormatFor(spec->kind));
          return op;
        },
        [&](SigningOperation& op) {
          try {
            return op.signer->sign_message(message.data(), message.size(),
                                           pss ? *salt_rng : *op.blinding_rng);
          } catch (...) {
            // A failed signer may hold a partial message: start the next one afresh.
            op.signer = std::make_unique<Botan::PK_Signer>(*op.key, *op.blinding_rng, emsa,
                                                           FormatFor(spec->kind));
            throw;
          }
        });
    Bytes out(signature.begin(), signature.end());
    if (memo) Signatures().Keep(memo_key, out);
    return out;
  } catch (const std::exception& e) {
    return InternalError("signing with " + SchemeLabel(scheme) + " failed: " + e.what());
  }
}

// ---- Verification ----

namespace {

// Signatures known to verify: (key, scheme, message, signature) -> true. Failures are not kept.
Memo<bool>& VerifiedSignatures() {
  static auto* memo = new Memo<bool>(8192);
  return *memo;
}

MemoKey VerifiedKey(const Bytes& key_id, SignatureScheme scheme, ByteView message,
                    ByteView signature) {
  return MemoKeyBuilder("verify")
      .Add(key_id)
      .Add(static_cast<uint16_t>(scheme))
      .Add(message)
      .Add(signature)
      .Finish();
}

}  // namespace

Status VerifySignature(const Botan::Public_Key& key, SignatureScheme scheme, ByteView message,
                       ByteView signature) {
  const SchemeSpec* spec = nullptr;
  SD_RETURN_IF_ERROR(CheckSchemeForKey(scheme, key, &spec));
  MemoKey memo_key;
  std::unique_ptr<Botan::PK_Verifier> verifier;
  try {
    memo_key = VerifiedKey(PublicKeyId(key), scheme, message, signature);
    if (VerifiedSignatures().Find(memo_key)) return Status::Ok();
    verifier = std::make_unique<Botan::PK_Verifier>(key, spec->emsa, FormatFor(spec->kind));
  } catch (const std::exception& e) {
    return InternalError("cannot verify " + SchemeLabel(scheme) + ": " + e.what());
  }
  Status status = VerifyWith(*verifier, scheme, message, signature);
  if (status.ok()) VerifiedSignatures().Keep(memo_key, true);
  return status;
}

Verifier::Verifier(std::shared_ptr<const Botan::Public_Key> key) : key_(std::move(key)) {}
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;
Verifier::~Verifier() = default;

Status Verifier::Verify(SignatureScheme scheme, ByteView message, ByteView signature) {
  if (key_ == nullptr) return InternalError("Verifier: no key");
  const SchemeSpec* spec = nullptr;
  SD_RETURN_IF_ERROR(CheckSchemeForKey(scheme, *key_, &spec));
  // The memo key only when the memo is on (benchmarks turn it off: the key is a hash).
  const bool memo = MemosEnabled();
  MemoKey memo_key{};
  if (memo) {
    try {
      if (key_id_.empty()) key_id_ = PublicKeyId(*key_);
      memo_key = VerifiedKey(key_id_, scheme, message, signature);
    } catch (const std::exception& e) {
      return InternalError("cannot verify " + SchemeLabel(scheme) + ": " + e.what());
    }
    if (VerifiedSignatures().Find(memo_key)) return Status::Ok();
  }
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
  if (!status.ok()) {
    verifiers_.erase(scheme);
    return status;
  }
  if (memo) VerifiedSignatures().Keep(memo_key, true);
  return status;
}

}  // namespace shakedown
