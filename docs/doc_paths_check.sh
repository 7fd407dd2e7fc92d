#!/bin/bash
# Checks that every repository path a document names exists under ROOT, so a rename or a
# deletion cannot leave docs/ARCHITECTURE.md or docs/EXTENDING.md pointing at nothing.
#   doc_paths_check.sh ROOT DOC...
# A path is a word that starts with a top-level directory of the repository
# (engine/wire/registry.h, harness/scenario/), with {a,b} expanded (extensions.{h,cc}); a
# placeholder (<topic>, *.json) checks the part before it. A Bazel label (//cli:shakedown)
# needs its package's BUILD file and the name in it (or a file of that name). A relative
# markdown link ([x](FUZZING.md)) is checked next to the document. Prints every missing path
# with the document that names it; exits 1 if there is one.
set -euo pipefail

root="$1"
shift
top='(engine|harness|cli|platform|reports|interop|bench|tools|vectors|fuzzers|docs|third_party)'
missing=0

report() {  # doc, what
  echo "$1: names $2, which does not exist" >&2
  missing=1
}

check_path() {  # doc, path relative to root
  local doc="$1" path="$2"
  if [[ "$path" =~ ^(.*)\{([^}]*)\}(.*)$ ]]; then
    local head="${BASH_REMATCH[1]}" alternatives="${BASH_REMATCH[2]}" tail="${BASH_REMATCH[3]}"
    local alternative
    IFS=',' read -r -a parts <<<"$alternatives"
    for alternative in "${parts[@]}"; do check_path "$doc" "$head$alternative$tail"; done
    return
  fi
  # A placeholder: check the directory part before it.
  if [[ "$path" == *"<"* || "$path" == *"*"* ]]; then
    path="${path%%[<*]*}"
    path="${path%/*}/"
  fi
  [[ -e "$root/$path" ]] || report "$doc" "$path"
}

check_label() {  # doc, //package:name or //package
  local doc="$1" label="${2#//}"
  local package="${label%%:*}" name=""
  [[ "$label" == *:* ]] && name="${label#*:}"
  if [[ "$package" == */... ]]; then  # a pattern: the directory
    [[ -d "$root/${package%/...}" ]] || report "$doc" "//$label"
    return
  fi
  if [[ ! -f "$root/$package/BUILD" ]]; then
    report "$doc" "//$label (no package $package)"
    return
  fi
  [[ -z "$name" || -e "$root/$package/$name" ]] && return
  # The name as written in the BUILD file; a name built from a prefix ("seeds_" + role) too.
  grep -qF "\"$name\"" "$root/$package/BUILD" && return
  [[ "$name" == *_* ]] && grep -qF "\"${name%_*}_\"" "$root/$package/BUILD" && return
  report "$doc" "//$label"
}

for doc in "$@"; do
  name="$(basename "$doc")"
  dir="$(dirname "$doc")"
  while read -r path; do
    path="${path%[.,;:)]}"
    check_path "$name" "$path"
  done < <(grep -oE "(^|[^A-Za-z0-9_./-])$top/[A-Za-z0-9_./{},<>*-]*" "$doc" |
           sed -E 's/^[^a-z]//' | sort -u)
  while read -r label; do
    check_label "$name" "$label"
  done < <(grep -oE '(^|[^:A-Za-z0-9])//[a-z_][a-z0-9_/.]*(:[A-Za-z0-9_.-]+)?' "$doc" |
           sed -E 's|^[^/]+||' | sort -u)
  while read -r link; do
    [[ -e "$dir/$link" ]] || report "$name" "link $link"
  done < <(grep -oE '\]\([^)#:]+\)' "$doc" | sed -E 's/^\]\((.*)\)$/\1/' | sort -u)
done
exit "$missing"
