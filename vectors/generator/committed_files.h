// For the generators' tests: what is committed under a directory is exactly what a generator
// writes. Each difference is a test failure naming the file and the command that regenerates
// the directory. Test-only.
#ifndef SHAKEDOWN_VECTORS_GENERATOR_COMMITTED_FILES_H_
#define SHAKEDOWN_VECTORS_GENERATOR_COMMITTED_FILES_H_

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "vectors/generator/generated_files.h"

namespace shakedown {

inline void ExpectCommittedFilesAre(const std::vector<GeneratedFile>& generated,
                                    const std::string& dir, const std::string& regenerate) {
  const std::string how_to_fix =
      "\nThe committed vectors differ from the generator's output. Regenerate them with\n  " +
      regenerate + "\nand commit the result.";
  std::map<std::string, std::string> fresh, committed;
  for (const GeneratedFile& f : generated) fresh[f.name] = f.content;
  for (const GeneratedFile& f : ReadGeneratedFiles(dir)) committed[f.name] = f.content;
  ASSERT_FALSE(fresh.empty());
  for (const auto& [name, content] : fresh) {
    auto it = committed.find(name);
    if (it == committed.end()) {
      ADD_FAILURE() << "missing from " << dir << ": " << name << how_to_fix;
    } else if (it->second != content) {
      ADD_FAILURE() << "differs: " << dir << "/" << name << how_to_fix;
    }
  }
  for (const auto& [name, content] : committed) {
    if (fresh.count(name) == 0) {
      ADD_FAILURE() << "no longer generated: " << dir << "/" << name << how_to_fix;
    }
  }
}

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_COMMITTED_FILES_H_
