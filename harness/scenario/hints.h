// "Did you mean" hints for misspelt keys, names and values: the closest candidate by edit
// distance, offered only when it is close enough to be a typo.
#ifndef SHAKEDOWN_HARNESS_SCENARIO_HINTS_H_
#define SHAKEDOWN_HARNESS_SCENARIO_HINTS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/wire/registry.h"

namespace shakedown {

// Levenshtein distance, case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// " (did you mean "X"?)" for the closest candidate, if it is close enough to be a typo
// (at most a third of `bad`, and at least 2, edits away); "" otherwise.
std::string Suggest(std::string_view bad, const std::vector<std::string_view>& candidates);

// Candidate lists: a registry's IANA names; the message names of scenario.h.
std::vector<std::string_view> RegistryNames(Registry registry);
std::vector<std::string_view> MessageNames();

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_SCENARIO_HINTS_H_
