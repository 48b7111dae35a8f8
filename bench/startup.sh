#!/usr/bin/env bash
# Start-up and idle memory, side by side (issue 16): the official SchedulerX Java worker 1.11.4 (the library in
# a bare JVM, started as interop-tests starts it: OfficialWorkerMain, -XX:+UseSerialGC -Xmx256m) and our
# daemon (bin/schedulerx-worker with its defaults, server.embedded = false, the example plugin) take turns
# joining the same standalone server (bin/schedulerx-server). For each start it prints start → registered (from
# just before the JVM is launched to the server's "worker … joined group …" log line) and the resident memory
# (VmRSS) after IDLE seconds, and the CPU time the JVM used until registered (less sensitive to a busy machine
# than wall time); then the medians and the ratios ours / official.
#   bench/startup.sh [RUNS] [IDLE_S]           defaults: 3 runs of each, 15 s idle
# All three JVMs (official, ours, the server) run on the JDK of BENCH_JAVA_HOME, else of JAVA_HOME (as the launchers
# take it), else on the PATH's java (e.g. BENCH_JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64: there the launcher uses
# an AOT cache instead of the CDS archive).
# BENCH_JAVA_OPTS adds JVM options to our daemon only (e.g. to try a flag); BENCH_SIDES="ours" (or "official")
# starts one side only; BENCH_SKIP_BUILD=1 reuses the last build; BENCH_KEEP=1 keeps the work dir.
set -euo pipefail
RUNS=${1:-3}
IDLE=${2:-15}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK=$(mktemp -d /tmp/sx-startup-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

CP_FILE="$HOME_DIR/interop-tests/target/official-classpath.txt"
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ] || [ ! -f "$CP_FILE" ]; then
  echo "building the distribution and the interop test classes (offline Maven)…"
  (cd "$HOME_DIR" && mvn -q -o -B -pl interop-tests -am -DskipTests package dependency:build-classpath \
     -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >"$WORK/build.log" 2>&1) \
    || { echo "build failed, see $WORK/build.log"; BENCH_KEEP=1; exit 1; }
fi
BENCH_JAVA_HOME=${BENCH_JAVA_HOME:-${JAVA_HOME:-}}
if [ -n "$BENCH_JAVA_HOME" ]; then export JAVA_HOME="$BENCH_JAVA_HOME" PATH="$BENCH_JAVA_HOME/bin:$PATH"; fi
echo "JVM: $(java -version 2>&1 | head -n 1)"
# Our daemon's class-data sharing archive, made now rather than in the first measured start (the launcher makes
# it at the first daemon start after a build).
(. "$HOME_DIR/bin/launcher.sh" && SCHEDULERX_SKIP_BUILD=0 sx_cds_opts train >/dev/null)
# The official worker's JVM: its JAR and dependencies and the interop test classes (OfficialWorkerMain); none
# of our modules (our protocol classes share names with the official worker's).
OFFICIAL_CP="$HOME_DIR/interop-tests/target/test-classes:$(tr ':' '\n' < "$CP_FILE" | grep -v '/dev/schedulerx/' | grep -v "^$HOME_DIR/" | paste -sd:)"

cat > "$WORK/server.conf" <<CONF
schedulerx-server {
  host = "127.0.0.1"
  http-port = $PORT
  remoting-port = 0
  data-dir = "$WORK/server-data"
  groups = [
    { namespace = "bench", group-id = "official", app-key = "bench-key" },
    { namespace = "bench", group-id = "ours", app-key = "bench-key" }
  ]
}
CONF
cat > "$WORK/worker.conf" <<CONF
schedulerx {
  namespace = "bench"
  group-id = "ours"
  app-key = "bench-key"
  domain = "127.0.0.1:$PORT"
  server { embedded = false }
  plugins-dir = "$HOME_DIR/plugins"
  data-dir = "$WORK/ours-data"
}
CONF
await_line() { # file, marker
  for _ in $(seq 1 900); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "no \"$2\" in $1:"; tail -20 "$1"; exit 1
}
JAVA_OPTS="-Xmx512m -XX:+UseSerialGC -Dschedulerx.log.appender=CONSOLE" SCHEDULERX_SKIP_BUILD=1 \
  "$HOME_DIR/bin/schedulerx-server" --conf "$WORK/server.conf" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
