#include "engine/state/handshake_graph.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace shakedown {
namespace {

using HT = HandshakeType;
FlowStep C(HT t) { return FlowStep::Handshake(Side::kClient, t); }
FlowStep S(HT t) { return FlowStep::Handshake(Side::kServer, t); }

TEST(HandshakeGraph, EveryFlowIsOnePathEndingWhereItsStepsLead) {
  const HandshakeGraph& g = HandshakeGraph::Tls12();
  const auto& flows = HandshakeFlows();
  size_t ending = 0;
  for (size_t f = 0; f < flows.size(); ++f) {
    const int end = g.NodeAfter(flows[f].steps);
    ASSERT_NE(end, HandshakeGraph::kNone) << flows[f].name;
    const auto& names = g.nodes()[end].flows_ending;
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << flows[f].name;
    EXPECT_TRUE(g.nodes()[end].next.empty()) << "no TLS 1.2 flow is a prefix of another";
  }
  for (const auto& n : g.nodes()) ending += n.flows_ending.size();
  EXPECT_EQ(ending, flows.size());
}

TEST(HandshakeGraph, SharedPrefixesShareNodes) {
  const HandshakeGraph& g = HandshakeGraph::Tls12();
  // Every flow starts C:client_hello, S:server_hello: one node each, then the tree branches
  // into the full handshake (S:certificate) and the abbreviated ones (S:change_cipher_spec,
  // S:new_session_ticket).
  const int hello = g.NodeAfter({C(HT::kClientHello), S(HT::kServerHello)});
  ASSERT_EQ(hello, 2);
  EXPECT_EQ(g.nodes()[hello].next.size(), 3u);
  EXPECT_EQ(g.nodes()[hello].parent, 1);
  EXPECT_EQ(g.nodes()[HandshakeGraph::kStart].name, "start");
  EXPECT_EQ(g.nodes()[hello].name, "after S:server_hello");
  // Node count: one per distinct prefix.
  std::vector<std::vector<FlowStep>> prefixes;
  for (const HandshakeFlow& f : HandshakeFlows()) {
    for (size_t i = 1; i <= f.steps.size(); ++i) {
      std::vector<FlowStep> p(f.steps.begin(), f.steps.begin() + i);
      if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) prefixes.push_back(p);
    }
  }
  EXPECT_EQ(g.nodes().size(), prefixes.size() + 1);
}

TEST(HandshakeGraph, StepsOffTheTableLeadNowhere) {
  const HandshakeGraph& g = HandshakeGraph::Tls12();
  EXPECT_EQ(g.NodeAfter({S(HT::kServerHello)}), HandshakeGraph::kNone);
  EXPECT_EQ(g.NodeAfter({C(HT::kClientHello), C(HT::kClientHello), S(HT::kServerHello)}),
            HandshakeGraph::kNone);
  EXPECT_EQ(g.Child(HandshakeGraph::kNone, C(HT::kClientHello)), HandshakeGraph::kNone);
}

TEST(HandshakeTableDot, DrawsEveryStep) {
  std::string dot = HandshakeTableDot();
  EXPECT_EQ(dot.rfind("digraph tls12_handshake {", 0), 0u);
  EXPECT_NE(dot.find("n0 -> n1 [label=\"C: client_hello\"]"), std::string::npos);
  EXPECT_NE(dot.find("S: server_key_exchange"), std::string::npos);
  EXPECT_NE(dot.find("C: change_cipher_spec"), std::string::npos);
  EXPECT_NE(dot.find("abbreviated, ticket"), std::string::npos);
  EXPECT_EQ(std::count(dot.begin(), dot.end(), '{'), std::count(dot.begin(), dot.end(), '}'));
  // One edge per node but the start.
  EXPECT_EQ(static_cast<size_t>(std::count(dot.begin(), dot.end(), '>')),
            HandshakeGraph::Tls12().nodes().size() - 1);
}

}  // namespace
}  // namespace shakedown
