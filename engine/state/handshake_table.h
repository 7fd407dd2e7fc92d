// The legal message order of every TLS 1.2 handshake, as data (RFC 5246 7.3, Figures 1 and
// 2; RFC 5077 3.1/3.2 for NewSessionTicket). Each flow is one complete handshake type — full RSA
// or ECDHE, with or without client authentication (and with an empty or a real client
// certificate), with or without a session ticket, or abbreviated — with ChangeCipherSpec as
// a step like any handshake message. This table is the only statement of handshake state in the
// engine: the connection consults it before processing any message and names its state after
// it, the conformance generator derives out-of-order vectors from it, and reports draw it
// (engine/state/handshake_graph.h merges the flows into one prefix tree).
#ifndef SHAKEDOWN_ENGINE_STATE_HANDSHAKE_TABLE_H_
#define SHAKEDOWN_ENGINE_STATE_HANDSHAKE_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/side.h"
#include "engine/wire/registry.h"

namespace shakedown {

// One step of a flow: a handshake message of a type, or ChangeCipherSpec, from one side.
struct FlowStep {
  Side sender;
  bool change_cipher_spec;  // true: a ChangeCipherSpec record; `type` is unused
  HandshakeType type;

  static constexpr FlowStep Handshake(Side s, HandshakeType t) { return {s, false, t}; }
  static constexpr FlowStep Ccs(Side s) { return {s, true, HandshakeType::kHelloRequest}; }
  bool operator==(const FlowStep& o) const {
    return sender == o.sender && change_cipher_spec == o.change_cipher_spec &&
           (change_cipher_spec || type == o.type);
  }
  bool operator!=(const FlowStep& o) const { return !(*this == o); }
  // "C:client_hello", "S:change_cipher_spec"
  std::string ToString() const;
};

// Facts that select a flow. They become known during the handshake, each at one point.
inline constexpr uint32_t kFlagFull = 1u << 0;        // full handshake (else abbreviated); at ServerHello
inline constexpr uint32_t kFlagEcdhe = 1u << 1;       // (EC)DHE: a ServerKeyExchange (else RSA); at ServerHello
inline constexpr uint32_t kFlagClientAuth = 1u << 2;  // the server sent CertificateRequest
inline constexpr uint32_t kFlagClientCert = 1u << 3;  // non-empty client Certificate: CertificateVerify follows
inline constexpr uint32_t kFlagTicket = 1u << 4;      // NewSessionTicket follows (RFC 5077); at ServerHello
// The ServerHello carried status_request (RFC 6066 8): CertificateStatus may follow the server's
// Certificate; at ServerHello. Flows without CertificateStatus do not depend on it ("a server
// MAY also choose not to send a "CertificateStatus" message, even if has received a
// "status_request" extension in the client hello message and has sent a "status_request"
// extension in the server hello message"); flows with it need it.
inline constexpr uint32_t kFlagStatus = 1u << 5;

struct HandshakeFlow {
  std::string name;  // e.g. "full ECDHE, client auth, ticket"
  uint32_t flags;    // values of the flags in `mask`
  uint32_t mask;     // the flags this flow depends on (an abbreviated flow ignores kFlagEcdhe)
  std::vector<FlowStep> steps;

  bool Matches(uint32_t flag, bool value) const {
    return (mask & flag) == 0 || ((flags & flag) != 0) == value;
  }
};

// Every TLS 1.2 handshake flow the engine implements (renegotiation excluded: refused).
const std::vector<HandshakeFlow>& HandshakeFlows();

// Follows one handshake through a table of flows: which flows are still possible given the
// steps seen (both directions, in order) and the facts learned so far. Any number of flows.
class HandshakeTracker {
 public:
  // Over HandshakeFlows(), the TLS 1.2 table.
  HandshakeTracker();
  // Over `flows`, which must outlive the tracker (tests use synthetic tables).
  explicit HandshakeTracker(const std::vector<HandshakeFlow>* flows);

  // The steps that may legally come next (deduplicated, in table order).
  std::vector<FlowStep> LegalNext() const;
  bool IsLegal(const FlowStep& step) const;
  // Records `step`; returns false (and changes nothing) if it is not legal here.
  bool Advance(const FlowStep& step);
  // Narrows the candidates to flows where `flag` has `value`.
  void Learn(uint32_t flag, bool value);
  // True when the steps seen form a complete flow.
  bool Complete() const;
  // The flows still possible, by index into the table.
  std::vector<size_t> Candidates() const;
  const std::vector<FlowStep>& history() const { return history_; }

 private:
  // Candidate `i` whose next step (after the history) is `step`.
  bool NextIs(size_t i, const FlowStep& step) const;

  const std::vector<HandshakeFlow>* flows_;
  std::vector<FlowStep> history_;
  std::vector<bool> candidates_;  // [i]: (*flows_)[i] is still possible
};

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_STATE_HANDSHAKE_TABLE_H_
