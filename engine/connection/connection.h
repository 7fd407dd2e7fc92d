// A TLS 1.2 connection, client or server, sans-I/O: bytes in, bytes and events out. It owns
// no socket and no clock; randomness, time, the session cache and the observer come in through
// an Environment, so a seed reproduces every byte. The handshake follows the legal-order table
// (engine/state/handshake_table.h): any message outside it draws a fatal unexpected_message,
// and after a fatal alert nothing more is sent or processed.
#ifndef SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_H_
#define SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/base/status.h"
#include "engine/connection/observer.h"
#include "engine/connection/policy.h"
#include "engine/connection/session.h"
#include "engine/crypto/pki.h"
#include "engine/wire/registry.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace shakedown {

class SharedContext;  // shared_context.h

// Configuration is a plain struct; Connection::Create validates it.
// RFC 5246's SHA-1 signature schemes, off by default (Config::signature_schemes; RFC 9155).
inline constexpr SignatureScheme kSha1SignatureSchemes[] = {SignatureScheme::kRsaPkcs1Sha1,
                                                            SignatureScheme::kEcdsaSha1};

struct Config {
  Side role = Side::kClient;
  ProtocolVersion min_version = ProtocolVersion::kTls12;
  ProtocolVersion max_version = ProtocolVersion::kTls12;
  // In preference order. The server picks by its own order unless suite_preference says the
  // client's.
  std::vector<uint16_t> cipher_suites;
  SuitePreference suite_preference = SuitePreference::kServer;
  // ECDHE curves and RFC 7919 groups together, in preference order (RFC 7919 3: one list). The
  // client offers the curves only with an ECDHE suite and the FFDHE groups only with a DHE
  // suite; the server picks the first of its own groups the client offered.
  std::vector<NamedGroup> groups = {NamedGroup::kX25519,    NamedGroup::kSecp256r1,
                                    NamedGroup::kSecp384r1, NamedGroup::kSecp521r1,
                                    NamedGroup::kFfdhe2048, NamedGroup::kFfdhe3072,
                                    NamedGroup::kFfdhe4096};
  // Client: the smallest DH modulus accepted from a server that chose its own group (RFC 7919
  // 3.1; Logjam). 1024..8192.
  size_t min_dh_bits = 2048;
  // Offered (client), accepted and signed with (both). SHA-1 is off by default (RFC 9155 1:
  // "MD5 and SHA-1 MUST NOT be used for digital signatures"); add kSha1SignatureSchemes to
  // speak with a peer that has nothing else.
  std::vector<SignatureScheme> signature_schemes = {
      SignatureScheme::kEcdsaSecp256r1Sha256, SignatureScheme::kRsaPssRsaeSha256,
      SignatureScheme::kRsaPkcs1Sha256,       SignatureScheme::kEcdsaSecp384r1Sha384,
      SignatureScheme::kRsaPssRsaeSha384,     SignatureScheme::kRsaPkcs1Sha384,
      SignatureScheme::kEcdsaSecp521r1Sha512, SignatureScheme::kRsaPssRsaeSha512,
      SignatureScheme::kRsaPkcs1Sha512};
  // Server: its certificates (one per key type). Client: for client authentication.
  std::vector<Credential> credentials;
  // Trust anchors (DER). Empty: the peer's chain is not validated against a root (a test tool
  // talks to throw-away PKIs), but its signatures are always checked. Otherwise the chain is
  // path-validated at Environment::clock's time (unknown_ca, certificate_expired,
  // bad_certificate).
  std::vector<Bytes> trusted_roots;
  ClientAuthMode client_auth = ClientAuthMode::kNone;  // server only
  EmsPolicy extended_master_secret = EmsPolicy::kEnabled;
  // RFC 7366: the client offers encrypt-then-MAC with a CBC suite, the server accepts it for
  // one.
  bool encrypt_then_mac = true;
  bool session_tickets = false;  // RFC 5077; server issues / client asks
  // RFC 5746. Refused by default, as OpenSSL 3 and BoringSSL servers do: a renegotiation is a
  // second handshake whose parameters the application rarely re-checks.
  RenegotiationPolicy renegotiation = RenegotiationPolicy::kRefuse;
  // RFC 6520: off by default, as in OpenSSL 3 and BoringSSL (which removed it after
  // Heartbleed). A client offers the extension with this mode; a server answers it only when
  // offered. Requests are answered only when we said peer_allowed_to_send.
  HeartbeatMode heartbeat = HeartbeatMode::kOff;
  // Server: 32 bytes protecting tickets (AES-256-GCM); empty: a random key per SharedContext,
  // so tickets survive only as long as the context that issued them.
  Bytes ticket_key;
  // Server: the NewSessionTicket lifetime hint, also enforced when a ticket comes back.
  uint32_t ticket_lifetime_seconds = 7200;
  std::string server_name;       // client: SNI
  // Server, RFC 6066 3: a server_name no credential names (when some credential names any)
  // is refused with a fatal unrecognized_name, or the handshake goes on with the default
  // credential.
  bool refuse_unrecognized_name = false;
  std::vector<std::string> alpn;
  // RFC 6066 4. Client: the maximum fragment length to request (512, 1024, 2048 or 4096); 0:
  // none. Server: requests are honoured when accept_max_fragment_length (RFC 6066 4: "MAY
  // accept"), as OpenSSL and GnuTLS servers do.
  uint16_t max_fragment_length = 0;
  bool accept_max_fragment_length = true;
  // RFC 8449 4: the largest plaintext this endpoint accepts in a protected record, advertised
  // in record_size_limit (64..16384); 0: the extension is neither sent nor answered.
  uint16_t record_size_limit = 0;
  // RFC 6066 8, OCSP stapling. Client: offer status_request (ocsp, no responder ids, no
  // request extensions) and check a stapled response (bad_certificate_status_response when
  // "not satisfactory"). Off by default, as in OpenSSL 3 s_client without -status.
  bool request_ocsp_status = false;
  // Server: a DER OCSPResponse to staple in CertificateStatus when the client asks for ocsp;
  // empty: no stapling, and status_request is not answered ("Servers that receive a client
  // hello containing the "status_request" extension MAY return a suitable certificate status
  // response").
  Bytes ocsp_response;
  std::optional<Session> resume;  // client: a session to offer
  size_t max_handshake_message_size = 1 << 17;
};

