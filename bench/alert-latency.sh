#!/usr/bin/env bash
# Alerting off the scheduling path (issue 14): the trigger-latency benchmark twice, first with alerting
# unused, then with every run of every job raising a success notice to a webhook that is down (connection
# refused: each alert is tried again with backoff, up to 6 times). Prints both results; scheduling latency
# should not move.  bench/alert-latency.sh [SECONDS] [JOBS] [DELAY_S]   (defaults 40 s, 200 jobs, 1 s)
set -euo pipefail
DURATION=${1:-40}
JOBS=${2:-200}
DELAY=${3:-1}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "== alerts off"
"$HOME_DIR/bench/trigger-latency.sh" "$DURATION" "$JOBS" "$DELAY"
echo "== alerts on: a success notice per run to a dead webhook (127.0.0.1:$DEAD_PORT)"
BENCH_ALERT_TARGET="http://127.0.0.1:$DEAD_PORT/hook" "$HOME_DIR/bench/trigger-latency.sh" "$DURATION" "$JOBS" "$DELAY"