await_line "$WORK/server.log" "scheduler server ready: "

ADD_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.math=ALL-UNNAMED"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
launch() { # side, run → sets WORKER_PID
  local dir="$WORK/$1-$2"
  mkdir -p "$dir"
  if [ "$1" = official ]; then
    (cd "$dir" && exec java -Xmx256m -XX:+UseSerialGC -Duser.home="$dir" $ADD_OPENS -cp "$OFFICIAL_CP" \
      dev.schedulerx.interop.official.OfficialWorkerMain "127.0.0.1:$PORT" bench official bench-key) > "$dir/out.log" 2>&1 &
  else
    JAVA_OPTS="-Dschedulerx.log.appender=CONSOLE ${BENCH_JAVA_OPTS:-}" SCHEDULERX_SKIP_BUILD=1 \
      "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/worker.conf" > "$dir/out.log" 2>&1 &
  fi
  WORKER_PID=$!
  PIDS+=($WORKER_PID)
}
# The server's log line for the n-th join of a group, as epoch ms (the log's local time, as `date` reads it).
joined_ms() { # group, n
  for _ in $(seq 1 1200); do
    local line
    line=$(grep " joined group $1 " "$WORK/server.log" | sed -n "${2}p")
    if [ -n "$line" ]; then date -d "$(echo "$line" | cut -c1-23)" +%s%3N; return 0; fi
    sleep 0.05
  done
  echo "worker of group $1 did not join:" >&2; tail -20 "$WORK/server.log" >&2; exit 1
}
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

printf '%-10s %-4s %-20s %-24s %s\n' side run "start→registered ms" "CPU ms until registered" "RSS MiB after ${IDLE} s"
: > "$WORK/results.txt"
for run in $(seq 1 "$RUNS"); do
  for side in ${BENCH_SIDES:-official ours}; do
    start=$(now_ms)
    launch "$side" "$run"
    registered=$(( $(joined_ms "$side" "$run") - start ))
    cpu=$(cpu_ms "$WORKER_PID")   # polled: up to 50 ms after the join
    sleep "$IDLE"
    rss=$(rss_mib "$WORKER_PID")
    kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
    printf '%-10s %-4s %-20s %-24s %s\n' "$side" "$run" "$registered" "$cpu" "$rss"
    echo "$side $registered $rss $cpu" >> "$WORK/results.txt"
  done
done
python3 - "$WORK/results.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
if len({r[0] for r in rows}) < 2:
    sys.exit(0)
def med(side, col): return statistics.median(int(r[col]) for r in rows if r[0] == side)
def span(side, col):
    v = [int(r[col]) for r in rows if r[0] == side]; return f"{min(v)}–{max(v)}"
o_t, u_t, o_m, u_m = med("official", 1), med("ours", 1), med("official", 2), med("ours", 2)
print()
print(f"official worker 1.11.4: start→registered median {o_t/1000:.2f} s ({span('official', 1)} ms), idle RSS median {o_m:.0f} MiB ({span('official', 2)})")
print(f"our daemon:             start→registered median {u_t/1000:.2f} s ({span('ours', 1)} ms), idle RSS median {u_m:.0f} MiB ({span('ours', 2)})")
o_c, u_c = med("official", 3), med("ours", 3)
print(f"CPU until registered:   official median {o_c/1000:.2f} s, ours {u_c/1000:.2f} s ({u_c/o_c:.2f}x; steadier than wall time on a busy machine)")
# The official worker sends its first heartbeat at once and skips it when its own discovery has not chosen a
# server yet (SchedulerxWorker.sendHeartBeat, read from its bytecode); the next one follows 5 s later. Such a
# start is ~5 s slower for a reason of its own, so the start ratio is taken against its starts without the miss.
o_all = [int(r[1]) for r in rows if r[0] == "official"]
o_fast = [t for t in o_all if t < min(o_all) + 2500]
o_t_fast = statistics.median(o_fast)
print(f"official starts that missed their first heartbeat (+5 s): {len(o_all) - len(o_fast)} of {len(o_all)}; "
      f"median of the others {o_t_fast/1000:.2f} s")
print(f"ratios ours/official:   start {u_t/o_t_fast:.2f}x against those (against all: {u_t/o_t:.2f}x; target <= 0.3), "
      f"RSS {u_m/o_m:.2f}x (target <= 0.7)")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
