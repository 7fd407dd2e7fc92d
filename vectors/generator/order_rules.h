// What the out-of-order generator (order_vectors.cc) knows of the legal-order table at each
// point of a flow, the names it gives steps, and its judgement of each injection: the
// requirement it breaks, the refs it cites and the notes that say where the expected alert
// comes from. Split from the assembly of the vectors so that the rules read on their own.
#ifndef SHAKEDOWN_VECTORS_GENERATOR_ORDER_RULES_H_
#define SHAKEDOWN_VECTORS_GENERATOR_ORDER_RULES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/side.h"
#include "engine/state/handshake_table.h"
#include "engine/wire/registry.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace order_rules {

bool IsHandshake(const FlowStep& s, HandshakeType type);

// The facts of handshake_table.h that the target has learned at point `i` of `flow` (before
// step i), each at the step where the engine learns it: key exchange, full/abbreviated and
// ticket at ServerHello; client auth at CertificateRequest (or ServerHelloDone without one);
// the client certificate's presence at the client's Certificate.
struct Known {
  bool full_known = false;
  bool full = false;
  bool ecdhe = false;   // with full_known && full
  bool ticket = false;  // with full_known
  bool status = false;  // with full_known: the ServerHello answered status_request (RFC 6066 8)
  bool auth_known = false;
  bool auth = false;
  bool cert_known = false;
  bool cert = false;
};
Known KnownAt(const HandshakeFlow& flow, size_t i);

// The tracker at point `i`, with the flags learned where the engine learns them.
HandshakeTracker TrackerAt(const HandshakeFlow& flow, size_t i);

// "full-ecdhe-auth-empty-ticket" / "full ECDHE, client auth with an empty certificate, ticket"
std::string FlowShortName(const Known& k);
std::string FlowWords(const Known& k);

// ---- Names ----
std::optional<MessageName> MessageOfType(HandshakeType type);
MessageName MessageOf(const FlowStep& s);
std::string Kebab(std::string_view camel);  // "ClientHello" -> "client-hello"
std::string StepSlug(const FlowStep& s);    // "client-certificate", "server-ccs"
std::string StepWords(const FlowStep& s);   // "the client's Certificate"
std::string MessageWords(MessageName m);
std::string LegalList(const HandshakeTracker& tracker);

// ---- Judgement ----
struct Judgement {
  std::vector<std::string> refs;
  std::string notes;
};

// The requirement an injection of `m` at point `i` of `flow` breaks and where the alert comes
// from. Every case expects exactly {unexpected_message}: the checklist names it for each
// (RFC 5246 7.2.2: "An inappropriate message was received").
Judgement Judge(MessageName m, Side role, const HandshakeFlow& flow, size_t i, const Known& k,
                const HandshakeTracker& tracker);

}  // namespace order_rules
}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_ORDER_RULES_H_
