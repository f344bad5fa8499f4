#!/usr/bin/env bash
# The distributed-mode benchmark (BENCHMARKS.md, "Rebalances"): failover time after kill -9 of a
# worker (scheduled.rebalance.max.delay.ms=0) and rebalance time when a fourth worker joins a
# 3-worker cluster running 30 tasks, with real `ferry distributed` processes on a nisshi broker
# (memory engine). Source: tests/examples/bench_rebalance.rs.
#
#   scripts/bench-rebalance.sh             build (release), set up, then measure RUNS times
#
# Environment:
#   RUNS=3                      repetitions (each prints two JSON lines)
#   SESSION_TIMEOUT_MS=10000    session.timeout.ms of the workers (Kafka's default)
#   HEARTBEAT_INTERVAL_MS=1000  heartbeat.interval.ms of the workers
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
RUNS="${RUNS:-3}"

scripts/test.sh nisshi >&2
scripts/test.sh venv >&2
cargo build --release -p ferry-runtime -p ferry-file-sink >&2
cargo build --release -p ferry-tests --example bench_rebalance >&2
eval "$(scripts/test.sh env)"
echo "machine: $(nproc) cores, $(uname -srm), $(date -u +%Y-%m-%dT%H:%MZ)"
for i in $(seq 1 "$RUNS"); do
    "$FERRY_TARGET_DIR/examples/bench_rebalance"
done
