#!/usr/bin/env bash
# The pipeline benchmark (BENCHMARKS.md, "Pipeline throughput (issue 3)"). In one invocation,
# against one nisshi broker with the memory storage engine, it measures RUNS times, alternating:
#
#   raw-producer      FILE -> topic A<run>  (bench/baseline: plain rdkafka, Ferry's producer settings)
#   Ferry source      FILE -> topic B<run>  (FileStreamSource, StringConverter)
#   raw-consumer      topic A1 -> FILE      (bench/baseline: plain rdkafka, fresh group, Ferry's
#                                            consumer settings)
#   Ferry sink        topic A1 -> FILE      (FileStreamSink, ByteArrayConverter, fresh group)
#   extra rows: Ferry source with JsonConverter (topic C<run>), Ferry sink with StringConverter
#   start-up: Ferry with the bundled plugins and no connectors, until GET / answers 200 (median
#   of 5 starts), and its RSS after 5 s idle
#
# for RECORDS lines of 100 bytes, and prints the median records/s, the ratio to the raw baseline
# (with the range of the per-run ratios), CPU seconds (user + system) and peak RSS. It reports;
# it never fails because a target was missed.
#
#   scripts/bench.sh            build (release), run everything, print the table (about 1 min
#                               per run plus the build; if the workspace does not compile, it
#                               builds only ferry-runtime and the two file plugins and says so)
#   scripts/bench.sh --write    the same, then replace the "Pipeline throughput (issue 3)"
#                               section of BENCHMARKS.md with the result
#   scripts/bench.sh --no-build use the binaries already in the target directory
#   scripts/bench.sh --keep     keep the work directory (logs, configs, files) for inspection
#
# Environment:
#   RECORDS=1000000   number of lines/records
#   RUNS=9            runs of every leg (medians are reported)
#   STARTS=5          start-up measurements (the median is reported)
#   IDLE_SECS=5       idle time before reading the idle RSS
#   FERRY_NISSHI      the nisshi binary (default ~/.cache/ferry/nisshi/bin/nisshi; installed
#                     with `scripts/test.sh nisshi` when missing)
#
# How each number is taken:
# - raw-producer / raw-consumer time themselves from the start of main() until every delivery
#   report arrived / the last line was written and flushed, and read their own getrusage and
#   VmHWM at that moment.
# - Ferry runs are started by `bench-util measure` (bench/baseline), which polls the condition
#   (topic end offset >= RECORDS, or the output file holding RECORDS lines; every 10 ms), then
#   reads utime+stime of the whole process from /proc/PID/stat and VmHWM from /proc/PID/status,
#   then stops Ferry with SIGTERM. Ferry's wall time therefore includes its own start-up,
#   connector start and consumer-group join.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

RECORDS="${RECORDS:-1000000}"
RUNS="${RUNS:-9}"
STARTS="${STARTS:-5}"
IDLE_SECS="${IDLE_SECS:-5}"
LINE_BYTES=100
FLUSH_MS=1000
NISSHI="${FERRY_NISSHI:-$HOME/.cache/ferry/nisshi/bin/nisshi}"

write=0
build=1
keep=0
for arg in "$@"; do
    case "$arg" in
        --write) write=1 ;;
        --no-build) build=0 ;;
        --keep) keep=1 ;;
        -h | --help) sed -n '2,/^set -E/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (see $0 --help)" >&2; exit 2 ;;
    esac
done
command_line="scripts/bench.sh${*:+ $*}"

say() { echo "== $*" >&2; }
die() { echo "bench.sh: $*" >&2; exit 1; }

target_dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null ||
    echo "${CARGO_TARGET_DIR:-$REPO_ROOT/target}")"
BIN="$target_dir/release"

build_note="release build of the workspace"
if [[ $build == 1 ]]; then
    say "cargo build --release (workspace)"
    if ! cargo build --release >&2; then
        # Another crate of the workspace may be mid-edit; the benchmark needs only these three.
        say "WARNING: the workspace build failed; building only what the benchmark runs"
        cargo build --release -p ferry-runtime -p ferry-file-source -p ferry-file-sink >&2 ||
            die "the release build of ferry-runtime, ferry-file-source and ferry-file-sink failed"
        build_note="release build of ferry-runtime, ferry-file-source and ferry-file-sink only (the workspace build failed elsewhere)"
    fi
    say "cargo build --release (bench/baseline, target dir $target_dir)"
    CARGO_TARGET_DIR="$target_dir" cargo build --release \
        --manifest-path "$REPO_ROOT/bench/baseline/Cargo.toml" >&2 ||
        die "the baseline build failed"
