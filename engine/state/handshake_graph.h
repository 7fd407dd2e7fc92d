// The flows of a handshake table merged into one prefix tree: a node per distinct point of
// the handshake (the steps seen so far), an edge per step, and the flows that are complete at
// each node. One API for everything that walks or draws the table: the connection names its
// state after the node it is at, and the reports draw the tree with a vector's path over it.
#ifndef SHAKEDOWN_ENGINE_STATE_HANDSHAKE_GRAPH_H_
#define SHAKEDOWN_ENGINE_STATE_HANDSHAKE_GRAPH_H_

#include <cstddef>
#include <string>
#include <vector>

#include "engine/state/handshake_table.h"

namespace shakedown {

class HandshakeGraph {
 public:
  static constexpr int kStart = 0;  // the node before any step
  static constexpr int kNone = -1;  // no node: the steps leave the table

  struct Edge {
    FlowStep step;
    int to;
  };
  struct Node {
    int parent = kNone;                // kNone for the start
    std::vector<Edge> next;            // one per distinct next step, in table order
    std::vector<size_t> flows_ending;  // flows complete here, by index into the table
    std::string name;                  // "start", "after S:server_hello_done"
  };

  // Over `flows`, which must outlive the graph.
  explicit HandshakeGraph(const std::vector<HandshakeFlow>* flows);
  // The graph of HandshakeFlows(), the TLS 1.2 table.
  static const HandshakeGraph& Tls12();

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<HandshakeFlow>& flows() const { return *flows_; }
  // The node `step` leads to from `node`, or kNone when no flow continues that way.
  int Child(int node, const FlowStep& step) const;
  // The node the steps lead to from the start, or kNone.
  int NodeAfter(const std::vector<FlowStep>& steps) const;
  // A Graphviz digraph: one node per point, one edge per step labelled "C: client_hello", the
  // flows that end at a node as its label.
  std::string ToDot() const;

 private:
  const std::vector<HandshakeFlow>* flows_;
  std::vector<Node> nodes_;
};

// HandshakeGraph::Tls12().ToDot(): the TLS 1.2 table as a picture (docs, tests).
std::string HandshakeTableDot();

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_STATE_HANDSHAKE_GRAPH_H_
