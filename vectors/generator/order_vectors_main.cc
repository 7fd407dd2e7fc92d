// Writes the out-of-order conformance vectors (order_vectors.h) into a directory:
//   bazel run //vectors/generator:order_vectors -- --out $PWD/vectors/conformance/order
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vectors/generator/order_vectors.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Generates vectors/conformance/order/ from the engine's legal-order table "
      "(engine/state/handshake_table.h)."};
  std::string out;
  app.add_option("--out", out, "Directory to write (vectors/conformance/order of the checkout)")
      ->required();
  CLI11_PARSE(app, argc, argv);

  shakedown::Result<shakedown::OrderVectors> vectors = shakedown::GenerateOrderVectors();
  if (!vectors.ok()) {
    std::cerr << "order_vectors: " << vectors.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> removed;
  shakedown::Status s = shakedown::WriteOrderVectors(*vectors, out, &removed);
  if (!s.ok()) {
    std::cerr << "order_vectors: " << s.message() << "\n";
    return 1;
  }
  std::cout << vectors->summary;
  std::cout << "wrote " << vectors->files.size() << " files to " << out;
  if (!removed.empty()) std::cout << "; removed " << removed.size() << " stale";
  std::cout << "\n";
  for (const std::string& name : removed) std::cout << "  removed " << name << "\n";
  return 0;
}
