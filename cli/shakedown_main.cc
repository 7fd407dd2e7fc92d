// The `shakedown` command line: one subcommand per job (see cli/command.h).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/bench_command.h"
#include "cli/command.h"
#include "cli/connect_command.h"
#include "cli/export_command.h"
#include "cli/fuzz_command.h"
#include "cli/kat_command.h"
#include "cli/list_command.h"
#include "cli/matrix_command.h"
#include "cli/minimize_command.h"
#include "cli/replay_command.h"
#include "cli/run_command.h"
#include "cli/run_setup.h"
#include "cli/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "shakedown: TLS 1.2 handshake conformance and fuzz testing.\n"
      "Exit codes: 0 all checks passed, 1 some check failed, 2 usage or input error.",
      "shakedown"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every command");

  std::vector<shakedown::Command> commands = {
      // In the order --help lists them: the main job first.
      shakedown::AddRunCommand(app),
      shakedown::AddMatrixCommand(app),
      shakedown::AddLedgerCommand(app),
      shakedown::AddTargetsCommand(app),
      shakedown::AddReplayCommand(app),
      shakedown::AddListCommand(app),
      shakedown::AddKatCommand(app),
      shakedown::AddServeCommand(app),
      shakedown::AddConnectCommand(app),
      shakedown::AddFuzzCommand(app),
      shakedown::AddMinimizeCommand(app),
      shakedown::AddExportCommand(app),
      shakedown::AddBenchCommand(app),
  };

  // The worker of an isolated run (`--isolate`): not for people, so not in --help.
  std::string worker_library;
  uint64_t worker_seed = 1;
  CLI::App* worker = app.add_subcommand("__library-worker", "");
  worker->group("");
  worker->add_option("library", worker_library)->required();
  worker->add_option("seed", worker_seed)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? shakedown::kExitOk : shakedown::kExitUsage;
  }
  if (worker->parsed()) return shakedown::RunLibraryWorker(worker_library, worker_seed);
  for (const shakedown::Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return shakedown::kExitUsage;
}
