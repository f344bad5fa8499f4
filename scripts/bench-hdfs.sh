#!/usr/bin/env bash
# The HDFS sink benchmark (BENCHMARKS.md, "HDFS sink throughput (issue 6)"). In one invocation,
# against one nisshi broker (memory storage engine) and one real HDFS (a NameNode and a
# DataNode started from the cached Hadoop 2.7.3 jars, as tests/src/hdfs.rs does), it fills a
# topic with RECORDS JsonConverter envelopes of the Models record (schema + payload,
# model_id/model_name/model_base_price/brand_id) and, for FORMATS (parquet avro), measures:
#
#   raw-hdfs-writer   topic -> HDFS (bench/baseline: rdkafka BaseConsumer with Ferry's sink
#                     consumer settings, serde_json, the `parquet` crate / `apache-avro`,
#                     hdfs-native; one file per FLUSH records, temp file + rename)
#   Ferry hdfs-sink   topic -> HDFS (Hdfs3SinkConnector, JsonConverter, flush.size=FLUSH,
#                     ParquetFormat / AvroFormat with avro.codec=snappy), timed from spawning
#                     `ferry standalone` until the last committed file exists
#
# and prints records/s, output MB/s (bytes of the committed files / wall time), input MB/s
# (JSON bytes consumed / wall time), the ratio, CPU s and peak RSS.
#
#   scripts/bench-hdfs.sh              as above (HDFS start-up adds about 10-20 s)
#   STORE=file scripts/bench-hdfs.sh   the same against store.url=file:// (no HDFS)
#   scripts/bench-hdfs.sh --keep       keep the work directory
#
# Environment: RECORDS=1000000, FLUSH=100000, FORMATS="parquet avro", STORE=hdfs|file,
# FERRY_NISSHI, FERRY_HADOOP_JARS (default ~/.cache/ferry/hadoop-jars).
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
RECORDS="${RECORDS:-1000000}"
FLUSH="${FLUSH:-100000}"
FORMATS="${FORMATS:-parquet avro}"
STORE="${STORE:-hdfs}"
NISSHI="${FERRY_NISSHI:-$HOME/.cache/ferry/nisshi/bin/nisshi}"
JARS="${FERRY_HADOOP_JARS:-$HOME/.cache/ferry/hadoop-jars}"
keep=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h | --help) sed -n '2,/^set -E/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (see $0 --help)" >&2; exit 2 ;;
    esac
done
say() { echo "== $*" >&2; }
die() { echo "bench-hdfs.sh: $*" >&2; exit 1; }
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

BIN="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release"
if [[ ! -e $BIN/ferry || ! -e $BIN/libferry_hdfs_sink.so ]]; then
    say "building ferry-runtime and ferry-hdfs-sink (release)"
    cargo build --release -p ferry-runtime -p ferry-hdfs-sink >&2 || die "release build failed"
fi
if [[ ! -e $BIN/raw-hdfs-writer || ! -e $BIN/raw-producer || ! -e $BIN/bench-util ]]; then
    say "building bench/baseline (release)"
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}" cargo build --release \
        --manifest-path bench/baseline/Cargo.toml >&2 || die "baseline build failed"
fi
[[ -x $NISSHI ]] || die "nisshi missing at $NISSHI (scripts/test.sh nisshi installs it)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-hdfs.XXXXXX")"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        if kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
    done
    if [[ $keep == 1 ]]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- HDFS -------------------------------------------------------------------------------------
