#include "engine/state/handshake_table.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace shakedown {
namespace {

using HT = HandshakeType;
FlowStep C(HT t) { return FlowStep::Handshake(Side::kClient, t); }
FlowStep S(HT t) { return FlowStep::Handshake(Side::kServer, t); }
const FlowStep kClientCcs = FlowStep::Ccs(Side::kClient);
const FlowStep kServerCcs = FlowStep::Ccs(Side::kServer);

const HandshakeFlow& FlowNamed(const std::string& name) {
  for (const HandshakeFlow& f : HandshakeFlows()) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no flow " << name;
  return HandshakeFlows().front();
}

TEST(HandshakeTable, FullHandshakeWithClientAuthIsRfc5246Figure1) {
  // RFC 5246 7.3 Figure 1, with ServerKeyExchange (ECDHE) and a client certificate.
  std::vector<FlowStep> expected = {
      C(HT::kClientHello),       S(HT::kServerHello),       S(HT::kCertificate),
      S(HT::kServerKeyExchange), S(HT::kCertificateRequest), S(HT::kServerHelloDone),
      C(HT::kCertificate),       C(HT::kClientKeyExchange), C(HT::kCertificateVerify),
      kClientCcs,                C(HT::kFinished),          kServerCcs,
      S(HT::kFinished)};
  EXPECT_EQ(FlowNamed("full ECDHE, client auth").steps, expected);
}

TEST(HandshakeTable, RsaFlowHasNoServerKeyExchange) {
  // RFC 5246 7.4.3: "It is not legal to send the server key exchange message for ... RSA".
  for (const HandshakeFlow& f : HandshakeFlows()) {
    if ((f.mask & kFlagEcdhe) && !(f.flags & kFlagEcdhe) && (f.flags & kFlagFull)) {
      for (const FlowStep& s : f.steps) EXPECT_NE(s, S(HT::kServerKeyExchange)) << f.name;
    }
  }
}

TEST(HandshakeTable, AbbreviatedHandshakeIsRfc5246Figure2) {
  std::vector<FlowStep> expected = {C(HT::kClientHello), S(HT::kServerHello), kServerCcs,
                                    S(HT::kFinished),    kClientCcs,          C(HT::kFinished)};
  EXPECT_EQ(FlowNamed("abbreviated").steps, expected);
  // RFC 5077 3.2: NewSessionTicket right after ServerHello when a ticket is issued.
  EXPECT_EQ(FlowNamed("abbreviated, ticket").steps[2], S(HT::kNewSessionTicket));
}

// RFC 6066 8: every full flow has a twin with CertificateStatus "immediately after the
// "Certificate" message (and before any "ServerKeyExchange" or "CertificateRequest"
// messages)", selected by kFlagStatus; the flow without it does not depend on the flag (the
// server "MAY also choose not to send" it).
TEST(HandshakeTable, CertificateStatusFollowsTheServerCertificateOnlyWithStatus) {
  const HandshakeFlow& plain = FlowNamed("full ECDHE, client auth");
  const HandshakeFlow& stapled = FlowNamed("full ECDHE, client auth, status");
  EXPECT_EQ(plain.mask & kFlagStatus, 0u);
  EXPECT_NE(stapled.flags & kFlagStatus, 0u);
  std::vector<FlowStep> expected = plain.steps;
  expected.insert(expected.begin() + 3, S(HT::kCertificateStatus));
  EXPECT_EQ(stapled.steps, expected);
  EXPECT_EQ(stapled.steps[2], S(HT::kCertificate));
  EXPECT_EQ(stapled.steps[4], S(HT::kServerKeyExchange));
  for (bool status : {false, true}) {
    HandshakeTracker t;
    ASSERT_TRUE(t.Advance(C(HT::kClientHello)));
    ASSERT_TRUE(t.Advance(S(HT::kServerHello)));
    t.Learn(kFlagFull, true);
    t.Learn(kFlagEcdhe, true);
    t.Learn(kFlagTicket, false);
    t.Learn(kFlagStatus, status);
    ASSERT_TRUE(t.Advance(S(HT::kCertificate)));
    EXPECT_EQ(t.IsLegal(S(HT::kCertificateStatus)), status);
    EXPECT_TRUE(t.IsLegal(S(HT::kServerKeyExchange)));  // optional even when answered
    if (status) {
      ASSERT_TRUE(t.Advance(S(HT::kCertificateStatus)));
      EXPECT_FALSE(t.IsLegal(S(HT::kCertificateStatus)));  // once
    }
  }
  // Never in an abbreviated handshake: there is no Certificate.
  for (const HandshakeFlow& f : HandshakeFlows()) {
    if ((f.flags & kFlagFull) != 0) continue;
    for (const FlowStep& s : f.steps) EXPECT_NE(s, S(HT::kCertificateStatus)) << f.name;
  }
}

TEST(HandshakeTable, TwentySixDistinctFlows) {
  const auto& flows = HandshakeFlows();
  EXPECT_EQ(flows.size(), 26u);  // 12 full, each with and without CertificateStatus; 2 abbreviated
  for (size_t i = 0; i < flows.size(); ++i) {
    for (size_t j = i + 1; j < flows.size(); ++j) {
      EXPECT_FALSE(flows[i].steps == flows[j].steps && flows[i].flags == flows[j].flags)
          << flows[i].name << " / " << flows[j].name;
    }
  }
}

TEST(HandshakeTracker, FollowsAnEcdheHandshake) {
  HandshakeTracker t;
  EXPECT_EQ(t.LegalNext(), (std::vector<FlowStep>{C(HT::kClientHello)}));
  ASSERT_TRUE(t.Advance(C(HT::kClientHello)));
  ASSERT_TRUE(t.Advance(S(HT::kServerHello)));
  // Before the facts of ServerHello are learned, both kinds of continuation are open.
  EXPECT_TRUE(t.IsLegal(S(HT::kCertificate)));
  EXPECT_TRUE(t.IsLegal(kServerCcs));
  t.Learn(kFlagFull, true);
  t.Learn(kFlagEcdhe, true);
  t.Learn(kFlagTicket, false);
  EXPECT_EQ(t.LegalNext(), (std::vector<FlowStep>{S(HT::kCertificate)}));
  ASSERT_TRUE(t.Advance(S(HT::kCertificate)));
  // RFC 8422 5.4: ServerKeyExchange is required for ECDHE (CVE-2014-3572 skips it).
  EXPECT_FALSE(t.IsLegal(S(HT::kServerHelloDone)));
  ASSERT_TRUE(t.Advance(S(HT::kServerKeyExchange)));
  auto next = t.LegalNext();
  EXPECT_EQ(next.size(), 2u);  // CertificateRequest or ServerHelloDone
  ASSERT_TRUE(t.Advance(S(HT::kServerHelloDone)));
  // CVE-2014-0224: no ChangeCipherSpec before the key exchange.
  EXPECT_FALSE(t.IsLegal(kClientCcs));
  ASSERT_TRUE(t.Advance(C(HT::kClientKeyExchange)));
  // RFC 5246 7.4.9: Finished must be preceded by ChangeCipherSpec.
  EXPECT_FALSE(t.IsLegal(C(HT::kFinished)));
  ASSERT_TRUE(t.Advance(kClientCcs));
  ASSERT_TRUE(t.Advance(C(HT::kFinished)));
  EXPECT_FALSE(t.Complete());
  ASSERT_TRUE(t.Advance(kServerCcs));
  ASSERT_TRUE(t.Advance(S(HT::kFinished)));
  EXPECT_TRUE(t.Complete());
  EXPECT_TRUE(t.LegalNext().empty());
}

TEST(HandshakeTracker, ClientCertificateDecidesCertificateVerify) {
  for (bool non_empty : {false, true}) {
    HandshakeTracker t;
    for (FlowStep s : {C(HT::kClientHello), S(HT::kServerHello), S(HT::kCertificate),
                       S(HT::kCertificateRequest), S(HT::kServerHelloDone), C(HT::kCertificate),
                       C(HT::kClientKeyExchange)}) {
      ASSERT_TRUE(t.Advance(s)) << s.ToString();
    }
    t.Learn(kFlagClientCert, non_empty);
    // RFC 5246 7.4.8: CertificateVerify iff the client sent a certificate.
    EXPECT_EQ(t.IsLegal(C(HT::kCertificateVerify)), non_empty);
    EXPECT_EQ(t.IsLegal(kClientCcs), !non_empty);
  }
}

TEST(HandshakeTracker, IllegalStepChangesNothing) {
  HandshakeTracker t;
  EXPECT_FALSE(t.Advance(S(HT::kServerHello)));
  EXPECT_FALSE(t.Advance(C(HT::kHelloRequest)));
  EXPECT_TRUE(t.history().empty());
  ASSERT_TRUE(t.Advance(C(HT::kClientHello)));
  EXPECT_FALSE(t.Advance(C(HT::kClientHello)));  // duplicate ClientHello
  EXPECT_EQ(t.history().size(), 1u);
}

TEST(HandshakeTracker, AbbreviatedRejectsCertificateAfterServerHello) {
  // RFC 5246 7.3: on resumption both sides go straight to ChangeCipherSpec (checklist 19).
  HandshakeTracker t;
  ASSERT_TRUE(t.Advance(C(HT::kClientHello)));
  ASSERT_TRUE(t.Advance(S(HT::kServerHello)));
  t.Learn(kFlagFull, false);
  t.Learn(kFlagTicket, false);
  EXPECT_EQ(t.LegalNext(), (std::vector<FlowStep>{kServerCcs}));
}

// A synthetic table of `n` (< 256) flows: flow i is ClientHello, one server message per bit of
// i (Certificate for 1, ServerHelloDone for 0), then Finished, so each flow has its own prefix;
// flag 1 is set on the odd flows. Candidates past index 64 must behave exactly like those
// before it (the tracker once kept them in a uint64_t).
std::vector<HandshakeFlow> ManyFlows(size_t n) {
  std::vector<HandshakeFlow> flows;
  for (size_t i = 0; i < n; ++i) {
    HandshakeFlow f{"flow " + std::to_string(i), static_cast<uint32_t>(i % 2), 1u, {}};
    f.steps.push_back(C(HT::kClientHello));
    for (size_t bit = 0; bit < 8; ++bit) {
      f.steps.push_back((i >> bit & 1) ? S(HT::kCertificate) : S(HT::kServerHelloDone));
    }
    f.steps.push_back(C(HT::kFinished));
    flows.push_back(std::move(f));
  }
  return flows;
}

// The steps that single out flow `i` of ManyFlows (all but the last).
std::vector<FlowStep> PrefixOf(const std::vector<HandshakeFlow>& flows, size_t i) {
  const std::vector<FlowStep>& s = flows[i].steps;
  return std::vector<FlowStep>(s.begin(), s.end() - 1);
}

TEST(HandshakeTracker, HandlesMoreThanSixtyFourFlows) {
  const std::vector<HandshakeFlow> flows = ManyFlows(130);
  {
    HandshakeTracker t(&flows);
    EXPECT_EQ(t.Candidates().size(), 130u);
    ASSERT_TRUE(t.Advance(C(HT::kClientHello)));
    EXPECT_EQ(t.Candidates().size(), 130u);
    t.Learn(1u, true);  // odd flows only
    const std::vector<size_t> odd = t.Candidates();
    ASSERT_EQ(odd.size(), 65u);
    EXPECT_EQ(odd[32], 65u);
    EXPECT_EQ(odd.back(), 129u);
  }
  for (size_t target : {size_t{63}, size_t{64}, size_t{65}, size_t{100}, size_t{129}}) {
    HandshakeTracker t(&flows);
    for (const FlowStep& s : PrefixOf(flows, target)) ASSERT_TRUE(t.Advance(s)) << target;
    EXPECT_EQ(t.Candidates(), (std::vector<size_t>{target}));
    EXPECT_TRUE(t.IsLegal(C(HT::kFinished)));
    EXPECT_FALSE(t.IsLegal(S(HT::kCertificate)));
    t.Learn(1u, target % 2 == 0);  // contradicts the flow's flag: nothing is left
    EXPECT_TRUE(t.Candidates().empty());
    EXPECT_FALSE(t.Advance(C(HT::kFinished)));
  }
  HandshakeTracker t(&flows);
  for (const FlowStep& s : PrefixOf(flows, 64)) ASSERT_TRUE(t.Advance(s));
  ASSERT_TRUE(t.Advance(C(HT::kFinished)));
  EXPECT_TRUE(t.Complete());
}

}  // namespace
}  // namespace shakedown
