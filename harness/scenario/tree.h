// Loading a tree of vector files: every file under the given paths gives one entry, loaded
// or failed, and ids are unique across the whole load.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_TREE_H_
#define SHAKEDOWN_HARNESS_SCENARIO_TREE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/load_error.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

// One file of a tree: exactly one of `scenario` and `error` is set.
struct LoadedVector {
  std::string file;
  std::optional<Scenario> scenario;
  std::optional<LoadError> error;

  bool ok() const { return scenario.has_value(); }
};

struct TreeLoad {
  std::vector<LoadedVector> vectors;  // sorted by path

  size_t loaded() const;
  size_t failed() const;
};

// Each path is a vector file or a directory walked recursively for *.json (except
// *.schema.json). Every file gives one entry, in sorted path order, whatever happens to it: a
// missing path, a directory without vectors, an unreadable or invalid file and an id that an
// earlier file already used are all errors in the list.
TreeLoad LoadScenarioTree(const std::vector<std::string>& paths);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_TREE_H_
