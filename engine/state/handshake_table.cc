#include "engine/state/handshake_table.h"

#include <map>
#include <utility>

namespace shakedown {
namespace {

using HT = HandshakeType;

FlowStep C(HT t) { return FlowStep::Handshake(Side::kClient, t); }
FlowStep S(HT t) { return FlowStep::Handshake(Side::kServer, t); }

// Builds the flows from RFC 5246 7.3 Figure 1 (full) and Figure 2 (abbreviated), with RFC
// 5077 3.1/3.2's NewSessionTicket before the server's ChangeCipherSpec.
std::vector<HandshakeFlow> BuildFlows() {
  std::vector<HandshakeFlow> flows;
  enum class Auth { kNone, kEmptyCert, kCert };
  for (bool ecdhe : {false, true}) {
    for (Auth auth : {Auth::kNone, Auth::kEmptyCert, Auth::kCert}) {
      for (bool ticket : {false, true}) {
        HandshakeFlow f;
        f.mask = kFlagFull | kFlagEcdhe | kFlagClientAuth | kFlagClientCert | kFlagTicket;
        f.flags = kFlagFull | (ecdhe ? kFlagEcdhe : 0) | (ticket ? kFlagTicket : 0) |
                  (auth != Auth::kNone ? kFlagClientAuth : 0) |
                  (auth == Auth::kCert ? kFlagClientCert : 0);
        f.name = std::string("full ") + (ecdhe ? "ECDHE" : "RSA") +
                 (auth == Auth::kNone        ? ""
                  : auth == Auth::kEmptyCert ? ", client auth (empty certificate)"
                                             : ", client auth") +
                 (ticket ? ", ticket" : "");
        auto& s = f.steps;
        s.push_back(C(HT::kClientHello));
        s.push_back(S(HT::kServerHello));
        s.push_back(S(HT::kCertificate));
        // RFC 5246 7.4.3: ServerKeyExchange only for (EC)DHE; RFC 8422 5.4.
        if (ecdhe) s.push_back(S(HT::kServerKeyExchange));
        if (auth != Auth::kNone) s.push_back(S(HT::kCertificateRequest));
        s.push_back(S(HT::kServerHelloDone));
        // RFC 5246 7.4.6: the client sends Certificate (possibly empty) when requested.
        if (auth != Auth::kNone) s.push_back(C(HT::kCertificate));
        s.push_back(C(HT::kClientKeyExchange));
        // RFC 5246 7.4.8: CertificateVerify only after a certificate with signing capability.
        if (auth == Auth::kCert) s.push_back(C(HT::kCertificateVerify));
        s.push_back(FlowStep::Ccs(Side::kClient));
        s.push_back(C(HT::kFinished));
        if (ticket) s.push_back(S(HT::kNewSessionTicket));
        s.push_back(FlowStep::Ccs(Side::kServer));
        s.push_back(S(HT::kFinished));
        flows.push_back(std::move(f));
      }
    }
  }
  for (bool ticket : {false, true}) {
    HandshakeFlow f;
    f.mask = kFlagFull | kFlagTicket;
    f.flags = ticket ? kFlagTicket : 0;
    f.name = std::string("abbreviated") + (ticket ? ", ticket" : "");
    auto& s = f.steps;
    s.push_back(C(HT::kClientHello));
    s.push_back(S(HT::kServerHello));
    if (ticket) s.push_back(S(HT::kNewSessionTicket));  // RFC 5077 3.2
    s.push_back(FlowStep::Ccs(Side::kServer));
    s.push_back(S(HT::kFinished));
    s.push_back(FlowStep::Ccs(Side::kClient));
    s.push_back(C(HT::kFinished));
    flows.push_back(std::move(f));
  }
  return flows;
}

uint64_t AllFlows() {
  size_t n = HandshakeFlows().size();
  return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
}

}  // namespace

std::string FlowStep::ToString() const {
  std::string out = sender == Side::kClient ? "C:" : "S:";
  out += change_cipher_spec ? "change_cipher_spec" : Describe(type);
  return out;
}

const std::vector<HandshakeFlow>& HandshakeFlows() {
  static const std::vector<HandshakeFlow>* flows = new std::vector<HandshakeFlow>(BuildFlows());
  return *flows;
}

HandshakeTracker::HandshakeTracker() : candidates_(AllFlows()) {}

std::vector<FlowStep> HandshakeTracker::LegalNext() const {
  std::vector<FlowStep> out;
  const auto& flows = HandshakeFlows();
  for (size_t i = 0; i < flows.size(); ++i) {
    if (!(candidates_ >> i & 1) || flows[i].steps.size() <= history_.size()) continue;
    const FlowStep& next = flows[i].steps[history_.size()];
    bool seen = false;
    for (const FlowStep& o : out) seen = seen || o == next;
    if (!seen) out.push_back(next);
  }
  return out;
}

bool HandshakeTracker::IsLegal(const FlowStep& step) const {
  const auto& flows = HandshakeFlows();
  for (size_t i = 0; i < flows.size(); ++i) {
    if ((candidates_ >> i & 1) && flows[i].steps.size() > history_.size() &&
        flows[i].steps[history_.size()] == step) {
      return true;
    }
  }
  return false;
}

bool HandshakeTracker::Advance(const FlowStep& step) {
  const auto& flows = HandshakeFlows();
  uint64_t next = 0;
  for (size_t i = 0; i < flows.size(); ++i) {
    if ((candidates_ >> i & 1) && flows[i].steps.size() > history_.size() &&
        flows[i].steps[history_.size()] == step) {
      next |= uint64_t{1} << i;
    }
  }
  if (next == 0) return false;
  candidates_ = next;
  history_.push_back(step);
  return true;
}

void HandshakeTracker::Learn(uint32_t flag, bool value) {
  const auto& flows = HandshakeFlows();
  for (size_t i = 0; i < flows.size(); ++i) {
    if (!flows[i].Matches(flag, value)) candidates_ &= ~(uint64_t{1} << i);
  }
}

bool HandshakeTracker::Complete() const {
  const auto& flows = HandshakeFlows();
  for (size_t i = 0; i < flows.size(); ++i) {
    if ((candidates_ >> i & 1) && flows[i].steps.size() == history_.size()) return true;
  }
  return false;
}

std::vector<size_t> HandshakeTracker::Candidates() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < HandshakeFlows().size(); ++i) {
    if (candidates_ >> i & 1) out.push_back(i);
  }
  return out;
}