fi
[[ $build == 1 ]] || build_note="binaries already in $BIN (--no-build)"
for f in ferry libferry_file_source.so libferry_file_sink.so raw-producer raw-consumer bench-util; do
    [[ -e "$BIN/$f" ]] || die "$BIN/$f is missing (run without --no-build)"
done

if [[ ! -x "$NISSHI" ]]; then
    say "nisshi not found at $NISSHI: installing it with scripts/test.sh nisshi (about 10 minutes)"
    "$REPO_ROOT/scripts/test.sh" nisshi >&2 || die "could not install nisshi"
    NISSHI="${FERRY_NISSHI:-$HOME/.cache/ferry/nisshi/bin/nisshi}"
    [[ -x "$NISSHI" ]] || die "nisshi still missing at $NISSHI"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench.XXXXXX")"
NISSHI_PID=""
cleanup() {
    if [[ -n "$NISSHI_PID" ]] && kill -0 "$NISSHI_PID" 2>/dev/null; then
        kill "$NISSHI_PID" 2>/dev/null || true
        wait "$NISSHI_PID" 2>/dev/null || true
    fi
    if [[ $keep == 1 ]]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

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
for run in $(seq "$RUNS"); do
    for t in A B C; do "$BIN/bench-util" create-topic "$t$run" "$BOOTSTRAP" 1; done
done

# --- input ------------------------------------------------------------------------------------
INPUT="$WORK/lines.txt"
say "generating $RECORDS lines of $LINE_BYTES bytes"
awk -v n="$RECORDS" -v w="$LINE_BYTES" 'BEGIN {
    pad = sprintf("%*s", w - 11, ""); gsub(/ /, "x", pad)
    for (i = 0; i < n; i++) printf "%010d %s\n", i, pad
}' >"$INPUT"
FILE_BYTES=$((RECORDS * (LINE_BYTES + 1)))
[[ $(stat -c %s "$INPUT") == "$FILE_BYTES" ]] || die "generated file has the wrong size"

# --- Ferry configs ----------------------------------------------------------------------------
mkdir -p "$WORK/plugins"
ln -s "$BIN/libferry_file_source.so" "$BIN/libferry_file_sink.so" "$WORK/plugins/"

# worker_config NAME VALUE_CONVERTER [EXTRA_LINE] -> path of a worker .properties on a fresh
# REST port
worker_config() {
    local f="$WORK/$1.worker.properties"
    cat >"$f" <<EOF
${3:-}
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=$2
offset.storage.file.filename=$WORK/$1.offsets
offset.flush.interval.ms=$FLUSH_MS
plugin.path=$WORK/plugins
listeners=http://127.0.0.1:$(free_port)
EOF
    rm -f "$WORK/$1.offsets"
    echo "$f"
}

# kv KEY LINE -> value of KEY=... in a "k=v k=v" line
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

RESULTS="$WORK/results.tsv" # label, kind(raw|ferry), records/s, wall s, cpu s, peak kB, baseline label
: >"$RESULTS"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# ferry_source NAME TOPIC VALUE_CONVERTER LABEL BASELINE_LABEL
ferry_source() {
    local name=$1 topic=$2 conv=$3 label=$4 base=$5 worker connector out rate
    worker="$(worker_config "$name" "$conv")"
    connector="$WORK/$name.properties"
    printf 'name=%s\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=%s\n' \
        "$name" "$INPUT" "$topic" >"$connector"
    out="$("$BIN/bench-util" measure --offset "$topic" "$BOOTSTRAP" "$RECORDS" --timeout 600 \
        --log "$WORK/$name.log" -- "$BIN/ferry" standalone "$worker" "$connector")" ||
        die "Ferry source run $name failed (log: $WORK/$name.log)"
    echo "   $out" >&2
    local end
    end="$("$BIN/bench-util" end-offset "$topic" "$BOOTSTRAP")"
    [[ $end == "$RECORDS" ]] || die "topic $topic holds $end records, expected $RECORDS"
    rate="$(python3 -c "print(round($RECORDS / $(kv elapsed_s "$out")))")"
    record "$label" ferry "$rate" "$(kv elapsed_s "$out")" "$(kv cpu_s "$out")" \
        "$(kv peak_rss_kb "$out")" "$base"
}

