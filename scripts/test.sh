#!/usr/bin/env bash
# Ferry's one test command: sets up everything the tests need on a fresh machine, then runs them.
#
#   scripts/test.sh                  fmt, clippy, set-up, release build, all tests (in that order)
#   scripts/test.sh -- ARGS          the same, with ARGS passed to the test runner (nextest)
#   scripts/test.sh setup            only the set-up: nisshi, Python venv, databases, Hadoop jars
#   scripts/test.sh nisshi|venv|databases|hadoop-jars|lint|build
#                                    one step on its own
#   scripts/test.sh test [-- ARGS]   only the tests (assumes set-up and release build done)
#   eval "$(scripts/test.sh env)"    export FERRY_* for running `cargo test` by hand
#
# Idempotent: everything it installs is cached under $FERRY_CACHE (default ~/.cache/ferry) and
# skipped when already there.
#
# Environment:
#   FERRY_CACHE        cache root (default ~/.cache/ferry)
#   CI=true            use CARGO_TARGET_DIR=$FERRY_CACHE/target (unless CARGO_TARGET_DIR is set)
#   FERRY_SKIP_LINT=1  skip `cargo fmt --check` and clippy
#   FERRY_BASE_PYTHON  interpreter the venv is made from (default python3)
#   FERRY_TEST_SCOPE   which packages lint/build/test cover (default --workspace; e.g.
#                      "-p ferry-tests" to check one crate while others are mid-edit)
# Exported to the tests (read by the ferry-tests harness):
#   FERRY_NISSHI       the nisshi broker binary
#   FERRY_PYTHON       the venv's python (confluent-kafka, kafka-python)
#   FERRY_TARGET_DIR   the release dir holding the plugin .so files and the `ferry` binary
#   FERRY_CACHE        as above
#   FERRY_HADOOP_JARS  the 25 Hadoop 2.7.3 jars (test-services.md section 4), fetched by setup
#   RUST_BACKTRACE=1   unless set
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

export FERRY_CACHE="${FERRY_CACHE:-$HOME/.cache/ferry}"
NISSHI_VERSION="0.8.1"
NISSHI_ROOT="$FERRY_CACHE/nisshi"
NISSHI_BIN="$NISSHI_ROOT/bin/nisshi"
NISSHI_LOG="$FERRY_CACHE/nisshi-install.log"
NISSHI_BUILD_DIR="$FERRY_CACHE/nisshi-target"
VENV_DIR="$FERRY_CACHE/venv"
REQUIREMENTS="$REPO_ROOT/scripts/requirements-test.txt"
HADOOP_JARS_DIR="$FERRY_CACHE/hadoop-jars"

START_SECONDS=$SECONDS
# shellcheck disable=SC2206 # word splitting wanted: "-p a -p b"
SCOPE=(${FERRY_TEST_SCOPE:---workspace})

# ---------------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------------

elapsed() {
    local s=$((SECONDS - START_SECONDS))
    printf '%dm%02ds' $((s / 60)) $((s % 60))
}

section() {
    echo
    echo "=================================================================================="
    echo "==> $* [$(elapsed)]"
    echo "=================================================================================="
}

info() { echo "    $*"; }

die() {
    echo >&2
    echo "test.sh: ERROR: $*" >&2
    exit 1
}

on_err() {
    local rc=$?
    echo >&2
    echo "test.sh: FAILED (exit $rc) at line ${BASH_LINENO[0]}: ${BASH_COMMAND} [$(elapsed)]" >&2
}
trap on_err ERR

# Kill background jobs this script started (only those) when it exits early.
BG_PIDS=()
cleanup() {
    local pid
    for pid in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (run as root or install sudo)"
    fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
    if [ "$APT_UPDATED" = 0 ]; then
        info "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
        APT_UPDATED=1
    fi
    info "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# ---------------------------------------------------------------------------------------------
# (a) nisshi: a Kafka-protocol broker from crates.io
# ---------------------------------------------------------------------------------------------

count_compiled() { grep -c Compiling "$NISSHI_LOG" 2>/dev/null || true; }

nisshi_ok() {
    [ -x "$NISSHI_BIN" ] && "$NISSHI_BIN" --version 2>/dev/null | grep -qF "$NISSHI_VERSION"
}

# PIDs of `cargo install nisshi ... --root $NISSHI_ROOT` processes (started by anyone, e.g. a
# developer's earlier background run), so that a second install into the same root never starts.
foreign_nisshi_installs() {
    local pid args
    for pid in $(pgrep -f "cargo install nisshi" 2>/dev/null || true); do
        [ "$pid" = "$$" ] && continue
        [ -r "/proc/$pid/cmdline" ] || continue
        args="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
        case "$args" in
        *cargo\ install\ nisshi*--root\ "$NISSHI_ROOT"* | *cargo\ install\ nisshi*--root="$NISSHI_ROOT"*)
            case "${args%% *}" in
            *cargo) echo "$pid" ;;
            esac
            ;;
        esac
    done
}

