#!/usr/bin/env bash
# Trigger-latency benchmark (issue 4): one daemon with the embedded server (H2), JOBS second_delay jobs
# (default 1,000, delay 1 s) running the benchmark processor StartStamp, which returns the wall-clock ms at
# which the worker called it. After SECONDS (default 60) it reads every instance back over the REST API and
# prints, for runs scheduled after a 10 s warm-up, the latency from the schedule time the server stored to
# the processor's start: p50/p99/max. Target: p99 <= 20 ms.
#   bench/trigger-latency.sh [SECONDS] [JOBS] [DELAY_S]
set -euo pipefail
DURATION=${1:-60}
JOBS=${2:-1000}
DELAY=${3:-1}
WARMUP=$(( DURATION > 20 ? 10 : DURATION / 3 ))
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$HOME_DIR/bench/lib/one-daemon.sh"

start_daemon
python3 "$HOME_DIR/bench/lib/sxbench.py" create-jobs "$API" "$JOBS" "$DELAY"
START=$(( $(date +%s%3N) + WARMUP * 1000 ))
echo "daemon ready, $JOBS second_delay jobs (delay ${DELAY} s) created; running ${DURATION} s (first ${WARMUP} s not counted)"
sleep "$DURATION"
END=$(date +%s%3N)
python3 "$HOME_DIR/bench/lib/sxbench.py" trigger-latency "$API" "$JOBS" "$START" "$END"
echo "daemon CPU: $(ps -o times= -p "$DAEMON_PID" | tr -d ' ') s over the whole run; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
