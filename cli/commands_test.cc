// The commands' Run functions work without a command line, and the CLI11 wiring rejects what
// the options struct cannot hold.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/kat_command.h"
#include "cli/list_command.h"
#include "cli/serve_command.h"

namespace shakedown {
namespace {

TEST(RunFunctionsTest, MissingInputIsAUsageError) {
  ListOptions list;
  list.paths = {"/nonexistent/shakedown-vectors/x.json"};
  EXPECT_EQ(RunList(list), kExitUsage);
  KatOptions kat;
  kat.files = {"/nonexistent/shakedown-kat.json"};
  EXPECT_EQ(RunKat(kat), kExitUsage);
  // --sni needs NAME=CERT,KEY and readable files: a usage error before anything is served.
  for (const char* spec : {"other.example", "=c.pem,k.pem", "other.example=c.pem",
                           "other.example=,k.pem", "other.example=/nonexistent/c.pem,/n/k.pem"}) {
    ServeOptions serve;
    serve.port = 0;
    serve.sni = {spec};
    EXPECT_EQ(RunServe(serve), kExitUsage) << spec;
  }
}

// Parses `args` (after the program name) with the serve command registered.
void ParseServe(std::vector<std::string> args) {
  CLI::App app{"test", "shakedown"};
  Command serve = AddServeCommand(app);
  (void)serve;
  args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  app.parse(args);
}

TEST(ServeWiringTest, ClientAuthTakesTheEngineModesOnly) {
  for (const char* mode : {"none", "optional", "required"}) {
    EXPECT_NO_THROW(ParseServe({"--client-auth", mode})) << mode;
  }
  EXPECT_THROW(ParseServe({"--client-auth", "sometimes"}), CLI::ValidationError);
  EXPECT_THROW(ParseServe({"--client-auth", "1"}), CLI::ValidationError);
  EXPECT_THROW(ParseServe({"--port", "http"}), CLI::ParseError);
}

TEST(ServeWiringTest, WorkersMustBeInRange) {
  EXPECT_NO_THROW(ParseServe({"--workers", "1"}));
  EXPECT_NO_THROW(ParseServe({"--workers", std::to_string(kMaxServerWorkers)}));
  EXPECT_THROW(ParseServe({"--workers", "0"}), CLI::ValidationError);
  EXPECT_THROW(ParseServe({"--workers", "-2"}), CLI::ValidationError);
  EXPECT_THROW(ParseServe({"--workers", std::to_string(kMaxServerWorkers + 1)}),
               CLI::ValidationError);
  EXPECT_THROW(ParseServe({"--workers", "many"}), CLI::ParseError);
}

TEST(RepoPathTest, IsUnderShakedownRoot) {
  setenv("SHAKEDOWN_ROOT", "/repo", 1);
  EXPECT_EQ(RepoPath("vectors/kat"), "/repo/vectors/kat");
  unsetenv("SHAKEDOWN_ROOT");
  EXPECT_EQ(RepoPath("vectors/kat"), "vectors/kat");
}

}  // namespace
}  // namespace shakedown
