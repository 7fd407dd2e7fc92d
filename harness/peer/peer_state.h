// The scripted peer's state, shared by its builder (message_builder.h), its observer
// (message_observer.h) and its record writer (scripted_peer.cc): what is fixed for a scenario
// (PeerSetup), what lives for one connection (PeerConnection), and what carries across
// connections (sessions to resume, the violations found, the view the runner reads).
// Internal to harness/peer (namespace peer).
#ifndef SHAKEDOWN_HARNESS_PEER_PEER_STATE_H_
#define SHAKEDOWN_HARNESS_PEER_PEER_STATE_H_

#include <botan/pk_keys.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/algorithm.h"
#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/base/status.h"
#include "engine/crypto/dh.h"
#include "engine/crypto/key_exchange.h"
#include "engine/crypto/key_schedule.h"
#include "engine/crypto/pki.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/rng.h"
#include "engine/crypto/transcript.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/record.h"
#include "harness/peer/scripted_peer.h"
#include "harness/peer/violation.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace peer {

// What the peer plays with, fixed for a scenario.
struct PeerSetup {
  PeerSetup(Scenario scenario, PeerResources resources);

  bool is_client() const { return own_side == Side::kClient; }

  Scenario scenario;
  PeerResources resources;
  Side own_side = Side::kClient;     // the role the peer plays: the target's other side
  Side target_side = Side::kServer;
  std::vector<uint16_t> suites;      // offered (client) or preferred (server), in order
  std::vector<NamedGroup> groups;
  std::vector<SignatureScheme> schemes;
};

// Something the peer sent that a correct target rejects with a fatal alert: going on instead
// breaks `rule`. `sent` and `instead` complete "the peer sent <sent> and the target continued
// with ... instead of <instead>".
struct PendingRejection {
  ViolationRule rule;
  std::string sent;
  std::string instead;
  // The target must answer this very message with a fatal alert (an out-of-order message, a
  // tampered Finished): so a warning alert, or nothing at all once it has read everything,
  // breaks the rule too. Not so for a bad RSA pre-master secret: the target must go on
  // until the Finished fails (RFC 5246 7.4.7.1).
  bool at_once = true;
};

// Everything that lives for one connection.
// One of the peer's own sends as the target will read it: the handshake messages it carries
// (framed as the target frames them) and what the legal table sees of it.
struct OwnStep {
  MessageName name = MessageName::kRaw;
  uint8_t content_type = 0;  // the message's own
  uint8_t record_type = 0;   // the records it went out in
  bool restructured = false;
  bool appended = false;  // the message is intact, followed by appended bytes
  bool tampered = false;  // a Finished / signature the target must reject
  // Records of the step's own choosing (a version, type, protection or corruption) that the
  // target may refuse for what they are, before reading the message.
  bool own_record_options = false;
  std::string unsolicited;  // a ServerHello extension the target did not offer (it must abort)
  // An RSA ClientKeyExchange whose pre-master secret the target cannot recover: why.
  std::string bad_premaster;
  std::string resumption_mismatch;  // see Outgoing::resumption_mismatch
  Bytes payload;
  std::vector<Bytes> messages;  // whole handshake messages, as the target frames them
  // The target had part of an earlier message: this step's first bytes complete that one.
  bool completes_earlier = false;
};

// RFC 5246 8.1.2: "Leading bytes of Z that contain all zero bits are stripped before it is
// used as the pre_master_secret." The peer strips them itself rather than trust the engine's
// DheKeyPair::Agree, so a vector still sees an engine whose agreement keeps them.
void StripLeadingZeros(Bytes* z);

// RFC 7366: both hellos carry encrypt_then_mac and the suite is a CBC one (for AEAD and stream
// suites the extension changes nothing, whoever sent it).
bool EncryptThenMacNegotiated(const std::optional<ClientHello>& ch, const ServerHello& sh);