wait_for_foreign_install() {
    local pids waited=0 max=$((45 * 60))
    pids="$(foreign_nisshi_installs | tr '\n' ' ')"
    pids="${pids% }"
    [ -n "$pids" ] || return 0
    info "another 'cargo install nisshi' into $NISSHI_ROOT is running (pid $pids); waiting for it"
    info "(its log, if started by the usual command: $NISSHI_LOG)"
    while [ -n "$(foreign_nisshi_installs)" ]; do
        if [ $waited -ge $max ]; then
            die "gave up after $((max / 60)) min waiting for pid(s) $pids to finish installing nisshi"
        fi
        sleep 15
        waited=$((waited + 15))
        if [ $((waited % 60)) = 0 ]; then
            info "... still waiting ($((waited / 60)) min; $(count_compiled) crates compiled per log)"
        fi
    done
    info "the other install finished"
}

setup_nisshi() {
    section "nisshi $NISSHI_VERSION (Kafka-protocol broker)"
    mkdir -p "$FERRY_CACHE"
    if nisshi_ok; then
        info "cached: $NISSHI_BIN ($("$NISSHI_BIN" --version 2>&1 | head -1))"
        return 0
    fi
    # One installer at a time, across concurrent test.sh runs.
    exec 8>"$FERRY_CACHE/nisshi-install.lock"
    if ! flock -n 8; then
        info "another scripts/test.sh is installing nisshi; waiting for its lock"
        flock 8
    fi
    wait_for_foreign_install
    if nisshi_ok; then
        info "installed by the other run: $NISSHI_BIN"
        flock -u 8
        return 0
    fi
    local force=()
    if [ -x "$NISSHI_BIN" ]; then
        info "found $NISSHI_BIN but not version $NISSHI_VERSION; reinstalling"
        force=(--force)
    fi
    info "cargo install nisshi --version $NISSHI_VERSION --locked --ignore-rust-version --root $NISSHI_ROOT"
    info "(about 10 minutes on 2 cores; build dir $NISSHI_BUILD_DIR; log $NISSHI_LOG)"
    # --ignore-rust-version: its dependency rama 0.4.0 declares Rust 1.96 but builds with 1.95.
    # A fixed CARGO_TARGET_DIR lets an interrupted install resume instead of starting over.
    CARGO_TARGET_DIR="$NISSHI_BUILD_DIR" cargo install nisshi --version "$NISSHI_VERSION" \
        --locked --ignore-rust-version --root "$NISSHI_ROOT" "${force[@]+"${force[@]}"}" \
        >"$NISSHI_LOG" 2>&1 </dev/null &
    local pid=$! n=0 rc=0
    BG_PIDS+=("$pid")
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        n=$((n + 5))
        if [ $((n % 60)) = 0 ]; then
            info "... building nisshi ($((n / 60)) min, $(count_compiled) crates compiled)"
        fi
    done
    wait "$pid" || rc=$?
    if [ $rc != 0 ] || ! nisshi_ok; then
        echo "---- last 40 lines of $NISSHI_LOG ----" >&2
        tail -n 40 "$NISSHI_LOG" >&2 || true
        die "installing nisshi failed (exit $rc); see $NISSHI_LOG"
    fi
    info "installed $NISSHI_BIN in $((n / 60)) min"
    # The binary is all that is needed; the 2+ GB of build artefacts are not.
    rm -rf "$NISSHI_BUILD_DIR"
    flock -u 8
}

# ---------------------------------------------------------------------------------------------
# (b) Python venv with independent Kafka clients
# ---------------------------------------------------------------------------------------------

venv_stamp() { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; }

venv_ok() {
    [ -x "$VENV_DIR/bin/python" ] &&
        [ "$(cat "$VENV_DIR/.ferry-requirements" 2>/dev/null)" = "$(venv_stamp)" ] &&
        "$VENV_DIR/bin/python" -c 'import confluent_kafka, kafka' >/dev/null 2>&1
}

