#!/usr/bin/env bash
# API-trigger throughput benchmark (issue 4): one daemon with the embedded server (H2) and one api job running
# the trivial benchmark processor StartStamp. CLIENTS concurrent clients (default 16, keep-alive HTTP/1.1)
# POST /api/v1/jobs/trivial/run back to back for SECONDS (default 20); then, once every triggered instance has
# finished, it prints how many instances reached SUCCESS per second (first trigger to last SUCCESS stored)
# and the latencies trigger -> processor start and trigger -> SUCCESS stored, and the daemon's CPU time during
# the trigger window per accepted trigger (start-up and the read-back excluded, JIT compilation included; runs
# still in flight when the window closes are not in it). Target: >= 2,000 instances/s.
# BENCH_THREADS=1 also prints the daemon's CPU in the window by thread kind.
# A warm-up of BENCH_WARMUP seconds (default 5; 0 for none) runs the same load first and is reported on its
# own line: a daemon runs for days, so the measured window should not be its JIT compiler's first seconds.
#   bench/api-throughput.sh [SECONDS] [CLIENTS]
set -euo pipefail
DURATION=${1:-20}
CLIENTS=${2:-16}
WARMUP=${BENCH_WARMUP:-5}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$HOME_DIR/bench/lib/one-daemon.sh"
. "$HOME_DIR/bench/lib/threads.sh"

start_daemon
curl -sf -X POST "$API/jobs" -H 'Content-Type: application/json' \
  -d '{"group":"bench","name":"trivial","processor":"StartStamp","timeType":"api","maxConcurrency":1000000}' >/dev/null
load() { # seconds; prints "sent ok errors ms"
  java -Xshare:auto -XX:TieredStopAtLevel=1 "$HOME_DIR/bench/tools/ApiLoad.java" "$API/jobs/trivial/run" "$CLIENTS" "$1"
}
if [ "$WARMUP" -gt 0 ]; then
  read -r _ WARM_OK WARM_ERRORS _ < <(load "$WARMUP")
  echo "warm-up: $WARM_OK triggers in ${WARMUP} s ($WARM_ERRORS refused/failed), not counted below"
  python3 "$HOME_DIR/bench/lib/sxbench.py" api-collect "$API" trivial "$WARM_OK" 120 >/dev/null
fi
echo "daemon ready; $CLIENTS clients trigger job 'trivial' for ${DURATION} s"
SINCE_MS=$(date +%s%3N)
CPU_BEFORE=$(daemon_cpu_ms)
[ "${BENCH_THREADS:-0}" = "1" ] && thread_ticks "$DAEMON_PID" > "$WORK/threads.before"
read -r SENT OK ERRORS MS < <(load "$DURATION")
CPU_LOAD=$(( $(daemon_cpu_ms) - CPU_BEFORE ))
[ "${BENCH_THREADS:-0}" = "1" ] && thread_ticks "$DAEMON_PID" > "$WORK/threads.after"
echo "triggers: $OK accepted, $ERRORS refused/failed in $MS ms ($(( OK * 1000 / (MS > 0 ? MS : 1) )) triggers/s accepted)"
echo "daemon CPU in the trigger window: $CPU_LOAD ms, $(( CPU_LOAD * 1000 / (OK > 0 ? OK : 1) )) us per accepted trigger"
python3 "$HOME_DIR/bench/lib/sxbench.py" api-collect "$API" trivial "$OK" 120 "$SINCE_MS"
if [ "${BENCH_THREADS:-0}" = "1" ]; then
  echo "daemon CPU in the trigger window by thread kind (s):"
  thread_cpu_diff "$WORK/threads.before" "$WORK/threads.after" 12
fi
echo "daemon CPU: $(ps -o times= -p "$DAEMON_PID" | tr -d ' ') s over the whole run; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