// The record size limits the hellos set (0: none), in plaintext bytes: max_fragment_length
// (RFC 6066 4, the ServerHello's answer) on every record of both sides after the ServerHello,
// and each side's record_size_limit (RFC 8449 4, when both hellos carry one; at most 2^14) on
// the protected records sent to it.
struct RecordLimits {
  size_t max_fragment_length = 0;
  size_t client_limit = 0;  // what the client accepts: the server's records
  size_t server_limit = 0;  // what the server accepts: the client's records
  // The plaintext limit on a record sent to `receiver`'s side, protected or not.
  size_t For(bool to_client, bool protected_record) const;
};
RecordLimits RecordLimitsNegotiated(const std::optional<ClientHello>& ch, const ServerHello& sh);

struct PeerConnection {
  size_t index = 0;
  std::unique_ptr<DeterministicRng> rng;
  std::optional<PeerSession> offer;         // client peer: the session offered in the ClientHello
  std::optional<PeerSession> candidate;     // server peer: the cached session it may resume
  std::optional<ClientHello> client_hello;  // as sent (client peer) or received
  std::optional<ServerHello> server_hello;
  Random client_random{};
  Random server_random{};
  const CipherSuiteInfo* suite = nullptr;
  bool resumed = false;
  bool ems = false;
  bool etm = false;  // RFC 7366 encrypt-then-MAC: both hellos carry it and the suite is CBC
  // RFC 6520 4: the payloads of the peer's HeartbeatRequests not answered yet, oldest first:
  // what a correct target's response holds, exactly. A response to one answers it and drops
  // the older ones (which the target may discard: too large, during a handshake).
  std::vector<Bytes> heartbeat_requests;
  // The HeartbeatModes (client's, server's) of the last handshake whose hellos both carried
  // the extension: in a renegotiation, Heartbeat stays negotiated until the new ServerHello
  // (RFC 6520 2: "This decision can be changed with every renegotiation").
  std::optional<std::pair<uint8_t, uint8_t>> previous_heartbeat;
  RecordLimits record_limits;  // from the ServerHello on
  std::shared_ptr<const Botan::Public_Key> target_key;  // the target's leaf certificate's key
  std::optional<Bytes> target_leaf;                     // that certificate (DER)
  std::optional<EcdhServerParams> target_ecdhe;         // client peer: the target's SKE params
  std::optional<EcdheKeyPair> own_ecdhe;
  std::optional<DhServerParams> target_dhe;             // client peer: the target's DHE params
  std::optional<DheKeyPair> own_dhe;
  std::optional<CertificateRequest> certificate_request;  // client peer: received
  // Server peer: its CertificateRequest as sent (a `set` edit included): the schemes the
  // target may sign its CertificateVerify with (RFC 5246 7.4.8).
  std::optional<CertificateRequest> sent_certificate_request;
  bool key_exchange_done = false;
  Bytes pre_master_secret;
  Bytes master_secret;
  std::optional<KeyBlock> keys;
  std::unique_ptr<RecordProtection> write;
  std::unique_ptr<RecordProtection> read;
  // This handshake's keys were installed (a second ChangeCipherSpec does not restart the
  // sequence numbers); in a renegotiation `write` and `read` are the last handshake's until then.
  bool write_installed = false;
  bool read_installed = false;
  Transcript transcript;
  HandshakeTracker tracker;
  bool table_off = false;  // the exchange left the legal table (see PeerState::LeaveTable)
  std::string table_off_at;  // what left it
  RecordReader reader;
  HandshakeFramer framer;
  // The peer's own handshake bytes, framed as the target frames them: what enters the
  // transcript when a deviation appends to, truncates or rewrites a message header.
  HandshakeFramer sent_framer;
  // The peer deviated in a way it cannot mirror in its transcript (see WireItem::peer_unsure).
  bool transcript_unsure = false;
  // The target's ChangeCipherSpec came but the peer has no keys to read what follows.
  bool read_keys_missing = false;
  // Nor in how the target frames its bytes (raw bytes, a corrupted plaintext handshake
  // record): its own steps no longer say what the target read (see TrackOwn).
  bool framing_unsure = false;
  // A record-level corruption hit the peer's ClientHello: the ServerHello rules that compare
  // with what it offered (suites, extensions, EMS) are not judged.
  bool client_hello_unsure = false;
  // The peer's own steps sent while it was the target's turn (see AddOwnStep).
  std::vector<OwnStep> deferred;
  bool reader_failed = false;
  bool fatal_alert_received = false;
  bool own_finished_sent = false;
  bool own_finished_tampered = false;
  // The correct encoding of the peer's Finished while it was sent restructured (cut short, its
  // header edited): whether it is tampered is decided by the message the target frames from
  // it and what follows (the next step's bytes may complete it exactly).
  Bytes own_finished_cut;
  bool target_finished_seen = false;
  bool target_finished_verified = false;
  // What the peer sent that the target must reject, read by it (a step sent during the
  // target's turn counts once the target reads it, after its flight), and not yet answered.
  std::vector<PendingRejection> pending_rejections;
  // The peer's messages the target read since it last sent a record, and whether they were
  // exactly one well-formed RSA ClientKeyExchange in order (RFC 5246 7.4.7.1: no alert then).
  size_t read_since_target_spoke = 0;
  bool read_only_rsa_key_exchange = false;
  // The peer's bytes as records on the wire (OwnRecordScanner): the header being read and the
  // body bytes still to come of the current record; a ChangeCipherSpec record among them.
  Bytes own_record_header;
  size_t own_record_left = 0;
  // The oversized record being sent: a rejection due once its last byte is on the wire.
  std::optional<PendingRejection> own_oversized;
  bool own_ccs_on_wire = false;
  Bytes ticket;                             // received (client peer) or issued (server peer)
  bool completed = false;
  // RFC 5746: 0 for the connection's first handshake, n for its n-th renegotiation. The
  // verify_data of this handshake's Finished messages (client, server) as they were sent and
  // verified, and those of the last completed handshake, which a renegotiation's
  // renegotiation_info carries.
  int renegotiation = 0;
  Bytes verify_data[2];
  Bytes saved_verify_data[2];
  // The handshake before this renegotiation exchanged the RFC 5746 indication (both hellos):
  // only then does the target owe this one's renegotiation_info.
  bool secure_renegotiation = false;
  // Coalescing: a payload held for the next send, and records framed before a key change.
  bool has_pending = false;
  uint8_t pending_type = 0;
  Bytes pending_payload;
  RecordOptions pending_options;
  Bytes carry;
};