setup_venv() {
    section "Python venv ($VENV_DIR)"
    if venv_ok; then
        info "cached: $("$VENV_DIR/bin/python" -c 'import confluent_kafka, kafka, sys; print("python", sys.version.split()[0], "confluent-kafka", confluent_kafka.__version__, "kafka-python", kafka.__version__)')"
        return 0
    fi
    local base="${FERRY_BASE_PYTHON:-python3}"
    command -v "$base" >/dev/null 2>&1 || die "$base not found (needed to create the test venv)"
    mkdir -p "$FERRY_CACHE"
    exec 7>"$FERRY_CACHE/venv.lock"
    flock 7
    if ! venv_ok; then
        info "creating venv with $base ($("$base" --version 2>&1))"
        "$base" -m venv --clear "$VENV_DIR"
        "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
        venv_stamp >"$VENV_DIR/.ferry-requirements"
    fi
    flock -u 7
    venv_ok || die "venv at $VENV_DIR is not usable after install"
    info "ready: $("$VENV_DIR/bin/python" -c 'import confluent_kafka, kafka; print("confluent-kafka", confluent_kafka.__version__, "kafka-python", kafka.__version__)')"
}

# ---------------------------------------------------------------------------------------------
# (c) PostgreSQL (127.0.0.1:5432, trust) and MariaDB (127.0.0.1:3306, root/no password)
# ---------------------------------------------------------------------------------------------

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

wait_port() {
    local port=$1 what=$2 _
    for _ in $(seq 1 60); do
        port_open "$port" && return 0
        sleep 1
    done
    die "$what did not start listening on 127.0.0.1:$port within 60 s"
}

# The newest PostgreSQL cluster version configured under /etc/postgresql (e.g. 15).
pg_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1 || true; }

ensure_postgres() {
    if port_open 5432; then
        info "PostgreSQL answers on 127.0.0.1:5432"
    else
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(pg_version)" ]; then
            apt_install postgresql
        fi
        local ver
        ver="$(pg_version)"
        info "starting PostgreSQL $ver"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
        wait_port 5432 PostgreSQL
        info "PostgreSQL started"
    fi
    if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
        # A fresh Debian install: allow trust on loopback and create the databases the tests use.
        info "configuring PostgreSQL: trust on 127.0.0.1, role root, databases test and root"
        local ver hba
        ver="$(pg_version)"
        hba="/etc/postgresql/$ver/main/pg_hba.conf"
        if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
            as_root sed -i '1i local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
            as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
            sleep 1
        fi
        psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
SELECT 'CREATE ROLE root SUPERUSER LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'root')\gexec
SELECT 'CREATE DATABASE root OWNER root' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'root')\gexec
SELECT 'CREATE DATABASE test' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'test')\gexec
SQL
        psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null ||
            die "PostgreSQL runs but 'psql -h 127.0.0.1 -U postgres -d test' fails"
    fi
}

ensure_mariadb() {
    local client
    if port_open 3306; then
        info "MariaDB answers on 127.0.0.1:3306"
    else
        if [ ! -x /usr/sbin/mariadbd ]; then
            apt_install mariadb-server
        fi
        info "starting MariaDB"
        as_root install -d -o mysql -g mysql /run/mysqld
        as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
        wait_port 3306 MariaDB
        info "MariaDB started"
    fi
    client="$(command -v mariadb || command -v mysql || true)"
    [ -n "$client" ] || { info "no mariadb client binary; not checking the login"; return 0; }
    if ! "$client" -h 127.0.0.1 -u root -e 'USE test' >/dev/null 2>&1; then
        # A fresh Debian install: root authenticates by unix socket only and there is no `test`.
        info "configuring MariaDB: root with empty password over TCP, database test"
        as_root "$client" -u root <<'SQL'
CREATE DATABASE IF NOT EXISTS test;
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
        "$client" -h 127.0.0.1 -u root -e 'USE test' >/dev/null ||
            die "MariaDB runs but 'mariadb -h 127.0.0.1 -u root test' fails"
    fi
}

setup_databases() {
    section "Databases (PostgreSQL, MariaDB)"
    ensure_postgres
    ensure_mariadb
}

# ---------------------------------------------------------------------------------------------
# (d) Hadoop 2.7.3 jars for a real HDFS (test-services.md section 4), used by the HDFS sink's
#     tests (tests/src/hdfs.rs).
# ---------------------------------------------------------------------------------------------

