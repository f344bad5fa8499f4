#!/usr/bin/env bash
# The main job on the embedded default: builds Ferry, then runs Kafka Connect's quickstart
# pipeline (file -> FileStreamSource -> topic connect-test -> FileStreamSink -> file) on an
# in-memory broker, and prints what arrived. Needs only Rust (cargo) and a C compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
printf 'foo\nbar\nhello ferry\n' > "$work/test.txt"
sed "s|^offset.storage.file.filename=.*|offset.storage.file.filename=$work/connect.offsets|; s|^listeners=.*|listeners=http://127.0.0.1:${FERRY_PORT:-8083}|" config/connect-standalone.properties > "$work/worker.properties"
sed "s|^file=.*|file=$work/test.txt|" config/connect-file-source.properties > "$work/source.properties"
sed "s|^file=.*|file=$work/test.sink.txt|" config/connect-file-sink.properties > "$work/sink.properties"
./target/release/ferry standalone "$work/worker.properties" "$work/source.properties" "$work/sink.properties" > "$work/ferry.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if [ -f "$work/test.sink.txt" ] && [ "$(wc -l < "$work/test.sink.txt")" -ge 3 ]; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/ferry.log"; echo "ferry exited early" >&2; exit 1; fi
  sleep 0.1
done
echo "== $work/test.txt went through Kafka (topic connect-test) into $work/test.sink.txt:"
cat "$work/test.sink.txt"
echo "== connector status: curl http://127.0.0.1:${FERRY_PORT:-8083}/connectors/local-file-sink/status"
curl -s "http://127.0.0.1:${FERRY_PORT:-8083}/connectors/local-file-sink/status" || true
echo
kill -TERM "$pid"; wait "$pid" || true
echo "== ferry stopped (log: $work/ferry.log)"