struct PeerState {
  PeerState(Scenario scenario, PeerResources resources)
      : setup(std::move(scenario), std::move(resources)) {}

  // Starts connection `index`: fresh per-connection state and randomness.
  Status StartConnection(size_t index);
  // A renegotiation (scenario.h Renegotiate): fresh handshake state; what belongs to the
  // connection (records, keys in use, randomness, what is held for coalescing) carries over.
  Status BeginRenegotiation();
  // The renegotiation_info value of a hello in this handshake (RFC 5746 3.4 - 3.7): empty on
  // the first; client_verify_data, or client_verify_data || server_verify_data for a
  // ServerHello, in a renegotiation.
  Bytes RenegotiatedConnection(bool server_hello) const;
  PeerConnection& conn() { return *connection; }
  const PeerConnection& conn() const { return *connection; }

  // Records a broken rule; except that a signature or Finished the peer recomputes over
  // what it thinks was sent proves nothing once its own deviation left that unsure (see
  // PeerConnection::transcript_unsure).
  void AddViolation(ViolationRule rule, std::string detail) {
    const bool recomputed = rule == ViolationRule::kFinishedVerifyData ||
                            rule == ViolationRule::kServerKeyExchangeSignature ||
                            rule == ViolationRule::kCertificateVerifySignature;
    if (recomputed && connection && connection->transcript_unsure) return;
    violations.push_back({rule, std::move(detail)});
  }

  // The credentials the peer presents: the server's follows the negotiated suite's key
  // exchange; the client's is peer.certificate's (null for "none").
  const Credential* ServerCredential() const;
  // Server peer: the session of its own that a ClientHello offers (by session id, else by
  // ticket), or null.
  const PeerSession* OfferedSession(const ClientHello& ch) const;
  const Credential* ClientCredential() const;

