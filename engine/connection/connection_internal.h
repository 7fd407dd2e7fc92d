// What the client and the server connection share: the record layer, the transcript, the
// legal-order tracker, the key schedule, alerts, events and the observer. The per-role
// handshake logic lives in client.cc and server.cc (one function per state, named after
// what it expects, as in BoringSSL's handshake_client.cc / handshake_server.cc).
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
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/connection/record_layer.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/key_schedule.h"
#include "engine/crypto/prf.h"
#include "engine/crypto/record_protection.h"
#include "engine/crypto/transcript.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/handshake.h"
#include "engine/wire/handshake_framer.h"
#include "engine/wire/registry.h"

namespace shakedown {

// RFC 5246 7.2: a peer may send warning alerts, but not without end (checklist 14,
// CVE-2016-8610). BoringSSL allows 4 in a row; so do we.
inline constexpr int kMaxConsecutiveWarningAlerts = 4;

template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status UnexpectedMessage(std::string message);
Status HandshakeFailure(std::string message);
Status ProtocolVersionError(std::string message);
Status DecryptError(std::string message);

// The alert to send for a failed Status. RFC 5246 7.2.2 (checklist 11): the reserved
// decryption_failed(21), no_certificate(41) and export_restriction(60) are never sent;
// a failure that names close_notify is an engine bug and goes out as internal_error.
AlertDescription AlertToSend(const Status& status);

class ConnectionBase : public Connection {
 public:
  ConnectionBase(Config config, Environment env, std::shared_ptr<SharedContext> shared);
  ~ConnectionBase() override;

  // Connection
  void ReceiveBytes(ByteView data) override;
  Bytes TakeOutput() override;
  std::vector<Event> TakeEvents() override;
  Status SendApplicationData(ByteView data) override;
  void Close() override;
  bool handshake_complete() const override { return handshake_complete_; }
  std::string_view state() const override;
  bool dead() const override { return dead_; }
  std::optional<Status> failure() const override { return failure_; }
  const Negotiated& negotiated() const override { return negotiated_; }

  // For tests: writes `payload` as records of raw content type `type`
  // under the current write protection, bypassing the state machine and the transcript.
  Status SendRawRecordForTesting(uint8_t type, ByteView payload);

 protected:
  Side self() const { return config_.role == Side::kClient ? Side::kClient : Side::kServer; }
  Side peer() const { return config_.role == Side::kClient ? Side::kServer : Side::kClient; }

  // ---- Per role ----
  // A handshake message the table allows here, parsed.
  virtual Status OnHandshakeMessage(const TypedHandshake& message, ByteView encoded) = 0;
  // The peer's ChangeCipherSpec, allowed here by the table.
  virtual Status OnChangeCipherSpec() = 0;
  // A handshake message after the handshake (renegotiation attempts).
  virtual Status OnPostHandshakeMessage(uint8_t type, ByteView encoded) = 0;
  // A HelloRequest during the handshake: only a client may receive one.
  virtual bool IgnoresHelloRequestDuringHandshake() const = 0;
  virtual std::string_view StateName() const = 0;
  // The connection failed (fatal alert sent or received): forget the session.
  virtual void ForgetSession() {}

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

  void SetState(int state);
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
  int state_ = 0;
  bool handshake_complete_ = false;

 private:
  Status Process(Inbound unit);
  Status ProcessHandshake(uint8_t type, ByteView encoded);
  Status ProcessChangeCipherSpec(ByteView body);
  Status ProcessAlert(ByteView body);
  Status ProcessApplicationData(Bytes data);
  void Die();
  void EmitAlert(Direction direction, AlertLevel level, AlertDescription description,
                 std::string detail);
  void WriteAlert(AlertLevel level, AlertDescription description);

  std::vector<Event> events_;
  std::optional<Status> failure_;
  bool dead_ = false;
  bool close_sent_ = false;
  int warning_alerts_ = 0;
};

std::unique_ptr<ConnectionBase> NewClientConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared);
std::unique_ptr<ConnectionBase> NewServerConnection(Config config, Environment env,
                                                    std::shared_ptr<SharedContext> shared);

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_INTERNAL_H_
