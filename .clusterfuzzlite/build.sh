#!/bin/bash -eu
# Builds every libFuzzer target of shakedown for ClusterFuzzLite / OSS-Fuzz with the
# compiler and flags the infrastructure chooses, and copies each into $OUT with its seed
# corpus (generated from the conformance vectors, never committed) and the TLS dictionary.
#
# The infrastructure sets $CC/$CXX (clang), $CFLAGS/$CXXFLAGS (sanitizer and coverage flags)
# and $LIB_FUZZING_ENGINE (-fsanitize=fuzzer). They become Bazel options here in place of the
# project's own --config=fuzz (which fixes ASan+UBSan). -stdlib=libc++ is dropped: the
# distribution's Botan, nlohmann-json and pugixml are built against libstdc++.
# Locally, to check this script without Docker (docs/FUZZING.md, "Scaling out"):
#   mkdir -p /tmp/cflite-out && SHAKEDOWN_SRC=$PWD OUT=/tmp/cflite-out CC=clang CXX=clang++ \
#   CFLAGS="-fsanitize=address,fuzzer-no-link -O1 -gline-tables-only" CXXFLAGS="" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer .clusterfuzzlite/build.sh
cd "${SHAKEDOWN_SRC:-$SRC/shakedown}"

options=(--compilation_mode=opt --platform_suffix=-cflite --repo_env=CC="$CC"
         --repo_env=CXX="$CXX" --copt=-Wno-unused-command-line-argument)
for flag in $CFLAGS; do options+=("--copt=$flag" "--linkopt=$flag"); done
for flag in $CXXFLAGS; do
  case "$flag" in
    -stdlib=libc++) ;;
    *) case " $CFLAGS " in *" $flag "*) ;; *) options+=("--cxxopt=$flag") ;; esac ;;
  esac
done
for flag in $LIB_FUZZING_ENGINE; do options+=("--linkopt=$flag"); done
if [[ "$CFLAGS" == *sanitize=undefined* || "$CFLAGS" == *sanitize=array-bounds* ]]; then
  options+=(--linkopt=-fsanitize-link-c++-runtime)
fi

# Every fuzz target: the cc_binary rules tagged "fuzz" in fuzzers/.
mapfile -t targets < <(bazel query 'attr(tags, "fuzz", kind(cc_binary, //fuzzers:*))' 2>/dev/null)
[ "${#targets[@]}" -gt 0 ] || { echo "build.sh: no fuzz target found in //fuzzers" >&2; exit 1; }
bazel build "${options[@]}" "${targets[@]}" //harness/fuzz:seeds_server //harness/fuzz:seeds_client

bin="$(bazel info "${options[@]}" bazel-bin 2>/dev/null)"
seeds="$(mktemp -d)"
for role in server client; do
  mkdir -p "$seeds/$role"
  tar -C "$seeds/$role" -xf "$bin/harness/fuzz/seeds_$role.tar"
done
for target in "${targets[@]}"; do
  name="${target##*:}"
  cp "$bin/fuzzers/$name" "$OUT/$name"
  cp fuzzers/tls.dict "$OUT/$name.dict"
  case "$name" in
    reference_server_fuzzer) (cd "$seeds/server" && zip -q -r "$OUT/${name}_seed_corpus.zip" .) ;;
    reference_client_fuzzer) (cd "$seeds/client" && zip -q -r "$OUT/${name}_seed_corpus.zip" .) ;;
  esac
done
rm -rf "$seeds"
echo "build.sh: ${#targets[@]} fuzz targets in $OUT"
