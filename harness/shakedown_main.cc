// The `shakedown` command line. Each subcommand is a thin layer over a harness library;
// exit codes follow one rule for CI: 0 success, 1 checks failed, 2 usage or input errors.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "harness/kat.h"

namespace shakedown {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Paths in help texts and defaults are relative to the repository, which the ./shakedown
// wrapper exports as SHAKEDOWN_ROOT; without it they are relative to the current directory.
std::string RepoPath(const std::string& relative) {
  const char* root = std::getenv("SHAKEDOWN_ROOT");
  return root && *root ? std::string(root) + "/" + relative : relative;
}

int RunKat(const std::vector<std::string>& files, bool verbose) {
  std::vector<std::string> paths = files;
  if (paths.empty()) {
    paths = {RepoPath("vectors/kat/prf_vectors.json"),
             RepoPath("vectors/kat/keyschedule_vectors.json")};
  }
  Result<KatReport> report = RunKatFiles(paths);
  if (!report.ok()) {
    std::cerr << "shakedown kat: " << report.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << FormatKatReport(*report, verbose);
  return report->failed() == 0 ? kExitOk : kExitFailed;
}

}  // namespace
}  // namespace shakedown

int main(int argc, char** argv) {
  CLI::App app{
      "shakedown: TLS 1.2 handshake conformance and fuzz testing.\n"
      "Exit codes: 0 all checks passed, 1 some check failed, 2 usage or input error."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every command");

  std::vector<std::string> kat_files;
  bool kat_verbose = false;
  CLI::App* kat = app.add_subcommand(
      "kat",
      "Check the engine's key schedule (TLS PRF, master secret, extended master secret, key "
      "block, Finished verify_data, record decryption) against published known-answer "
      "vectors. Prints one line per failure and per vector it cannot check, then "
      "'KAT: N passed, M failed'.");
  kat->add_option("files", kat_files,
                  "Vector files (JSON, the format of vectors/kat/). Default: "
                  "vectors/kat/prf_vectors.json and vectors/kat/keyschedule_vectors.json");
  kat->add_flag("-v,--verbose", kat_verbose, "Also print one line per passing check");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? shakedown::kExitOk : shakedown::kExitUsage;
  }

  if (kat->parsed()) return shakedown::RunKat(kat_files, kat_verbose);
  return shakedown::kExitUsage;
}
