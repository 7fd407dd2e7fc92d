#!/bin/sh
# docs/MATRIX.md is what `shakedown matrix` writes now: the suite against the reference and
# every in-process library, ledgers applied. Fails when a library's verdicts or a ledger
# changed (a ledgered vector that passes, a new failure) or the document is stale.
set -eu
export SHAKEDOWN_ROOT="$PWD"
exec cli/shakedown matrix -j 2 --check-markdown docs/MATRIX.md
