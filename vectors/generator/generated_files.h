// What a vector generator writes: files of one directory, replaced as a whole.
#ifndef SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_
#define SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "harness/scenario/scenario.h"

namespace shakedown {

struct GeneratedFile {
  std::string name;     // "server-full-ecdhe-after-server-hello-done-finished.json", "README.md"
  std::string content;  // canonical JSON (SerializeScenarioJson) or the README's markdown
};

// Writes `files` into `dir` (created if missing) and deletes every other *.json and README.md
// there, so a vector the generator no longer yields does not linger. `removed` (may be null)
// receives the names deleted.
Status WriteGeneratedFiles(const std::vector<GeneratedFile>& files, const std::string& dir,
                           std::vector<std::string>* removed);

// name -> content of every *.json and README.md in `dir` (for the staleness tests).
std::vector<GeneratedFile> ReadGeneratedFiles(const std::string& dir);

// Adds `s` to `files` as "<role>-<rest of the id, dots as dashes>.json" (the id's topic left
// out), checked to load back unchanged from `dir`; an id already in `ids` is an error.
Status AddGeneratedVector(const Scenario& s, const std::string& dir,
                          std::vector<GeneratedFile>* files, std::set<std::string>* ids);

// The whole of a generator's main(): `--out DIR`, then `generate` (files and a summary for the
// console), written with WriteGeneratedFiles. `about` is the --help text, `dir` the directory
// of the checkout the files belong in.
struct Generated {
  std::vector<GeneratedFile> files;
  std::string summary;
};
int GeneratorMain(int argc, char** argv, const std::string& name, const std::string& about,
                  const std::string& dir, const std::function<Result<Generated>()>& generate);

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_
