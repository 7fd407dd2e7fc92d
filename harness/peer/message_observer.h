// The scripted peer's incoming side: decodes what the target sends (records, decrypted once
// the target's keys are known; handshake messages reassembled), records what the peer must
// know of it (the target's hello, key, key share, ticket, ...) and checks the invariants the
// peer alone can see, one handler per message type (rustls' one `handle` per expected
// message). Every message first gets the checks all messages get: nothing after a fatal
// alert, a tampered message answered, the legal order. Internal to harness/peer.
#ifndef SHAKEDOWN_HARNESS_PEER_MESSAGE_OBSERVER_H_
#define SHAKEDOWN_HARNESS_PEER_MESSAGE_OBSERVER_H_

#include <functional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/record.h"
#include "harness/peer/peer_state.h"
#include "harness/peer/scripted_peer.h"

namespace shakedown {
namespace peer {

class MessageObserver {
 public:
  explicit MessageObserver(PeerState& state) : state_(state) {}

  // Feeds bytes from the target; returns every item completed by them, in order.
  std::vector<WireItem> Receive(ByteView bytes);

 private:
  // ---- Records, by content type ----
  void OnRecord(const Record& record, std::vector<WireItem>* items);
  void OnHandshakeRecord(const Bytes& plain, Bytes wire, std::vector<WireItem>* items);
  WireItem OnChangeCipherSpec(const Bytes& plain, Bytes wire);
  WireItem OnAlert(const Bytes& plain, Bytes wire);
  WireItem OnApplicationData(const Bytes& plain, Bytes wire);
  // RFC 6520: checks the target's HeartbeatMessage against the negotiation and the peer's
  // request in flight.
  WireItem OnHeartbeat(const Bytes& plain, Bytes wire);
  void OnHandshake(const HandshakeMessage& m, Bytes wire, std::vector<WireItem>* items);

  // ---- One handler per handshake message ----
  // Each adds the message to the transcript at the point RFC 5246 7.4.9 puts it: after the
  // checks that hash the transcript before it (CertificateVerify, Finished).
  void Handle(const HelloRequest& hr, const HandshakeMessage& m, WireItem* item);
  void Handle(const ClientHello& ch, const HandshakeMessage& m, WireItem* item);
  void Handle(const ServerHello& sh, const HandshakeMessage& m, WireItem* item);
  // RFC 5746 3.5 / 3.7: the renegotiation_info of the target's `hello` in a renegotiation.
  void CheckRenegotiationInfo(const std::optional<Extensions>& extensions, bool scsv,
                              const std::string& hello);
  // RFC 6066 4, RFC 8449 4-5: the ServerHello's answers to the record size requests.
  void CheckRecordLimitAnswer(const ClientHello& ch, const ServerHello& sh,
                              const std::function<void(ViolationRule, std::string)>& violation);
  void Handle(const Certificate& cert, const HandshakeMessage& m, WireItem* item);
  void Handle(const ServerKeyExchange& ske, const HandshakeMessage& m, WireItem* item);
  void Handle(const CertificateRequest& cr, const HandshakeMessage& m, WireItem* item);
  void Handle(const ServerHelloDone& shd, const HandshakeMessage& m, WireItem* item);
  void Handle(const CertificateVerify& cv, const HandshakeMessage& m, WireItem* item);
  void Handle(const ClientKeyExchange& cke, const HandshakeMessage& m, WireItem* item);
  void Handle(const NewSessionTicket& nst, const HandshakeMessage& m, WireItem* item);
  void Handle(const CertificateStatus& cs, const HandshakeMessage& m, WireItem* item);
  void Handle(const Finished& fin, const HandshakeMessage& m, WireItem* item);
  // The target's key exchange as the server peer sees it; a note for the summary on failure.
  std::string AgreeKeyExchange(const ClientKeyExchange& cke);

  // ---- Checks every item gets ----
  // RFC 5246 7.2.2: after a fatal alert nothing else is sent.
  void CheckAfterFatal(const WireItem& item);
  // The target went on after something of the peer's it must reject (pending_rejections).
  void CheckRejectionsPending(const std::string& what);
  // What an alert of the target's may break: internal_error (RFC 5246 7.2.2), an alert at an
  // RSA ClientKeyExchange (7.4.7.1), a warning where a fatal alert is due.
  void CheckAlert(const Alert& alert);
  // Legal per the handshake table, until the exchange leaves it.
  void CheckOrder(const FlowStep& step, const std::string& what);

  PeerState& state_;
};

}  // namespace peer
}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_MESSAGE_OBSERVER_H_