std::string HandshakeTableDot() {
  // Prefix tree: a node per distinct prefix (keyed by its step labels).
  std::map<std::string, int> node_of_prefix{{"", 0}};
  std::map<std::pair<int, int>, std::string> edges;
  std::map<int, std::vector<std::string>> complete;  // node -> names of flows ending there
  for (const HandshakeFlow& flow : HandshakeFlows()) {
    std::string prefix;
    int from = 0;
    for (const FlowStep& step : flow.steps) {
      prefix += step.ToString() + "|";
      auto [it, inserted] = node_of_prefix.emplace(prefix, static_cast<int>(node_of_prefix.size()));
      edges[{from, it->second}] = step.ToString();
      from = it->second;
    }
    complete[from].push_back(flow.name);
  }
  std::string dot = "digraph tls12_handshake {\n  rankdir=TB;\n  node [shape=circle, label=\"\", width=0.2];\n";
  dot += "  n0 [shape=box, label=\"start\", width=0.5];\n";
  for (const auto& [node, names] : complete) {
    std::string label;
    for (const std::string& n : names) label += (label.empty() ? "" : "\\n") + n;
    dot += "  n" + std::to_string(node) + " [shape=doublecircle, width=0.3, xlabel=\"" + label + "\"];\n";
  }
  for (const auto& [ends, label] : edges) {
    std::string text = label;
    text.replace(1, 1, ": ");
    dot += "  n" + std::to_string(ends.first) + " -> n" + std::to_string(ends.second) +
           " [label=\"" + text + "\"];\n";
  }
  dot += "}\n";
  return dot;
}

}  // namespace shakedown
