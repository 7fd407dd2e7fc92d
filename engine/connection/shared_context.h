// What many connections of one configuration share, built once: the prepared credentials
// (each private key's Signer and, for RSA, the key-transport decryptor, whose Botan objects
// are expensive to build), the session-ticket key, the trust store, and a small cache of
// parsed peer certificates (public key + Verifier) keyed by DER. Rebuilding these per
// handshake would cost more than the handshake's own public-key operations.
//
// Not thread-safe: the Botan signer/verifier objects it holds keep per-call state. Share a
// context between connections that run on one thread; give each thread its own.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_SHARED_CONTEXT_H_
#define SHAKEDOWN_ENGINE_CONNECTION_SHARED_CONTEXT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/memo.h"
#include "engine/crypto/signature.h"

namespace Botan {
class AEAD_Mode;
class Certificate_Store_In_Memory;
class Private_Key;
class Public_Key;
class RandomNumberGenerator;
}  // namespace Botan

namespace shakedown {

// The key types TLS 1.2 certificates carry here.
enum class CertKeyType { kRsa, kEcdsa, kOther };

// One of Config::credentials, ready to use.
struct PreparedCredential {
  std::vector<Bytes> chain_der;  // leaf first
  std::vector<std::string> names;  // Credential::names
  CertKeyType type = CertKeyType::kOther;
  std::shared_ptr<const Botan::Private_Key> key;
  std::unique_ptr<Signer> signer;
  std::unique_ptr<RsaKeyTransportServer> rsa_transport;  // RSA keys only
};

// A peer's leaf certificate, parsed once.
struct PeerCertificate {
  CertKeyType type = CertKeyType::kOther;
  std::shared_ptr<const Botan::Public_Key> key;
  std::unique_ptr<Verifier> verifier;
  // RFC 5280 KeyUsage; both true when the certificate has no KeyUsage extension.
  bool allows_key_encipherment = true;
  bool allows_digital_signature = true;
};

class SharedContext {
 public:
  // `rng` seeds the signers' blinding and, when Config::ticket_key is empty, draws the ticket
  // key. Errors: a credential without key or chain, a key that cannot sign, a ticket_key that
  // is not 32 bytes, an unparseable trust anchor.
  static Result<std::shared_ptr<SharedContext>> Create(const Config& config,
                                                       Botan::RandomNumberGenerator& rng);
  ~SharedContext();

  std::vector<PreparedCredential>& credentials() { return credentials_; }
  // The first credential of `type`, or null.
  PreparedCredential* CredentialOfType(CertKeyType type);
  // RFC 6066 3: the credential of `type` that names `host_name` (ASCII, case-insensitive), else
  // (unless `named_only`) the first of `type` that names nothing; null if none. An empty name:
  // the latter.
  PreparedCredential* CredentialFor(CertKeyType type, std::string_view host_name,
                                    bool named_only = false);
  // Whether some credential names `host_name`.
  bool NamesHost(std::string_view host_name) const;
  // Whether some credential names `host_name`, or no credential names any (then every name
  // is recognised).
  bool RecognisesName(std::string_view host_name) const;

  // RFC 5077 4 (recommended format, with AES-256-GCM instead of AES-CBC + HMAC):
  // key_name[16] || nonce[12] || AES-256-GCM(state) with key_name as associated data.
  Result<Bytes> SealTicket(ByteView state, Botan::RandomNumberGenerator& rng);
  // The state, or nullopt for anything that does not authenticate under this key.
  std::optional<Bytes> OpenTicket(ByteView ticket);

  // The parsed leaf; errors: bad_certificate (not X.509), unsupported_certificate (a key
  // Botan cannot load). Cached by DER.
  Result<std::shared_ptr<PeerCertificate>> PeerLeaf(ByteView leaf_der);

  // Whether trust anchors are configured (else chains are not path-validated).
  bool has_trust_anchors() const { return trust_store_ != nullptr; }
  // Path validation of `chain` (leaf first) against the trust anchors at `now` (seconds since
  // the epoch), and a server's leaf against `host_name` unless it is empty (RFC 6125 6.4, as
  // HTTPS clients do, RFC 2818 3.1). Errors: unknown_ca, certificate_expired, bad_certificate.
  // Verdicts are remembered per (anchors, chain, time, purpose, name) (engine/crypto/memo.h).
  Status ValidateChain(const std::vector<Bytes>& chain, uint64_t now, bool peer_is_server,
                       const std::string& host_name = "") const;

 private:
  SharedContext();
  Status ValidateChainUncached(const std::vector<Bytes>& chain, uint64_t now, bool peer_is_server,
                               const std::string& host_name) const;

  static constexpr size_t kMaxCachedPeers = 64;

  std::vector<PreparedCredential> credentials_;
  Bytes ticket_key_name_;
  std::unique_ptr<Botan::AEAD_Mode> ticket_seal_;
  std::unique_ptr<Botan::AEAD_Mode> ticket_open_;
  std::map<Bytes, std::shared_ptr<PeerCertificate>> peers_;
  std::unique_ptr<Botan::Certificate_Store_In_Memory> trust_store_;
  Bytes trust_id_;  // names the trust anchors in the memo of validated chains
};

CertKeyType KeyTypeOf(const Botan::Public_Key& key);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_SHARED_CONTEXT_H_
