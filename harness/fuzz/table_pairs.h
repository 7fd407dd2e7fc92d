// Coverage of the legal table as the scenario fuzzers' extra feedback: the (state, incoming
// message) pairs a target was driven through. A state is a node of the table's prefix tree
// (engine/state/handshake_graph.h); an incoming message is a step the peer sends. A pair is
// legal when the tree has that edge; the others are the out-of-order probes. Each pair has a
// counter index, so libFuzzer counts reaching a new pair as new coverage even when no new code
// edge is hit, and `shakedown fuzz` reports how many of the legal pairs the corpus reached.
#ifndef SHAKEDOWN_HARNESS_FUZZ_TABLE_PAIRS_H_
#define SHAKEDOWN_HARNESS_FUZZ_TABLE_PAIRS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/base/side.h"
#include "engine/state/handshake_graph.h"
#include "reports/results.h"

namespace shakedown {

class TablePairs {
 public:
  // Pairs of a target in `target_role` (the peer sends the other side's steps).
  explicit TablePairs(Side target_role, const HandshakeGraph& graph = HandshakeGraph::Tls12());

  // Counter indices run from 0 to size() - 1.
  size_t size() const { return graph_.nodes().size() * steps_.size(); }
  // The legal pairs: edges of the tree whose step the target receives.
  size_t legal_total() const { return legal_total_; }
  bool IsLegal(size_t index) const { return legal_[index]; }
  // "after S:server_hello_done <- C:certificate"
  std::string Describe(size_t index) const;

  // The pair indices a vector's transitions (VectorResult::transitions, one path per
  // connection, from the start) reached, in order, repeats included. After a step that leaves
  // the table the connection's later steps have no state and count no more.
  std::vector<size_t> Reached(const std::vector<Transition>& transitions) const;

 private:
  std::optional<size_t> StepIndex(const std::string& label) const;

  const HandshakeGraph& graph_;
  Side target_role_;
  std::vector<FlowStep> steps_;                            // every step the peer may send, by index
  std::unordered_map<std::string, size_t> step_of_label_;  // peer steps -> index
  std::unordered_map<std::string, FlowStep> any_step_;     // either side's steps by label
  std::vector<bool> legal_;
  size_t legal_total_ = 0;
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_TABLE_PAIRS_H_
