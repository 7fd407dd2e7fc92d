// The shakedown CLI's subcommands. Each Add*Command registers a subcommand and its options on
// the app and returns the function that runs it once the command line is parsed. Exit codes
// follow one rule so CI can use them: 0 success, 1 checks failed, 2 usage or input error.
#ifndef SHAKEDOWN_HARNESS_COMMAND_H_
#define SHAKEDOWN_HARNESS_COMMAND_H_

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace shakedown {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// A path inside the repository. The ./shakedown wrapper exports SHAKEDOWN_ROOT; without it
// paths are relative to the current directory.
std::string RepoPath(const std::string& relative);

Command AddKatCommand(CLI::App& app);
// `bench handshake`: handshakes per second, reference engine vs Botan, OpenSSL and the
// public-key floor (bench/handshake_bench.h).
Command AddBenchCommand(CLI::App& app);
// `serve`: the reference server on TCP for standard TLS clients (harness/serve_command.cc).
Command AddServeCommand(CLI::App& app);
// `connect`: the reference client against a TLS server (harness/connect_command.cc).
Command AddConnectCommand(CLI::App& app);
// `run`, `replay`, `list`: scenario vectors against a target (harness/run_command.cc).
Command AddRunCommand(CLI::App& app);
Command AddReplayCommand(CLI::App& app);
Command AddListCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_COMMAND_H_
