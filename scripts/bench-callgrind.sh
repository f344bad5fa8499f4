#!/usr/bin/env bash
# Instruction counts per record of one pipeline leg (BENCHMARKS.md, "Pipeline throughput: where
# the time goes"): repeatable where wall-clock numbers are not (shared machines).
#
#   scripts/bench-callgrind.sh source|sink [RECORDS]
#
# Runs `ferry standalone` under `valgrind --tool=callgrind --separate-threads=yes` with one
# FileStreamSource (file -> topic) or FileStreamSink (topic -> file) connector against a native
# nisshi broker (memory storage), RECORDS lines of 100 bytes (default 200000), stops it once the
# topic / the output file is complete, and prints the instructions per record of the task thread,
# of the producer's delivery-report thread (source) and of the whole process. Plugins are loaded
# from private copies without symbols, so their functions are named afterwards from the
# originals (`addr2line`). The profiles stay in the work directory for callgrind_annotate.
#
# Environment: BIN (default <target>/release: ferry, the two file plugins, and bench-util and
# raw-producer from bench/baseline), VALUE_CONVERTER (default StringConverter for the source,
# ByteArrayConverter for the sink), FERRY_NISSHI, WORK (default a new temporary directory).
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-}"
N="${2:-200000}"
[[ $MODE == source || $MODE == sink ]] || { sed -n '2,/^set -E/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
target_dir="$(cd "$REPO_ROOT" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="${BIN:-$target_dir/release}"
NISSHI="${FERRY_NISSHI:-$HOME/.cache/ferry/nisshi/bin/nisshi}"
for f in "$BIN/ferry" "$BIN/libferry_file_source.so" "$BIN/libferry_file_sink.so" \
    "$BIN/bench-util" "$BIN/raw-producer" "$NISSHI"; do
    [[ -x $f || -f $f ]] || { echo "bench-callgrind.sh: $f is missing" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "bench-callgrind.sh: valgrind is not installed" >&2; exit 1; }

W="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ferry-callgrind.XXXXXX")}"
mkdir -p "$W/plugins"
ln -sf "$BIN/libferry_file_source.so" "$BIN/libferry_file_sink.so" "$W/plugins/"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
B="127.0.0.1:$PORT"
env -u CLUSTER_ID -u LISTENER_URL -u ADVERTISED_LISTENER_URL -u STORAGE_ENGINE RUST_LOG=warn \
    "$NISSHI" broker --listener-url "tcp://$B" --advertised-listener-url "tcp://$B" \
    --storage-engine memory://nisshi/ --group-initial-rebalance-delay 0s >"$W/nisshi.log" 2>&1 </dev/null &
NISSHI_PID=$!
FERRY_PID=""
cleanup() {
    [[ -n $FERRY_PID ]] && kill "$FERRY_PID" 2>/dev/null || true
    kill "$NISSHI_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done

INPUT="$W/lines.txt"
awk -v n="$N" 'BEGIN { pad = sprintf("%*s", 89, ""); gsub(/ /, "x", pad)
    for (i = 0; i < n; i++) printf "%010d %s\n", i, pad }' >"$INPUT"
if [[ $MODE == source ]]; then
    conv="${VALUE_CONVERTER:-org.apache.kafka.connect.storage.StringConverter}"
    "$BIN/bench-util" create-topic T "$B" 1
    printf 'name=src\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=T\n' "$INPUT" >"$W/connector.properties"
    complete() { [[ $("$BIN/bench-util" end-offset T "$B") -ge $N ]]; }
else
    conv="${VALUE_CONVERTER:-org.apache.kafka.connect.converters.ByteArrayConverter}"
    "$BIN/bench-util" create-topic T "$B" 1
    "$BIN/raw-producer" "$INPUT" T "$B" >/dev/null
    printf 'name=snk\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=T\n' "$W/out.txt" >"$W/connector.properties"
    complete() { [[ $(stat -c %s "$W/out.txt" 2>/dev/null || echo 0) -ge $(stat -c %s "$INPUT") ]]; }