HADOOP_JARS=(
    hadoop-common-2.7.3 hadoop-hdfs-2.7.3 hadoop-auth-2.7.3 hadoop-annotations-2.7.3
    guava-14.0.1 protobuf-java-2.5.0 commons-cli-1.2 commons-io-2.4 commons-lang-2.6
    commons-logging-1.1.3 commons-collections-3.2.2 commons-configuration-1.6 commons-codec-1.10
    htrace-core-3.1.0-incubating jetty-6.1.26 jetty-util-6.1.26 javax.servlet-api-3.1.0
    log4j-1.2.17 slf4j-api-1.7.16 slf4j-log4j12-1.7.16 xmlenc-0.52 netty-all-4.1.47.Final
    jackson-core-asl-1.9.13 jackson-mapper-asl-1.9.13 javax.ws.rs-api-2.0.1
)

hadoop_jars_ok() {
    local j
    [ -f "$HADOOP_JARS_DIR/.complete" ] || return 1
    for j in "${HADOOP_JARS[@]}"; do
        [ -s "$HADOOP_JARS_DIR/$j.jar" ] || return 1
    done
}

setup_hadoop_jars() {
    section "Hadoop 2.7.3 jars from PyPI pyspark==2.4.8 ($HADOOP_JARS_DIR)"
    if hadoop_jars_ok; then
        info "cached: ${#HADOOP_JARS[@]} jars"
        return 0
    fi
    local base="${FERRY_BASE_PYTHON:-python3}" work members=() j sdist
    work="$FERRY_CACHE/pyspark-download"
    rm -rf "$work"
    mkdir -p "$work"
    info "downloading the pyspark 2.4.8 source package (220 MB)"
    "$base" -m venv "$work/venv"
    # pip runs the sdist's setup.py, which needs `wheel` and no build isolation.
    "$work/venv/bin/pip" install -q --disable-pip-version-check wheel
    "$work/venv/bin/pip" download -q --disable-pip-version-check --no-deps --no-build-isolation \
        -d "$work/dl" pyspark==2.4.8
    sdist="$(ls "$work"/dl/pyspark-2.4.8.tar.gz)"
    for j in "${HADOOP_JARS[@]}"; do
        members+=("pyspark-2.4.8/deps/jars/$j.jar")
    done
    rm -rf "$HADOOP_JARS_DIR"
    mkdir -p "$HADOOP_JARS_DIR"
    info "extracting ${#HADOOP_JARS[@]} jars"
    tar -xzf "$sdist" -C "$HADOOP_JARS_DIR" --strip-components=3 "${members[@]}"
    touch "$HADOOP_JARS_DIR/.complete"
    rm -rf "$work"
    hadoop_jars_ok || die "the Hadoop jars in $HADOOP_JARS_DIR are incomplete"
    info "ready: $(du -sh "$HADOOP_JARS_DIR" | cut -f1) in ${#HADOOP_JARS[@]} jars"
}

# ---------------------------------------------------------------------------------------------
# (e) build, lint and (f) test
# ---------------------------------------------------------------------------------------------

configure_cargo() {
    if [ "${CI:-}" = "true" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
        # CI runs on a fresh clone each time: keep the build where the next run finds it.
        export CARGO_TARGET_DIR="$FERRY_CACHE/target"
    fi
    local target
    target="$(cargo metadata --no-deps --format-version 1 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || true)"
    if [ -z "$target" ]; then
        target="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
        case "$target" in /*) ;; *) target="$REPO_ROOT/$target" ;; esac
    fi
    export FERRY_TARGET_DIR="$target/release"
    export FERRY_NISSHI="$NISSHI_BIN"
    export FERRY_PYTHON="$VENV_DIR/bin/python"
    export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-$([ "${CI:-}" = "true" ] && echo never || echo auto)}"
}

run_lint() {
    local fmt_scope=(--all)
    [ "${SCOPE[*]}" = "--workspace" ] || fmt_scope=("${SCOPE[@]}")
    section "cargo fmt ${fmt_scope[*]} --check"
    cargo fmt "${fmt_scope[@]}" --check ||
        die "code is not formatted: run 'cargo fmt --all' and commit the result"
    info "formatting OK"
    section "cargo clippy ${SCOPE[*]} --all-targets -- -D warnings"
    cargo clippy "${SCOPE[@]}" --all-targets -- -D warnings ||
        die "clippy found problems (above); fix them, every warning is an error"
}

run_build() {
    section "cargo build --release ${SCOPE[*]} (plugins and the ferry binary)"
    info "target dir: $FERRY_TARGET_DIR"
    cargo build --release "${SCOPE[@]}" || die "release build failed"
    local so="" f
    for f in "$FERRY_TARGET_DIR"/lib*.so; do
        [ -e "$f" ] && so="$so ${f##*/}"
    done
    info "plugins:${so:- none}"
    if [ -x "$FERRY_TARGET_DIR/ferry" ]; then info "binary: $FERRY_TARGET_DIR/ferry"; else info "binary: (no ferry binary built yet)"; fi
}

