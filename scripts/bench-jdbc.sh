#!/usr/bin/env bash
# The JDBC source benchmark (BENCHMARKS.md, "JDBC source throughput (issue 5)"). In one
# invocation, against one nisshi broker with the memory storage engine and the local
# PostgreSQL, it measures for a ROWS-row table shaped like the Models fixture
# (tests/fixtures/models.sql: model_id INTEGER PK, model_name VARCHAR(64), model_base_price
# INTEGER, brand_id INTEGER), created with generate_series:
#
#   1. raw-pg-producer  table -> topic A  (bench/baseline: tokio-postgres query_raw streaming
#                                          `SELECT * FROM table`, each row serialised with
#                                          serde_json as a schemaless object, produced with
#                                          Ferry's source-producer settings by a raw rdkafka
#                                          BaseProducer)
#   2. Ferry jdbc-source table -> topic B (mode=bulk, batch.max.rows=BATCH, JsonConverter with
#                                          value.converter.schemas.enable=false), timed from
#                                          spawning `ferry standalone` until B's end offset
#                                          reaches ROWS
#   extra: Ferry jdbc-source in mode=incrementing (model_id) -> topic C (its SQL adds
#          WHERE model_id > ? ORDER BY model_id, so it is not the same query as the baseline)
#
# and prints records/s, the ratio to the baseline, CPU s (user+sys) and peak RSS. Also checks
# that the first record of A and B are byte-identical JSON. It reports; it never fails because
# a target was missed. It does not build anything unless a binary is missing.
#
#   scripts/bench-jdbc.sh          run and print the table
#   scripts/bench-jdbc.sh --keep   keep the work directory (logs, configs)
#
# Environment: ROWS=1000000, BATCH=10000, PGHOST=127.0.0.1, PGPORT=5432, PGDATABASE=test,
# PGUSER=postgres (trust auth), FERRY_NISSHI (default ~/.cache/ferry/nisshi/bin/nisshi),
# RECREATE=1 to drop and recreate the table even if it already holds ROWS rows.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

ROWS="${ROWS:-1000000}"
BATCH="${BATCH:-10000}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGDATABASE="${PGDATABASE:-test}"
PGUSER="${PGUSER:-postgres}"
TABLE=ferry_bench_models
NISSHI="${FERRY_NISSHI:-$HOME/.cache/ferry/nisshi/bin/nisshi}"
keep=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h | --help) sed -n '2,/^set -E/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (see $0 --help)" >&2; exit 2 ;;
    esac
done

say() { echo "== $*" >&2; }
die() { echo "bench-jdbc.sh: $*" >&2; exit 1; }
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$PGDATABASE")

BIN="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release"
if [[ ! -e $BIN/ferry || ! -e $BIN/libferry_jdbc_source.so ]]; then
    say "building ferry-runtime and ferry-jdbc-source (release)"
    cargo build --release -p ferry-runtime -p ferry-jdbc-source >&2 || die "release build failed"
fi
if [[ ! -e $BIN/raw-pg-producer || ! -e $BIN/bench-util ]]; then
    say "building bench/baseline (release)"
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}" cargo build --release \
        --manifest-path bench/baseline/Cargo.toml >&2 || die "baseline build failed"
fi
[[ -x $NISSHI ]] || die "nisshi missing at $NISSHI (scripts/test.sh nisshi installs it)"

# --- table ------------------------------------------------------------------------------------
have="$("${PSQL[@]}" -At -c "SELECT count(*) FROM $TABLE" 2>/dev/null || echo 0)"
if [[ ${RECREATE:-0} == 1 || $have != "$ROWS" ]]; then
    say "creating $TABLE with $ROWS rows (generate_series)"
    "${PSQL[@]}" <<EOF
DROP TABLE IF EXISTS $TABLE;
CREATE TABLE $TABLE (
  model_id INTEGER PRIMARY KEY,
  model_name VARCHAR(64) NOT NULL,
  model_base_price INTEGER NOT NULL,
  brand_id INTEGER NOT NULL
);
INSERT INTO $TABLE SELECT i, 'Model ' || i, 10000 + (i * 37) % 120000, 1 + i % 6
  FROM generate_series(1, $ROWS) AS i;
