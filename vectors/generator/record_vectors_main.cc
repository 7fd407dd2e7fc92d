// Writes the record-protection conformance vectors (record_vectors.h) into a directory:
//   bazel run //vectors/generator:record_vectors -- --out $PWD/vectors/conformance/record-protection
#include "vectors/generator/generated_files.h"
#include "vectors/generator/record_vectors.h"

int main(int argc, char** argv) {
  return shakedown::GeneratorMain(
      argc, argv, "record_vectors",
      "Generates vectors/conformance/record-protection/ from the cipher suite table "
      "(engine/wire/registry.h).",
      "vectors/conformance/record-protection", []() -> shakedown::Result<shakedown::Generated> {
        shakedown::Result<shakedown::RecordVectors> v = shakedown::GenerateRecordVectors();
        if (!v.ok()) return v.status();
        return shakedown::Generated{v->files, v->summary};
      });
}
