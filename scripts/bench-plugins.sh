#!/usr/bin/env bash
# The plugin start-up benchmark (BENCHMARKS.md, "Start-up with 20 plugins"): how long
# `ferry standalone` takes from exec to a REST port that answers GET /connector-plugins with all
# 20 plugins loaded. Target: under 300 ms.
#
#   scripts/bench-plugins.sh              build the release binary and plugins, then measure
#   scripts/bench-plugins.sh --no-build   measure the binaries already in target/release
#
# Environment:
#   RUNS=15        number of start-ups measured (after one unmeasured warm-up)
#   PLUGINS=20     number of plugin files
#
# The 20 plugins are copies of the bundled file-source and file-sink libraries (alternately),
# each with its class names rewritten in place (`org.apache.kafka.connect.file.` becomes
# `org.apache.kafka.benchNN.file.`, same length), so that every file is a distinct, fully
# loaded plugin of realistic size (the release profile keeps line tables: about 19 MB each).
# The worker runs on its embedded broker. The headline is the median; min and max are printed
# next to it.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
RUNS="${RUNS:-15}"
PLUGINS="${PLUGINS:-20}"

if [[ "${1:-}" != "--no-build" ]]; then
    cargo build --release -p ferry-runtime -p ferry-file-source -p ferry-file-sink >&2
fi
target_dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
release="$target_dir/release"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$release" "$work" "$RUNS" "$PLUGINS" <<'PY'
import json, os, socket, statistics, subprocess, sys, time, urllib.request

release, work, runs, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
plugins = os.path.join(work, "plugins")
os.makedirs(plugins)
for i in range(count):
    lib = "libferry_file_source.so" if i % 2 == 0 else "libferry_file_sink.so"
    data = open(os.path.join(release, lib), "rb").read()
    old = b"org.apache.kafka.connect.file."
    new = ("org.apache.kafka.bench%02d.file." % i).encode()
    assert len(old) == len(new) and data.count(old) > 0
    with open(os.path.join(plugins, "libbench%02d.so" % i), "wb") as f:
        f.write(data.replace(old, new))
size = sum(os.path.getsize(os.path.join(plugins, f)) for f in os.listdir(plugins))

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def start_once():
    port = free_port()
    props = os.path.join(work, "worker.properties")
    with open(props, "w") as f:
        f.write(f"plugin.path={plugins}\noffset.storage.file.filename={work}/offsets\n"
                f"listeners=http://127.0.0.1:{port}\n")
    url = f"http://127.0.0.1:{port}/connector-plugins?connectorsOnly=true"
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(release, "ferry"), "standalone", props],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if p.poll() is not None:
                sys.exit(f"ferry exited with {p.returncode}")
            try:
                body = urllib.request.urlopen(url, timeout=1).read()
                n = len(json.loads(body))
                elapsed = time.monotonic() - t0
                if n != count:
                    sys.exit(f"expected {count} connector plugins, the worker lists {n}")
                return elapsed * 1000
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.001)
            if time.monotonic() - t0 > 30:
                sys.exit("ferry did not answer within 30 s")
    finally:
        p.terminate()
        p.wait()

start_once()  # warm-up: page cache, dynamic linker caches
times = sorted(start_once() for _ in range(runs))
load = os.getloadavg()[0]
print(f"{count} plugins ({size / 1e6:.0f} MB of .so files), {runs} start-ups, load average {load:.1f}")
print(f"exec -> GET /connector-plugins lists all {count}: "
      f"median {statistics.median(times):.0f} ms, min {times[0]:.0f} ms, max {times[-1]:.0f} ms "
      f"(target: < 300 ms)")
PY
