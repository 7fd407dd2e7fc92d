// Writes the malformed-message conformance vectors (malformed_vectors.h) into a directory:
//   bazel run //vectors/generator:malformed_vectors -- --out $PWD/vectors/conformance/malformed
#include "vectors/generator/generated_files.h"
#include "vectors/generator/malformed_vectors.h"

int main(int argc, char** argv) {
  return shakedown::GeneratorMain(
      argc, argv, "malformed_vectors",
      "Generates vectors/conformance/malformed/ from the message layouts "
      "(harness/scenario/message_shapes.h).",
      "vectors/conformance/malformed", []() -> shakedown::Result<shakedown::Generated> {
        shakedown::Result<shakedown::MalformedVectors> v = shakedown::GenerateMalformedVectors();
        if (!v.ok()) return v.status();
        return shakedown::Generated{v->files, v->summary};
      });
}
