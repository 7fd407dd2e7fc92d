#include "harness/scenario/hints.h"

#include <algorithm>
#include <cstdint>

#include "harness/scenario/json_text.h"
#include "harness/scenario/scenario.h"

namespace shakedown {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string Suggest(std::string_view bad, const std::vector<std::string_view>& candidates) {
  if (bad.empty() || bad.size() > 64) return "";
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(bad, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  size_t limit = std::max<size_t>(2, bad.size() / 3);
  if (best_distance > limit || best_distance >= bad.size()) return "";
  return " (did you mean " + Quote(best) + "?)";
}

std::vector<std::string_view> RegistryNames(Registry registry) {
  size_t n = 0;
  const RegistryEntry* entries = RegistryEntries(registry, &n);
  std::vector<std::string_view> names;
  for (size_t i = 0; i < n; ++i) names.push_back(entries[i].name);
  return names;
}

std::vector<std::string_view> MessageNames() {
  std::vector<std::string_view> names;
  for (MessageName m : AllMessageNames()) names.push_back(MessageNameString(m));
  return names;
}

}  // namespace shakedown
