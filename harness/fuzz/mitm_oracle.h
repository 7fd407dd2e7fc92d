// The `mitm` target's oracle: what may happen when a reference client and a reference server
// talk through a man in the middle who has no keys but may drop, duplicate, reorder, alter,
// truncate, split, coalesce and inject anything in flight.
//
// The model. The MITM can make a handshake fail, stall it, or leave it unchanged; it cannot
// make a side accept something the other side did not send. The Finished messages carry that
// guarantee: each is the PRF over the master secret and the hash of every handshake message
// its sender saw (RFC 5246 7.4.9), and it travels under the keys of that master secret
// (6.2.3), so a side that verified its peer's Finished agrees with the peer on the master
// secret and on the transcript up to that Finished (RFC 5246 F.1.1, F.2; with EMS the master
// secret itself covers the transcript, RFC 7627 4). The rules below say exactly that, for the
// state each side ended in; the sides' own records come from the engine's events and its
// Observer (messages sent and received with their transcript positions, alerts).
//
// A connection's rules (stable names, as reported):
//   mitm_finished_not_from_peer  a side completed (RFC 5246 7.4.9: it verified the peer's
//       Finished) without having received a Finished, or with one the peer never sent.
//   mitm_transcripts_differ  a side completed although its transcript before the peer's
//       Finished differs from the peer's transcript before that Finished (7.4.9
//       handshake_messages); or both completed with different whole transcripts.
//   mitm_secrets_differ  a side completed with a master secret different from the one of
//       the peer whose Finished it accepted (8.1; RFC 7627 4).
//   mitm_parameters_differ  a side completed with a cipher suite, version, EMS state or
//       resumption state other than the peer's that sent the Finished it accepted (7.4.1.3,
//       RFC 7627 5.2/5.3).
//   mitm_resumed_other_secret  a resumed handshake completed with a master secret other than
//       the offered session's (7.3: resumption reuses the session's master secret).
//   mitm_application_data_altered  a side delivered application data its peer did not send
//       (anything but exactly the peer's message, or data from a peer that sent none); a
//       tampered, dropped, replayed or reordered record must fail the MAC (6.2.3.1, 6.2.3.3).
//   mitm_application_data_before_finished  a side delivered application data before its
//       handshake completed (7.4.9: "MUST receive a Finished message before ... application
//       data").
//   mitm_activity_after_fatal_alert  after sending a fatal alert a side sent bytes, reported
//       an event or accepted application data to send (7.2.2: the connection is terminated).
//   mitm_untampered_failed  the MITM changed nothing in this connection's bytes (any chunking
//       or delay aside), yet the two sides did not both complete without an alert and deliver
//       each other's application message.
//   mitm_untampered_not_resumed  the session came from an unbroken first connection and the
//       second, untampered connection offered it, yet they did not both resume it.
//
// What is *not* a finding, and why:
//   - exactly one side completed: allowed, as long as the rules above hold for it. A server
//     completes when it sends its Finished (full handshake) and a client when it verified the
//     server's (abbreviated: the other way round); the MITM can drop what follows or tamper
//     with it so that the other side sends a fatal alert (bad_record_mac, decrypt_error). The
//     completed side is consistent by the rules above: it holds the secret and transcript its
//     peer holds at the Finished it accepted.
//   - neither completed: a fatal alert on either side, an alert the MITM injected, or a stall.
//   - a stall (a side waiting for bytes that were dropped, truncated, or held by a length the
//     MITM enlarged): a real network would time out; the engine has no timer and must not
//     need one. Stalls are a finding only when the MITM changed nothing (untampered rules).
#ifndef SHAKEDOWN_HARNESS_FUZZ_MITM_ORACLE_H_
#define SHAKEDOWN_HARNESS_FUZZ_MITM_ORACLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/alert.h"
#include "engine/base/bytes.h"

namespace shakedown {

// What each side sends in the application phase (distinct, so a reflected record shows).
inline constexpr char kMitmClientMessage[] = "shakedown mitm: client to server";
inline constexpr char kMitmServerMessage[] = "shakedown mitm: server to client";

// What one side did in one connection, as the MITM recorded it.
struct MitmSideRecord {
  bool completed = false;  // kHandshakeComplete reported
  std::optional<AlertDescription> fatal_alert_sent;
  bool fatal_alert_received = false;
  bool warning_alert_sent = false;
  // The handshake messages it hashed, in order (HelloRequest and ChangeCipherSpec excluded).
  Bytes transcript;
  Bytes finished_sent;  // its own Finished, whole; empty if none
  size_t transcript_before_finished_sent = 0;
  Bytes finished_received;  // the peer's Finished as it received it; empty if none
  size_t transcript_before_finished_received = 0;
  // Negotiated, as the side reports it at the end.
  Bytes master_secret;
  uint16_t cipher_suite = 0;
  uint16_t version = 0;
  bool extended_master_secret = false;
  bool resumed = false;
  bool sent_application_data = false;  // its application message went out
  Bytes application_data_received;     // everything it delivered, concatenated
  bool application_data_before_complete = false;
  std::string activity_after_fatal_alert;  // what it did after a fatal alert; empty if nothing
};

struct MitmConnectionRecord {
  MitmSideRecord client;
  MitmSideRecord server;
  bool tampered = false;             // the bytes delivered differ from those sent, either way
  bool offered_session = false;      // the client offered a session
  Bytes offered_master_secret;       // that session's master secret
  bool resumption_expected = false;  // the session came from an unbroken connection
};

struct MitmFinding {
  std::string rule;  // one of the names above
  int connection = 0;
  std::string message;
};

// The rules for one connection. Pure: tests feed it synthetic records.
std::vector<MitmFinding> JudgeMitmConnection(const MitmConnectionRecord& record, int connection);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_MITM_ORACLE_H_
