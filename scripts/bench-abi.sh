#!/usr/bin/env bash
# The plugin-boundary benchmark (BENCHMARKS.md, "Plugin boundary"): runs
# `cargo bench -p ferry-codec --bench boundary` and prints nanoseconds per record for every case,
# with the targets, the allocation audit and the machine it ran on.
#
#   scripts/bench-abi.sh                 run everything (about one minute of measuring, plus the
#                                        build), then print the table
#   scripts/bench-abi.sh -- FILTER       run only benchmarks whose id matches FILTER (criterion's
#                                        regex), e.g. `-- a_passthrough`
#   scripts/bench-abi.sh --report-only   print the table from the last run's results
#
# Environment:
#   WARMUP=1 MEASURE=3   criterion's --warm-up-time and --measurement-time, in seconds
#
# Per-record numbers are criterion's estimates for a 1000-record batch divided by 1000. The
# headline is the median: on a shared machine a few slow samples (another process scheduled on
# the core) pull the mean up, while the median stays put. The mean and its 95% interval are
# printed next to it.
#
# On a busy machine, compare two versions with scripts/callgrind-abi.sh instead (instructions
# per record, independent of the load).
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

WARMUP="${WARMUP:-1}"
MEASURE="${MEASURE:-3}"
run=1
filter=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --report-only) run=0 ;;
        --) shift; filter=("$@"); break ;;
        *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
    esac
    shift
done

target_dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
log="$target_dir/bench-abi.log"

if [[ $run == 1 ]]; then
    echo "cargo bench -p ferry-codec --bench boundary -- --warm-up-time $WARMUP --measurement-time $MEASURE ${filter[*]}"
    cargo bench -p ferry-codec --bench boundary -- \
        --warm-up-time "$WARMUP" --measurement-time "$MEASURE" "${filter[@]}" 2>&1 | tee "$log"
    echo
fi

echo "== machine"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates plugin-sdk || echo ' (with uncommitted changes)')"
echo "cpu:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "rustc:   $(rustc --version)"
echo

if [[ -f "$log" ]]; then
    echo "== allocation audit (from the last run)"
    sed -n '/^allocation audit/,/^$/p' "$log" | sed '1d;/^$/d'
    echo
fi

echo "== ns/record (1000-record batches)"
python3 - "$target_dir/criterion" <<'EOF'
import json, os, sys

root = sys.argv[1]
# (group, bench, what it measures, target in ns/record or None)
cases = [
    ("a_passthrough_sink", "host_encode", "(a) host encodes 100-byte Bytes values", None),
    ("a_passthrough_sink", "put_read", "(a) put crossing + plugin reads value_bytes()", 5.0),
    ("a_passthrough_sink", "encode_put_read", "(a) combined", None),
    ("b_struct_sink", "host_encode", "(b) host encodes the 7-field struct", None),
    ("b_struct_sink", "put_decode", "(b) put crossing + plugin reads all fields via owned value()", None),
    ("b_struct_sink", "encode_put_decode", "(b) encode + put + owned value() read", 500.0),
    ("b_struct_sink", "put_view", "(b) put crossing + plugin reads all fields via value_ref()", None),
    ("b_struct_sink", "encode_put_view", "(b) encode + put + value_ref() read", 500.0),
    ("c_struct_source", "poll", "(c) poll: plugin encodes into host buffer", None),
    ("c_struct_source", "host_read", "(c) host reads the polled batch, decodes values", None),
    ("c_struct_source", "poll_read", "(c) poll + host read", None),
    ("c_struct_source", "poll_owned_read", "(c) same, plugin pushes owned clones", None),
    ("c_struct_source", "ack_commit", "(c) host encodes acks + commit_records (SDK parses them)", None),
]
print(f"{'case':<38} {'median':>8} {'mean [95% CI]':>24} {'target':>7}  met?  what")
for group, bench, what, target in cases:
    path = os.path.join(root, group, bench, "new", "estimates.json")
    if not os.path.exists(path):
        continue
    with open(path) as f:
        est = json.load(f)
    with open(os.path.join(root, group, bench, "new", "benchmark.json")) as f:
        n = json.load(f)["throughput"]["Elements"]
    median = est["median"]["point_estimate"] / n
    mean = est["mean"]["point_estimate"] / n
    lo = est["mean"]["confidence_interval"]["lower_bound"] / n
    hi = est["mean"]["confidence_interval"]["upper_bound"] / n
    if target is None:
        t, met = "-", "    "
    else:
        t, met = f"< {target:g}", ("yes " if median < target else "NO  ")
    print(f"{group + '/' + bench:<38} {median:8.1f} {mean:8.1f} [{lo:6.1f}, {hi:6.1f}] {t:>7}  {met}  {what}")
EOF
