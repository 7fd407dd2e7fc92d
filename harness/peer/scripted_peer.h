// The scripted peer: plays the role the target does not, step by step, from a Scenario. It
// builds every message with the engine's codecs and computes real keys, transcript hashes and
// Finished for what was actually sent, then applies the step's deviations — so a vector can
// skip, reorder or tamper with one thing and keep the rest cryptographically valid. It also
// decodes everything the target sends (decrypting once the target's keys are known) and checks
// the invariants it alone can see (violation.h: a wrong Finished from the target, ...).
//
// Inside: message_builder.h builds what the peer sends (one function per message),
// message_observer.h decodes and judges what the target sends (one handler per message),
// peer_state.h is the per-connection state both share (keys, transcript, what was offered
// and negotiated); scripted_peer.cc frames records and ties them together.
#ifndef SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_
#define SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/crypto/pki.h"
#include "engine/wire/registry.h"
#include "harness/peer/violation.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// Keys and certificates the peer (and the reference target) use; generated once per run.
struct PeerResources {
  std::shared_ptr<const TestPki> pki;
  uint64_t seed = 1;  // the peer's randomness: DeterministicRng(seed ^ vector-specific salt)
};

// One thing the target sent, decoded.
struct WireItem {
  enum class Kind {
    kHandshake,  // a complete handshake message (`message` says which)
    kChangeCipherSpec,
    kAlert,
    kApplicationData,
    kHeartbeat,      // a heartbeat record (RFC 6520), once negotiated or not
    kUnknownRecord,  // a record of a content type TLS 1.2 does not define
    kUndecodable,    // bytes the peer could not make sense of; `summary` says why
  };
  Kind kind = Kind::kUndecodable;
  MessageName message = MessageName::kRaw;  // kHandshake: which message
  AlertLevel level = AlertLevel::kFatal;    // kAlert
  AlertDescription alert = AlertDescription::kCloseNotify;
  std::string summary;  // one line, decoded: "ServerHello(version=TLSv1.2, suite=...)"
  Bytes bytes;          // the message (handshake header included) or record body, decrypted
  Bytes wire;           // the record bytes as received (for the trace)
  // The peer cannot judge this item: a deviation of its own that it cannot follow byte for
  // byte (a raw step, a bit flip in a plaintext handshake record) may have left its keys or
  // transcript different from the target's, so a record that does not decrypt is not the
  // target's fault.
  bool peer_unsure = false;
};

// What the peer keeps of a completed handshake to resume it in a later connection of the
// vector (RFC 5246 7.4.1.2, RFC 5077). The peer's own, not the engine's Session: the peer
// stays independent of the implementation it tests.
struct PeerSession {
  Bytes session_id;  // as the ServerHello carried it (may be empty for a ticket)
  ProtocolVersion version = ProtocolVersion::kTls12;
  uint16_t cipher_suite = 0;
  Bytes master_secret;
  bool extended_master_secret = false;  // RFC 7627 5.3: a resumption must keep the same state
  Bytes ticket;                         // RFC 5077: received (client peer) or issued (server peer)
};

// What the peer saw of the connection, for the oracle's agreement checks.
struct PeerView {
  bool handshake_complete = false;  // both Finished exchanged and verified
  bool resumed = false;
  ProtocolVersion version = ProtocolVersion::kTls12;
  uint16_t cipher_suite = 0;
  bool extended_master_secret = false;
  Bytes session_id;
  Bytes master_secret;
  Bytes client_random;
  Bytes server_random;
  std::optional<PeerSession> session;  // to resume in a later connection of the vector
  // Why a correct target could not have completed (the runner's completion invariant): the
  // peer left the legal table (what it sent when it did), or tampered its own Finished. And
  // whether the peer cannot mirror its transcript (then no Finished claim is made).
  bool left_table = false;
  std::string left_table_at;
  // Which handshake of the connection the view describes: 0 for the first, n for the n-th
  // renegotiation. While a later one is `renegotiating`, left_table, left_table_at,
  // own_finished_tampered and transcript_unsure describe that one, the rest the last completed.
  int renegotiations = 0;
  bool renegotiating = false;
  bool own_finished_tampered = false;
  bool transcript_unsure = false;
};

class ScriptedPeer {
 public:
  virtual ~ScriptedPeer() = default;

  // Fails if the scenario's peer configuration cannot be played (no usable suite, ...).
  static Result<std::unique_ptr<ScriptedPeer>> Create(const Scenario& scenario,
                                                      const PeerResources& resources);

  // Resets per-connection state for connection `index` of the scenario; a script with
  // `resume` offers the session of the last completed connection.
  virtual Status StartConnection(size_t index) = 0;

  // The bytes to write for a send step (records included). `next` is the following step
  // when it is a send (for "coalesce"), else null; when coalescing, this returns nothing and
  // the bytes go out with the next call (one record if both have the same content type).
  // Fails when the step cannot be played (an unknown field, an xor outside the value,
  // `protect` without keys, RSA ClientKeyExchange before the server's certificate, ...).
  // Decisions: a CCS sent before any key exchange goes out and the peer keeps writing
  // plaintext (it has no keys; RFC 5246 7.1); a Finished without a master secret uses 48
  // zero bytes; a server peer resumes only in a connection whose script has `resume`.
  virtual Result<Bytes> Send(const SendStep& step, const SendStep* next) = 0;

  // The `renegotiate` step (scenario.h Renegotiate): a new handshake on this connection, the
  // records still under the current keys. Fails if the peer has not completed a handshake.
  virtual Status Renegotiate() = 0;

  // The step's message needs what the target has not sent yet (a ServerHello before the ClientHello
  // arrived, a ClientKeyExchange before the server's key): a network target may still be sending
  // it, so the runner reads on before Send.
  virtual bool AwaitsTarget(const SendStep& step) const = 0;

  // Feeds bytes from the target; returns every item completed by them, in order.
  virtual std::vector<WireItem> Receive(ByteView bytes) = 0;

  // Violations found since the last call.
  virtual std::vector<Violation> TakeViolations() = 0;

  // The connection ends, and everything the target sent was received: a message the target
  // must answer at once with a fatal alert (one out of order, a tampered Finished, ...) that
  // it read without alerting or closing (`target_closed`) was accepted silently. Call only
  // for targets that answer before Receive is next called (in-process ones), where silence
  // is conclusive.
  virtual void CheckUnanswered(bool target_closed) = 0;

  virtual const PeerView& view() const = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_
