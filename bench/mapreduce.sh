#!/usr/bin/env bash
# MapReduce benchmark: one daemon with the embedded server plus two that join it (three JVMs, each with a
# 256 MB heap), then the example TestMapReduceJob over N sub-tasks (default 1,000,000; tiny bodies,
# trivial process, reduce = sum). Prints wall time, sub-tasks/s and the master's peak heap (from GC logs).
# BENCH_RUNS (default 4) runs the job that many times on the same daemons, one report each. Run 1 includes the
# three JVMs' JIT warm-up (a cold start). The server picks masters in turn, so from run 4 on every daemon has
# been master before: those runs show the daemons as they run for days (steady state).
#   bench/mapreduce.sh [N]
set -euo pipefail
N=${1:-1000000}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK=$(mktemp -d /tmp/sx-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PIDS=()
# BENCH_JAVA_OPTS adds JVM options to the daemons (e.g. a JFR recording); BENCH_KEEP=1 keeps the work dir;
# BENCH_THREADS=1 also prints each daemon's CPU by thread kind; BENCH_JFR=<dir> records the run with JFR.
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

mkdir -p "$WORK/plugins"
"$HOME_DIR/bin/schedulerx-worker" --version >/dev/null   # builds on first use
cp "$HOME_DIR"/examples/target/schedulerx-examples-*.jar "$WORK/plugins/examples.jar"
cat > "$WORK/worker.conf" <<CONF
schedulerx {
  group-id = "bench"
  app-key = "bench-key"
  plugins-dir = "$WORK/plugins"
  data-dir = "$WORK/data"
  server.http-port = $PORT
  jobs { mapreduce { processor = "TestMapReduceJob", execute-mode = grid } }
}
CONF

start() { # name, extra JVM options
  JAVA_OPTS="-Xmx256m -Xlog:gc:file=$WORK/gc-$1.log ${BENCH_JAVA_OPTS:-} ${2:-}" SCHEDULERX_SKIP_BUILD=1 \
    "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/worker.conf" > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
await_ready() { for _ in $(seq 1 600); do grep -q ": ready (" "$WORK/$1.log" && return 0; sleep 0.1; done; echo "daemon $1 not ready:"; tail -20 "$WORK/$1.log"; exit 1; }

start a
await_ready a
JOIN="-Dschedulerx.server.embedded=false -Dschedulerx.domain=127.0.0.1:$PORT"
start b "$JOIN"
start c "$JOIN"
await_ready b
await_ready c

. "$HOME_DIR/bench/lib/threads.sh"
run_once() { # label
  local -A CPU_BEFORE
  for i in 0 1 2; do CPU_BEFORE[$i]=$(cpu_ticks "${PIDS[$i]}"); done
  if [ "${BENCH_THREADS:-0}" = "1" ]; then for i in 0 1 2; do thread_ticks "${PIDS[$i]}" > "$WORK/threads-$i.before"; done; fi
  # BENCH_JFR=<dir> records the run itself (not the daemons' start) with JFR into <dir>/<daemon>-run<n>.jfr.
  if [ -n "${BENCH_JFR:-}" ]; then
    mkdir -p "$BENCH_JFR"
    for i in 0 1 2; do jcmd "${PIDS[$i]}" JFR.start name=bench settings="${BENCH_JFR_SETTINGS:-profile}" >/dev/null; done
  fi

  echo "=== run $1: TestMapReduceJob over $N sub-tasks"
  START=$(date +%s%N)
  RUN_RC=0
  RUN_OUT=$(SCHEDULERX_SKIP_BUILD=1 "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/worker.conf" run mapreduce --params "$N" --wait --timeout 30m 2>&1) || RUN_RC=$?
  OUT=$(echo "$RUN_OUT" | tail -n 1)
  if [ "$RUN_RC" != 0 ]; then
    echo "the run failed (exit $RUN_RC); last lines of the CLI, then of each daemon's log:"
    echo "$RUN_OUT" | tail -n 5
    for d in a b c; do echo "--- $d"; tail -n 5 "$WORK/$d.log"; done
    exit 1
  fi
  END=$(date +%s%N)
  local -A CPU_RUN
  for i in 0 1 2; do CPU_RUN[$i]=$(( $(cpu_ticks "${PIDS[$i]}") - CPU_BEFORE[$i] )); done
  if [ "${BENCH_THREADS:-0}" = "1" ]; then for i in 0 1 2; do thread_ticks "${PIDS[$i]}" > "$WORK/threads-$i.after"; done; fi
  if [ -n "${BENCH_JFR:-}" ]; then
    NAMES=(a b c)
    for i in 0 1 2; do jcmd "${PIDS[$i]}" JFR.stop name=bench filename="$BENCH_JFR/${NAMES[$i]}-run$RUN_NO.jfr" >/dev/null; done
  fi
  ID=$(echo "$OUT" | awk '{print $2}')
  INSTANCE=$(curl -s "http://127.0.0.1:$PORT/api/v1/instances/$ID")
  MASTER=$(echo "$INSTANCE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workerId"])')
  # Server-side timing: from the master accepting the instance to its final report.
  SERVER_MS=$(echo "$INSTANCE" | python3 -c '
import json,sys,datetime
i=json.load(sys.stdin); p=lambda s: datetime.datetime.fromisoformat(s.replace("Z","+00:00"))
print(int((p(i["finishedAt"])-p(i["startedAt"])).total_seconds()*1000))')
  MASTER_LOG=$(grep -l "worker $MASTER listening" "$WORK"/?.log | head -n 1)
  MASTER_NAME=$(basename "$MASTER_LOG" .log)
  peak() { grep -oE '[0-9]+M->[0-9]+M' "$1" | awk -F'M->' '{ if ($1+0 > m) m = $1+0 } END { print m+0 }'; }
  WALL_MS=$(( (END - START) / 1000000 ))
  echo "result:             $OUT"
  echo "expected sum:       $(( N * (N + 1) / 2 ))"
  echo "wall time (CLI):    ${WALL_MS} ms (trigger to final status, includes the CLI's JVM start)"
  echo "instance run time:  ${SERVER_MS} ms (accepted by the master to final report)"
  echo "sub-tasks/s:        $(( N * 1000 / (SERVER_MS > 0 ? SERVER_MS : 1) ))"
  echo "master:             daemon $MASTER_NAME, peak heap $(peak "$WORK/gc-$MASTER_NAME.log") MB (of 256 MB)"
  TOTAL_TICKS=0
  NAMES=(a b c)
  for i in 0 1 2; do
    d=${NAMES[$i]}; TOTAL_TICKS=$(( TOTAL_TICKS + CPU_RUN[$i] ))
    echo "daemon $d: peak heap $(peak "$WORK/gc-$d.log") MB, CPU during the run $(awk -v t="${CPU_RUN[$i]}" -v h="$TICKS" 'BEGIN { printf "%.2f", t / h }') s"
  done
  if [ "${BENCH_THREADS:-0}" = "1" ]; then
    for i in 0 1 2; do
      echo "daemon ${NAMES[$i]} CPU by thread kind (s):"
      thread_cpu_diff "$WORK/threads-$i.before" "$WORK/threads-$i.after"
    done
  fi
  echo "CPU, all daemons:   $(awk -v t="$TOTAL_TICKS" -v h="$TICKS" 'BEGIN { printf "%.2f", t / h }') s ($(awk -v t="$TOTAL_TICKS" -v h="$TICKS" -v n="$N" 'BEGIN { printf "%.1f", t / h * 1e6 / n }') µs per sub-task; the CLI's JVM not counted)"
}

RUNS=${BENCH_RUNS:-4}
echo "3 daemons ready"
for RUN_NO in $(seq 1 "$RUNS"); do
  if [ "$RUN_NO" = 1 ]; then kind="cold JVMs"; elif [ "$RUN_NO" -lt 4 ]; then kind="warm JVMs, new master"; else kind="steady state"; fi
  run_once "$RUN_NO of $RUNS ($kind)"
done
