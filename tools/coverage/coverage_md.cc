// Writes docs/COVERAGE.md: which vectors cite each checklist row, attack and RFC section
// (coverage.h), from the vectors, vectors/reference/ and docs/coverage_exclusions.json.
//   bazel run //tools/coverage:coverage_md -- --out docs/COVERAGE.md
// Under `bazel run` relative paths are taken from the workspace root
// (BUILD_WORKSPACE_DIRECTORY), else from the current directory.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "harness/scenario/loader.h"
#include "tools/coverage/coverage.h"
#include "tools/coverage/mutant_evidence.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Writes the requirement-coverage report (docs/COVERAGE.md) from the refs of the "
      "conformance vectors, the checklist and attack catalogue in vectors/reference/ "
      "and docs/coverage_exclusions.json."};
  std::string vectors = "vectors/conformance";
  std::string checklist = "vectors/reference/rfc_checklist.md";
  std::string attacks = "vectors/reference/attacks.md";
  std::string data = "docs/coverage_exclusions.json";
  std::string mutants = "bench/mutants";
  std::string out;
  app.add_option("--vectors", vectors, "The vector tree")->capture_default_str();
  app.add_option("--checklist", checklist, "The requirement checklist")->capture_default_str();
  app.add_option("--attacks", attacks, "The attack catalogue")->capture_default_str();
  app.add_option("--data", data, "Names and not-covered reasons")->capture_default_str();
  app.add_option("--mutants", mutants, "The seeded bugs and their evidence.json")
      ->capture_default_str();
  app.add_option("--out", out, "The report to write (default: standard output)");
  CLI11_PARSE(app, argc, argv);

  // Relative paths, the vectors' file names and their topics read as in the repository.
  if (const char* root = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    std::error_code ec;
    std::filesystem::current_path(root, ec);
    if (ec) {
      std::cerr << "coverage_md: cannot enter " << root << ": " << ec.message() << "\n";
      return 2;
    }
  }
  std::map<std::string, std::string> text;  // path -> contents
  for (const std::string* path : {&checklist, &attacks, &data}) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) {
      std::cerr << "coverage_md: cannot read " << *path << "\n";
      return 2;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    text[*path] = contents.str();
  }
  shakedown::Result<shakedown::Reference> reference =
      shakedown::ParseReference(text[checklist], text[attacks]);
  if (!reference.ok()) {
    std::cerr << "coverage_md: " << reference.status().message() << "\n";
    return 2;
  }
  shakedown::Result<shakedown::CoverageData> parsed =
      shakedown::ParseCoverageData(text[data], *reference);
  if (!parsed.ok()) {
    std::cerr << "coverage_md: " << data << ": " << parsed.status().message() << "\n";
    return 2;
  }
  shakedown::TreeLoad load = shakedown::LoadScenarioTree({vectors});
  shakedown::Result<std::string> report = shakedown::CoverageMarkdown(load, *reference, *parsed);
  if (!report.ok()) {
    std::cerr << "coverage_md: " << report.status().message() << "\n";
    return 1;
  }
  shakedown::Result<shakedown::MutantData> seeded = shakedown::ReadMutantData(mutants);
  if (!seeded.ok()) {
    std::cerr << "coverage_md: " << seeded.status().message() << "\n";
    return 2;
  }
  *report += "\n" + shakedown::MutantProofMarkdown(
                        seeded->mutants,
                        shakedown::RowProofs(seeded->mutants, seeded->evidence, load));
  if (out.empty()) {
    std::cout << *report;
    return 0;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << *report;
  if (!file) {
    std::cerr << "coverage_md: cannot write " << out << "\n";
    return 2;
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}
