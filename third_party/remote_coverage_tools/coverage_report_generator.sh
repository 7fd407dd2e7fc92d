#!/bin/sh
echo "coverage reports need Bazel's remote_coverage_tools, which cannot be downloaded offline" >&2
exit 1
