#include "engine/connection/shared_context.h"

#include <cctype>

#include <botan/aead.h>
#include <botan/certstor.h>
#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/rng.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include "engine/crypto/pki.h"

namespace shakedown {
namespace {

constexpr size_t kTicketKeyLength = 32;  // AES-256
constexpr size_t kTicketKeyNameLength = 16;
constexpr size_t kTicketNonceLength = 12;
constexpr size_t kTicketTagLength = 16;

}  // namespace

CertKeyType KeyTypeOf(const Botan::Public_Key& key) {
  const std::string algo = key.algo_name();
  if (algo == "RSA") return CertKeyType::kRsa;
  if (algo == "ECDSA") return CertKeyType::kEcdsa;
  return CertKeyType::kOther;
}

SharedContext::SharedContext() = default;
SharedContext::~SharedContext() = default;

Result<std::shared_ptr<SharedContext>> SharedContext::Create(const Config& config,
                                                             Botan::RandomNumberGenerator& rng) {
  std::shared_ptr<SharedContext> ctx(new SharedContext());
  for (size_t i = 0; i < config.credentials.size(); ++i) {
    const Credential& c = config.credentials[i];
    const std::string where = "Config.credentials[" + std::to_string(i) + "]";
    if (c.key == nullptr || c.chain_der.empty()) {
      return InternalError(where + ": needs a private key and a certificate chain");
    }
    PreparedCredential p;
    p.chain_der = c.chain_der;
    p.names = c.names;
    p.key = c.key;
    p.type = KeyTypeOf(*c.key);
    if (p.type == CertKeyType::kOther) {
      return InternalError(where + ": " + c.key->algo_name() + " keys are not supported");
    }
    SD_ASSIGN_OR_RETURN(Signer signer, Signer::Create(p.key));
    p.signer = std::make_unique<Signer>(std::move(signer));
    if (p.type == CertKeyType::kRsa && config.role == Side::kServer) {
      SD_ASSIGN_OR_RETURN(RsaKeyTransportServer rsa, RsaKeyTransportServer::Create(p.key));
      p.rsa_transport = std::make_unique<RsaKeyTransportServer>(std::move(rsa));
    }
    ctx->credentials_.push_back(std::move(p));
  }

  Bytes key = config.ticket_key;
  if (key.empty()) {
    key.resize(kTicketKeyLength);
    rng.randomize(key.data(), key.size());
  }
  if (key.size() != kTicketKeyLength) {
    return InternalError("Config.ticket_key: " + std::to_string(key.size()) +
                         " bytes, expected 32");
  }
  try {
    // The key name lets a server tell its own tickets from others (RFC 5077 4); derived from
    // the key so equal keys give equal names.
    std::unique_ptr<Botan::HashFunction> sha = Botan::HashFunction::create_or_throw("SHA-256");
    const char kLabel[] = "shakedown ticket key name";
    sha->update(reinterpret_cast<const uint8_t*>(kLabel), sizeof(kLabel) - 1);
    sha->update(key.data(), key.size());
    Botan::secure_vector<uint8_t> digest = sha->final();
    ctx->ticket_key_name_.assign(digest.begin(), digest.begin() + kTicketKeyNameLength);
    ctx->ticket_seal_ = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::ENCRYPTION);
    ctx->ticket_open_ = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
    ctx->ticket_seal_->set_key(key.data(), key.size());
    ctx->ticket_open_->set_key(key.data(), key.size());
  } catch (const std::exception& e) {
    return InternalError(std::string("session ticket key setup failed: ") + e.what());
  }

  if (!config.trusted_roots.empty()) {
    ctx->trust_store_ = std::make_unique<Botan::Certificate_Store_In_Memory>();
    MemoKeyBuilder trust_id("trust anchors");
    for (size_t i = 0; i < config.trusted_roots.size(); ++i) {
      try {
        const Bytes& der = config.trusted_roots[i];
        trust_id.Add(der);
        ctx->trust_store_->add_certificate(Botan::X509_Certificate(der.data(), der.size()));
      } catch (const std::exception& e) {
        return InternalError("Config.trusted_roots[" + std::to_string(i) +
                             "]: not a certificate: " + e.what());
      }
    }
    const MemoKey id = trust_id.Finish();
    ctx->trust_id_.assign(id.begin(), id.end());
  }
  return ctx;
}

PreparedCredential* SharedContext::CredentialOfType(CertKeyType type) {
  for (PreparedCredential& c : credentials_) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

namespace {

bool SameHostName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    const char y = static_cast<char>(std::tolower(static_cast<unsigned char>(b[i])));
    if (x != y) return false;
  }
  return true;
}

bool Names(const PreparedCredential& c, std::string_view host_name) {
  for (const std::string& n : c.names) {
    if (SameHostName(n, host_name)) return true;
  }
  return false;
}

}  // namespace

PreparedCredential* SharedContext::CredentialFor(CertKeyType type, std::string_view host_name,
                                                 bool named_only) {
  if (!host_name.empty()) {
    for (PreparedCredential& c : credentials_) {
      if (c.type == type && Names(c, host_name)) return &c;
    }
  }
  if (named_only) return nullptr;
  for (PreparedCredential& c : credentials_) {
    if (c.type == type && c.names.empty()) return &c;
  }
  return nullptr;
}

bool SharedContext::NamesHost(std::string_view host_name) const {
  for (const PreparedCredential& c : credentials_) {
    if (Names(c, host_name)) return true;
  }
  return false;
}