if [[ $STORE == hdfs ]]; then
    [[ -f $JARS/hadoop-hdfs-2.7.3.jar ]] || die "no Hadoop jars in $JARS (scripts/test.sh hadoop-jars)"
    command -v java >/dev/null || die "java not found"
    conf="$WORK/hdfs/conf"
    mkdir -p "$conf"/webapps/{hdfs,datanode,secondary}/WEB-INF
    NN_PORT="$(free_port)"
    site() {
        echo '<?xml version="1.0"?><configuration>'
        while [[ $# -gt 0 ]]; do
            echo "  <property><name>$1</name><value>$2</value></property>"
            shift 2
        done
        echo '</configuration>'
    }
    site fs.defaultFS "hdfs://127.0.0.1:$NN_PORT" hadoop.tmp.dir "$WORK/hdfs/data" >"$conf/core-site.xml"
    site dfs.replication 1 dfs.permissions.enabled false dfs.webhdfs.enabled false \
        dfs.namenode.rpc-address "127.0.0.1:$NN_PORT" \
        dfs.namenode.http-address "127.0.0.1:$(free_port)" \
        dfs.namenode.secondary.http-address 127.0.0.1:0 \
        dfs.datanode.address "127.0.0.1:$(free_port)" \
        dfs.datanode.http.address "127.0.0.1:$(free_port)" \
        dfs.datanode.ipc.address "127.0.0.1:$(free_port)" \
        dfs.namenode.datanode.registration.ip-hostname-check false >"$conf/hdfs-site.xml"
    printf '%s\n' 'log4j.rootLogger=INFO,console' 'log4j.appender.console=org.apache.log4j.ConsoleAppender' \
        'log4j.appender.console.target=System.err' 'log4j.appender.console.layout=org.apache.log4j.PatternLayout' \
        'log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n' >"$conf/log4j.properties"
    CP="$conf:$(ls "$JARS"/*.jar | sort | paste -sd:)"
    # Plain commands (not a function) so that $! is the JVM itself and cleanup stops it.
    JAVA=(java -Xmx256m -cp "$CP")
    say "HDFS: formatting and starting a NameNode and a DataNode (127.0.0.1:$NN_PORT)"
    HADOOP_USER_NAME=ferry "${JAVA[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode -format \
        -force -nonInteractive </dev/null >"$WORK/hdfs-format.log" 2>&1 || die "NameNode format failed (see $WORK/hdfs-format.log)"
    HADOOP_USER_NAME=ferry "${JAVA[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode \
        </dev/null >"$WORK/namenode.log" 2>&1 &
    PIDS+=($!)
    HADOOP_USER_NAME=ferry "${JAVA[@]}" org.apache.hadoop.hdfs.server.datanode.DataNode \
        </dev/null >"$WORK/datanode.log" 2>&1 &
    PIDS+=($!)
    t0=$SECONDS
    until grep -q "Successfully sent block report" "$WORK/datanode.log" 2>/dev/null; do
        ((SECONDS - t0 < 180)) || die "HDFS not ready after 180 s (logs in $WORK)"
        sleep 0.5
    done
    say "HDFS ready after $((SECONDS - t0)) s"
    base_url() { echo "hdfs://127.0.0.1:$NN_PORT/$1"; }
else
    base_url() { mkdir -p "$WORK/store/$1"; echo "file://$WORK/store/$1"; }
fi

# --- broker and input -------------------------------------------------------------------------
BROKER_PORT="$(free_port)"
BOOTSTRAP="127.0.0.1:$BROKER_PORT"
say "nisshi on $BOOTSTRAP (memory storage engine)"
env -u CLUSTER_ID -u LISTENER_URL -u ADVERTISED_LISTENER_URL -u STORAGE_ENGINE RUST_LOG=warn \
    "$NISSHI" broker --listener-url "tcp://$BOOTSTRAP" --advertised-listener-url "tcp://$BOOTSTRAP" \
    --storage-engine memory://nisshi/ --group-initial-rebalance-delay 0s \
    >"$WORK/nisshi.log" 2>&1 </dev/null &
PIDS+=($!)
for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null && break
    sleep 0.05
done
TOPIC=models
"$BIN/bench-util" create-topic "$TOPIC" "$BOOTSTRAP" 1
INPUT="$WORK/models.jsonl"
awk -v n="$RECORDS" 'BEGIN {
    s = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"model_id\"},{\"type\":\"string\",\"optional\":false,\"field\":\"model_name\"},{\"type\":\"int32\",\"optional\":false,\"field\":\"model_base_price\"},{\"type\":\"int32\",\"optional\":false,\"field\":\"brand_id\"}],\"optional\":false,\"name\":\"Models\"},\"payload\":"
    for (i = 1; i <= n; i++)
        printf "%s{\"model_id\":%d,\"model_name\":\"Model %d\",\"model_base_price\":%d,\"brand_id\":%d}}\n", s, i, i, 10000 + (i * 37) % 120000, 1 + i % 6
}' >"$INPUT"
INPUT_BYTES=$(( $(stat -c %s "$INPUT") - RECORDS ))
say "producing $RECORDS envelopes ($INPUT_BYTES bytes of JSON) into $TOPIC"
"$BIN/raw-producer" "$INPUT" "$TOPIC" "$BOOTSTRAP" >/dev/null || die "raw-producer failed"
[[ $("$BIN/bench-util" end-offset "$TOPIC" "$BOOTSTRAP") == "$RECORDS" ]] || die "topic does not hold $RECORDS records"

mkdir -p "$WORK/plugins"
ln -s "$BIN/libferry_hdfs_sink.so" "$WORK/plugins/"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; } # name rate wall cpu peak bytes base
pad() { printf '%010d' "$1"; }
LAST="$TOPIC+0+$(pad $(( (RECORDS - 1) / FLUSH * FLUSH )))+$(pad $((RECORDS - 1)))"