struct Environment {
  Botan::RandomNumberGenerator* rng = nullptr;  // required; not owned
  std::function<uint64_t()> clock;              // seconds; empty: always 0
  SessionCache* session_cache = nullptr;        // server; null: no session-id resumption
  Observer* observer = nullptr;                 // may be null
  // Prepared credentials (signers, the RSA decryptor), the ticket key and the cache of parsed
  // peer certificates, built once by SharedContext::Create(config, rng) from the same Config
  // and shared by every connection on one thread. Null: Create builds a private one (slow:
  // a server then rebuilds its private-key objects per connection, and a random ticket key
  // makes its tickets unusable by any other connection).
  std::shared_ptr<SharedContext> shared;
};

enum class EventType {
  kHandshakeComplete,
  kApplicationData,
  kAlertSent,
  kAlertReceived,
  kClosed,  // close_notify exchanged or a fatal alert: the connection is dead
  // RFC 6520 4: the HeartbeatResponse to our request, with the expected payload (`data`).
  kHeartbeatResponse,
};

struct Event {
  EventType type;
  AlertLevel level = AlertLevel::kWarning;  // alerts
  AlertDescription alert = AlertDescription::kCloseNotify;
  Bytes data;          // application data
  std::string detail;  // why an alert was sent (the failing Status's message)
};

