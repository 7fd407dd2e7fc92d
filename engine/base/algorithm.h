// Small container helpers every layer uses (one definition instead of one per file).
#ifndef SHAKEDOWN_ENGINE_BASE_ALGORITHM_H_
#define SHAKEDOWN_ENGINE_BASE_ALGORITHM_H_

#include <algorithm>
#include <vector>

namespace shakedown {

template <typename T, typename U>
bool Contains(const std::vector<T>& list, const U& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace shakedown

#endif  // SHAKEDOWN_ENGINE_BASE_ALGORITHM_H_
