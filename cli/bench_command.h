// `shakedown bench handshake`: handshakes per second, reference engine vs Botan, OpenSSL and
// the public-key floor (bench/handshake_bench.h). The only command that links //bench.
#ifndef SHAKEDOWN_CLI_BENCH_COMMAND_H_
#define SHAKEDOWN_CLI_BENCH_COMMAND_H_

#include <string>
#include <vector>

#include "cli/command.h"

namespace shakedown {

struct BenchOptions {
  double seconds = 3.0;  // CPU seconds per measurement, split over the rounds
  int rounds = 3;
  // Comma-separated lists, as typed: stacks, suites (short names) and modes.
  std::vector<std::string> stacks = {"reference,botan,openssl,floor"};
  std::vector<std::string> suites = {"ecdhe_rsa,rsa,dhe_rsa,ecdhe_ecdsa"};
  std::vector<std::string> modes = {"full,resumed"};
  std::string json;  // also write the results as JSON here
};

int RunBench(const BenchOptions& options);
Command AddBenchCommand(CLI::App& app);

}  // namespace shakedown

#endif  // SHAKEDOWN_CLI_BENCH_COMMAND_H_
