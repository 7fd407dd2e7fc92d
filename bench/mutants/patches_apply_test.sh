#!/usr/bin/env bash
# Every bench/mutants/*.patch applies cleanly to the work tree this test was built from
# (tools/mutants --check, i.e. `git apply --check`). The workspace is where the runfiles'
# patch symlinks point; `bazel run` gives it directly.
set -euo pipefail
ws="${BUILD_WORKSPACE_DIRECTORY:-}"
if [ -z "$ws" ]; then
  runfiles="${TEST_SRCDIR:?neither TEST_SRCDIR nor BUILD_WORKSPACE_DIRECTORY is set}"
  runfiles="$runfiles/${TEST_WORKSPACE:-__main__}/bench/mutants"
  patches=("$runfiles"/*.patch)
  [ -e "${patches[0]}" ] || { echo "no patch in $runfiles" >&2; exit 1; }
  ws="$(cd "$(dirname "$(readlink -f "${patches[0]}")")/../.." && pwd)"
fi
[ -x "$ws/tools/mutants" ] || { echo "no tools/mutants in $ws" >&2; exit 1; }
command -v git >/dev/null || { echo "git is needed to check the patches" >&2; exit 1; }
exec "$ws/tools/mutants" --check
