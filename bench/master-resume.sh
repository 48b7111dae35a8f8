#!/usr/bin/env bash
# Master resume benchmark, two parts.
#  1. Cost on the happy path: bench/mapreduce.sh (3 daemons, 256 MB heaps, TestMapReduceJob over N sub-tasks)
#     with the master's operation log off and on, interleaved (off, on, off, on); each set runs the job
#     BENCH_RUNS times (default 5) and the steady-state runs (4th on) are compared: median instance run time
#     and the master's peak heap.
#  2. Recovery: a standalone server and 3 daemons; the master of an N-sub-task MapReduce is killed with -9 at
#     about half way. Prints the time from the kill to the new master's first dispatch (its "resumed at epoch"
#     line, after which it dispatches), the re-run count is not visible here (see MasterResumeEndToEndTest),
#     and the total wall time against an unkilled run of the same job on the same daemons.
#   bench/master-resume.sh [N]            (default 1,000,000)
#   BENCH_PART=1 or BENCH_PART=2 runs one part only.
set -euo pipefail
N=${1:-1000000}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
PART=${BENCH_PART:-all}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print 0 } else if (NR % 2) { print a[(NR + 1) / 2] } else { print int((a[NR / 2] + a[NR / 2 + 1]) / 2) } }'; }

if [ "$PART" = all ] || [ "$PART" = 1 ]; then
  echo "=== part 1: happy path, operation log off vs on, $N sub-tasks, interleaved"
  OUT=$(mktemp -d /tmp/sx-resume-bench-XXXXXX)
  for round in 1 2; do
    for mode in off on; do
      flag=$([ "$mode" = on ] && echo true || echo false)
      echo "--- round $round, log $mode"
      BENCH_RUNS=${BENCH_RUNS:-5} BENCH_JAVA_OPTS="-Dschedulerx.worker.dispatch.resume=$flag" \
        "$HOME_DIR/bench/mapreduce.sh" "$N" > "$OUT/$mode-$round.txt" 2>&1 || { cat "$OUT/$mode-$round.txt"; exit 1; }
      grep -E "^=== run|instance run time|^master:" "$OUT/$mode-$round.txt" | sed 's/^/    /'
    done
  done
  for mode in off on; do
    # steady state: the 4th run of a set and later
    cat "$OUT"/$mode-*.txt | awk '/^=== run/ { run = $3 } /instance run time/ && run >= 4 { print $4 }' > "$OUT/$mode.ms"
    cat "$OUT"/$mode-*.txt | awk '/^=== run/ { run = $3 } /^master:/ && run >= 4 { for (i = 1; i <= NF; i++) if ($i == "heap") print $(i + 1) }' > "$OUT/$mode.heap"
  done
  OFF=$(median < "$OUT/off.ms"); ON=$(median < "$OUT/on.ms")
  echo "steady-state instance run time, median: log off ${OFF} ms ($(paste -sd' ' "$OUT/off.ms")), log on ${ON} ms ($(paste -sd' ' "$OUT/on.ms"))"
  echo "overhead of the operation log: $(awk -v a="$OFF" -v b="$ON" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')"
  echo "master peak heap (MB), log off: $(paste -sd' ' "$OUT/off.heap"); log on: $(paste -sd' ' "$OUT/on.heap")"
  rm -rf "$OUT"
fi

if [ "$PART" = all ] || [ "$PART" = 2 ]; then
  echo "=== part 2: kill -9 of the master at half way, $N sub-tasks"
  WORK=$(mktemp -d /tmp/sx-resume-kill-XXXXXX)
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PIDS=()
  cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  }
  trap cleanup EXIT
  "$HOME_DIR/bin/schedulerx-worker" --version >/dev/null   # builds on first use
  mkdir -p "$WORK/plugins"
  cp "$HOME_DIR"/examples/target/schedulerx-examples-*.jar "$WORK/plugins/examples.jar"
  cat > "$WORK/server.conf" <<CONF
schedulerx-server {
  http-port = $PORT
  data-dir = "$WORK/server-data"
  groups = [{ namespace = "default", group-id = "bench", app-key = "bench-key" }]
}
CONF
  SCHEDULERX_SKIP_BUILD=1 JAVA_OPTS="-Xmx512m" "$HOME_DIR/bin/schedulerx-server" --conf "$WORK/server.conf" > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do grep -q "scheduler server ready" "$WORK/server.log" && break; sleep 0.1; done
  for d in a b c; do
    cat > "$WORK/$d.conf" <<CONF