struct Negotiated {
  ProtocolVersion version = ProtocolVersion::kTls12;
  const CipherSuiteInfo* suite = nullptr;
  std::optional<NamedGroup> group;  // ECDHE, or DHE in an RFC 7919 group
  size_t dh_bits = 0;               // DHE: the size of p
  std::optional<SignatureScheme> server_signature;  // ServerKeyExchange
  std::optional<SignatureScheme> client_signature;  // CertificateVerify
  Bytes session_id;
  bool resumed = false;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;      // RFC 7366: CBC records are encrypt-then-MAC
  bool secure_renegotiation = false;  // RFC 5746 indication exchanged
  int renegotiations = 0;             // 0: the first handshake; n: the n-th renegotiation
  // RFC 6520 2: the mode the peer's heartbeat extension said, when both hellos carried one;
  // kOff: not negotiated (content type 24 is then an unexpected record).
  HeartbeatMode peer_heartbeat = HeartbeatMode::kOff;
  // RFC 6066 8: the ServerHello carried status_request (the server may staple), and the OCSP
  // response stapled in CertificateStatus (sent, or received and found satisfactory).
  bool status_request = false;
  Bytes ocsp_response;
  bool client_authenticated = false;  // a client certificate was verified in this handshake
  bool ticket_issued = false;         // a non-empty NewSessionTicket was sent / received
  std::string alpn;
  std::string server_name;  // the client's SNI host name (both sides), as sent
  // RFC 6066 4: 512..4096 once negotiated (every record of both sides from the ServerHello
  // on); 0: not negotiated.
  size_t max_fragment_length = 0;
  // RFC 8449 4, once both sides sent record_size_limit: the limit we advertised (on protected
  // records we receive) and the peer's (on protected records we send, at most 2^14); 0: not
  // negotiated.
  size_t record_size_limit = 0;
  size_t peer_record_size_limit = 0;
  Bytes client_random;
  Bytes server_random;
  Bytes master_secret;
  std::vector<Bytes> peer_chain;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Fails (with the reason) if the configuration is unusable: no suites, a server without a
  // credential for any configured suite, no rng, ...
  static Result<std::unique_ptr<Connection>> Create(Config config, Environment env);

  // Client: queues the ClientHello. Server: nothing (it waits for one).
  virtual void Start() = 0;
  // Processes bytes from the peer as far as they go.
  virtual void ReceiveBytes(ByteView data) = 0;
  // The peer closed its side of the transport (end of input). Without its close_notify
  // (RFC 5246 7.2.1) nothing more can come: a handshake in progress cannot complete, and the
  // connection is over. No alert is sent: the peer has stopped listening.
  virtual void ReceiveEof() = 0;
  // Bytes to send to the peer, in order; the internal buffer is emptied.
  virtual Bytes TakeOutput() = 0;
  virtual std::vector<Event> TakeEvents() = 0;

  // Only after the handshake; protected records of at most 2^14 bytes each.
  virtual Status SendApplicationData(ByteView data) = 0;
  // Sends close_notify (RFC 5246 7.2.1).
  virtual void Close() = 0;
  // RFC 6520 3: a HeartbeatRequest carrying `payload` (with 16 bytes of random padding).
  // Refused (nothing sent) before the handshake is complete, during a renegotiation, unless the
  // peer said peer_allowed_to_send, while a request is in flight, or when the message would
  // exceed 2^14 bytes. The response comes back as a kHeartbeatResponse event.
  virtual Status SendHeartbeatRequest(ByteView payload) = 0;
  // Starts a secure renegotiation (RFC 5746): a client sends a new ClientHello, a server a
  // HelloRequest. Refused (nothing sent) unless the policy allows it, the handshake is complete
  // and no renegotiation is under way, and both sides showed RFC 5746 support.
  virtual Status Renegotiate() = 0;

  virtual bool handshake_complete() const = 0;
  // The handshake state's name (for traces): its point in the legal-order table's prefix tree,
  // "start" or "after <last step>" (engine/state/handshake_graph.h), e.g. "after
  // S:server_hello_done"; "Failed" or "Closed" once dead.
  virtual std::string_view state() const = 0;
  // Closed or failed: nothing more is sent or processed.
  virtual bool dead() const = 0;
  // Why the connection failed (the Status behind the fatal alert sent or received).
  virtual std::optional<Status> failure() const = 0;
  // The last completed handshake's parameters (during a renegotiation: the one before it).
  virtual const Negotiated& negotiated() const = 0;
  // The session to resume later (client), once the handshake is complete.
  virtual std::optional<Session> session() const = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_CONNECTION_CONNECTION_H_