VACUUM ANALYZE $TABLE;
EOF
fi
# Warm the table into shared buffers / page cache so that neither leg pays the first read.
"${PSQL[@]}" -At -c "SELECT count(*), sum(length(model_name)) FROM $TABLE" >/dev/null

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-jdbc.XXXXXX")"
NISSHI_PID=""
cleanup() {
    if [[ -n "$NISSHI_PID" ]] && kill -0 "$NISSHI_PID" 2>/dev/null; then
        kill "$NISSHI_PID" 2>/dev/null || true
        wait "$NISSHI_PID" 2>/dev/null || true
    fi
    if [[ $keep == 1 ]]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- broker -----------------------------------------------------------------------------------
BROKER_PORT="$(free_port)"
BOOTSTRAP="127.0.0.1:$BROKER_PORT"
say "nisshi on $BOOTSTRAP (memory storage engine)"
env -u CLUSTER_ID -u LISTENER_URL -u ADVERTISED_LISTENER_URL -u STORAGE_ENGINE RUST_LOG=warn \
    "$NISSHI" broker --listener-url "tcp://$BOOTSTRAP" --advertised-listener-url "tcp://$BOOTSTRAP" \
    --storage-engine memory://nisshi/ --group-initial-rebalance-delay 0s \
    >"$WORK/nisshi.log" 2>&1 </dev/null &
NISSHI_PID=$!
for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null && break
    kill -0 "$NISSHI_PID" 2>/dev/null || die "nisshi exited: $(tail -5 "$WORK/nisshi.log")"
    sleep 0.05
done
TOPIC_B="pgb-$TABLE"
TOPIC_C="pgc-$TABLE"
for t in A "$TOPIC_B" "$TOPIC_C"; do "$BIN/bench-util" create-topic "$t" "$BOOTSTRAP" 1; done

mkdir -p "$WORK/plugins"
ln -s "$BIN/libferry_jdbc_source.so" "$WORK/plugins/"

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# --- 1. baseline ------------------------------------------------------------------------------
say "1. raw-pg-producer $TABLE -> topic A"
out="$("$BIN/raw-pg-producer" "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" \
    "$TABLE" A "$BOOTSTRAP")" || die "raw-pg-producer failed"
echo "   $out" >&2
[[ $("$BIN/bench-util" end-offset A "$BOOTSTRAP") == "$ROWS" ]] || die "topic A does not hold $ROWS records"
RAW_RATE="$(kv records_per_s "$out")"
record "raw-pg-producer: tokio-postgres query_raw -> serde_json -> rdkafka" "$RAW_RATE" \
    "$(kv elapsed_s "$out")" "$(kv cpu_s "$out")" "$(kv peak_rss_kb "$out")" -

# ferry_jdbc NAME TOPIC_PREFIX MODE_LINES LABEL
ferry_jdbc() {
    local name=$1 prefix=$2 mode=$3 label=$4 worker connector out rate
    worker="$WORK/$name.worker.properties"
    cat >"$worker" <<EOF
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.storage.file.filename=$WORK/$name.offsets
offset.flush.interval.ms=10000
plugin.path=$WORK/plugins
listeners=http://127.0.0.1:$(free_port)
EOF
    # sslmode=disable: the baseline connects without TLS, and pgjdbc's default (prefer) would
    # encrypt when the server offers it.
    connector="$WORK/$name.properties"
    cat >"$connector" <<EOF
name=$name
connector.class=io.confluent.connect.jdbc.JdbcSourceConnector
tasks.max=1
connection.url=jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?sslmode=disable
connection.user=$PGUSER
table.whitelist=$TABLE
topic.prefix=$prefix
batch.max.rows=$BATCH
poll.interval.ms=3600000
$mode
EOF
    local topic="$prefix$TABLE"
    out="$("$BIN/bench-util" measure --offset "$topic" "$BOOTSTRAP" "$ROWS" --timeout 600 \
        --log "$WORK/$name.log" -- "$BIN/ferry" standalone "$worker" "$connector")" ||
        die "Ferry run $name failed (log: $WORK/$name.log)"
    echo "   $out" >&2
    local end
    end="$("$BIN/bench-util" end-offset "$topic" "$BOOTSTRAP")"
    [[ $end == "$ROWS" ]] || die "topic $topic holds $end records, expected $ROWS"
    rate="$(python3 -c "print(round($ROWS / $(kv elapsed_s "$out")))")"
    record "$label" "$rate" "$(kv elapsed_s "$out")" "$(kv cpu_s "$out")" \
        "$(kv peak_rss_kb "$out")" "$RAW_RATE"
}

say "2. Ferry jdbc-source (bulk) -> topic $TOPIC_B"
ferry_jdbc bench-jdbc-bulk pgb- "mode=bulk" \
    "Ferry: jdbc-source mode=bulk -> topic (JsonConverter, schemas.enable=false)"
say "extra: Ferry jdbc-source (incrementing) -> topic $TOPIC_C"
ferry_jdbc bench-jdbc-inc pgc- $'mode=incrementing\nincrementing.column.name=model_id' \
    "extra: Ferry jdbc-source mode=incrementing (WHERE/ORDER BY model_id)"

# --- same bytes? ------------------------------------------------------------------------------
same="not checked (no python confluent_kafka)"
PY="$HOME/.cache/ferry/venv/bin/python"
if [[ -x $PY ]]; then
    same="$("$PY" - "$BOOTSTRAP" A "$TOPIC_B" <<'EOF' 2>/dev/null || echo "check failed"
import sys
from confluent_kafka import Consumer, TopicPartition
def first(topic, n=3):
    c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "bench-jdbc-check", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0)])
    out = []
    while len(out) < n:
        m = c.poll(10)
        if m is None: break
        if m.error(): continue
        out.append((m.key(), m.value()))
    c.close()
    return out
a, b = first(sys.argv[2]), first(sys.argv[3])
print(("identical" if a == b else "DIFFERENT") + f" (first 3 records; e.g. key={a[0][0]!r} value={a[0][1].decode()})")
EOF
)"
fi
echo "first records of A and $TOPIC_B: $same" >&2

# --- report -----------------------------------------------------------------------------------
load="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
git diff --quiet HEAD -- runtime crates plugins plugin-sdk 2>/dev/null || dirty=" (with uncommitted changes in runtime/crates/plugins)"
echo
python3 - "$RESULTS" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| leg | records/s | ratio to raw | wall s | CPU s (user+sys) | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|")
for name, rate, wall, cpu, peak, base in rows:
    ratio = "" if base == "-" else f"{float(rate) / float(base):.2f}"
    bold = "**" if ratio and not name.startswith("extra") else ""
    print(f"| {name} | {int(float(rate)):,} | {bold}{ratio}{bold} | {float(wall):.2f} | {float(cpu):.2f} | {int(peak) / 1024:.1f} |")
EOF
echo
echo "rows: $ROWS ($TABLE, PostgreSQL $("${PSQL[@]}" -At -c 'SHOW server_version') at $PGHOST:$PGPORT); batch.max.rows=$BATCH"
echo "check: $same"
echo "machine: nproc $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ); load average at the end: $load"
echo "commit:  $commit$dirty"
