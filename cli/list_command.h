// `shakedown list`: the vectors with their role, topic and references; files that do not
// load with the reason.
#ifndef SHAKEDOWN_CLI_LIST_COMMAND_H_
#define SHAKEDOWN_CLI_LIST_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"

namespace shakedown {

struct ListOptions {
  std::vector<std::string> paths;  // files or directories; empty: DefaultVectorPaths()
};

int RunList(const ListOptions& options);
Command AddListCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_LIST_COMMAND_H_
