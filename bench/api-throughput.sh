#!/usr/bin/env bash
# API-trigger throughput benchmark (issue 4): one daemon with the embedded server (H2) and one api job running
# the trivial benchmark processor StartStamp. CLIENTS concurrent clients (default 16, keep-alive HTTP/1.1)
# POST /api/v1/jobs/trivial/run back to back for SECONDS (default 20); then, once every triggered instance has
# finished, it prints how many instances reached SUCCESS per second (first trigger to last SUCCESS stored)
# and the latencies trigger -> processor start and trigger -> SUCCESS stored, and the daemon's CPU time during
# the trigger window per accepted trigger (start-up and the read-back excluded, JIT compilation included; runs
# still in flight when the window closes are not in it). Target: >= 2,000 instances/s.
#   bench/api-throughput.sh [SECONDS] [CLIENTS]
set -euo pipefail
DURATION=${1:-20}
CLIENTS=${2:-16}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$HOME_DIR/bench/lib/one-daemon.sh"

start_daemon
curl -sf -X POST "$API/jobs" -H 'Content-Type: application/json' \
  -d '{"group":"bench","name":"trivial","processor":"StartStamp","timeType":"api","maxConcurrency":1000000}' >/dev/null
echo "daemon ready; $CLIENTS clients trigger job 'trivial' for ${DURATION} s"
CPU_BEFORE=$(daemon_cpu_ms)
read -r SENT OK ERRORS MS < <(java -Xshare:auto -XX:TieredStopAtLevel=1 "$HOME_DIR/bench/tools/ApiLoad.java" \
  "$API/jobs/trivial/run" "$CLIENTS" "$DURATION")
CPU_LOAD=$(( $(daemon_cpu_ms) - CPU_BEFORE ))
echo "triggers: $OK accepted, $ERRORS refused/failed in $MS ms ($(( OK * 1000 / (MS > 0 ? MS : 1) )) triggers/s accepted)"
echo "daemon CPU in the trigger window: $CPU_LOAD ms, $(( CPU_LOAD * 1000 / (OK > 0 ? OK : 1) )) us per accepted trigger"
python3 "$HOME_DIR/bench/lib/sxbench.py" api-collect "$API" trivial "$OK" 120
echo "daemon CPU: $(ps -o times= -p "$DAEMON_PID" | tr -d ' ') s over the whole run; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
