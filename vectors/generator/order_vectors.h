// Out-of-order conformance vectors, generated from the engine's legal-order table
// (engine/state/handshake_table.h): for every flow, every point where the scripted peer sends
// next, and every message the peer could send there that the table does not allow, a vector
// that plays the flow up to that point, injects the message and expects a fatal
// unexpected_message (RFC 5246 7.3, 7.4; checklist 15, 17-20, 38, 39, 43, 44). A HelloRequest
// to a client mid-handshake is legal (RFC 5246 7.4.1.1: ignored), so it gets a positive vector
// that completes the handshake instead.
//
// The files live in vectors/conformance/order/ and are regenerated with
//   bazel run //vectors/generator:order_vectors -- --out $PWD/vectors/conformance/order
#ifndef SHAKEDOWN_VECTORS_GENERATOR_ORDER_VECTORS_H_
#define SHAKEDOWN_VECTORS_GENERATOR_ORDER_VECTORS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "vectors/generator/generated_files.h"

namespace shakedown {

struct OrderVectors {
  std::vector<GeneratedFile> files;  // sorted by name; README.md among them
  std::string summary;               // counts, for the generator's console output
};

// Builds every vector (each one checked to load back unchanged) and the README. Errors: a
// vector the loader refuses, or two different vectors with one id (a generator bug).
Result<OrderVectors> GenerateOrderVectors();

// WriteGeneratedFiles of the vectors' files.
Status WriteOrderVectors(const OrderVectors& vectors, const std::string& dir,
                         std::vector<std::string>* removed);

}  // namespace shakedown

#endif  // SHAKEDOWN_VECTORS_GENERATOR_ORDER_VECTORS_H_