for fmt in $FORMATS; do
    case $fmt in
        parquet) class=io.confluent.connect.hdfs.parquet.ParquetFormat ;;
        avro) class=io.confluent.connect.hdfs.avro.AvroFormat ;;
        *) die "unknown format $fmt" ;;
    esac
    say "$fmt: raw-hdfs-writer topic -> $STORE"
    out="$("$BIN/raw-hdfs-writer" write "$fmt" "$TOPIC" "$BOOTSTRAP" "$RECORDS" "$(base_url "raw-$fmt")" "$FLUSH")" ||
        die "raw-hdfs-writer $fmt failed"
    echo "   $out" >&2
    raw_rate="$(kv records_per_s "$out")"
    record "raw-hdfs-writer: topic -> $STORE ($fmt)" "$raw_rate" "$(kv elapsed_s "$out")" \
        "$(kv cpu_s "$out")" "$(kv peak_rss_kb "$out")" "$(kv bytes "$out")" -

    say "$fmt: Ferry hdfs-sink topic -> $STORE"
    name="bench-hdfs-$fmt"
    url="$(base_url "ferry-$fmt")"
    worker="$WORK/$name.worker.properties"
    cat >"$worker" <<EOF
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.storage.file.filename=$WORK/$name.offsets
offset.flush.interval.ms=10000
plugin.path=$WORK/plugins
listeners=http://127.0.0.1:$(free_port)
EOF
    connector="$WORK/$name.properties"
    cat >"$connector" <<EOF
name=$name
connector.class=io.confluent.connect.hdfs3.Hdfs3SinkConnector
tasks.max=1
topics=$TOPIC
store.url=$url
hdfs.user=ferry
flush.size=$FLUSH
format.class=$class
avro.codec=snappy
EOF
    out="$(HADOOP_USER_NAME=ferry "$BIN/raw-hdfs-writer" measure "$url" \
        "topics/$TOPIC/partition=0/$LAST.$fmt" 600 "$WORK/$name.log" -- \
        "$BIN/ferry" standalone "$worker" "$connector")" || die "Ferry $fmt run failed (log: $WORK/$name.log)"
    echo "   $out" >&2
    rate="$(python3 -c "print(round($RECORDS / $(kv elapsed_s "$out")))")"
    record "Ferry: topic -> hdfs-sink -> $STORE ($fmt)" "$rate" "$(kv elapsed_s "$out")" \
        "$(kv cpu_s "$out")" "$(kv peak_rss_kb "$out")" "$(kv bytes "$out")" "$raw_rate"
done

load="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
git diff --quiet HEAD -- runtime crates plugins plugin-sdk 2>/dev/null || dirty=" (with uncommitted changes in runtime/crates/plugins)"
echo
python3 - "$RESULTS" "$INPUT_BYTES" "$RECORDS" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
inb, n = int(sys.argv[2]), int(sys.argv[3])
print("| leg | records/s | output MB/s | input JSON MB/s | ratio to raw | wall s | CPU s (user+sys) | peak RSS MB | output MB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, rate, wall, cpu, peak, out, base in rows:
    w = float(wall)
    ratio = "" if base == "-" else f"**{float(rate) / float(base):.2f}**"
    print(f"| {name} | {int(float(rate)):,} | {int(out) / 1e6 / w:.1f} | {inb / 1e6 / w:.1f} | {ratio} | {w:.2f} | {float(cpu):.2f} | {int(peak) / 1024:.1f} | {int(out) / 1e6:.1f} |")
EOF
echo
echo "records: $RECORDS Models envelopes ($INPUT_BYTES bytes of JSON), flush.size=$FLUSH, store: $STORE"
echo "machine: nproc $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ); load average at the end: $load"
echo "commit:  $commit$dirty"
