#include "harness/fuzz/table_pairs.h"

#include "engine/wire/registry.h"

namespace shakedown {

TablePairs::TablePairs(Side target_role, const HandshakeGraph& graph)
    : graph_(graph), target_role_(target_role) {
  const Side peer = Other(target_role);
  steps_.push_back(FlowStep::Ccs(peer));
  size_t count = 0;
  const RegistryEntry* types = RegistryEntries(Registry::kHandshakeType, &count);
  for (size_t i = 0; i < count; ++i) {
    steps_.push_back(FlowStep::Handshake(peer, static_cast<HandshakeType>(types[i].value)));
  }
  for (size_t i = 0; i < steps_.size(); ++i) {
    step_of_label_[steps_[i].ToString()] = i;
    any_step_.emplace(steps_[i].ToString(), steps_[i]);
    const FlowStep own = steps_[i].change_cipher_spec
                             ? FlowStep::Ccs(target_role)
                             : FlowStep::Handshake(target_role, steps_[i].type);
    any_step_.emplace(own.ToString(), own);
  }
  legal_.assign(size(), false);
  const auto& nodes = graph_.nodes();
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (const HandshakeGraph::Edge& e : nodes[n].next) {
      if (e.step.sender != peer) continue;
      if (std::optional<size_t> s = StepIndex(e.step.ToString())) {
        legal_[n * steps_.size() + *s] = true;
        ++legal_total_;
      }
    }
  }
}

std::optional<size_t> TablePairs::StepIndex(const std::string& label) const {
  auto it = step_of_label_.find(label);
  if (it == step_of_label_.end()) return std::nullopt;
  return it->second;
}

std::string TablePairs::Describe(size_t index) const {
  const size_t node = index / steps_.size();
  return graph_.nodes()[node].name + " <- " + steps_[index % steps_.size()].ToString();
}

std::vector<size_t> TablePairs::Reached(const std::vector<Transition>& transitions) const {
  std::vector<size_t> out;
  int node = HandshakeGraph::kStart;
  int connection = -1;
  for (const Transition& t : transitions) {
    if (t.connection != connection) {  // each connection walks from the start
      connection = t.connection;
      node = HandshakeGraph::kStart;
    }
    if (node == HandshakeGraph::kNone) continue;
    auto it = any_step_.find(t.label);
    if (it == any_step_.end()) {
      node = HandshakeGraph::kNone;
      continue;
    }
    const FlowStep& step = it->second;
    if (step.sender != target_role_) {
      out.push_back(static_cast<size_t>(node) * steps_.size() + step_of_label_.at(t.label));
    }
    node = graph_.Child(node, step);
  }
  return out;
}

}  // namespace shakedown
