// Writes the seed corpus of the scenario fuzzers: every conformance vector whose target role
// matches, in the fuzz input encoding (canonical CBOR), one file per vector named by its id.
//   seed_corpus --role server|client|any --out DIR PATH...
// A vector that does not load is an error (exit 1): the corpus is never silently smaller.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/scenario/loader.h"

int main(int argc, char** argv) {
  using namespace shakedown;
  std::string role = "any", out;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--role" && i + 1 < argc) {
      role = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      paths.push_back(arg);
    }
  }
  if (out.empty() || paths.empty() || (role != "any" && role != "server" && role != "client")) {
    std::fprintf(stderr, "usage: seed_corpus [--role server|client|any] --out DIR PATH...\n");
    return 2;
  }
  std::filesystem::create_directories(out);
  const TreeLoad tree = LoadScenarioTree(paths);
  int written = 0, errors = 0;
  for (const LoadedVector& v : tree.vectors) {
    if (!v.ok()) {
      std::fprintf(stderr, "%s\n", v.error->ToString().c_str());
      ++errors;
      continue;
    }
    if (role != "any" && role != SideName(v.scenario->role)) continue;
    const Bytes cbor = SerializeScenarioCbor(*v.scenario);
    std::ofstream file(out + "/" + v.scenario->id + ".cbor", std::ios::binary);
    file.write(reinterpret_cast<const char*>(cbor.data()),
               static_cast<std::streamsize>(cbor.size()));
    if (!file) {
      std::fprintf(stderr, "%s/%s.cbor: cannot write\n", out.c_str(), v.scenario->id.c_str());
      ++errors;
      continue;
    }
    ++written;
  }
  std::fprintf(stderr, "seed_corpus: %d seeds (role %s) in %s, %d errors\n", written, role.c_str(),
               out.c_str(), errors);
  return errors == 0 && written > 0 ? 0 : 1;
}
