// What the client and the server connection share: the record layer, the transcript, the
// legal-order tracker, the key schedule, alerts, events and the observer. The per-role
// handshake logic lives in client.cc and server.cc as a handler table (s2n-tls's
// state_machine[] model): one row per step the peer takes in the handshake table
// (engine/state/handshake_table.h), naming the member function that handles it. The table
// alone decides whether a step may come; the row decides what to do with it. There is no
// per-role state: the connection's state is its node in the table's prefix tree.
//
// Internal to engine/connection and its tests; the public API is connection.h.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_INTERNAL_H_
#define SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/algorithm.h"
#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/connection/record_layer.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/key_schedule.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/transcript.h"
#include "engine/state/handshake_graph.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/registry.h"

namespace shakedown {

// RFC 5246 7.2: a peer may send warning alerts, but not without end (checklist 14,
// CVE-2016-8610). BoringSSL allows 4 in a row; so do we.
inline constexpr int kMaxConsecutiveWarningAlerts = 4;
// Renegotiations a peer may start on one connection before it is refused with a warning
// no_renegotiation: a client-initiated renegotiation costs the server a full handshake
// (attack 26, CVE-2011-1473).
inline constexpr int kMaxPeerRenegotiations = 3;

Status UnexpectedMessage(std::string message);
Status HandshakeFailure(std::string message);
Status ProtocolVersionError(std::string message);
Status DecryptError(std::string message);

// The alert to send for a failed Status. RFC 5246 7.2.2 (checklist 11): the reserved
// decryption_failed(21), no_certificate(41) and export_restriction(60) are never sent;
// a failure that names close_notify is an engine bug and goes out as internal_error.
AlertDescription AlertToSend(const Status& status);

// A step of the peer that the table allowed here, parsed.
struct PeerStep {
  FlowStep step;
  const TypedHandshake* message;  // null for ChangeCipherSpec
  ByteView encoded;  // the whole handshake message, header included; the CCS record body

  // The message as an M. The parser was chosen by the step's type, so anything else is an
  // engine bug: internal_error.
  template <typename M>
  Result<const M*> As() const {
    const M* m = message == nullptr ? nullptr : std::get_if<M>(message);
    if (m == nullptr) {
      return InternalError("the handler for " + step.ToString() + " got another message");
    }
    return m;
  }
};

// One row of a role's handler table: a step the peer takes and what handles it.
template <typename Role>
struct StepHandler {
  FlowStep step;
  Status (Role::*handle)(const PeerStep& in);
};

class ConnectionBase : public Connection {
 public:
  ConnectionBase(Config config, Environment env, std::shared_ptr<SharedContext> shared);
  ~ConnectionBase() override;

  // Connection
  void ReceiveBytes(ByteView data) override;
  void ReceiveEof() override;
  Bytes TakeOutput() override;
  std::vector<Event> TakeEvents() override;
  Status SendApplicationData(ByteView data) override;
  void Close() override;
  Status SendHeartbeatRequest(ByteView payload) override;  // heartbeat.cc
  bool handshake_complete() const override { return handshake_complete_; }
  std::string_view state() const override;
  bool dead() const override { return dead_; }
  std::optional<Status> failure() const override { return failure_; }
  const Negotiated& negotiated() const override {
    return renegotiating_ ? previous_ : negotiated_;
  }
  Status Renegotiate() override;

  // For tests: writes `payload` as records of raw content type `type`
  // under the current write protection, bypassing the state machine and the transcript.
  Status SendRawRecordForTesting(uint8_t type, ByteView payload);

  // For tests: acts as if this role's handler table had no row for `step` (a table/handler
  // disagreement, which must be an internal_error).
  void RemoveHandlerForTesting(const FlowStep& step) { removed_handlers_.push_back(step); }
  // The peer steps this role has a handler for (tests check them against the table).
  virtual std::vector<FlowStep> HandledSteps() const = 0;

 protected:
  Side self() const { return config_.role == Side::kClient ? Side::kClient : Side::kServer; }
  Side peer() const { return config_.role == Side::kClient ? Side::kServer : Side::kClient; }

