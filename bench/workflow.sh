#!/usr/bin/env bash
# Workflow benchmark (issue 13): one daemon with the embedded server (H2) and the benchmark processor StartStamp
# (no work; returns the ms at which the worker called it). Runs once a wide DAG (one root, NODES-1 children) and a
# deep DAG (a chain of NODES), default 1,000 nodes each, and prints for every child the time from its parent's end
# (the parent instance's end as the server stored it) to the child's processor start: p50/p99/max
# (target p99 <= 50 ms). Each DAG runs BENCH_DAG_RUNS times (default 3): the first meets a cold JVM, the later ones
# a daemon that ran workflows before; each run also shows the daemon's CPU by thread (JIT compilers, worker
# actors, the server's store lanes and workflow engine, ...). Then RUNS (default 300) runs of a 3-node workflow
# (A,B -> C, 16 at a time, the rest queued): workflow instances per minute. BENCH_DAGS="wide" (or "deep") runs one
# of the two DAGs only. With BENCH_DAG_RUNS over 80, each DAG's steady state is summed up: the median of the per-run
# p99 over runs 81 on (the JIT compiles the daemon's paths for about 80 runs), e.g. the figure the README gives:
#   BENCH_DAGS=wide BENCH_DAG_RUNS=110 bench/workflow.sh 1000 5
#   bench/workflow.sh [NODES] [RUNS]
set -euo pipefail
NODES=${1:-1000}
RUNS=${2:-300}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$HOME_DIR/bench/lib/one-daemon.sh"

start_daemon
echo "daemon ready; creating $((2 * NODES + 3)) api jobs and 3 workflows"
CPU0=$(daemon_cpu_ms)
python3 "$HOME_DIR/bench/lib/sxbench.py" workflow "$API" "$NODES" "$RUNS" "$DAEMON_PID"
echo "daemon CPU: $(( ($(daemon_cpu_ms) - CPU0) / 1000 )) s during the runs; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
