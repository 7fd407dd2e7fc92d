#include "engine/state/handshake_table.h"

namespace shakedown {
namespace {

using HT = HandshakeType;

constexpr FlowStep C(HT t) { return FlowStep::Handshake(Side::kClient, t); }
constexpr FlowStep S(HT t) { return FlowStep::Handshake(Side::kServer, t); }

// The steps, named after the messages of the RFC figures (and who sends them where both do).
constexpr FlowStep kClientHello = C(HT::kClientHello);
constexpr FlowStep kServerHello = S(HT::kServerHello);
constexpr FlowStep kServerCertificate = S(HT::kCertificate);
constexpr FlowStep kCertificateStatus = S(HT::kCertificateStatus);
constexpr FlowStep kServerKeyExchange = S(HT::kServerKeyExchange);
constexpr FlowStep kCertificateRequest = S(HT::kCertificateRequest);
constexpr FlowStep kServerHelloDone = S(HT::kServerHelloDone);
constexpr FlowStep kClientCertificate = C(HT::kCertificate);
constexpr FlowStep kClientKeyExchange = C(HT::kClientKeyExchange);
constexpr FlowStep kCertificateVerify = C(HT::kCertificateVerify);
constexpr FlowStep kClientCcs = FlowStep::Ccs(Side::kClient);
constexpr FlowStep kClientFinished = C(HT::kFinished);
constexpr FlowStep kNewSessionTicket = S(HT::kNewSessionTicket);
constexpr FlowStep kServerCcs = FlowStep::Ccs(Side::kServer);
constexpr FlowStep kServerFinished = S(HT::kFinished);

constexpr uint32_t kFullMask =
    kFlagFull | kFlagEcdhe | kFlagClientAuth | kFlagClientCert | kFlagTicket;
constexpr uint32_t kAbbreviatedMask = kFlagFull | kFlagTicket;
constexpr uint32_t kAuth = kFlagClientAuth;
constexpr uint32_t kCert = kFlagClientAuth | kFlagClientCert;

// RFC 5246 7.3 Figure 1 (full handshake), "*" marking optional or situation-dependent messages:
//
//      Client                                               Server
//      ClientHello                  -------->
//                                                      ServerHello
//                                                     Certificate*
//                                               ServerKeyExchange*
//                                              CertificateRequest*
//                                   <--------      ServerHelloDone
//      Certificate*
//      ClientKeyExchange
//      CertificateVerify*
//      [ChangeCipherSpec]
//      Finished                     -------->
//                                               [ChangeCipherSpec]
//                                   <--------             Finished
//
// RFC 5077 3.1 (ticket issued in a full handshake) adds NewSessionTicket before the server's
// [ChangeCipherSpec]. Certificate is always sent (no anonymous suites); ServerKeyExchange
// only for ECDHE (RFC 5246 7.4.3, RFC 8422 5.4); the client's Certificate only after a
// CertificateRequest (7.4.6), CertificateVerify only after a non-empty one (7.4.8).
//
// RFC 5246 7.3 Figure 2 (abbreviated handshake), with RFC 5077 3.2's optional NewSessionTicket:
//
//      Client                                                Server
//      ClientHello                   -------->
//                                                       ServerHello
//                                                 [NewSessionTicket]
//                                                [ChangeCipherSpec]
//                                    <--------             Finished
//      [ChangeCipherSpec]
//      Finished                      -------->
std::vector<HandshakeFlow> Tls12FlowsWithoutStatus() {
  return {
      {"full RSA", kFlagFull, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerHelloDone,
        kClientKeyExchange, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full RSA, ticket", kFlagFull | kFlagTicket, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerHelloDone,
        kClientKeyExchange, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"full RSA, client auth (empty certificate)", kFlagFull | kAuth, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kCertificateRequest, kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full RSA, client auth (empty certificate), ticket", kFlagFull | kAuth | kFlagTicket,
       kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kCertificateRequest, kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"full RSA, client auth", kFlagFull | kCert, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kCertificateRequest, kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kCertificateVerify, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full RSA, client auth, ticket", kFlagFull | kCert | kFlagTicket, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kCertificateRequest, kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kCertificateVerify, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"full ECDHE", kFlagFull | kFlagEcdhe, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kServerHelloDone,
        kClientKeyExchange, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full ECDHE, ticket", kFlagFull | kFlagEcdhe | kFlagTicket, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kServerHelloDone,
        kClientKeyExchange, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"full ECDHE, client auth (empty certificate)", kFlagFull | kFlagEcdhe | kAuth, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kCertificateRequest,
        kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full ECDHE, client auth (empty certificate), ticket",
       kFlagFull | kFlagEcdhe | kAuth | kFlagTicket, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kCertificateRequest,
        kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"full ECDHE, client auth", kFlagFull | kFlagEcdhe | kCert, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kCertificateRequest,
        kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kCertificateVerify, kClientCcs, kClientFinished,
        kServerCcs, kServerFinished}},
      {"full ECDHE, client auth, ticket", kFlagFull | kFlagEcdhe | kCert | kFlagTicket, kFullMask,
       {kClientHello, kServerHello, kServerCertificate, kServerKeyExchange, kCertificateRequest,
        kServerHelloDone,
        kClientCertificate, kClientKeyExchange, kCertificateVerify, kClientCcs, kClientFinished,
        kNewSessionTicket, kServerCcs, kServerFinished}},
      {"abbreviated", 0, kAbbreviatedMask,
       {kClientHello, kServerHello, kServerCcs, kServerFinished,
        kClientCcs, kClientFinished}},
      {"abbreviated, ticket", kFlagTicket, kAbbreviatedMask,
       {kClientHello, kServerHello, kNewSessionTicket, kServerCcs, kServerFinished,
        kClientCcs, kClientFinished}},
  };
}

// RFC 6066 8: "If a server returns a "CertificateStatus" message, then the server MUST have
// included an extension of type "status_request" with empty "extension_data" in the extended
// server hello. The "CertificateStatus" message is conveyed using the handshake message type
// "certificate_status" [...] and [...] MUST be sent immediately after the "Certificate" message
// (and before any "ServerKeyExchange" or "CertificateRequest" messages)":
//
//      ClientHello (status_request)  -------->
//                                              ServerHello (status_request)
//                                                             Certificate
//                                                      CertificateStatus*
//                                                      ServerKeyExchange*
//                                                     ...
//
// Each full flow therefore has a twin with CertificateStatus after the server's Certificate,
// selected by kFlagStatus; the flow without it stays legal whatever the ServerHello said (the
// server "MAY also choose not to send" it), so it does not depend on the flag.
std::vector<HandshakeFlow> Tls12Flows() {
  std::vector<HandshakeFlow> flows = Tls12FlowsWithoutStatus();
  const size_t n = flows.size();
  for (size_t i = 0; i < n; ++i) {
    if ((flows[i].flags & kFlagFull) == 0) continue;  // no Certificate in an abbreviated one
    HandshakeFlow stapled = flows[i];
    stapled.name += ", status";
    stapled.flags |= kFlagStatus;
    stapled.mask |= kFlagStatus;
    for (size_t j = 0; j < stapled.steps.size(); ++j) {
      if (stapled.steps[j] == kServerCertificate) {
        stapled.steps.insert(stapled.steps.begin() + j + 1, kCertificateStatus);
        break;
      }
    }
    flows.push_back(std::move(stapled));
  }
  return flows;
}

}  // namespace

