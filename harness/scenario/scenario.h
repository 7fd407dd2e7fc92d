// A scenario vector, typed: what vectors/**/*.json hold after strict validation. The loader
// (loader.h) builds it; the scripted peer plays it; the fuzzers mutate it. docs/SCENARIOS.md
// is the language reference and the field catalogue below is its single source of truth.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_SCENARIO_H_
#define SHAKEDOWN_HARNESS_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"
#include "engine/base/side.h"
#include "engine/connection/policy.h"
#include "engine/wire/registry.h"

namespace shakedown {

// What a step sends or expects: a handshake message, or a record-level item.
enum class MessageName {
  kHelloRequest,
  kClientHello,
  kServerHello,
  kCertificate,
  kServerKeyExchange,
  kCertificateRequest,
  kServerHelloDone,
  kCertificateVerify,
  kClientKeyExchange,
  kNewSessionTicket,
  kFinished,
  kChangeCipherSpec,
  kAlert,
  kApplicationData,
  // A heartbeat record's HeartbeatMessage (RFC 6520 4). Sent: a request by default; expected:
  // the target's message, which the peer checks against its request in flight.
  kHeartbeat,
  // RFC 6066 8: the server's stapled OCSP response, right after its Certificate.
  kCertificateStatus,
  kRaw,  // send only: bytes given in the step, written to the wire as they are
  // send only: the peer closes its side of the connection (a TCP half-close: FIN, no
  // close_notify; in process, the end of the target's input), at any point
  kClose,
};

// Every name above, in declaration order (for docs, schema checks and mutators).
const std::vector<MessageName>& AllMessageNames();

// "ClientHello", "ChangeCipherSpec", ...: the names vectors use.
std::string_view MessageNameString(MessageName name);
std::optional<MessageName> ParseMessageName(std::string_view name);
// The handshake type of a handshake message; nullopt for CCS, Alert, ApplicationData, Raw.
std::optional<HandshakeType> HandshakeTypeOf(MessageName name);

// ---- Field edits ("set") ----

// How a field's value is written in JSON and held here.
enum class FieldType {
  kVersion,     // "TLSv1.2" or "0x0303" (any 16-bit value)
  kRandom,      // 64 hex digits
  kBytes,       // hex string; or {"xor": {"hex": "mask", "at": N}} to flip bits at offset N
                // (N < 0: from the end) of the value the peer would have sent
  kU8,          // number 0..255
  kU16,         // number 0..65535
  kU32,         // number
  kSuiteList,   // [IANA suite name or number, ...]
  kSuite,       // IANA suite name or number
  kGroup,       // IANA group name or number
  kScheme,      // IANA signature scheme name or number
  kSchemeList,  // [scheme, ...]
  kU8List,      // [number, ...]
  kBytesList,   // [hex, ...]
  kAlertName,   // IANA alert name or number
  kAlertLevel,  // "warning" | "fatal" | number
  kExtension,   // hex body, or null to delete the extension. The bare field "extensions":
                // null omits the whole block; hex replaces its extension list
};

struct FieldSpec {
  MessageName message;
  std::string_view field;  // "client_version"; "extensions.<IANA extension name>" is kExtension
  FieldType type;
  std::string_view meaning;
};

// Every settable field; `extensions.*` fields exist for every registered extension name
// (and "extensions.0xNNNN" for any number) on ClientHello and ServerHello.
const std::vector<FieldSpec>& FieldCatalogue();
// The spec for message.field, or null if the field does not exist for that message.
const FieldSpec* FindField(MessageName message, std::string_view field);

// XOR `mask` into the value at `at` (negative: from the end). JSON: {"hex": "mask", "at": N}.
struct BytesXor {
  Bytes mask;
  int64_t at = 0;
};
bool operator==(const BytesXor& a, const BytesXor& b);
inline bool operator!=(const BytesXor& a, const BytesXor& b) { return !(a == b); }

struct FieldValue {
  // kVersion/kU8/kU16/kU32/kSuite/kGroup/kScheme/kAlertName/kAlertLevel -> uint64_t;
  // kRandom/kBytes/kExtension -> Bytes; lists -> std::vector<uint64_t> / std::vector<Bytes>;
  // a kBytes xor -> BytesXor; null (delete an extension) -> std::monostate.
  std::variant<std::monostate, uint64_t, Bytes, std::vector<uint64_t>, std::vector<Bytes>,
               BytesXor>
      value;
};
bool operator==(const FieldValue& a, const FieldValue& b);
inline bool operator!=(const FieldValue& a, const FieldValue& b) { return !(a == b); }

struct FieldEdit {
  std::string field;  // as in FieldSpec::field; "extensions.0xNNNN" only for unnamed types
  FieldValue value;
};
bool operator==(const FieldEdit& a, const FieldEdit& b);
inline bool operator!=(const FieldEdit& a, const FieldEdit& b) { return !(a == b); }

// ---- Deviations on the encoded message and its records ----

// Applied in this order: xor, truncate, append.
struct Corruption {
  std::optional<BytesXor> xor_bytes;  // on the full encoded message (handshake header included)
  std::optional<size_t> truncate;     // keep the first N bytes (header lengths are not fixed)
  Bytes append;                       // appended after the encoded message
};
bool operator==(const Corruption& a, const Corruption& b);
inline bool operator!=(const Corruption& a, const Corruption& b) { return !(a == b); }

// A structural break of one field of the encoded message (docs/SCENARIOS.md, "malform"); the
// handshake header's length follows the new body, nothing else is fixed up.
enum class MalformEdit {
  kTruncate,         // the body ends just before the field
  kTruncateLength,   // the body ends inside the field's length prefix (after its first byte)
  kTruncateContent,  // the body ends before the field's last byte
  kLengthPlusOne,    // the field's length prefix says one byte more than the field holds
  kLengthMinusOne,   // ... one byte less
  kEmpty,            // the field holds nothing, its prefix says 0
  kOversized,        // the field holds one byte more than its RFC ceiling
  kTrailing,         // one byte after the last field (names no field)
  kShorten,          // the field loses its last byte and its own length prefix follows
  kLengthen,         // the field gains a zero byte at its end and its own length prefix follows
};
std::string_view MalformEditName(MalformEdit edit);
std::optional<MalformEdit> MalformEditFromName(std::string_view name);
const std::vector<MalformEdit>& AllMalformEdits();

struct Malformation {
  std::string field;  // empty for kTrailing
  MalformEdit edit = MalformEdit::kTrailing;
};
bool operator==(const Malformation& a, const Malformation& b);
inline bool operator!=(const Malformation& a, const Malformation& b) { return !(a == b); }

// How the peer seals a protected record, where a correct sender has a choice or a hostile one
// breaks what the MAC does not cover (RFC 5246 6.2.3.2, RFC 5288 3). Each applies to every
// record the step's message goes out in.
struct SealOptions {
  std::optional<uint8_t> padding;    // CBC: padding_length (0..255; whole blocks)
  std::optional<Bytes> inner;        // CBC: encrypted instead of content || MAC || padding
  std::optional<BytesXor> xor_inner; // CBC: into content || MAC || padding, before encryption
  std::optional<Bytes> explicit_nonce;  // AES-GCM: 8 bytes instead of the sequence number
};
bool operator==(const SealOptions& a, const SealOptions& b);
inline bool operator!=(const SealOptions& a, const SealOptions& b) { return !(a == b); }

struct RecordOptions {
  std::optional<size_t> fragment;          // split into records of at most N bytes (>= 1)
  bool coalesce_with_next = false;         // share a record with the next send step
  std::optional<uint8_t> content_type;     // send in a record of another content type
  std::optional<uint16_t> version;         // record-layer version for these records
  std::optional<bool> protect;             // force (true) or suppress (false) encryption
  // XOR into every record's fragment as it goes on the wire, after protection: flips bits of
  // a ciphertext, GCM tag, explicit nonce, MAC or padding (checklist rows 7, 8, 10).
  std::optional<BytesXor> corrupt_record;
  std::optional<SealOptions> seal;
};
bool operator==(const RecordOptions& a, const RecordOptions& b);
inline bool operator!=(const RecordOptions& a, const RecordOptions& b) { return !(a == b); }

struct SendStep {
  MessageName message = MessageName::kRaw;
  // Applied to the typed message before it is encoded; sorted by field, each field once.
  std::vector<FieldEdit> set;
  std::optional<Malformation> malform;  // applied to the encoding, before `corrupt`
  Corruption corrupt;          // applied to the encoding
  RecordOptions record;
  int repeat = 1;              // send it this many times (>= 1)
  // ServerKeyExchange, CertificateVerify under RSA-PSS: sign with a salt of this many bytes
  // instead of the hash's length (RFC 8446 4.2.3), a signature the target must refuse.
  std::optional<uint64_t> pss_salt_length;
  Bytes raw;                   // kRaw: the bytes; kApplicationData: the payload
};
bool operator==(const SendStep& a, const SendStep& b);
inline bool operator!=(const SendStep& a, const SendStep& b) { return !(a == b); }

// What the target must do next. Exactly one form is used.
struct Expectation {
  // The target sends these, in order (handshake messages, ChangeCipherSpec,
  // ApplicationData). The peer decodes and processes them and checks the invariants.
  std::vector<MessageName> messages;
  // Messages of `messages` the target may leave out (an RFC "MAY", e.g. a renewed ticket,
  // RFC 5077 3.2). Never the last: a required message decides each gap (the first only when
  // no `check` reads it).
  std::set<MessageName> optional;
  // With `messages`: instead of any of them, a fatal alert of this set (then a close) is
  // accepted, for what the RFC leaves to the target either way (sign with the default scheme or
  // refuse, RFC 9155 against RFC 5246 7.4.1.4.1). The vector ends there: its remaining steps
  // and connections presuppose the messages and are not played.
  std::set<AlertDescription> or_alerts;
  // Or: an alert whose description is in this set (RFC 5246 names no single alert for
  // many conditions; the set says which the RFC and the checklist allow). A fatal alert is
  // followed by a close.
  std::set<AlertDescription> alerts;
  // With `alerts`: the level the alert must have. Warning is for the few alerts a stack
  // sends and goes on (no_renegotiation, RFC 5746 4.2) or answers (close_notify, 7.2.1).
  AlertLevel alert_level = AlertLevel::kFatal;
  // With fatal `alerts`: warning alerts accepted instead, after which the connection may go on
  // (a warning no_renegotiation or a fatal handshake_failure; a fragmented close_notify read
  // whole or refused). With `messages`: warning alerts the target may send before any of them
  // (a warning unrecognized_name, RFC 6066 3), which are then read past.
  std::set<AlertDescription> warning_alerts;
  // With `alerts`: a close without an alert is also accepted (for conditions where the
  // checklist says real stacks just close). Alone (no messages, no alerts): expect a close.
  bool close = false;
  // The target sends nothing for this long (e.g. after a warning alert it must ignore).
  std::optional<int> silence_ms;
  // Field checks on the first expected message, e.g. {"cipher_suite": ...}; a kExtension
  // check of null means "absent". Sorted by field, each field once; never a BytesXor.
  std::vector<FieldEdit> check;
  // With `messages` holding Certificate, server targets: which of the test PKI's server
  // certificates the target's leaf must be. "default": the one of target.certificate;
  // "alternate": TestPki::alternate_server (target.sni). Empty: not checked.
  std::string certificate;
};
// "default" | "alternate": the values of Expectation::certificate.
const std::vector<std::string_view>& ExpectedCertificateChoices();
bool operator==(const Expectation& a, const Expectation& b);
inline bool operator!=(const Expectation& a, const Expectation& b) { return !(a == b); }

// The peer starts a new handshake on the connection (RFC 5746 secure renegotiation; RFC 5246
// 7.4.1.1): its handshake state (legal-order table, transcript, randoms, keys to come) starts
// again while the records stay under the current keys until the next ChangeCipherSpec. The
// hellos that follow carry the renegotiation_info of a renegotiation (the saved verify_data).
// The peer must have completed the handshake before. Where the renegotiation starts: before
// the peer's ClientHello, or after its HelloRequest (or the target's), before the target's
// ClientHello.
struct Renegotiate {};
inline bool operator==(const Renegotiate&, const Renegotiate&) { return true; }
inline bool operator!=(const Renegotiate&, const Renegotiate&) { return false; }

struct Step {
  std::variant<SendStep, Expectation, Renegotiate> action;
  std::string comment;    // free text from the vector, shown in traces
  std::string json_path;  // "/steps/3" or "/connections/1/steps/0": for error messages
};
// Ignores json_path (where it came from, not what it does).
bool operator==(const Step& a, const Step& b);
inline bool operator!=(const Step& a, const Step& b) { return !(a == b); }

// One TCP connection of the vector. A later connection may resume the session of the
// first that completed a handshake.
struct ConnectionScript {
  bool resume = false;  // offer the previous connection's session (id or ticket)
  std::vector<Step> steps;
};
bool operator==(const ConnectionScript& a, const ConnectionScript& b);
inline bool operator!=(const ConnectionScript& a, const ConnectionScript& b) { return !(a == b); }

// How a vector's run is judged (the vector's "judge" key).
enum class JudgedBy {
  // Each expect step must hold, and the invariants too: what a conformance vector says.
  kExpectations,
  // Expect steps only let the target speak; the verdict comes from the peer's invariants,
  // agreement of both sides and a target that dies (RunOptions::judge_expectations = false).
  // For regressions exported from fuzz findings, whose expectations were mutated with the
  // rest and no longer say what the RFC requires.
  kInvariants,
};

// Which certificate of the test PKI (engine/crypto/pki.h) an endpoint presents: the RSA or
// the ECDSA one for its role; or none (a client that answers CertificateRequest with an
// empty Certificate). The engine's CertKeyType describes a loaded key and has no "none".
// kEcdsaP384, kEcdsaP521: ECDSA server certificates on those curves (TestPki).
enum class CertificateKey { kRsa, kEcdsa, kEcdsaP384, kEcdsaP521, kNone };

// A peer's RSA certificate with one flaw the target must refuse (TestPki::Flawed): issued by
// a CA it does not trust, expired, for another host name, or without the digitalSignature
// key usage an ECDHE_RSA server needs (the last two: server peers only).
enum class CertificateFlaw { kNone, kUntrustedCa, kExpired, kWrongName, kNoSigningUsage };

// How vectors spell the configuration values: "rsa" | "ecdsa" | "none"; "none" |
// "optional" | "required"; "enabled" | "required" | "disabled". Target profiles
// (`run --profile KEY=VALUE`) use the same names.
std::string_view ConfigName(CertificateKey key);
// "none" | "untrusted_ca" | "expired" | "wrong_name" | "no_signing_usage".
std::string_view ConfigName(CertificateFlaw flaw);
std::string_view ConfigName(ClientAuthMode mode);
std::string_view ConfigName(EmsPolicy policy);
// "refuse" | "accept" | "initiate".
std::string_view ConfigName(RenegotiationPolicy policy);
// "off" | "peer_allowed_to_send" | "peer_not_allowed_to_send" (RFC 6520 2's names).
std::string_view ConfigName(HeartbeatMode mode);
// "expectations" | "invariants" (the vector's "judge" key).
std::string_view ConfigName(JudgedBy judge);

// The scripted peer's own settings (it plays the role the target does not).
struct PeerConfig {
  std::vector<uint16_t> cipher_suites;        // client peer: offered; server peer: acceptable
  std::vector<NamedGroup> groups;             // default: x25519, secp256r1
  std::vector<SignatureScheme> signature_schemes;
  CertificateKey certificate = CertificateKey::kRsa;  // kNone: a client peer without one
  CertificateFlaw certificate_flaw = CertificateFlaw::kNone;  // with certificate rsa
  bool extended_master_secret = true;         // offer / accept EMS
  bool encrypt_then_mac = false;              // offer / accept RFC 7366 (for CBC suites)
  bool renegotiation_info = true;             // send the empty RI extension (client)
  bool session_ticket = false;                // offer the session_ticket extension
  std::string server_name = "localhost";
  ProtocolVersion version = ProtocolVersion::kTls12;
  // Server peer, DHE suites: the group whose explicit parameters the ServerKeyExchange
  // carries, one of DhGroupChoices(); "": the RFC 7919 choice (the first FFDHE group of
  // `groups` the client offered, else ffdhe2048).
  std::string dh_group;
  // Client peer, DHE: an exponent whose shared secret Z has a leading zero byte (RFC 5246
  // 8.1.2: the pre-master secret is Z stripped of it).
  bool dh_secret_leading_zero = false;
  // DHE: the peer's public value (Yc in its ClientKeyExchange, Ys in its ServerKeyExchange)
  // encoded with this many extra leading zero bytes, its value unchanged (0..16).
  uint8_t dh_public_leading_zeros = 0;
  // RFC 6520 2: a client peer offers the heartbeat extension with this mode; a server peer
  // answers a target's offer with it. kOff: never sends the extension.
  HeartbeatMode heartbeat = HeartbeatMode::kOff;
  // RFC 6066 4: a client peer requests this length (512, 1024, 2048 or 4096); a server peer
  // always answers a valid request with the same length. 0: none.
  uint16_t max_fragment_length = 0;
  // RFC 8449 4: the limit the peer advertises (64..16384): a client peer in its ClientHello, a
  // server peer in its answer to one. 0: none. The peer's records stay within what the
  // hellos negotiated unless a step's `fragment` says otherwise.
  uint16_t record_size_limit = 0;
  // RFC 6066 8. A client peer offers status_request (ocsp); a server peer answers a target's
  // ocsp request with the empty status_request and staples `ocsp_response` in a
  // CertificateStatus after its Certificate. false: never sent nor answered.
  bool status_request = false;
  // The server peer's stapled response, made by the test CA for the certificate it sends:
  // one of OcspResponseChoices().
  std::string ocsp_response = "good";
};
// "good" | "revoked" | "unknown_serial" | "expired" | "bad_signature" (engine/crypto/ocsp.h
// OcspResponseKind says what each is).
const std::vector<std::string_view>& OcspResponseChoices();
// "ffdhe2048" ... "ffdhe8192", "dh512", "modp1024", "modp1536", "modp2048", "composite2048"
// (engine/crypto/dh.h NamedDhGroup says what each is).
const std::vector<std::string_view>& DhGroupChoices();
bool operator==(const PeerConfig& a, const PeerConfig& b);
inline bool operator!=(const PeerConfig& a, const PeerConfig& b) { return !(a == b); }

// What the target must be configured with. The reference target applies it; external
// targets must be started to match (their command lines say which profile they implement).
// The policies are the engine's own (engine/connection/policy.h).
struct TargetConfig {
  CertificateKey certificate = CertificateKey::kRsa;   // kNone: client targets only
  ClientAuthMode client_auth = ClientAuthMode::kNone;  // server targets only
  std::vector<uint16_t> cipher_suites;                 // empty: the target's defaults
  // The groups a client target offers and a server target accepts; empty: its defaults.
  std::vector<NamedGroup> groups;
  bool session_tickets = false;
  EmsPolicy extended_master_secret = EmsPolicy::kEnabled;
  // RFC 5746: "refuse" | "accept" | "initiate" (accept, and start one right after the first
  // handshake: a server sends HelloRequest, a client a new ClientHello).
  RenegotiationPolicy renegotiation = RenegotiationPolicy::kRefuse;
  // RFC 6066 4: a client target requests this length (512, 1024, 2048 or 4096); a server
  // target honours a request for it (the RFC's MAY, here the vector's premise). 0: none.
  uint16_t max_fragment_length = 0;
  // RFC 8449 4: the limit the target advertises (64..16384; a server only in answer). 0: none.
  uint16_t record_size_limit = 0;
  // The protocol versions the target enables, exactly, in ascending order: the vector's
  // premise (a fallback-SCSV vector needs a target that also enables an older version). A
  // target that enables others gets the verdict not_applicable. Empty: TLS 1.2 only.
  std::vector<uint16_t> versions;
  // RFC 6520: the target has Heartbeat on with this mode (a client offers it, a server answers
  // an offer), or off.
  HeartbeatMode heartbeat = HeartbeatMode::kOff;
  // RFC 6066 8, OCSP stapling: a server target staples a good OCSP response from the test CA
  // when a client asks; a client target requests one and checks it.
  bool ocsp = false;
  // RFC 6066 3, server targets: empty, one certificate for any name; or the target also holds
  // the test PKI's alternate certificate for its alternate name (TestPki::alternate_server),
  // and a server_name it does not recognise either gets the default certificate ("continue")
  // or a fatal unrecognized_name ("fatal"). One of SniChoices().
  std::string sni;
};
// "continue" | "fatal": target.sni's policy for a server_name the target does not recognise.
const std::vector<std::string_view>& SniChoices();
bool operator==(const TargetConfig& a, const TargetConfig& b);
inline bool operator!=(const TargetConfig& a, const TargetConfig& b) { return !(a == b); }

// The role the target plays is a Side (engine/base/side.h).

// Whether an endpoint in `role` ever sends `message` in TLS 1.2 (RFC 5246 7.4; Certificate,
// Finished, ChangeCipherSpec, Alert and ApplicationData both ways; kRaw: false).
bool SentBy(Side role, MessageName message);

struct Scenario {
  std::string id;     // unique, [a-z0-9._-]+
  std::string title;
  std::vector<std::string> refs;  // "RFC5246 7.4.9", "checklist:46", "CVE-2014-0224", "attack:1"
  std::string topic;              // from the directory (vectors/conformance/<topic>/...)
  std::string notes;              // where the expectation comes from when refs alone don't say
  Side role = Side::kServer;  // the target's role
  PeerConfig peer;
  TargetConfig target;
  std::vector<ConnectionScript> connections;
  JudgedBy judge = JudgedBy::kExpectations;
  // The equivalence family (a-z 0-9 -): every vector of a family must get the same response
  // from the target (a Bleichenbacher oracle is a difference between them), besides its own
  // expectations. Empty: none.
  std::string equivalence;
  std::string source;  // the file it came from
};
// Everything but `source` and the steps' json_path.
bool operator==(const Scenario& a, const Scenario& b);
inline bool operator!=(const Scenario& a, const Scenario& b) { return !(a == b); }

// Scenario::topic: the directory under vectors/conformance/ that holds `path`, or "misc".
std::string TopicForPath(const std::string& path);


}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_SCENARIO_H_
