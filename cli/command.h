// What every `shakedown` subcommand shares. A command is an options struct, a
// `Run*(const Options&)` function that does the work (in its own header, callable without a
// command line), and an `Add*Command` that only registers the options with CLI11 and fills
// the struct. Exit codes follow one rule so CI can use them: 0 success, 1 checks failed, 2
// usage or input error.
#ifndef SHAKEDOWN_CLI_COMMAND_H_
#define SHAKEDOWN_CLI_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace shakedown {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// A registered subcommand and what runs it once the command line is parsed.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// A path inside the repository. The ./shakedown wrapper exports SHAKEDOWN_ROOT; without it
// paths are relative to the current directory.
std::string RepoPath(const std::string& relative);

// "a,b" "c" -> a, b, c: list options given comma-separated, repeated, or both.
std::vector<std::string> SplitCommas(const std::vector<std::string>& values);

// The command line as typed, "./shakedown ..." (from /proc/self/cmdline, argv[0] left out):
// for reports that say how they were made.
std::string CommandLine();

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_COMMAND_H_