  // ---- Per role ----
  // A step of the peer that the table allows here: the role looks up its handler (Dispatch).
  virtual Status OnPeerStep(const PeerStep& in) = 0;
  // A handshake message after the handshake (renegotiation attempts).
  virtual Status OnPostHandshakeMessage(uint8_t type, ByteView encoded) = 0;
  // A HelloRequest during the handshake: only a client may receive one.
  virtual bool IgnoresHelloRequestDuringHandshake() const = 0;
  // The connection failed (fatal alert sent or received): forget the session.
  virtual void ForgetSession() {}
  // Forgets the role's state of the handshake that completed, before a renegotiation.
  virtual void ResetHandshakeState() = 0;
  // Starts the role's side of a renegotiation we asked for (Renegotiate): a client writes its
  // ClientHello, a server its HelloRequest.
  virtual Status WriteRenegotiationRequest() = 0;

  // Runs the row of `rows` for `in.step`. A step the table allowed but no row handles is an
  // engine bug: internal_error, never unexpected_message (which would blame the peer).
  template <typename Role>
  Status Dispatch(Role* role, const std::vector<StepHandler<Role>>& rows, const PeerStep& in) {
    if (!Contains(removed_handlers_, in.step)) {
      for (const StepHandler<Role>& row : rows) {
        if (row.step == in.step) return (role->*row.handle)(in);
      }
    }
    return InternalError("the handshake table allows " + in.step.ToString() + " here, but the " +
                         SideName(self()) + " has no handler for it (engine bug)");
  }
  template <typename Role>
  static std::vector<FlowStep> StepsOf(const std::vector<StepHandler<Role>>& rows) {
    std::vector<FlowStep> out;
    for (const StepHandler<Role>& row : rows) out.push_back(row.step);
    return out;
  }

  // ---- Shared steps ----
  // Serializes `message`, checks our own step against the table, adds it to the transcript
  // and queues it in the current flight.
  template <typename M>
  Status WriteHandshake(const M& message) {
    SD_ASSIGN_OR_RETURN(Bytes encoded, SerializeHandshake(message));
    return WriteHandshakeBytes(M::kType, encoded);
  }
  Status WriteHandshakeBytes(HandshakeType type, ByteView encoded);
  // Writes ChangeCipherSpec and switches to the pending write keys.
  Status WriteChangeCipherSpec();
  // Writes our Finished (RFC 5246 7.4.9) over the transcript so far.
  Status WriteFinished();
  // Checks the peer's Finished against the transcript before it (RFC 5246 7.4.9, checklist
  // 46: decrypt_error), then adds it to the transcript.
  Status ReadPeerFinished(const Finished& finished, ByteView encoded);
  // At the peer's ChangeCipherSpec: switch to the pending read keys.
  Status InstallReadKeys();

  void AddToTranscript(ByteView encoded) { transcript_.Add(encoded); }
  // At the ServerHello (sent or read): the negotiated max_fragment_length applies to every
  // record from now on, record_size_limit to the records under the keys to come.
  void ApplyRecordLimits();
  // Fixes the negotiated suite: PRF/transcript hash, record version checks.
  Status SetSuite(const CipherSuiteInfo* suite);
  // RFC 5246 8.1 / RFC 7627 4. Call after the ClientKeyExchange is in the transcript.
  Status DeriveMasterSecret(ByteView pre_master_secret);
  // RFC 5246 6.3: the key block and the pending read/write protections.
  Status DeriveTrafficKeys();
  // The handshake reached the end of its flow: complete, events, cache.
  Status FinishHandshake();
  // Sends the fatal alert `status` maps to, records the failure, and dies (RFC 5246 7.2.2).
  void Fail(const Status& status);
  // Sends a warning alert and keeps going (no_renegotiation).
  Status SendWarningAlert(AlertDescription description);

