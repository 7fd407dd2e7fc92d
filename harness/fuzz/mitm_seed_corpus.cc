// Writes the `mitm` fuzzer's seed corpus (MitmSeedInputs: every suite set, client-auth mode,
// tickets, EMS and resumption with no tampering, then one operation of each kind), one file
// per input named seed-NNNN, in the input encoding of harness/fuzz/mitm_input.h.
//   mitm_seed_corpus --out DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/fuzz/mitm_input.h"

int main(int argc, char** argv) {
  using namespace shakedown;
  if (argc != 3 || std::string(argv[1]) != "--out") {
    std::fprintf(stderr, "usage: mitm_seed_corpus --out DIR\n");
    return 2;
  }
  const std::filesystem::path out = argv[2];
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) {
    std::fprintf(stderr, "mitm_seed_corpus: %s: %s\n", out.c_str(), error.message().c_str());
    return 2;
  }
  const std::vector<MitmInput> seeds = MitmSeedInputs();
  for (size_t i = 0; i < seeds.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "seed-%04zu", i);
    const Bytes bytes = EncodeMitmInput(seeds[i]);
    std::ofstream file(out / name, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!file) {
      std::fprintf(stderr, "mitm_seed_corpus: cannot write %s\n", (out / name).c_str());
      return 2;
    }
  }
  std::printf("%zu mitm seeds written to %s\n", seeds.size(), out.c_str());
  return 0;
}