run_tests() {
    export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"
    [ -x "$FERRY_NISSHI" ] || die "no nisshi at $FERRY_NISSHI: run 'scripts/test.sh setup' first"
    [ -x "$FERRY_PYTHON" ] || die "no venv python at $FERRY_PYTHON: run 'scripts/test.sh setup' first"
    section "tests"
    info "FERRY_NISSHI=$FERRY_NISSHI"
    info "FERRY_PYTHON=$FERRY_PYTHON"
    info "FERRY_TARGET_DIR=$FERRY_TARGET_DIR"
    if hadoop_jars_ok; then
        export FERRY_HADOOP_JARS="$HADOOP_JARS_DIR"
        info "FERRY_HADOOP_JARS=$FERRY_HADOOP_JARS"
    fi
    if cargo nextest --version >/dev/null 2>&1; then
        # nextest does not run doctests: run them first, so that nextest's summary is the last
        # thing printed.
        # A doctest failure must not hide the other tests' results: note it, report it at the end.
        local doc_rc=0
        section "doctests: cargo test ${SCOPE[*]} --doc"
        cargo test "${SCOPE[@]}" --doc || doc_rc=$?
        section "cargo nextest run ${SCOPE[*]} --no-fail-fast $*"
        cargo nextest run "${SCOPE[@]}" --no-fail-fast "$@"
        if [ "$doc_rc" != 0 ]; then
            die "doctests failed (exit $doc_rc; see 'doctests' above)"
        fi
    else
        section "cargo test ${SCOPE[*]} --no-fail-fast $* (cargo-nextest not installed)"
        cargo test "${SCOPE[@]}" --no-fail-fast "$@"
    fi
}

print_env() {
    configure_cargo
    echo "export FERRY_CACHE='$FERRY_CACHE'"
    echo "export FERRY_NISSHI='$FERRY_NISSHI'"
    echo "export FERRY_PYTHON='$FERRY_PYTHON'"
    echo "export FERRY_TARGET_DIR='$FERRY_TARGET_DIR'"
    if [ -n "${CARGO_TARGET_DIR:-}" ]; then echo "export CARGO_TARGET_DIR='$CARGO_TARGET_DIR'"; fi
    if hadoop_jars_ok; then echo "export FERRY_HADOOP_JARS='$HADOOP_JARS_DIR'"; fi
}

setup_all() {
    setup_nisshi
    setup_venv
    setup_databases
    # Small and cached; the HDFS sink's tests start a real NameNode + DataNode from them.
    setup_hadoop_jars
}

main() {
    local cmd="all"
    if [ $# -gt 0 ] && [ "$1" != "--" ]; then
        cmd="$1"
        shift
    fi
    if [ "${1:-}" = "--" ]; then shift; fi

    case "$cmd" in
    env)
        print_env
        return 0
        ;;
    -h | --help | help)
        sed -n '2,/^set -E/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
        return 0
        ;;
    esac

    echo "Ferry test.sh: $cmd (repo $REPO_ROOT, cache $FERRY_CACHE, CI=${CI:-})"
    case "$cmd" in
    all)
        configure_cargo
        [ "${FERRY_SKIP_LINT:-0}" = 1 ] || run_lint
        setup_all
        run_build
        run_tests "$@"
        ;;
    setup) setup_all ;;
    nisshi) setup_nisshi ;;
    venv) setup_venv ;;
    databases | db) setup_databases ;;
    hadoop-jars | hdfs) setup_hadoop_jars ;;
    lint) configure_cargo && run_lint ;;
    build) configure_cargo && run_build ;;
    test)
        configure_cargo
        run_tests "$@"
        ;;
    *) die "unknown command '$cmd' (try: scripts/test.sh --help)" ;;
    esac
}

main "$@"
