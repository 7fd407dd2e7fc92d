// Writes bench/mutants/evidence.json from a tools/mutants results file: per seeded bug, the
// fingerprint of its patch and the vectors that failed on it (mutant_evidence.h). Checks the
// result at once, as //tools/coverage:coverage_honesty_test will.
//   tools/mutants && bazel run //tools/coverage:mutant_evidence -- \
//     --results $PWD/out/mutants/results.json --out $PWD/bench/mutants/evidence.json
// Under `bazel run` relative paths are taken from the workspace root.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"
#include "tools/coverage/mutant_evidence.h"

namespace {

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = in.good();
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes bench/mutants/evidence.json (which vectors fail on each seeded bug) from "
      "a tools/mutants results file, and checks it against COVERAGE's citations."};
  std::string results = "out/mutants/results.json";
  std::string mutants_dir = "bench/mutants";
  std::string out;
  app.add_option("--results", results, "tools/mutants' results file")->capture_default_str();
  app.add_option("--mutants", mutants_dir, "The patches")->capture_default_str();
  app.add_option("--out", out, "The evidence file to write (default: standard output)");
  CLI11_PARSE(app, argc, argv);
  if (const char* root = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    std::error_code ec;
    std::filesystem::current_path(root, ec);
  }

  std::vector<std::string> patches;
  for (const auto& entry : std::filesystem::directory_iterator(mutants_dir)) {
    if (entry.path().extension() == ".patch") patches.push_back(entry.path().string());
  }
  std::sort(patches.begin(), patches.end());
  std::vector<shakedown::MutantHeader> headers;
  for (const std::string& p : patches) {
    bool ok = false;
    std::string text = ReadFile(p, &ok);
    auto h = shakedown::ParseMutantHeader(std::filesystem::path(p).stem().string(), text);
    if (!ok || !h.ok()) {
      std::cerr << "mutant_evidence: " << (ok ? h.status().message() : "cannot read " + p) << "\n";
      return 1;
    }
    headers.push_back(*h);
  }
  bool ok = false;
  const std::string results_text = ReadFile(results, &ok);
  if (!ok) {
    std::cerr << "mutant_evidence: cannot read " << results << " (run tools/mutants first)\n";
    return 1;
  }
  auto evidence = shakedown::EvidenceFromResults(results_text, headers);
  if (!evidence.ok()) {
    std::cerr << "mutant_evidence: " << results << ": " << evidence.status().message() << "\n";
    return 1;
  }
  nlohmann::json doc = nlohmann::json::parse(results_text, nullptr, false);
  const std::string json =
      shakedown::EvidenceJson(doc.is_object() ? doc.value("commit", "") : "", *evidence);
  shakedown::TreeLoad vectors =
      shakedown::LoadScenarioTree({"vectors/conformance", "vectors/regressions"});
  int status = 0;
  for (const std::string& problem : shakedown::CheckHonesty(headers, *evidence, vectors)) {
    std::cerr << "mutant_evidence: " << problem << "\n";
    status = 1;
  }
  if (out.empty()) {
    std::cout << json;
  } else {
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << json;
    if (!f) {
      std::cerr << "mutant_evidence: cannot write " << out << "\n";
      return 1;
    }
    std::cout << "wrote " << out << " (" << evidence->size() << " mutants)\n";
  }
  return status;
}
