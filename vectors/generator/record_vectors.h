// Record-protection conformance vectors, generated from the cipher suite table
// (engine/wire/registry.h): for every suite the engine negotiates, in both roles, and for the
// bytes of a protected record that each protection mechanism covers (a CBC record's IV, a block
// of its ciphertext, its last byte; an AEAD record's explicit nonce, its ciphertext, its tag),
// a vector that completes the key exchange, flips one bit of that byte in the peer's first
// protected record (its Finished) or in the first application data record after the handshake,
// and expects the one alert RFC 5246 names: bad_record_mac (6.2.3.2, 6.2.3.3; checklist 8, 10).
//
// The files live in vectors/conformance/record-protection/ and are regenerated with
//   bazel run //vectors/generator:record_vectors -- --out $PWD/vectors/conformance/record-protection
#ifndef SHAKEDOWN_VECTORS_GENERATOR_RECORD_VECTORS_H_
#define SHAKEDOWN_VECTORS_GENERATOR_RECORD_VECTORS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "vectors/generator/generated_files.h"

namespace shakedown {

struct RecordVectors {
  std::vector<GeneratedFile> files;  // sorted by name; README.md among them
  std::string summary;
};

Result<RecordVectors> GenerateRecordVectors();

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_RECORD_VECTORS_H_
