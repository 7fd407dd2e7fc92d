#!/bin/bash
# docs/ARCHITECTURE.md and docs/EXTENDING.md name only paths and targets that exist, and the
# checker (doc_paths_check.sh) does report the ones that do not.
#
# The checker reads the source tree: the runfiles hold the documents, and the repository root
# is where their symlinks point. That is why the target is tagged local and external (never
# cached): a file deleted elsewhere must fail this test on the next run.
set -euo pipefail

check="docs/doc_paths_check.sh"
doc="$(readlink -f docs/ARCHITECTURE.md)"
root="$(dirname "$(dirname "$doc")")"
[[ -f "$root/WORKSPACE" ]] || { echo "cannot find the repository root from $doc" >&2; exit 1; }

if ! "$check" "$root" "$root/docs/ARCHITECTURE.md" "$root/docs/EXTENDING.md"; then
  echo "FAIL: a path above is stale; fix the document (or restore the file)" >&2
  exit 1
fi

# Negative: every kind of stale reference is reported, and only those.
tmp="$(mktemp -d "${TEST_TMPDIR:-/tmp}/doc_paths.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/STALE.md" <<'DOC'
Exists: `engine/wire/registry.h`, `engine/wire/extensions.{h,cc}`, `//cli:shakedown`,
`//engine/...`, `vectors/conformance/<topic>/x.json`, [the architecture](ARCHITECTURE.md).
Stale: `engine/wire/no_such_file.cc`, `engine/wire/handshake.{h,zz}`, `//no/such:package`,
`//cli:no_such_target`, `nowhere/<topic>/x.json` is not top-level, `vectors/nowhere/<x>.json`,
[a link](NO_SUCH.md).
DOC
cp "$root/docs/ARCHITECTURE.md" "$tmp/ARCHITECTURE.md"
if "$check" "$root" "$tmp/STALE.md" 2>"$tmp/err"; then
  echo "FAIL: the checker accepted stale paths" >&2
  exit 1
fi
for expected in engine/wire/no_such_file.cc engine/wire/handshake.zz //no/such:package \
    //cli:no_such_target vectors/nowhere/ "link NO_SUCH.md"; do
  grep -qF "names $expected" "$tmp/err" || { echo "FAIL: not reported: $expected" >&2; cat "$tmp/err" >&2; exit 1; }
done
if [[ "$(wc -l <"$tmp/err")" -ne 6 ]]; then
  echo "FAIL: reported more than the six stale references:" >&2
  cat "$tmp/err" >&2
  exit 1
fi
echo "PASS"