bool SharedContext::RecognisesName(std::string_view host_name) const {
  bool any_names = false;
  for (const PreparedCredential& c : credentials_) {
    if (Names(c, host_name)) return true;
    any_names = any_names || !c.names.empty();
  }
  return !any_names;
}

Result<Bytes> SharedContext::SealTicket(ByteView state, Botan::RandomNumberGenerator& rng) {
  Bytes out = ticket_key_name_;
  out.resize(kTicketKeyNameLength + kTicketNonceLength);
  rng.randomize(out.data() + kTicketKeyNameLength, kTicketNonceLength);
  try {
    Botan::secure_vector<uint8_t> buf(state.begin(), state.end());
    ticket_seal_->set_associated_data(ticket_key_name_.data(), ticket_key_name_.size());
    ticket_seal_->start(out.data() + kTicketKeyNameLength, kTicketNonceLength);
    ticket_seal_->finish(buf);
    out.insert(out.end(), buf.begin(), buf.end());
  } catch (const std::exception& e) {
    return InternalError(std::string("session ticket encryption failed: ") + e.what());
  }
  return out;
}

std::optional<Bytes> SharedContext::OpenTicket(ByteView ticket) {
  const size_t header = kTicketKeyNameLength + kTicketNonceLength;
  if (ticket.size() < header + kTicketTagLength) return std::nullopt;
  if (ticket.subview(0, kTicketKeyNameLength) != ByteView(ticket_key_name_)) return std::nullopt;
  try {
    Botan::secure_vector<uint8_t> buf(ticket.begin() + header, ticket.end());
    ticket_open_->set_associated_data(ticket_key_name_.data(), ticket_key_name_.size());
    ticket_open_->start(ticket.data() + kTicketKeyNameLength, kTicketNonceLength);
    ticket_open_->finish(buf);  // throws Invalid_Authentication_Tag on any change
    return Bytes(buf.begin(), buf.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<std::shared_ptr<PeerCertificate>> SharedContext::PeerLeaf(ByteView leaf_der) {
  Bytes der = leaf_der.ToBytes();
  auto it = peers_.find(der);
  if (it != peers_.end()) return it->second;
  SD_ASSIGN_OR_RETURN(std::shared_ptr<const LeafCertificate> leaf, ReadLeafCertificate(der));
  auto peer = std::make_shared<PeerCertificate>();
  peer->type = KeyTypeOf(*leaf->key);
  peer->key = leaf->key;
  peer->verifier = std::make_unique<Verifier>(peer->key);
  peer->allows_key_encipherment = leaf->allows_key_encipherment;
  peer->allows_digital_signature = leaf->allows_digital_signature;
  if (peers_.size() >= kMaxCachedPeers) peers_.clear();  // bounded; refills on demand
  peers_.emplace(std::move(der), peer);
  return peer;
}

Status SharedContext::ValidateChain(const std::vector<Bytes>& chain, uint64_t now,
                                    bool peer_is_server, const std::string& host_name) const {
  if (trust_store_ == nullptr) return Status::Ok();
  // Path validation verifies every signature of the chain: by far the costliest step of a
  // client's handshake, and the same chain arrives in every one. Outcomes depend only on the
  // anchors, the chain, the time and the purpose, so both verdicts are remembered.
  static auto* validated = new Memo<Status>(1024);
  MemoKeyBuilder key_builder("validated chain");
  key_builder.Add(trust_id_).Add(now).Add(peer_is_server ? 1 : 0);
  key_builder.Add(ByteView(reinterpret_cast<const uint8_t*>(host_name.data()), host_name.size()));
  for (const Bytes& der : chain) key_builder.Add(der);
  const MemoKey memo_key = key_builder.Finish();
  if (std::optional<Status> known = validated->Find(memo_key)) return *known;
  Status verdict = ValidateChainUncached(chain, now, peer_is_server, host_name);
  validated->Keep(memo_key, verdict);
  return verdict;
}

Status SharedContext::ValidateChainUncached(const std::vector<Bytes>& chain, uint64_t now,
                                            bool peer_is_server,
                                            const std::string& host_name) const {
  try {
    std::vector<Botan::X509_Certificate> certs;
    for (const Bytes& der : chain) certs.emplace_back(der.data(), der.size());
    // RFC 5246 7.2.2 alerts: the validation time is the injected clock, never the system's.
    Botan::Path_Validation_Result result = Botan::x509_path_validate(
        certs, Botan::Path_Validation_Restrictions(), *trust_store_, host_name,
        peer_is_server ? Botan::Usage_Type::TLS_SERVER_AUTH : Botan::Usage_Type::TLS_CLIENT_AUTH,
        std::chrono::system_clock::time_point(std::chrono::seconds(now)));
    if (result.successful_validation()) return Status::Ok();
    const std::string why = "Certificate: chain does not validate: " + result.result_string();
    switch (result.result()) {
      case Botan::Certificate_Status_Code::CERT_ISSUER_NOT_FOUND:
      case Botan::Certificate_Status_Code::CANNOT_ESTABLISH_TRUST:
        return Status::Error(AlertDescription::kUnknownCa, why);
      case Botan::Certificate_Status_Code::CERT_HAS_EXPIRED:
      case Botan::Certificate_Status_Code::CERT_NOT_YET_VALID:
        return Status::Error(AlertDescription::kCertificateExpired, why);
      default:
        return Status::Error(AlertDescription::kBadCertificate, why);
    }
  } catch (const std::exception& e) {
    return Status::Error(AlertDescription::kBadCertificate,
                         std::string("Certificate: not a valid X.509 certificate: ") + e.what());
  }
}

}  // namespace shakedown
