// Known-answer tests for the engine's key schedule: reads vector files in the format of
// vectors/kat/*.json and checks each vector against engine/crypto (PRF, master secret,
// extended master secret, key block and its split, Finished verify_data and handshake hash,
// and, for a captured connection, its X25519 pre-master secret and the decryption of its
// Finished records), the RFC 7919 groups and the AES-CCM AEAD of the CCM suites (RFC 6655).
// `shakedown kat` prints FormatKatReport.
//
// Nothing is skipped silently: a vector the engine does not cover (SSLv3) is listed in
// not_covered with the reason, a check a vector names but the runner does not perform is
// listed in skipped_checks, and a vector with a missing or malformed field is a failed
// result naming the file, the vector id and the field.
#ifndef SHAKEDOWN_HARNESS_KAT_H_
#define SHAKEDOWN_HARNESS_KAT_H_

#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace shakedown {

struct KatResult {
  std::string file;    // the path as given
  std::string id;      // vector id ("#<index>" if the vector has none)
  std::string check;   // what was computed: "prf", "master_secret", "client_verify_data", ...
  bool passed = false;
  std::string detail;  // on failure: "expected X, got Y", or which field is missing/malformed
};

// A check a vector names that the runner does not perform; the vector's other checks run.
struct KatSkippedCheck {
  std::string file;
  std::string id;
  std::string check;
  std::string reason;
};

struct KatFileSummary {
  std::string file;
  int declared_count = 0;       // the file's "count", equal to its number of vectors
  int vectors_checked = 0;      // vectors with at least one result (passed or failed)
  int vectors_not_covered = 0;  // checked + not covered == declared_count
};

struct KatReport {
  std::vector<KatResult> results;
  std::vector<std::pair<std::string, std::string>> not_covered;  // (vector id, reason)
  std::vector<KatSkippedCheck> skipped_checks;
  std::vector<KatFileSummary> files;

  int passed() const;
  int failed() const;
};

// Runs every vector of every file, in order. A file that cannot be read, is not JSON, or
// lacks the top-level "count"/"vectors" (or whose count disagrees with its vectors) fails
// the whole run with a Status naming the path and the field; problems inside one vector are
// failed KatResults instead, so the other vectors still run.
Result<KatReport> RunKatFiles(const std::vector<std::string>& paths);
// RunKatFiles on every *.json file directly in `dir`, in name order.
Result<KatReport> RunKatDirectory(const std::string& dir);

// One line per failure ("FAIL <file> <id> <check>: <detail>"), per passing check if
// `verbose` ("PASS <file> <id> <check>"), per vector not covered ("SKIP <id>: <reason>") and
// per skipped check ("SKIP <id> <check>: <reason>"); then one summary line per file, the
// not-covered count, and last exactly "KAT: N passed, M failed". Ends with a newline.
std::string FormatKatReport(const KatReport& report, bool verbose = false);

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_KAT_H_
