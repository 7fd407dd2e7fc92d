#include "cli/command.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace shakedown {

std::string RepoPath(const std::string& relative) {
  const char* root = std::getenv("SHAKEDOWN_ROOT");
  if (root == nullptr || *root == '\0') return relative;
  return std::string(root) + "/" + relative;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::stringstream in(value);
    for (std::string item; std::getline(in, item, ',');) {
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

std::string CommandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string command = "./shakedown";
  size_t start = all.find('\0');  // skip argv[0], the bazel-bin path
  while (start != std::string::npos && start + 1 < all.size()) {
    size_t end = all.find('\0', start + 1);
    command += " " + all.substr(start + 1, end - start - 1);
    start = end;
  }
  return command;
}

}  // namespace shakedown