  // ---- Renegotiation (RFC 5746) ----
  // Why a renegotiation cannot start now ("" if it can): the policy, a handshake under way, no
  // RFC 5746 indication in the last handshake (legacy renegotiation is never done), or too
  // many started by the peer (`by_peer`).
  std::string RenegotiationRefusal(bool by_peer) const;
  // A new handshake on this connection: the table, transcript and negotiated parameters start
  // again; the record layer keeps its keys until the next ChangeCipherSpec.
  void BeginRenegotiation(bool by_peer);
  // The peer's message that starts a renegotiation (the server reads a ClientHello), handled as
  // the new handshake's first step.
  Status ProcessFirstRenegotiationMessage(uint8_t type, ByteView encoded) {
    return ProcessHandshake(type, encoded);
  }
  bool renegotiating() const { return renegotiating_; }
  // RFC 5746 3.5 / 3.7: the verify_data of the last completed handshake's Finished messages.
  const Bytes& saved_verify_data(Side sender) const {
    return saved_verify_data_[sender == Side::kClient ? 0 : 1];
  }
  // The renegotiated_connection value this side expects in the other's hello and sends in its
  // own: empty on the initial handshake; client_verify_data (ClientHello) or client_verify_data
  // || server_verify_data (ServerHello) in a renegotiation.
  Bytes RenegotiatedConnection(HandshakeType hello) const;
  // The connection that was established before this renegotiation.
  const Negotiated& previous() const { return previous_; }
  // Writes a HelloRequest (RFC 5246 7.4.1.1): outside the table and the transcript.
  Status WriteHelloRequest();

  // The node of the table's prefix tree the handshake is at, by name ("after C:finished").
  std::string_view StateName() const;
  Botan::RandomNumberGenerator& rng() { return *env_.rng; }
  uint64_t Now() const { return env_.clock ? env_.clock() : 0; }
  Bytes RandomBytes(size_t n);
  KeyExchangeKind WireKind() const;
  // The session as both sides keep it (RFC 5246 7.3).
  Session MakeSession() const;
  // Checks and records the peer's certificate chain (RFC 5246 7.4.2 / 7.4.6).
  Result<std::shared_ptr<PeerCertificate>> AcceptPeerChain(const Certificate& certificate);
  // The signature schemes we offer / accept (configured and implemented).
  std::vector<SignatureScheme> OurSignatureSchemes() const;

  Config config_;
  Environment env_;
  std::shared_ptr<SharedContext> shared_;
  RecordLayer records_;
  Transcript transcript_;
  HandshakeTracker tracker_;
  Negotiated negotiated_;
  PrfAlgorithm prf_ = PrfAlgorithm::kSha256;
  std::unique_ptr<RecordProtection> pending_read_;
  std::unique_ptr<RecordProtection> pending_write_;
  std::shared_ptr<PeerCertificate> peer_leaf_;
  bool handshake_complete_ = false;

 private:
  Status Process(Inbound unit);
  Status ProcessHandshake(uint8_t type, ByteView encoded);
  Status ProcessChangeCipherSpec(ByteView body);
  Status ProcessAlert(ByteView body);
  // Advances the tracker and the node by `step`; false (and nothing changes) if illegal.
  bool AdvanceTable(const FlowStep& step);
  Status ProcessApplicationData(Bytes data);
  // RFC 6520 3 and 4: answers, or silently drops, a heartbeat record's message (heartbeat.cc).
  Status ProcessHeartbeat(ByteView body);
  void Die();
  void EmitAlert(Direction direction, AlertLevel level, AlertDescription description,
                 std::string detail);
  void WriteAlert(AlertLevel level, AlertDescription description);

  int node_ = HandshakeGraph::kStart;  // in HandshakeGraph::Tls12(), following tracker_
  bool renegotiating_ = false;
  Negotiated previous_;  // the last completed handshake, while renegotiating_
  // This handshake's Finished verify_data (client, server), saved when it completes.
  Bytes verify_data_[2];
  Bytes saved_verify_data_[2];
  int peer_renegotiations_ = 0;  // renegotiations the peer started (kMaxPeerRenegotiations)
  std::vector<FlowStep> removed_handlers_;
  std::vector<Event> events_;
  std::optional<Status> failure_;
  bool dead_ = false;
  bool close_sent_ = false;
  int warning_alerts_ = 0;
  // RFC 6520 3: the payload of our HeartbeatRequest in flight (at most one).
  std::optional<Bytes> heartbeat_in_flight_;
};

std::unique_ptr<ConnectionBase> NewClientConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared);
std::unique_ptr<ConnectionBase> NewServerConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_INTERNAL_H_