# ferry_sink NAME VALUE_CONVERTER LABEL BASELINE_LABEL
ferry_sink() {
    local name=$1 conv=$2 label=$3 base=$4 worker connector out rate
    worker="$(worker_config "$name" "$conv")"
    connector="$WORK/$name.properties"
    printf 'name=%s\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=A1\n' \
        "$name" "$WORK/$name.out" >"$connector"
    out="$("$BIN/bench-util" measure --file "$WORK/$name.out" "$FILE_BYTES" --timeout 600 \
        --log "$WORK/$name.log" -- "$BIN/ferry" standalone "$worker" "$connector")" ||
        die "Ferry sink run $name failed (log: $WORK/$name.log)"
    echo "   $out" >&2
    cmp -s "$INPUT" "$WORK/$name.out" || die "Ferry sink $name's output differs from the input"
    rm -f "$WORK/$name.out"
    rate="$(python3 -c "print(round($RECORDS / $(kv elapsed_s "$out")))")"
    record "$label" ferry "$rate" "$(kv elapsed_s "$out")" "$(kv cpu_s "$out")" \
        "$(kv peak_rss_kb "$out")" "$base"
}

RAW_PRODUCE="raw-producer: file -> topic"
RAW_CONSUME="raw-consumer: topic -> file"
# Every leg runs RUNS times, the raw client and Ferry alternating, so that a slow moment of the
# shared machine hits both sides; the report gives medians.
for run in $(seq "$RUNS"); do
    say "run $run of $RUNS"
    say "raw-producer -> topic A$run"
    out="$("$BIN/raw-producer" "$INPUT" "A$run" "$BOOTSTRAP")" || die "raw-producer failed"
    echo "   $out" >&2
    record "$RAW_PRODUCE" raw "$(kv records_per_s "$out")" "$(kv elapsed_s "$out")" \
        "$(kv cpu_s "$out")" "$(kv peak_rss_kb "$out")" -
    [[ $("$BIN/bench-util" end-offset "A$run" "$BOOTSTRAP") == "$RECORDS" ]] ||
        die "topic A$run does not hold $RECORDS records"

    say "Ferry FileStreamSource -> topic B$run (StringConverter)"
    ferry_source "source-$run" "B$run" org.apache.kafka.connect.storage.StringConverter \
        "Ferry: file-source -> topic (StringConverter)" "$RAW_PRODUCE"

    say "raw-consumer topic A1 -> file"
    out="$("$BIN/raw-consumer" A1 "$BOOTSTRAP" "$RECORDS" "$WORK/raw-out.txt")" ||
        die "raw-consumer failed"
    echo "   $out" >&2
    cmp -s "$INPUT" "$WORK/raw-out.txt" || die "raw-consumer's output differs from the input"
    rm -f "$WORK/raw-out.txt"
    record "$RAW_CONSUME" raw "$(kv records_per_s "$out")" "$(kv elapsed_s "$out")" \
        "$(kv cpu_s "$out")" "$(kv peak_rss_kb "$out")" -

    say "Ferry topic A1 -> FileStreamSink (ByteArrayConverter)"
    ferry_sink "sink-$run" org.apache.kafka.connect.converters.ByteArrayConverter \
        "Ferry: topic -> file-sink (ByteArrayConverter)" "$RAW_CONSUME"

    say "extra: Ferry FileStreamSource -> topic C$run (JsonConverter, schemas.enable=true)"
    ferry_source "source-json-$run" "C$run" org.apache.kafka.connect.json.JsonConverter \
        "extra: Ferry file-source -> topic (JsonConverter)" "$RAW_PRODUCE"
    say "extra: Ferry topic A1 -> FileStreamSink (StringConverter)"
    ferry_sink "sink-string-$run" org.apache.kafka.connect.storage.StringConverter \
        "extra: Ferry topic -> file-sink (StringConverter)" "$RAW_CONSUME"
done

# --- start-up and idle RSS --------------------------------------------------------------------
say "start-up: $STARTS starts until GET / answers 200; idle RSS after ${IDLE_SECS}s on the last"
STARTUP_MS=()
IDLE_RSS_KB=""
for i in $(seq "$STARTS"); do
    worker="$(worker_config "startup-$i" org.apache.kafka.connect.storage.StringConverter)"
    url="http://$(sed -n 's|^listeners=http://||p' "$worker")/"
    idle=()
    [[ $i == "$STARTS" ]] && idle=(--idle "$IDLE_SECS")
    out="$("$BIN/bench-util" measure --http "$url" "${idle[@]}" --timeout 60 \
        --log "$WORK/startup-$i.log" -- "$BIN/ferry" standalone "$worker")" ||
        die "Ferry start-up run $i failed (log: $WORK/startup-$i.log)"
    echo "   $out" >&2
    STARTUP_MS+=("$(python3 -c "print(round($(kv elapsed_s "$out") * 1000, 1))")")
    [[ $i == "$STARTS" ]] && IDLE_RSS_KB="$(kv idle_rss_kb "$out")"