fi
cat >"$W/worker.properties" <<EOF
bootstrap.servers=$B
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=$conv
offset.storage.file.filename=$W/offsets
offset.flush.interval.ms=1000
plugin.path=$W/plugins
listeners=http://127.0.0.1:$(free_port)
consumer.fetch.queue.backoff.ms=10
EOF

valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$W/cg.out" \
    "$BIN/ferry" standalone "$W/worker.properties" "$W/connector.properties" >"$W/ferry.log" 2>&1 &
FERRY_PID=$!
# The plugin copies are deleted once loaded: remember where they are mapped.
until grep -q "ferry-.*\.so" "/proc/$FERRY_PID/maps" 2>/dev/null; do
    kill -0 "$FERRY_PID" 2>/dev/null || { tail "$W/ferry.log" >&2; exit 1; }
    sleep 0.5
done
sleep 2
cp "/proc/$FERRY_PID/maps" "$W/maps"
until complete; do
    kill -0 "$FERRY_PID" 2>/dev/null || { echo "ferry exited early" >&2; tail "$W/ferry.log" >&2; exit 1; }
    sleep 1
done
sleep 2
kill -TERM "$FERRY_PID"
wait "$FERRY_PID" || true
FERRY_PID=""
[[ $MODE == sink ]] && { cmp -s "$INPUT" "$W/out.txt" || { echo "the output differs from the input" >&2; exit 1; }; }

python3 - "$W" "$BIN" "$N" <<'EOF'
import glob, os, re, subprocess, sys
w, bin_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
maps, bases = [], {}
for line in open(os.path.join(w, "maps")):
    parts = line.split()
    if len(parts) >= 6 and re.search(r"/ferry-\d+-\d+-.*\.so", parts[5]):
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        name = re.sub(r"^ferry-\d+-\d+-", "", os.path.basename(parts[5]))
        maps.append((lo, hi, name))
        if int(parts[2], 16) == 0:
            bases[name] = lo
files = sorted(f for f in glob.glob(os.path.join(w, "cg.out-*")) if re.search(r"-\d+$", f))
unnamed = re.compile(r"^(c?fn=\(\d+\)) 0x([0-9a-f]+)$")
addrs = {int(m.group(2), 16) for f in files for m in map(unnamed.match, open(f)) if m}
names = {}
for lo, hi, name in {(lo, hi, name) for lo, hi, name in maps}:
    inside = sorted(a for a in addrs if lo <= a < hi)
    if not inside or name not in bases:
        continue
    out = subprocess.run(["addr2line", "-f", "-C", "-e", os.path.join(bin_dir, name)]
                         + [hex(a - bases[name]) for a in inside], capture_output=True, text=True).stdout.split("\n")
    for i, a in enumerate(inside):
        names[a] = f"[{name}] {out[2 * i]}"
threads, total = [], 0
for f in files:
    text = open(f).read().split("\n")
    for i, line in enumerate(text):
        m = unnamed.match(line)
        if m and int(m.group(2), 16) in names:
            text[i] = f"{m.group(1)} {names[int(m.group(2), 16)]}"
    open(f, "w").write("\n".join(text))
    ir = next(int(l.split()[1]) for l in text if l.startswith("summary:"))
    total += ir
    threads.append((ir, "\n".join(text), os.path.basename(f)))
# A thread's role: the busiest thread whose profile names the function it runs.
taken = set()
for role, needle in [("source task", "run_source_task"), ("sink task", "run_sink_task"),
                     ("delivery reports", "BaseProducer<C,Part>::poll")]:
    found = [(ir, f) for ir, body, f in threads if needle in body and f not in taken]
    if found:
        ir, f = max(found)
        taken.add(f)
        print(f"{role:17} thread ({f}): {ir / n:8.0f} instructions per record")
print(f"whole process:                {total / n:8.0f} instructions per record ({n} records)")
print(f"profiles: {w}/cg.out-* (callgrind_annotate --inclusive=yes FILE)")
EOF
