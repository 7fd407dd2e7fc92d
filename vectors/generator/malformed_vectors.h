// Malformed-message conformance vectors, generated from the message layouts
// (harness/scenario/message_shapes.h): for every handshake message a target receives in a full
// handshake, in both roles, and for every field of it and every structural edit that applies
// (truncation before the field, inside its length prefix and before its last byte; its length
// one more and one less; empty below its floor; longer than its ceiling; a trailing byte), a
// vector that plays the handshake up to the message, sends it with that one field broken and
// the handshake header's length following the body, and expects the fatal alert RFC 5246 names
// (decode_error, RFC 5246 7.4.1.2 "as for all other messages"; checklist 21 and 22) or the set
// it allows where a field's range is violated rather than the message's length.
//
// The files live in vectors/conformance/malformed/ and are regenerated with
//   bazel run //vectors/generator:malformed_vectors -- --out $PWD/vectors/conformance/malformed
#ifndef SHAKEDOWN_VECTORS_GENERATOR_MALFORMED_VECTORS_H_
#define SHAKEDOWN_VECTORS_GENERATOR_MALFORMED_VECTORS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "vectors/generator/generated_files.h"

namespace shakedown {

struct MalformedVectors {
  std::vector<GeneratedFile> files;  // sorted by name; README.md among them
  std::string summary;               // counts, for the generator's console output
};

// Builds every vector (each checked to load back unchanged) and the README.
Result<MalformedVectors> GenerateMalformedVectors();

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_MALFORMED_VECTORS_H_