done

# --- report -----------------------------------------------------------------------------------
load="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
git diff --quiet HEAD -- runtime crates plugins plugin-sdk 2>/dev/null || dirty=" (with uncommitted changes in runtime/crates/plugins)"
report="$WORK/report.md"
python3 - "$RESULTS" "$IDLE_RSS_KB" "${STARTUP_MS[*]}" "$RUNS" >"$report" <<EOF
import statistics, sys

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
idle_kb = int(sys.argv[2] or 0)
starts = [float(x) for x in sys.argv[3].split()]
runs = int(sys.argv[4])
legs = {}  # label -> {"base": label, "rate": [...], ...}, in first-seen order
for label, kind, rate, wall, cpu, peak, base in rows:
    leg = legs.setdefault(label, {"base": base, "rate": [], "wall": [], "cpu": [], "peak": []})
    for k, v in (("rate", rate), ("wall", wall), ("cpu", cpu), ("peak", peak)):
        leg[k].append(float(v))
med = {label: {k: statistics.median(v) for k, v in leg.items() if k != "base"} for label, leg in legs.items()}
print(f"Medians of {runs} runs. Ratio: Ferry's median records/s over the raw client's; in brackets")
print("the lowest and highest ratio of one Ferry run to the raw run just before it.")
print()
print("| leg | records/s | ratio to raw (range) | wall s | CPU s (user+sys) | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|")
ratios = {}
for label, leg in legs.items():
    m = med[label]
    ratio = ""
    if leg["base"] != "-":
        r = m["rate"] / med[leg["base"]]["rate"]
        pairs = [f / b for f, b in zip(leg["rate"], legs[leg["base"]]["rate"])]
        headline = not label.startswith("extra")
        if headline:
            ratios[label] = r
        bold = "**" if headline else ""
        ratio = f"{bold}{r:.2f}{bold} ({min(pairs):.2f}–{max(pairs):.2f})"
    print(f"| {label} | {int(m['rate']):,} | {ratio} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['peak'] / 1024:.1f} |")
smed = statistics.median(starts)
print()
print("| what | measured | target | met? |")
print("|---|---:|---:|---|")
for name, r in ratios.items():
    print(f"| ratio, {name.split(':')[1].strip()} (median of {runs}) | {r:.2f} | >= 0.9 | {'yes' if r >= 0.9 else 'no'} |")
print(f"| start-up until \`GET /\` answers 200 (median of {len(starts)}: "
      f"{', '.join(f'{s:g}' for s in starts)} ms) | {smed:g} ms | < 200 ms | {'yes' if smed < 200 else 'no'} |")
print(f"| idle RSS (VmRSS after $IDLE_SECS s, no connectors) | {idle_kb / 1024:.1f} MB | < 30 MB | "
      f"{'yes' if idle_kb / 1024 < 30 else 'no'} |")
EOF

machine="nproc $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory, $(uname -sr); $(rustc --version | cut -d' ' -f1-2)"
date_utc="$(date -u +%Y-%m-%dT%H:%MZ)"

echo
cat "$report"
echo
echo "records: $RECORDS x $LINE_BYTES bytes; broker: nisshi $("$NISSHI" --version 2>/dev/null | awk '{print $NF}') memory://, 1-partition topics"
echo "machine: $machine"
echo "date:    $date_utc; load average at the end: $load (1, 5, 15 min)"
echo "commit:  $commit$dirty"
echo "build:   $build_note"

