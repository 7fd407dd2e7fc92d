#include "cli/list_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/run_setup.h"
#include "harness/scenario/loader.h"
#include "reports/text_util.h"

namespace shakedown {

int RunList(const ListOptions& options) {
  std::vector<std::string> p = options.paths;
  if (p.empty()) p = DefaultVectorPaths();
  TreeLoad load = LoadScenarioTree(p);
  for (const LoadedVector& v : load.vectors) {
    if (!v.ok()) {
      std::cout << "ERROR  " << TerminalText(v.error ? v.error->ToString() : v.file, 4000)
                << "\n";
      continue;
    }
    const Scenario& s = *v.scenario;
    std::string refs;
    for (const std::string& r : s.refs) refs += (refs.empty() ? "" : ", ") + r;
    std::cout << TerminalText(s.id, 200) << "  "
              << (s.role == Side::kServer ? "server" : "client") << "  "
              << TerminalText(s.topic, 80) << "  " << TerminalText(refs, 1000) << "\n";
  }
  std::cout << load.loaded() << " vectors";
  if (load.failed() > 0) std::cout << ", " << load.failed() << " do not load";
  std::cout << "\n";
  return load.failed() > 0 ? kExitUsage : kExitOk;
}

Command AddListCommand(CLI::App& app) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List vectors: id, target role, topic and references, one line each; files that do not "
      "load are listed with the reason. Exit codes: 0 all load, 2 some do not.");
  cmd->add_option("paths", options->paths,
                  "Vector files or directories. Default: vectors/conformance and "
                  "vectors/regressions (exported fuzz findings; left out when empty)");
  return {cmd, [options] { return RunList(*options); }};
}

}  // namespace shakedown
