#!/usr/bin/env bash
# The main job on the embedded default: builds Ferry, builds a SQLite database from
# tests/fixtures/models.sql, and runs the seed pipeline — Models table → JDBC source → topic
# sqlite-sample-Models → FileStreamSink → file — on an in-memory broker Ferry starts itself.
# Prints the file and checks it against tests/fixtures/models-sink.expected.txt.
# Needs Rust (cargo), a C compiler and python3 (for its sqlite3 module).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()' \
    "$work/models.db" tests/fixtures/models.sql
port=${FERRY_PORT:-8083}
sed "s|^offset.storage.file.filename=.*|offset.storage.file.filename=$work/connect.offsets|; s|^listeners=.*|listeners=http://127.0.0.1:$port|" \
    config/connect-standalone.properties > "$work/worker.properties"
sed "s|^connection.url=.*|connection.url=jdbc:sqlite:$work/models.db|" config/connect-jdbc-source-sqlite.properties > "$work/source.properties"
sed "s|^file=.*|file=$work/models.txt|" config/connect-file-sink-models.properties > "$work/sink.properties"
./target/release/ferry standalone "$work/worker.properties" "$work/source.properties" "$work/sink.properties" > "$work/ferry.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if [ -f "$work/models.txt" ] && [ "$(wc -l < "$work/models.txt")" -ge 17 ]; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/ferry.log"; echo "ferry exited early" >&2; exit 1; fi
  sleep 0.1
done
echo "== The Models table went through Kafka (topic sqlite-sample-Models) into $work/models.txt:"
cat "$work/models.txt"
echo "== Status: curl http://127.0.0.1:$port/connectors/File-Sink-Connector/status"
curl -s "http://127.0.0.1:$port/connectors/File-Sink-Connector/status" || true
echo
kill -TERM "$pid"; wait "$pid" || true; pid=
if cmp -s "$work/models.txt" tests/fixtures/models-sink.expected.txt; then
  echo "== OK: identical to tests/fixtures/models-sink.expected.txt (log: $work/ferry.log)"
else
  echo "== The output differs from tests/fixtures/models-sink.expected.txt (log: $work/ferry.log)" >&2
  exit 1
fi
