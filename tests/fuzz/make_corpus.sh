#!/usr/bin/env bash
# Collects the seed corpus for the fuzzers: every .nn file in the repository.
set -euo pipefail
out=${1:?usage: make_corpus.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
find "$root/stdlib_models" "$root/examples" "$root/tests" -name '*.nn' -print0 |
  while IFS= read -r -d '' f; do cp "$f" "$out/$(echo "$f" | sed "s|$root/||; s|/|_|g")"; done
echo "$(ls "$out" | wc -l) seed files in $out"
