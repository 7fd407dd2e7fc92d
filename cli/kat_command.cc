#include "cli/kat_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/kat.h"

namespace shakedown {

int RunKat(const KatOptions& options) {
  std::vector<std::string> paths = options.files;
  if (paths.empty()) {
    paths = {RepoPath("vectors/kat/prf_vectors.json"),
             RepoPath("vectors/kat/keyschedule_vectors.json"),
             RepoPath("vectors/kat/ffdhe_groups.json"), RepoPath("vectors/kat/ccm_vectors.json"),
             RepoPath("vectors/kat/ecdh_vectors.json")};
  }
  Result<KatReport> report = RunKatFiles(paths);
  if (!report.ok()) {
    std::cerr << "shakedown kat: " << report.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << FormatKatReport(*report, options.verbose);
  return report->failed() == 0 ? kExitOk : kExitFailed;
}

Command AddKatCommand(CLI::App& app) {
  auto options = std::make_shared<KatOptions>();
  CLI::App* kat = app.add_subcommand(
      "kat",
      "Check the engine's key schedule (TLS PRF, master secret, extended master secret, key "
      "block, Finished verify_data, record decryption), its RFC 7919 DH groups, its AES-CCM "
      "record cipher and its ECDHE on the NIST curves against published known-answer vectors. Prints one line per failure and per "
      "vector it cannot check, then "
      "'KAT: N passed, M failed'.");
  kat->add_option("files", options->files,
                  "Vector files (JSON, the format of vectors/kat/). Default: "
                  "vectors/kat/prf_vectors.json, vectors/kat/keyschedule_vectors.json, "
                  "vectors/kat/ffdhe_groups.json, vectors/kat/ccm_vectors.json and "
                  "vectors/kat/ecdh_vectors.json");
  kat->add_flag("-v,--verbose", options->verbose, "Also print one line per passing check");
  return {kat, [options] { return RunKat(*options); }};
}

}  // namespace shakedown
