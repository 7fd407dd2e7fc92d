#include "harness/scenario/load_error.h"

namespace shakedown {

std::string LoadError::ToString() const {
  return file + (json_path.empty() ? "" : " at " + json_path) + ": " + reason;
}

}  // namespace shakedown
