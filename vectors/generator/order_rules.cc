#include "vectors/generator/order_rules.h"

#include <algorithm>
#include <cctype>

#include "engine/base/algorithm.h"

namespace shakedown {
namespace order_rules {

using HT = HandshakeType;

// ---- The table, read as the target reads it ----

bool IsHandshake(const FlowStep& s, HT type) { return !s.change_cipher_spec && s.type == type; }

Known KnownAt(const HandshakeFlow& flow, size_t i) {
  Known k;
  for (size_t j = 0; j < i; ++j) {
    const FlowStep& s = flow.steps[j];
    if (IsHandshake(s, HT::kServerHello)) {
      k.full_known = true;
      k.full = (flow.flags & kFlagFull) != 0;
      k.ecdhe = k.full && (flow.flags & kFlagEcdhe) != 0;
      k.ticket = (flow.flags & kFlagTicket) != 0;
      k.status = (flow.flags & kFlagStatus) != 0;
    } else if (IsHandshake(s, HT::kCertificateRequest)) {
      k.auth_known = k.auth = true;
    } else if (IsHandshake(s, HT::kServerHelloDone) && !k.auth_known) {
      k.auth_known = true;
    } else if (s.sender == Side::kClient && IsHandshake(s, HT::kCertificate)) {
      k.cert_known = true;
      k.cert = (flow.flags & kFlagClientCert) != 0;
    }
  }
  return k;
}

// The tracker at point `i`, with the flags learned where the engine learns them
// (engine/connection/{client,server}.cc call Learn at ServerHello and the client Certificate).
HandshakeTracker TrackerAt(const HandshakeFlow& flow, size_t i) {
  HandshakeTracker tracker;
  for (size_t j = 0; j < i; ++j) {
    const FlowStep& s = flow.steps[j];
    (void)tracker.Advance(s);
    if (IsHandshake(s, HT::kServerHello)) {
      tracker.Learn(kFlagFull, (flow.flags & kFlagFull) != 0);
      tracker.Learn(kFlagEcdhe, (flow.flags & kFlagEcdhe) != 0);
      tracker.Learn(kFlagTicket, (flow.flags & kFlagTicket) != 0);
      tracker.Learn(kFlagStatus, (flow.flags & kFlagStatus) != 0);
    } else if (s.sender == Side::kClient && IsHandshake(s, HT::kCertificate)) {
      tracker.Learn(kFlagClientCert, (flow.flags & kFlagClientCert) != 0);
    }
  }
  return tracker;
}

std::string FlowShortName(const Known& k) {
  if (!k.full_known) return "any";
  std::string n = !k.full ? "abbreviated" : k.ecdhe ? "full-ecdhe" : "full-rsa";
  if (k.auth) n += !k.cert_known ? "-auth" : k.cert ? "-auth-cert" : "-auth-empty";
  if (k.ticket) n += "-ticket";
  if (k.status) n += "-status";
  return n;
}

std::string FlowWords(const Known& k) {
  if (!k.full_known) return "any handshake";
  std::string n = !k.full ? "abbreviated" : k.ecdhe ? "full ECDHE" : "full RSA";
  if (k.auth) {
    n += !k.cert_known ? ", client auth" : k.cert ? ", client auth with a certificate"
                                                  : ", client auth with an empty certificate";
  }
  if (k.ticket) n += ", ticket";
  if (k.status) n += ", OCSP status requested and answered";
  return n;
}

// ---- Names ----

std::optional<MessageName> MessageOfType(HT type) {
  for (MessageName m : AllMessageNames()) {
    if (HandshakeTypeOf(m) == type) return m;
  }
  return std::nullopt;
}

MessageName MessageOf(const FlowStep& s) {
  if (s.change_cipher_spec) return MessageName::kChangeCipherSpec;
  return MessageOfType(s.type).value_or(MessageName::kRaw);
}

// "ClientHello" -> "client-hello".
std::string Kebab(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '-';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string StepSlug(const FlowStep& s) {
  if (s.change_cipher_spec) return std::string(SideName(s.sender)) + "-ccs";
  if (s.type == HT::kCertificate || s.type == HT::kFinished) {
    return std::string(SideName(s.sender)) + "-" + Kebab(MessageNameString(MessageOf(s)));
  }
  return Kebab(MessageNameString(MessageOf(s)));
}

std::string StepWords(const FlowStep& s) {
  std::string name(MessageNameString(MessageOf(s)));
  if (s.change_cipher_spec || s.type == HT::kCertificate || s.type == HT::kFinished) {
    return "the " + std::string(SideName(s.sender)) + "'s " + name;
  }
  return name;
}

std::string MessageWords(MessageName m) {
  return m == MessageName::kApplicationData ? "application data" : std::string(MessageNameString(m));
}

std::string LegalList(const HandshakeTracker& tracker) {
  std::string out;
  for (const FlowStep& s : tracker.LegalNext()) out += (out.empty() ? "" : ", ") + s.ToString();
  // After both Finished (RFC 5246 7.4.9): application data, or a new handshake.
  return out.empty() ? "no handshake message, the handshake being over" : out;
}

// ---- Expectations: refs and notes ----

namespace {

struct Refs {
  std::vector<std::string> list;
  void Add(const std::string& r) {
    if (std::find(list.begin(), list.end(), r) == list.end()) list.push_back(r);
  }
};

}  // namespace

Judgement Judge(MessageName m, Side role, const HandshakeFlow& flow, size_t i,
                const Known& k, const HandshakeTracker& tracker) {
  const Side peer = role == Side::kServer ? Side::kClient : Side::kServer;
  const std::vector<FlowStep> prefix(flow.steps.begin(), flow.steps.begin() + i);
  const std::vector<FlowStep> legal = tracker.LegalNext();
  const bool key_exchange_done =
      (k.full_known && !k.full) ||
      Contains(prefix, FlowStep::Handshake(Side::kClient, HT::kClientKeyExchange));
  auto legal_is = [&](const FlowStep& s) { return Contains(legal, s); };
  Refs r;
  std::string why;
  r.Add("RFC5246 7.3");
  if (m == MessageName::kApplicationData) {
    r.Add("checklist:15");
    r.Add("attack:8");
    why = "RFC 5246 7.3: application data MUST NOT be sent prior to the completion of the first "
          "handshake. The RFC names no alert: unexpected_message by its definition in 7.2.2 "
          "(checklist 15: by definition; attack 8, tlsfuzzer test_early_application_data).";
  } else if (m == MessageName::kChangeCipherSpec) {
    r.Add("RFC5246 7.1");
    if (legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificateVerify))) {
      r.Add("RFC5246 7.4.8");
    }
    if (legal_is(FlowStep::Handshake(Side::kServer, HT::kNewSessionTicket))) r.Add("RFC5077 3.2");
    r.Add("checklist:17");
    if (legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificateVerify))) {
      r.Add("checklist:44");
    }
    if (!key_exchange_done) {
      r.Add("CVE-2014-0224");
      r.Add("attack:1");
    }
    if (legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificateVerify))) r.Add("attack:5");
    if (Contains(prefix, FlowStep::Ccs(peer))) r.Add("attack:9");
    why = std::string("RFC 5246 7.1, 7.3: ChangeCipherSpec only at its place in the handshake") +
          (!key_exchange_done ? "; here no key exchange has happened, so no keys can exist "
                                "(CVE-2014-0224)"
                              : "") +
          ". The RFC names no alert (checklist 17: unspecified); unexpected_message is the "
          "usual choice and tlsfuzzer's.";
  } else {
    const HT type = *HandshakeTypeOf(m);
    r.Add("RFC5246 7.4");
    std::string specific;
    if (m == MessageName::kHelloRequest) {
      r.Add("RFC5246 7.4.1.1");
      specific = " RFC 5246 7.4.1.1: HelloRequest is the server's; checklist 20 names "
                 "unexpected_message for a client that sends one (unspecified; tlsfuzzer "
                 "test_hello_request_by_client).";
    }
    if (m == MessageName::kFinished && legal_is(FlowStep::Ccs(peer))) {
      r.Add("RFC5246 7.4.9");
      specific = " RFC 5246 7.4.9: it is a fatal error if a Finished message is not preceded by "
                 "a ChangeCipherSpec message at the appropriate point in the handshake "
                 "(checklist 18: unexpected_message, tlsfuzzer \"skip Change Cipher Spec\").";
    }
    if (m == MessageName::kNewSessionTicket) r.Add("RFC5077 3.2");
    if (m == MessageName::kCertificateStatus) {
      r.Add("RFC6066 8");
      specific =
          " RFC 6066 8: CertificateStatus comes only from a server that answered "
          "status_request, \"immediately after the Certificate message\".";
    }
    if (legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificateVerify))) {
      r.Add("RFC5246 7.4.8");
    }
    r.Add("checklist:15");
    if (m == MessageName::kFinished && legal_is(FlowStep::Ccs(peer))) r.Add("checklist:18");
    const bool abbreviated = k.full_known && !k.full;
    if (abbreviated && (type == HT::kCertificate || type == HT::kServerKeyExchange ||
                        type == HT::kCertificateRequest || type == HT::kServerHelloDone ||
                        type == HT::kClientKeyExchange || type == HT::kCertificateVerify)) {
      r.Add("checklist:19");  // RFC 5246 7.3: "proceed directly to Finished messages"
    }
    if (m == MessageName::kHelloRequest) r.Add("checklist:20");
    const bool skips_server_certificate =
        legal_is(FlowStep::Handshake(Side::kServer, HT::kCertificate)) &&
        (type == HT::kServerKeyExchange || type == HT::kCertificateRequest ||
         type == HT::kServerHelloDone);
    if (skips_server_certificate) r.Add("checklist:38");
    const bool ske_in_rsa = peer == Side::kServer && type == HT::kServerKeyExchange &&
                            k.full_known && k.full && !k.ecdhe;
    const bool skips_ske = legal_is(FlowStep::Handshake(Side::kServer, HT::kServerKeyExchange)) &&
                           (type == HT::kCertificateRequest || type == HT::kServerHelloDone);
    if (ske_in_rsa || skips_ske) r.Add("checklist:39");
    const bool skips_client_certificate =
        legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificate)) &&
        type == HT::kClientKeyExchange;
    if (skips_client_certificate) r.Add("checklist:43");
    const bool skips_certificate_verify =
        legal_is(FlowStep::Handshake(Side::kClient, HT::kCertificateVerify)) &&
        type == HT::kFinished;
    if (skips_certificate_verify) r.Add("checklist:44");
    if (m == MessageName::kFinished && legal_is(FlowStep::Ccs(peer))) r.Add("attack:2");
    // attacks.md 3 (SKIP-TLS) names both skips, a missing Certificate and a missing SKE.
    if (skips_server_certificate || skips_ske) r.Add("attack:3");
    if (skips_ske) r.Add("attack:4");
    if (skips_certificate_verify) r.Add("attack:5");
    if (skips_client_certificate) r.Add("attack:6");
    if (m == MessageName::kFinished && !key_exchange_done) r.Add("attack:7");
    if (Contains(prefix, FlowStep::Handshake(peer, type))) r.Add("attack:9");
    why = "RFC 5246 7.4: sending handshake messages in an unexpected order results in a fatal "
          "error. The RFC names no alert: unexpected_message by its definition in 7.2.2 "
          "(checklist 15: by definition; tlsfuzzer test_message_duplication)." +
          specific;
  }
  // Checklist rows first, then CVEs, then attacks (the order the other vectors use).
  std::stable_sort(r.list.begin(), r.list.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& s) {
      return s.rfind("RFC", 0) == 0 ? 0 : s.rfind("checklist:", 0) == 0 ? 1
                                          : s.rfind("CVE-", 0) == 0       ? 2
                                                                          : 3;
    };
    return rank(a) < rank(b);
  });
  std::string legal_text = LegalList(tracker);
  return {r.list, "Legal next here (engine/state/handshake_table.h, RFC 5246 7.3): " +
                      legal_text + ". " + why};
}

}  // namespace order_rules
}  // namespace shakedown
