// The scripted peer's outgoing side: one function per message it can send, each building the
// message a correct peer would send from the connection's state, then the step's `set` edits
// and `corrupt` on top. What the peer must remember of what it sent (its hello, the
// negotiated suite, a resumed session, ...) is recorded from the message as edited, since
// that is what the target sees. Internal to harness/peer.
#ifndef SHAKEDOWN_HARNESS_PEER_MESSAGE_BUILDER_H_
#define SHAKEDOWN_HARNESS_PEER_MESSAGE_BUILDER_H_

#include <optional>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/wire/handshake.h"
#include "engine/wire/record.h"
#include "harness/peer/peer_state.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace peer {

// What one send step puts on the wire, before records: the encoded message or record body
// after `set` and `corrupt`.
struct Outgoing {
  MessageName name = MessageName::kRaw;
  uint8_t content_type = static_cast<uint8_t>(ContentType::kHandshake);
  Bytes payload;
  bool tampered = false;      // Finished / CertificateVerify / SKE signature no longer valid
  Bytes correct;              // Finished: the correct encoding (a cut one is judged by it)
  bool restructured = false;  // corruption changed the framing (truncate, header xor)
  bool appended = false;      // bytes appended after the intact message
  std::optional<TypedHandshake> message;  // handshake messages: as built, before `corrupt`
  std::string unsolicited;  // ServerHello: an extension the target's ClientHello did not offer
  // RSA ClientKeyExchange: why the target cannot recover the pre-master secret, or "".
  std::string bad_premaster;
  // ServerHello: an abbreviated handshake with another suite or EMS state than the session's
  // (the target must abort), described; or "".
  std::string resumption_mismatch;
};

class MessageBuilder {
 public:
  explicit MessageBuilder(PeerState& state) : state_(state) {}

  // The step's message (not kRaw), encoded, with its edits and corruption applied. Fails
  // when the step cannot be played (an unknown field, RSA ClientKeyExchange before the
  // server's certificate, ...).
  Result<Outgoing> Build(const SendStep& step);
  // Build would fail for want of something the target sends (ScriptedPeer::AwaitsTarget).
  bool AwaitsTarget(const SendStep& step) const;

 private:
  // The step's message before `corrupt`.
  Result<Outgoing> BuildMessage(const SendStep& step);
  // Records (not handshake messages).
  Result<Outgoing> BuildChangeCipherSpec(const SendStep& step);
  Result<Outgoing> BuildAlert(const SendStep& step);
  Result<Outgoing> BuildApplicationData(const SendStep& step);
  // RFC 6520 4: a HeartbeatRequest by default; records its payload as the request in flight.
  Result<Outgoing> BuildHeartbeat(const SendStep& step);
  // A handshake message: the default, then `set`, then the bookkeeping of CommitSent.
  Result<Outgoing> BuildHandshake(const SendStep& step);
  TypedHandshake AsTheTargetReadsIt(const TypedHandshake& built, ByteView payload);
  std::string UnsolicitedExtension(const TypedHandshake& message) const;
  Result<TypedHandshake> BuildDefault(const SendStep& step, std::vector<FieldEdit>* edits);

  // One per handshake message, its correct default (RFC 5246 7.4).
  Result<ClientHello> BuildClientHello();
  Result<ServerHello> BuildServerHello();
  Certificate BuildCertificate();
  Result<ServerKeyExchange> BuildServerKeyExchange();
  // Server peer, DHE: peer.dh_group, or an RFC 7919 choice among `offered`.
  Result<DhGroup> ChooseDhGroup(const std::optional<std::vector<NamedGroup>>& offered) const;
  // The DH public value as the peer sends it: peer.dh_public_leading_zeros zero bytes, then
  // the value (the same number).
  Bytes PaddedDhPublic(const DheKeyPair& pair) const;
  CertificateRequest BuildCertificateRequest();
  // Consumes the edits that act before the encryption (pre_master_secret.*, rsa_padding).
  Result<ClientKeyExchange> BuildClientKeyExchange(std::vector<FieldEdit>* edits);
  Result<CertificateVerify> BuildCertificateVerify();
  NewSessionTicket BuildNewSessionTicket();
  // RFC 6066 8: ocsp, the peer's ocsp_response made by the test CA for its certificate.
  Result<CertificateStatus> BuildCertificateStatus();
  Result<Finished> BuildFinished();

  // Server peer: the cached session this ClientHello may resume, if the script resumes.
  std::optional<PeerSession> FindResumable(const ClientHello& ch, bool ch_ems) const;
  // `pss_salt_length`: Signer::Sign's (a salt RFC 8446 4.2.3 does not allow).
  Result<Bytes> SignServerKeyExchange(const ServerKeyExchange& ske, SignatureScheme scheme,
                                      std::optional<size_t> pss_salt_length = std::nullopt);
  // RFC 5246 7.4.8: the client credential's signature over the transcript so far.
  Result<Bytes> SignCertificateVerify(SignatureScheme scheme,
                                      std::optional<size_t> pss_salt_length = std::nullopt);
  // Whether the target offered `scheme` for what `message` signs: the ClientHello's
  // signature_algorithms (RFC 5246 7.4.1.4.1: {sha1} when absent) for a ServerKeyExchange, the
  // CertificateRequest's list for a CertificateVerify.
  bool TargetOffers(MessageName message, SignatureScheme scheme) const;
  // The signature_algorithms of the ClientHello received (server peer), if it had them.
  std::optional<std::vector<SignatureScheme>> ClientHelloSchemes() const;
  // RSA key transport: the encrypted pre-master secret, or a hand-made PKCS#1 block edited
  // by `padding` (ROBOT vectors).
  Result<Bytes> EncryptRsaPreMasterSecret(const Bytes& pms, const FieldEdit* padding);
  // State from a message the peer sends, taken from the message as edited.
  // Returns a resumption mismatch the message makes (Outgoing::resumption_mismatch), or "".
  std::string CommitSent(const TypedHandshake& message);
  // Whether a message built now belongs to the handshake the target is in (not after it, not
  // during the target's turn): only then does it change the peer's record of that handshake.
  bool InHandshake() const;

  PeerState& state_;
  // Set by BuildClientKeyExchange, moved into Outgoing::bad_premaster.
  std::string premaster_flaw_;
};

}  // namespace peer
}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_MESSAGE_BUILDER_H_
