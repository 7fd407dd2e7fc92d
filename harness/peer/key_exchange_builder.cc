// The scripted peer's key-exchange messages (MessageBuilder's ServerKeyExchange and
// ClientKeyExchange, declared in message_builder.h): RSA key transport with its deliberate
// pre-master and padding flaws, ECDHE, and DHE with the group RFC 7919 or peer.dh_group names.
#include <botan/bigint.h>
#include <botan/rsa.h>

#include <algorithm>
#include <string>
#include <utility>

#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/signature.h"
#include "engine/wire/extensions.h"
#include "harness/peer/field_edits.h"
#include "harness/peer/message_builder.h"

namespace shakedown {
namespace peer {

Result<Bytes> MessageBuilder::SignServerKeyExchange(const ServerKeyExchange& ske,
                                                    SignatureScheme scheme,
                                                    std::optional<size_t> pss_salt_length) {
  PeerConnection& c = state_.conn();
  const Credential* cred = state_.ServerCredential();
  SD_ASSIGN_OR_RETURN(Signer signer, Signer::Create(cred->key));
  // RFC 5246 7.4.3: client_random + server_random + params.
  return signer.Sign(scheme, ske.SignedData(View(c.client_random), View(c.server_random)),
                     pss_salt_length);
}

Result<DhGroup> MessageBuilder::ChooseDhGroup(
    const std::optional<std::vector<NamedGroup>>& offered) const {
  const std::string& fixed = state_.setup.scenario.peer.dh_group;
  if (!fixed.empty()) {
    std::optional<DhGroup> group = NamedDhGroup(fixed);
    if (!group.has_value()) return InternalError("peer.dh_group: unknown group " + fixed);
    return *std::move(group);
  }
  // RFC 7919 4: one of the client's FFDHE groups, in the peer's order; a client that names
  // none (or none the peer has) gets ffdhe2048 as explicit parameters.
  for (NamedGroup g : state_.setup.groups) {
    if (!IsSupportedFfdheGroup(g)) continue;
    if (offered && std::find(offered->begin(), offered->end(), g) != offered->end()) {
      return *FfdheGroup(g);
    }
  }
  return *FfdheGroup(NamedGroup::kFfdhe2048);
}

Bytes MessageBuilder::PaddedDhPublic(const DheKeyPair& pair) const {
  Bytes out(state_.setup.scenario.peer.dh_public_leading_zeros, 0);
  Append(out, pair.public_value());
  return out;
}

Result<ServerKeyExchange> MessageBuilder::BuildServerKeyExchange() {
  PeerConnection& c = state_.conn();
  // RFC 8422 5.1.1: a group from the client's supported_groups, in the peer's order.
  std::optional<std::vector<NamedGroup>> offered;
  if (c.client_hello && c.client_hello->extensions) {
    if (auto g = c.client_hello->extensions->Find<SupportedGroupsExt>(); g && g->ok()) {
      offered = (*g)->groups;
    }
  }
  ServerKeyExchange ske;
  if (c.suite != nullptr && c.suite->IsDhe()) {
    SD_ASSIGN_OR_RETURN(DhGroup dh_group, ChooseDhGroup(offered));
    SD_ASSIGN_OR_RETURN(DheKeyPair pair, DheKeyPair::Generate(dh_group, *c.rng));
    ske.params = DhServerParams{dh_group.p, dh_group.g, PaddedDhPublic(pair)};
    if (InHandshake()) c.own_dhe = std::move(pair);
  } else {
    std::optional<NamedGroup> group;
    for (NamedGroup g : state_.setup.groups) {
      if (!IsSupportedEcdheGroup(g)) continue;
      if (offered && std::find(offered->begin(), offered->end(), g) == offered->end()) continue;
      group = g;
      break;
    }
    if (!group) group = NamedGroup::kSecp256r1;  // nothing in common: the target will object
    SD_ASSIGN_OR_RETURN(EcdheKeyPair pair, EcdheKeyPair::Generate(*group, *c.rng));
    ske.params = EcdhServerParams{*group, pair.public_value()};
    // The key the target agrees with is that of the ServerKeyExchange it answers: a second one
    // sent behind the peer's ServerHelloDone, say, must not replace it.
    if (InHandshake()) c.own_ecdhe = std::move(pair);
  }

  const std::optional<std::vector<SignatureScheme>> peer_offered = ClientHelloSchemes();
  const Credential* cred = state_.ServerCredential();
  Result<SignatureScheme> scheme =
      ChooseSignatureScheme(*cred->key, peer_offered, &state_.setup.schemes);
  // No overlap: sign with the peer's first usable scheme; the target must refuse it.
  ske.algorithm = scheme.ok() ? *scheme
                              : (cred == &state_.setup.resources.pki->ecdsa_server
                                     ? SignatureScheme::kEcdsaSecp256r1Sha256
                                     : SignatureScheme::kRsaPkcs1Sha256);
  SD_ASSIGN_OR_RETURN(ske.signature, SignServerKeyExchange(ske, ske.algorithm));
  return ske;
}

Result<ClientKeyExchange> MessageBuilder::BuildClientKeyExchange(std::vector<FieldEdit>* edits) {
  PeerConnection& c = state_.conn();
  // Edits that act before the encryption are consumed here; the rest apply to the message.
  std::vector<FieldEdit> pms_edits;
  std::vector<FieldEdit> rest;
  for (FieldEdit& e : *edits) {
    bool early = e.field == "pre_master_secret.version" || e.field == "pre_master_secret.length" ||
                 e.field == "rsa_padding";
    (early ? pms_edits : rest).push_back(std::move(e));
  }
  *edits = std::move(rest);

  bool rsa = RsaKeyExchange(c);
  ClientKeyExchange cke;
  if (!rsa && DheKeyExchange(c)) {
    cke.kind = KeyExchangeKind::kDhe;
    if (!c.target_dhe) {
      return InternalError("ClientKeyExchange: no ServerKeyExchange received for DHE");
    }
    // The target's group as sent (a group the peer would refuse is still used: the vector
    // judges the target). RFC 5246 8.1.2: the secret with its leading zero bytes stripped.
    const DhGroup group = DhGroupFromWire(c.target_dhe->dh_p, c.target_dhe->dh_g);
    // peer.dh_secret_leading_zero: a secret one byte shorter than p (RFC 5246 8.1.2).
    SD_ASSIGN_OR_RETURN(DheKeyPair pair,
                        state_.setup.scenario.peer.dh_secret_leading_zero
                            ? DheKeyPair::GenerateWithShortSecret(group, c.target_dhe->dh_ys, *c.rng)
                            : DheKeyPair::Generate(group, *c.rng));
    SD_ASSIGN_OR_RETURN(c.pre_master_secret, pair.Agree(c.target_dhe->dh_ys));
    StripLeadingZeros(&c.pre_master_secret);
    cke.exchange_keys = PaddedDhPublic(pair);
    c.own_dhe = std::move(pair);
    if (!pms_edits.empty()) {
      return InternalError("set " + pms_edits.front().field + ": only for RSA key exchange");
    }
    return cke;
  }
  if (!rsa) {
    cke.kind = KeyExchangeKind::kEcdhe;
    if (!c.target_ecdhe) {
      return InternalError("ClientKeyExchange: no ServerKeyExchange received for ECDHE");
    }
    SD_ASSIGN_OR_RETURN(EcdheKeyPair pair,
                        EcdheKeyPair::Generate(c.target_ecdhe->named_curve, *c.rng));
    SD_ASSIGN_OR_RETURN(c.pre_master_secret, pair.Agree(c.target_ecdhe->public_key));
    cke.exchange_keys = pair.public_value();
    c.own_ecdhe = std::move(pair);
    if (!pms_edits.empty()) {
      return InternalError("set " + pms_edits.front().field + ": only for RSA key exchange");
    }
    return cke;
  }

  cke.kind = KeyExchangeKind::kRsa;
  if (!c.target_key) {
    return InternalError("ClientKeyExchange: no server certificate received for RSA");
  }
  // RFC 5246 7.4.7.1: the version offered in the ClientHello (as sent), not the negotiated.
  uint16_t version = static_cast<uint16_t>(c.client_hello ? c.client_hello->client_version
                                                          : state_.setup.scenario.peer.version);
  Bytes pms = MakeRsaPreMasterSecret(version, *c.rng);
  const FieldEdit* padding = nullptr;
  for (const FieldEdit& e : pms_edits) {
    if (e.field == "pre_master_secret.version") {
      SD_ASSIGN_OR_RETURN(uint64_t v, EditNumber(e, 0xffff));
      pms[0] = static_cast<uint8_t>(v >> 8);
      pms[1] = static_cast<uint8_t>(v);
    } else if (e.field == "pre_master_secret.length") {
      SD_ASSIGN_OR_RETURN(uint64_t n, EditNumber(e, 0xffff));
      size_t old = pms.size();
      pms.resize(n);
      if (n > old) c.rng->randomize(pms.data() + old, n - old);
    } else {
      padding = &e;
    }
  }
  c.pre_master_secret = pms;
  SD_ASSIGN_OR_RETURN(cke.exchange_keys, EncryptRsaPreMasterSecret(pms, padding));
  // RFC 5246 7.4.7.1: a server that cannot recover this secret goes on with a random one, so
  // the handshake must fail at the Finished. It must check the version when client_version is
  // TLS 1.1 or later ("MAY have a configuration option to disable the check" before).
  const uint16_t carried = pms.size() >= 2 ? static_cast<uint16_t>(pms[0] << 8 | pms[1]) : 0;
  if (pms.size() != kRsaPreMasterSecretLength) {
    premaster_flaw_ = "a pre-master secret of " + std::to_string(pms.size()) + " bytes, not 48";
  } else if (version >= 0x0302 && carried != version) {
    premaster_flaw_ = "version " + Describe(Registry::kProtocolVersion, carried) +
                      " in the pre-master secret, " + Describe(Registry::kProtocolVersion, version) +
                      " in the ClientHello";
  }
  return cke;
}

namespace {

// RFC 8017 7.2.2 step 3: the message an EME-PKCS1-v1_5 block decodes to, or nothing.
std::optional<Bytes> DecodePkcs1Block(const Bytes& block) {
  if (block.size() < 11 || block[0] != 0x00 || block[1] != 0x02) return std::nullopt;
  for (size_t i = 2; i < block.size(); ++i) {
    if (block[i] != 0x00) continue;
    if (i < 10) return std::nullopt;  // fewer than 8 bytes of padding
    return Bytes(block.begin() + i + 1, block.end());
  }
  return std::nullopt;
}

}  // namespace

Result<Bytes> MessageBuilder::EncryptRsaPreMasterSecret(const Bytes& pms,
                                                        const FieldEdit* padding) {
  PeerConnection& c = state_.conn();
  if (padding == nullptr) return EncryptPreMasterSecret(*c.target_key, pms, *c.rng);
  // The PKCS#1 v1.5 block 00 02 PS 00 PMS (RFC 8017 7.2.1) as the default value, so an xor
  // edit breaks exactly the byte a ROBOT vector names (checklist 45b).
  const auto* rsa_key = dynamic_cast<const Botan::RSA_PublicKey*>(c.target_key.get());
  if (rsa_key == nullptr) return InternalError("set rsa_padding: the server key is not RSA");
  size_t k = rsa_key->get_n().bytes();
  if (pms.size() + 11 > k) return InternalError("set rsa_padding: the PreMasterSecret is too long");
  Bytes block = {0x00, 0x02};
  for (size_t i = 0; i < k - 3 - pms.size(); ++i) {
    uint8_t b = 0;
    while (b == 0) c.rng->randomize(&b, 1);
    block.push_back(b);
  }
  block.push_back(0x00);
  Append(block, pms);
  SD_ASSIGN_OR_RETURN(block, EditBytes(*padding, block));
  if (DecodePkcs1Block(block) != pms) premaster_flaw_ = "a PKCS#1 block that does not decode to it";
  return EncryptRsaRaw(*c.target_key, block);
}

}  // namespace peer
}  // namespace shakedown
