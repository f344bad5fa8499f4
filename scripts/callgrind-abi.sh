#!/usr/bin/env bash
# Instruction counts per record for the plugin-boundary benchmark (`crates/codec/benches/
# boundary.rs`, BENCHMARKS.md "Plugin boundary"), under `valgrind --tool=callgrind`. Unlike the
# nanoseconds of `scripts/bench-abi.sh`, these do not depend on what else runs on the machine,
# so they compare two versions of the code on a busy machine (they do not count cache misses or
# branch mispredictions: confirm a win with a quiet `scripts/bench-abi.sh`).
#
#   scripts/callgrind-abi.sh               every case
#   scripts/callgrind-abi.sh b_struct      only cases whose group/name contains one of the words
#
# Environment:
#   ITERATIONS=20   batches of 1000 records counted per case (after one uncounted warm-up call)
#
# Each case runs in its own process (`BOUNDARY_ITERATIONS=N boundary <case>`); only the calls
# inside the bench's `measured` function are counted (`--toggle-collect`), not the set-up.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

ITERATIONS="${ITERATIONS:-20}"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

bin="$(cargo bench -p ferry-codec --bench boundary --no-run --message-format=json 2>/dev/null \
    | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "boundary" and m.get("executable"):
        print(m["executable"])')"
[[ -x "$bin" ]] || { echo "could not build the boundary bench" >&2; exit 1; }

cases=$(BOUNDARY_ITERATIONS=0 "$bin" "$@" | cut -d: -f1)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates plugin-sdk || echo ' (with uncommitted changes)')"
echo "binary: $bin"
printf '%-38s %14s %12s\n' case instructions "Ir/record"
for case in $cases; do
    BOUNDARY_ITERATIONS="$ITERATIONS" valgrind --tool=callgrind --toggle-collect='*::measured' \
        --callgrind-out-file="$out/cg.out" "$bin" --exact "$case" >/dev/null 2>"$out/log" \
        || { cat "$out/log" >&2; exit 1; }
    ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p;s/^totals: *\([0-9]*\).*/\1/p' "$out/cg.out" | tail -1)
    printf '%-38s %14d %12.1f\n' "$case" "$ir" "$(python3 -c "print($ir / ($ITERATIONS * 1000))")"
done
