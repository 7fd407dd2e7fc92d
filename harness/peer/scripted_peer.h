// The scripted peer: plays the role the target does not, step by step, from a Scenario. It
// builds every message with the engine's codecs and computes real keys, transcript hashes and
// Finished for what was actually sent, then applies the step's deviations — so a vector can
// skip, reorder or tamper with one thing and keep the rest cryptographically valid. It also
// decodes everything the target sends (decrypting once the target's keys are known) and checks
// the invariants it alone can see (a wrong Finished from the target, ...).
#ifndef SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_
#define SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/session.h"
#include "engine/crypto/pki.h"
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
    kHandshake,        // a complete handshake message (`message` says which)
    kChangeCipherSpec,
    kAlert,
    kApplicationData,
    kUnknownRecord,    // a record of a content type TLS 1.2 does not define
    kUndecodable,      // bytes the peer could not make sense of; `summary` says why
  };
  Kind kind = Kind::kUndecodable;
  MessageName message = MessageName::kRaw;  // kHandshake: which message
  AlertLevel level = AlertLevel::kFatal;    // kAlert
  AlertDescription alert = AlertDescription::kCloseNotify;
  std::string summary;  // one line, decoded: "ServerHello(version=TLSv1.2, suite=...)"
  Bytes bytes;          // the message (handshake header included) or record body, decrypted
  Bytes wire;           // the record bytes as received (for the trace)
};

// A rule the target broke that the peer detected while processing what it sent. Rules:
//   "finished: verify_data"          the target's Finished differs from the recomputed value
//   "order: illegal message"         not legal per engine/state/handshake_table.h (checked
//                                    until the peer itself leaves the table, then not)
//   "ccs: before keys"               CCS before any key exchange (CVE-2014-0224)
//   "accepted: tampered <Message>"   the peer tampered a Finished / CertificateVerify /
//                                    ServerKeyExchange signature and the target carried on
//   "after fatal alert"              anything received after the target's fatal alert
//   "resumption: mismatch"           resumed with another suite/EMS state, or unoffered
//   "ems: not echoed" / "ems: unsolicited" / "ems: not offered"     RFC 7627 (checklist 55)
//   "extensions: unsolicited"        ServerHello extension not offered (checklist 33)
//   "negotiation: suite not offered" (checklist 34)
//   "renegotiation_info: not offered" (checklist 49)
//   "server_key_exchange: signature" / "certificate_verify: signature"  (checklist 40, 44)
struct Violation {
  std::string rule;
  std::string detail;  // expected vs observed
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
  std::optional<Session> session;  // to resume in a later connection of the vector
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

  // Feeds bytes from the target; returns every item completed by them, in order.
  virtual std::vector<WireItem> Receive(ByteView bytes) = 0;

  // Violations found since the last call.
  virtual std::vector<Violation> TakeViolations() = 0;

  virtual const PeerView& view() const = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_SCRIPTED_PEER_H_