std::string FlowStep::ToString() const {
  std::string out = sender == Side::kClient ? "C:" : "S:";
  out += change_cipher_spec ? "change_cipher_spec" : Describe(type);
  return out;
}

const std::vector<HandshakeFlow>& HandshakeFlows() {
  static const std::vector<HandshakeFlow>* flows = new std::vector<HandshakeFlow>(Tls12Flows());
  return *flows;
}

HandshakeTracker::HandshakeTracker() : HandshakeTracker(&HandshakeFlows()) {}

HandshakeTracker::HandshakeTracker(const std::vector<HandshakeFlow>* flows)
    : flows_(flows), candidates_(flows->size(), true) {}

bool HandshakeTracker::NextIs(size_t i, const FlowStep& step) const {
  const std::vector<FlowStep>& steps = (*flows_)[i].steps;
  return candidates_[i] && steps.size() > history_.size() && steps[history_.size()] == step;
}

std::vector<FlowStep> HandshakeTracker::LegalNext() const {
  std::vector<FlowStep> out;
  for (size_t i = 0; i < flows_->size(); ++i) {
    const std::vector<FlowStep>& steps = (*flows_)[i].steps;
    if (!candidates_[i] || steps.size() <= history_.size()) continue;
    const FlowStep& next = steps[history_.size()];
    bool seen = false;
    for (const FlowStep& o : out) seen = seen || o == next;
    if (!seen) out.push_back(next);
  }
  return out;
}

bool HandshakeTracker::IsLegal(const FlowStep& step) const {
  for (size_t i = 0; i < flows_->size(); ++i) {
    if (NextIs(i, step)) return true;
  }
  return false;
}

bool HandshakeTracker::Advance(const FlowStep& step) {
  // Two passes instead of a new candidate set per step: is the step legal, then narrow.
  bool any = false;
  for (size_t i = 0; i < flows_->size() && !any; ++i) any = NextIs(i, step);
  if (!any) return false;
  for (size_t i = 0; i < flows_->size(); ++i) {
    if (candidates_[i]) candidates_[i] = NextIs(i, step);
  }
  history_.push_back(step);
  return true;
}

void HandshakeTracker::Learn(uint32_t flag, bool value) {
  for (size_t i = 0; i < flows_->size(); ++i) {
    if (!(*flows_)[i].Matches(flag, value)) candidates_[i] = false;
  }
}

bool HandshakeTracker::Complete() const {
  for (size_t i = 0; i < flows_->size(); ++i) {
    if (candidates_[i] && (*flows_)[i].steps.size() == history_.size()) return true;
  }
  return false;
}

std::vector<size_t> HandshakeTracker::Candidates() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < flows_->size(); ++i) {
    if (candidates_[i]) out.push_back(i);
  }
  return out;
}

}  // namespace shakedown
