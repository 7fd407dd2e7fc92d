#include "cli/command.h"

#include <cstdlib>

namespace shakedown {

std::string RepoPath(const std::string& relative) {
  const char* root = std::getenv("SHAKEDOWN_ROOT");
  if (root == nullptr || *root == '\0') return relative;
  return std::string(root) + "/" + relative;
}

}  // namespace shakedown
