// What a vector generator writes: files of one directory, replaced as a whole.
#ifndef SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_
#define SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_

#include <string>
#include <vector>

#include "engine/base/status.h"

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

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_GENERATED_FILES_H_
