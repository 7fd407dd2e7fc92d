#include "engine/state/handshake_graph.h"

namespace shakedown {

HandshakeGraph::HandshakeGraph(const std::vector<HandshakeFlow>* flows) : flows_(flows) {
  nodes_.emplace_back();
  nodes_[kStart].name = "start";
  for (size_t f = 0; f < flows_->size(); ++f) {
    int node = kStart;
    for (const FlowStep& step : (*flows_)[f].steps) {
      int child = Child(node, step);
      if (child == kNone) {
        child = static_cast<int>(nodes_.size());
        nodes_[node].next.push_back({step, child});
        Node added;
        added.parent = node;
        added.name = "after " + step.ToString();
        nodes_.push_back(std::move(added));
      }
      node = child;
    }
    nodes_[node].flows_ending.push_back(f);
  }
}

const HandshakeGraph& HandshakeGraph::Tls12() {
  static const HandshakeGraph* graph = new HandshakeGraph(&HandshakeFlows());
  return *graph;
}

int HandshakeGraph::Child(int node, const FlowStep& step) const {
  if (node == kNone) return kNone;
  for (const Edge& e : nodes_[node].next) {
    if (e.step == step) return e.to;
  }
  return kNone;
}

int HandshakeGraph::NodeAfter(const std::vector<FlowStep>& steps) const {
  int node = kStart;
  for (const FlowStep& step : steps) node = Child(node, step);
  return node;
}

std::string HandshakeGraph::ToDot() const {
  std::string dot =
      "digraph tls12_handshake {\n  rankdir=TB;\n  node [shape=circle, label=\"\", width=0.2];\n";
  dot += "  n0 [shape=box, label=\"start\", width=0.5];\n";
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].flows_ending.empty()) continue;
    std::string label;
    for (size_t f : nodes_[i].flows_ending) {
      label += (label.empty() ? "" : "\\n") + (*flows_)[f].name;
    }
    dot += "  n" + std::to_string(i) + " [shape=doublecircle, width=0.3, xlabel=\"" + label +
           "\"];\n";
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const Edge& e : nodes_[i].next) {
      std::string text = e.step.ToString();
      text.replace(1, 1, ": ");
      dot += "  n" + std::to_string(i) + " -> n" + std::to_string(e.to) + " [label=\"" + text +
             "\"];\n";
    }
  }
  dot += "}\n";
  return dot;
}

std::string HandshakeTableDot() { return HandshakeGraph::Tls12().ToDot(); }

}  // namespace shakedown
