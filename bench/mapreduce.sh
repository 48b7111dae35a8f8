#!/usr/bin/env bash
# MapReduce benchmark: one daemon with the embedded server plus two that join it (three JVMs, each with a
# 256 MB heap), then the example TestMapReduceJob over N sub-tasks (default 1,000,000; tiny bodies,
# trivial process, reduce = sum). Prints wall time, sub-tasks/s and the master's peak heap (from GC logs).
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

# CPU seconds (utime+stime) of each daemon, so progress can be judged on a shared, noisy machine.
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Per thread kind (the kernel's thread names, digits dropped): where each daemon's CPU goes.
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    # comm may hold spaces: take it from between the parentheses, the tick counts from after them
    { sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1\t\2/' "$t/stat" 2>/dev/null || true; } | awk -F'\t' '{ split($2, f, " "); n = $1; gsub(/[0-9]+/, "#", n); print n "\t" f[12] + f[13] }'
  done | awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }'
}
declare -A CPU_BEFORE
for i in 0 1 2; do CPU_BEFORE[$i]=$(cpu_ticks "${PIDS[$i]}"); done
if [ "${BENCH_THREADS:-0}" = "1" ]; then for i in 0 1 2; do thread_ticks "${PIDS[$i]}" > "$WORK/threads-$i.before"; done; fi
# BENCH_JFR=<dir> records the run itself (not the daemons' start) with JFR into <dir>/<daemon>.jfr.
if [ -n "${BENCH_JFR:-}" ]; then
  mkdir -p "$BENCH_JFR"
  for i in 0 1 2; do jcmd "${PIDS[$i]}" JFR.start name=bench settings="${BENCH_JFR_SETTINGS:-profile}" >/dev/null; done
fi

echo "3 daemons ready; running TestMapReduceJob over $N sub-tasks"
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
declare -A CPU_RUN
for i in 0 1 2; do CPU_RUN[$i]=$(( $(cpu_ticks "${PIDS[$i]}") - CPU_BEFORE[$i] )); done
if [ "${BENCH_THREADS:-0}" = "1" ]; then for i in 0 1 2; do thread_ticks "${PIDS[$i]}" > "$WORK/threads-$i.after"; done; fi
if [ -n "${BENCH_JFR:-}" ]; then
  NAMES=(a b c)
  for i in 0 1 2; do jcmd "${PIDS[$i]}" JFR.stop name=bench filename="$BENCH_JFR/${NAMES[$i]}.jfr" >/dev/null; done
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
    # threads that ended during the run are missing from the "after" side; new ones count from 0
    awk -F'\t' -v h="$TICKS" 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) printf "  %6.2f  %s\n", d / h, $1 }' \
      "$WORK/threads-$i.before" "$WORK/threads-$i.after" | sort -rn | head -8
  done
fi
echo "CPU, all daemons:   $(awk -v t="$TOTAL_TICKS" -v h="$TICKS" 'BEGIN { printf "%.2f", t / h }') s ($(awk -v t="$TOTAL_TICKS" -v h="$TICKS" -v n="$N" 'BEGIN { printf "%.1f", t / h * 1e6 / n }') µs per sub-task; the CLI's JVM not counted)"
