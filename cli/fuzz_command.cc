#include "cli/fuzz_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace shakedown {

int RunFuzz(const FuzzOptions& options) {
  std::vector<std::string> args;
  if (options.bench) args.push_back("--bench");
  if (options.no_sanitizers) args.push_back("--no-sanitizers");
  for (const std::string& t : options.targets) args.push_back(t);
  args.insert(args.end(), {"--seconds", std::to_string(options.seconds)});
  if (!options.bench) args.insert(args.end(), {"--jobs", std::to_string(options.jobs)});
  if (!options.corpus.empty()) args.insert(args.end(), {"--corpus", options.corpus});
  if (!options.findings.empty()) args.insert(args.end(), {"--findings", options.findings});
  return RunRepoScript("tools/fuzz", args);
}

int RunRepoScript(const std::string& relative_path, std::vector<std::string> args) {
  const std::string script = RepoPath(relative_path);
  args.insert(args.begin(), script);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror(("shakedown: fork for " + script).c_str());
    return kExitUsage;
  }
  if (pid == 0) {
    execv(script.c_str(), argv.data());
    std::perror(("shakedown: " + script).c_str());
    _exit(kExitUsage);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return kExitUsage;
  return WIFEXITED(status) ? WEXITSTATUS(status) : kExitUsage;
}

Command AddFuzzCommand(CLI::App& app) {
  auto options = std::make_shared<FuzzOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fuzz",
      "Run the fuzzers: reference-server and reference-client (mutated scenarios against the "
      "reference engine, judged by the invariants, with table-pair coverage), mitm (reference "
      "client and server through a tampering man in the middle) or a byte-level target "
      "(record, handshake, extensions, connection, scenario-loader, report), or all; or "
      "differential-server, differential-client (each mutated scenario against the reference "
      "and every in-process library, a finding where a library goes on where the reference "
      "refuses, or the reverse; not in all); or a TLS library built instrumented from its "
      "Debian source (LIB-server, LIB-client for LIB mbedtls, wolfssl, openssl, gnutls, botan: "
      "tools/instrumented-libs builds it first; not in all). "
      "Builds the fuzz configuration, seeds from the conformance vectors, shows progress, and "
      "ends with every finding and the command that replays it. Exit codes: 0 no finding, 1 "
      "findings, 2 usage or build error.");
  cmd->add_option("targets", options->targets, "What to fuzz (or all)")->required();
  cmd->add_option("--seconds", options->seconds, "How long each target runs")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--jobs", options->jobs, "Parallel libFuzzer workers (fork mode)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--corpus", options->corpus, "Corpus directory (one target)");
  cmd->add_option("--findings", options->findings, "Where reproducers go (one target)");
  cmd->add_flag("--no-sanitizers", options->no_sanitizers,
                "Build without ASan/UBSan (--config=fuzz-fast, -O2): several times the inputs "
                "per second for long state-machine campaigns; memory bugs then show only as "
                "crashes. Only engine/ is coverage-instrumented there, so the scenario-loader "
                "and report targets (harness code) refuse it and `all` leaves them out");
  return {cmd, [options] { return RunFuzz(*options); }};
}

}  // namespace shakedown
