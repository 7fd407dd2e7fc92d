// The `mitm` fuzz target: a reference client and a reference server (engine/connection, in
// process, deterministic RNGs, a fixed clock) talking to each other through a man in the
// middle that applies the input's tampering operations to the records and handshake messages
// in flight (harness/fuzz/mitm_input.h). Neither side has a fuzzing mode: every MAC,
// signature and Finished check is on, and the MITM has no keys.
//
// One run: the client starts; the MITM takes what each side produced, cuts it into records,
// applies the operations addressed to each record (or to each plaintext handshake message)
// and delivers the result to the other side in the input's chunking; this repeats until
// neither side produces anything (quiescence; records held back by a swap or coalesce are
// then released). Then the application phase: each side that completed sends its fixed
// message (mitm_oracle.h) and the pumping repeats. With `resume`, a second connection offers
// the first one's session (session id through the server's cache, or the ticket). Each
// connection is judged by JudgeMitmConnection (the rules and their RFC grounds are in
// mitm_oracle.h).
//
// Bounds per input: kMitmMaxOps operations of at most kMitmMaxPayload payload bytes, 64 pump
// rounds per phase, 256 KiB delivered per direction.
#ifndef SHAKEDOWN_HARNESS_FUZZ_MITM_FUZZ_TARGET_H_
#define SHAKEDOWN_HARNESS_FUZZ_MITM_FUZZ_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/status.h"
#include "engine/connection/connection.h"
#include "engine/connection/shared_context.h"
#include "engine/crypto/pki.h"
#include "harness/fuzz/mitm_input.h"
#include "harness/fuzz/mitm_oracle.h"

namespace shakedown {

struct MitmRunResult {
  MitmInput input;
  std::vector<MitmConnectionRecord> connections;
  std::vector<MitmFinding> findings;  // empty: no invariant broken
  size_t ops_applied = 0;             // operations that met their record or message
  // Per connection: each side's end state (completed, alerts, resumed) and whether the MITM
  // changed anything; then the findings. For findings and replays.
  std::string summary;
};

class MitmFuzzTarget {
 public:
  // Builds the test PKI (from `seed`) and the shared contexts once; each run reuses them.
  static Result<std::unique_ptr<MitmFuzzTarget>> Create(uint64_t seed = 42);

  // Never crashes on any input.
  MitmRunResult RunInput(ByteView data) { return Run(DecodeMitmInput(data)); }
  MitmRunResult Run(const MitmInput& input);

  // The configurations both sides get for `config` (tests use them).
  Config ClientConfig(const MitmConfig& config) const;
  Config ServerConfig(const MitmConfig& config) const;

 private:
  MitmFuzzTarget() = default;

  uint64_t seed_ = 42;
  TestPki pki_;
  std::shared_ptr<SharedContext> server_context_;
  std::shared_ptr<SharedContext> client_context_;          // with client certificates
  std::shared_ptr<SharedContext> client_context_no_cert_;  // without
};

}  // namespace shakedown

#endif  // SHAKEDOWN_HARNESS_FUZZ_MITM_FUZZ_TARGET_H_
