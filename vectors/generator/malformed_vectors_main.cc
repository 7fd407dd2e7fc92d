// Writes the malformed-message conformance vectors (malformed_vectors.h) into a directory:
//   bazel run //vectors/generator:malformed_vectors -- --out $PWD/vectors/conformance/malformed
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vectors/generator/malformed_vectors.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Generates vectors/conformance/malformed/ from the message layouts "
      "(harness/scenario/message_shapes.h)."};
  std::string out;
  app.add_option("--out", out,
                 "Directory to write (vectors/conformance/malformed of the checkout)")
      ->required();
  CLI11_PARSE(app, argc, argv);

  shakedown::Result<shakedown::MalformedVectors> vectors = shakedown::GenerateMalformedVectors();
  if (!vectors.ok()) {
    std::cerr << "malformed_vectors: " << vectors.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> removed;
  shakedown::Status s = shakedown::WriteGeneratedFiles(vectors->files, out, &removed);
  if (!s.ok()) {
    std::cerr << "malformed_vectors: " << s.message() << "\n";
    return 1;
  }
  std::cout << vectors->summary << "wrote " << vectors->files.size() << " files to " << out;
  if (!removed.empty()) std::cout << "; removed " << removed.size() << " stale";
  std::cout << "\n";
  for (const std::string& name : removed) std::cout << "  removed " << name << "\n";
  return 0;
}