if [[ $write == 1 ]]; then
    section="$WORK/section.md"
    {
        echo "## Pipeline throughput (issue 3)"
        echo
        echo "Ferry's data path end to end against the raw rdkafka client doing the same work on the"
        echo "same broker: $RECORDS lines of $LINE_BYTES bytes from a file into a topic (source) and"
        echo "from a topic into a file (sink), plus the worker's start-up time and idle memory."
        echo "Written by \`scripts/bench.sh --write\`; the section is replaced on every such run."
        echo
        if [[ $build == 1 ]]; then
            echo "**Command:** \`$command_line\`. It builds release (workspace and \`bench/baseline\`),"
        else
            echo "**Command:** \`$command_line\`. It uses the release binaries already built,"
        fi
        echo "starts one nisshi broker (\`--storage-engine memory://nisshi/\`, loopback,"
        echo "1-partition topics created up front) and runs every leg $RUNS times, the raw client and"
        echo "Ferry alternating, so that a slow moment of the shared machine hits both sides:"
        echo
        echo "- **raw-producer** (\`bench/baseline\`, plain rdkafka \`BaseProducer\`): each line as a"
        echo "  record value, no key, with the settings Ferry forces on a source producer (acks=all,"
        echo "  enable.idempotence=false, max.in.flight.requests.per.connection=1, linger.ms=5,"
        echo "  message.timeout.ms=0); timed from \`main\` until every delivery report arrived."
        echo "- **Ferry file-source**: \`ferry standalone\` with one FileStreamSource connector, timed"
        echo "  from spawning the worker until the topic's end offset reaches $RECORDS (polled every"
        echo "  10 ms). Converters: **StringConverter** for keys and values, so the topic holds the same"
        echo "  raw $LINE_BYTES-byte values as the raw producer's. The extra row uses JsonConverter"
        echo "  (schemas.enable=true: each value becomes \`{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"…\"}\`,"
        echo "  about 160 bytes), so it moves more bytes than the baseline. The worker commits source"
        echo "  offsets every $FLUSH_MS ms (offset.flush.interval.ms; Kafka's default is 60000), so"
        echo "  offsets are written to the offset file during the run."
        echo "- **raw-consumer** (\`BaseConsumer\`, fresh group, subscribe, earliest, the consumer"
        echo "  settings Ferry forces on a sink task, including \`fetch.queue.backoff.ms=10\`): writes"
        echo "  value + newline through a 256 KiB buffer; timed from \`main\` until the last line is"
        echo "  flushed."
        echo "- **Ferry file-sink**: one FileStreamSink connector (fresh group) on the first raw"
        echo "  producer's topic, timed from spawning the worker until the output file holds all"
        echo "  $RECORDS lines. Converters: **ByteArrayConverter** for values (the bytes fast path),"
        echo "  StringConverter in the extra row. FileStreamSink writes through a 256 KiB buffer that it"
        echo "  writes out at the end of every \`put\` (Kafka's prints every record to an unbuffered"
        echo "  stream), so the file is complete when the last batch was put."
        echo "- Ferry's wall time includes its start-up (plugin loading, REST, connector and task start,"
        echo "  group join); the raw clients' includes their client creation and group join. Outputs"
        echo "  are checked: every topic holds exactly $RECORDS records, every output file equals the input."
        echo "- CPU = user + system seconds of the whole process (all threads) at completion"
        echo "  (\`/proc/PID/stat\` for Ferry, \`getrusage\` for the raw clients); peak RSS = VmHWM."
        echo "- Start-up: \`ferry standalone\` with a worker file only (bundled plugins, no connectors,"
        echo "  nisshi as bootstrap, not the embedded broker), from spawn until \`GET /\` answers 200"
        echo "  (polled every 1 ms), $STARTS starts; idle RSS = VmRSS after $IDLE_SECS s of the last one."
        echo
        echo "**Machine:** $machine. **Date:** $date_utc. **Commit:** \`$commit\`$dirty;"
        echo "$build_note."
        echo "Load average at the end of the run: $load (1, 5, 15 min; two cores, shared)."
        echo
        cat "$report"
        echo
    } >"$section"
    python3 - "$REPO_ROOT/BENCHMARKS.md" "$section" <<'EOF'
import os, re, sys

path, section = sys.argv[1], open(sys.argv[2]).read()
heading = "## Pipeline throughput (issue 3)"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
start = text.find("\n" + heading + "\n")
if start < 0:
    text = text.rstrip("\n") + "\n\n" + section
else:
    start += 1
    m = re.search(r"^## ", text[start + len(heading):], re.M)
    if m:
        end = start + len(heading) + m.start()
        text = text[:start] + section.rstrip("\n") + "\n\n" + text[end:]
    else:
        text = text[:start] + section
tmp = path + ".tmp"
open(tmp, "w").write(text.rstrip("\n") + "\n")
os.replace(tmp, path)
EOF
    echo "BENCHMARKS.md: section \"Pipeline throughput (issue 3)\" written" >&2
fi