schedulerx {
  group-id = "bench"
  app-key = "bench-key"
  domain = "127.0.0.1:$PORT"
  server.embedded = false
  plugins-dir = "$WORK/plugins"
  data-dir = "$WORK/data-$d"
  jobs { mapreduce { processor = "TestMapReduceJob", execute-mode = grid } }
}
CONF
    SCHEDULERX_SKIP_BUILD=1 JAVA_OPTS="-Xmx256m" "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/$d.conf" > "$WORK/$d.log" 2>&1 &
    PIDS+=($!)
  done
  for d in a b c; do
    for _ in $(seq 1 600); do grep -q ": ready (" "$WORK/$d.log" && break; sleep 0.1; done
  done
  api() { curl -s -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$PORT$2"; }
  field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  run_job() { api POST /api/v1/jobs/mapreduce/run "{\"parameters\":\"$N\"}" | field '["instanceId"]'; }
  await_end() { # id → prints the instance JSON once finished
    for _ in $(seq 1 6000); do
      J=$(api GET "/api/v1/instances/$1")
      echo "$J" | grep -qE '"state":"(SUCCESS|FAILED|KILLED)"' && { echo "$J"; return 0; }
      sleep 0.1
    done
    echo "instance $1 did not finish"; exit 1
  }
  millis() { python3 -c "import json,sys,datetime; i=json.load(sys.stdin); p=lambda s: datetime.datetime.fromisoformat(s.replace('Z','+00:00')); print(int((p(i['finishedAt'])-p(i['startedAt'])).total_seconds()*1000))"; }

  # Two unkilled runs (the first warms the JVMs); the second is the baseline.
  await_end "$(run_job)" > /dev/null
  BASE=$(await_end "$(run_job)")
  BASE_MS=$(echo "$BASE" | millis)
  echo "unkilled run:       $BASE_MS ms, result $(echo "$BASE" | field '["result"]')"

  ID=$(run_job)
  for _ in $(seq 1 600); do
    MASTER=$(api GET "/api/v1/instances/$ID" | field '.get("workerId") or ""')
    [ -n "$MASTER" ] && break; sleep 0.05
  done
  MASTER_LOG=$(grep -l "worker $MASTER listening" "$WORK"/?.log)
  MASTER_PID=${PIDS[$(( $(printf '%s\n' a b c | grep -n "^$(basename "$MASTER_LOG" .log)$" | cut -d: -f1) ))]}
  # Half way: half of the sub-tasks reported done in the master's progress.
  for _ in $(seq 1 6000); do
    DONE=$(api GET "/api/v1/instances/$ID" | python3 -c '
import json,sys
i=json.load(sys.stdin); p=json.loads(i.get("progress") or "{}")
print(sum(w.get("success",0) for w in p.get("workerProgress",[])))')
    [ "$DONE" -ge $(( N / 2 )) ] && break; sleep 0.02
  done
  KILL_NS=$(date +%s%N)
  kill -9 "$MASTER_PID"
  echo "killed master $MASTER (pid $MASTER_PID) with $DONE of $N sub-tasks reported done"
  END=$(await_end "$ID")
  HEIR=$(echo "$END" | field '["workerId"]')
  HEIR_LOG=$(grep -l "worker $HEIR listening" "$WORK"/?.log)
  RESUMED_LINE=$(grep -m1 "resumed at epoch 1 from" "$HEIR_LOG")
  RESUMED_NS=$(date -d "$(echo "$RESUMED_LINE" | cut -c1-23)" +%s%N)
  echo "server:             $(grep -m1 "resumed by" "$WORK/server.log" | sed 's/.*MasterResume - //')"
  echo "new master:         $(echo "$RESUMED_LINE" | sed 's/.* - job/job/')"
  echo "kill → new master's first dispatch: $(( (RESUMED_NS - KILL_NS) / 1000000 )) ms"
  echo "killed run:         $(echo "$END" | millis) ms (unkilled $BASE_MS ms), state $(echo "$END" | field '["state"]'), result $(echo "$END" | field '["result"]')"
  echo "expected sum:       $(( N * (N + 1) / 2 ))"
fi