  // ---- Keys (RFC 5246 6.3, 8.1; RFC 7627) ----
  // From the pre-master secret, once the suite is known; then the key block.
  void ComputeMasterSecret();
  Status DeriveKeys();
  // Record protection for one direction from the key block; a no-op without keys.
  void InstallWriteProtection();
  void InstallReadProtection();
  // Finished verify_data for `sender`'s Finished over the transcript so far.
  Result<Bytes> VerifyData(Side sender);
  // The transcript in the order the target handles the messages (RFC 5246 7.4.9). A target
  // acts on each message as it reads it: once a message of the peer's makes it the target's
  // turn (per the legal table), the target writes its flight before it reads anything the
  // peer sent after that message. So own messages sent during the target's turn are held and
  // enter the transcript, and the legal-table tracking, after the target's flight, as the
  // target hashes and judges them.
  void AddOwnStep(OwnStep step);
  // The target reads `step` now (see AddOwnStep): message by message, the rest deferred again
  // once one makes it the target's turn.
  void ReadOwnStep(OwnStep step);
  void AddTargetMessage(ByteView encoded);
  // Following the table, the target speaks next (and has not finished its flight).
  bool TargetsTurn() const;
  // Whether the peer offered `scheme` for the target's signature: its configured schemes, or
  // the list its ClientHello (client peer) or CertificateRequest (server peer) carried as
  // sent, which a `set` edit may have changed (RFC 5246 7.4.1.4.1, 7.4.8).
  bool OfferedScheme(SignatureScheme scheme) const;
  // One own step through the legal table (leaving it on a deviation).
  void TrackOwn(const OwnStep& step);
  // A well-formed RSA ClientKeyExchange (its encrypted secret as long as the modulus) in
  // ordinary records.
  bool IsSoundRsaKeyExchange(const OwnStep& step) const;
  void AddToTranscript(const OwnStep& step);
  // The exchange left the legal table here (`what` left it): order is no longer judged.
  void LeaveTable(std::string what);
  // The peer's `what` came out of order: a correct target answers it with a fatal alert.
  void PendOutOfOrder(const std::string& what);
  // The records in `wire`, which the peer is about to write, as the target reads them: one
  // longer than RFC 5246 6.2 allows must be refused. `judged`: the bytes go out on the
  // peer's turn, so the target reads them at once (not after a flight of its own).
  void ScanOwnRecords(ByteView wire, bool judged);
  // The peer's turn, with nothing of its own held back (see AddOwnStep).
  bool PeersTurn() const { return !TargetsTurn() && conn().deferred.empty(); }
  // The connection ends: a target that read a message it must refuse at once and neither
  // alerted nor closed has accepted it silently. Only for targets that answer at once.
  void CheckUnanswered(bool target_closed);
  // Removes and returns the pending rejections the target must answer at once.
  std::vector<PendingRejection> TakeAtOnceRejections();
  // Resumes `session` (either side): its master secret, and keys from the new randoms.
  void Resume(const PeerSession& session);

  // ---- Completion ----
  // Flags the legal-order table learns from the ServerHello (full or abbreviated, ...).
  void Learn(const ServerHello& sh);
  // Once both Finished went correctly: the session is cached for a later connection.
  void MaybeComplete();
  void RefreshView();

  PeerSetup setup;
  std::unique_ptr<PeerConnection> connection;
  std::optional<PeerSession> last_session;               // client peer
  std::map<Bytes, PeerSession> cache_by_id;              // server peer
  std::map<Bytes, PeerSession> cache_by_ticket;          // server peer
  std::optional<RsaKeyTransportServer> rsa_transport;    // server peer, built on first use
  std::vector<Violation> violations;
  PeerView view;
};

// Small helpers both directions use.
inline ByteView View(const Random& r) { return ByteView(r.data(), r.size()); }
bool HasExt(const std::optional<Extensions>& block, ExtensionType type);
// The extension of `type` in a hello's block as it is on the wire, or null.
const Extension* FindExt(const std::optional<Extensions>& block, ExtensionType type);

// The key exchange a ClientKeyExchange uses: the negotiated suite's, or before a ServerHello was
// read, (EC)DHE once the target sent a ServerKeyExchange (DHE: DH parameters received).
bool RsaKeyExchange(const PeerConnection& c);
bool DheKeyExchange(const PeerConnection& c);

}  // namespace peer
}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_PEER_PEER_STATE_H_
