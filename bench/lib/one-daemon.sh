# Sourced by bench/trigger-latency.sh and bench/api-throughput.sh: starts one daemon with the embedded server
# (H2) and the benchmark plugin (StartStamp), in a temporary work dir that is removed on exit.
# Uses: HOME_DIR. Sets: WORK, PORT, API. BENCH_JAVA_OPTS adds JVM options to the daemon (e.g. a JFR
# recording: BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile"); BENCH_KEEP=1
# keeps the work dir (console output, log file, GC log); BENCH_JFR=/path/x.jfr records a JFR profile of the daemon for the
# whole run (dumped with jcmd before the daemon is stopped), with the JDK's "profile" settings or the .jfc file
# BENCH_JFC names (e.g. a copy whose jdk.ExecutionSample period is 1 ms: "profile" samples every 10 ms).
WORK=$(mktemp -d /tmp/sx-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
API="http://127.0.0.1:$PORT/api/v1"
DAEMON_PID=""
cleanup() {
  if [ -n "$DAEMON_PID" ] && [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$DAEMON_PID" JFR.dump name=bench filename="$BENCH_JFR" >/dev/null && echo "JFR profile: $BENCH_JFR"
  fi
  if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

daemon_cpu_ms() { # CPU time (user + system) the daemon has used so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$DAEMON_PID/stat"
}

start_daemon() { # extra JVM options
  mkdir -p "$WORK/plugins"
  "$HOME_DIR/bin/schedulerx-worker" --version >/dev/null   # builds on first use
  "$HOME_DIR/bench/plugin/build.sh" "$WORK/plugins/bench.jar"
  cat > "$WORK/worker.conf" <<CONF
schedulerx {
  group-id = "bench"
  app-key = "bench-key"
  plugins-dir = "$WORK/plugins"
  data-dir = "$WORK/data"
  server.http-port = $PORT
  worker.threads = ${BENCH_WORKER_THREADS:-8}
}
CONF
  local jfr=""
  [ -n "${BENCH_JFR:-}" ] && jfr="-XX:StartFlightRecording=name=bench,settings=${BENCH_JFC:-profile}"
  # The log file in the work dir: in the distribution's logs/ it grew across runs, and its roll-over (gzip of
  # 100 MB) took a core for seconds in whichever run it fell.
  JAVA_OPTS="-Xlog:gc:file=$WORK/gc.log -Dschedulerx.log.dir=$WORK/logs $jfr ${BENCH_JAVA_OPTS:-} ${1:-}" \
    SCHEDULERX_SKIP_BUILD=1 \
    "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/worker.conf" > "$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 1 600); do
    grep -q ": ready (" "$WORK/daemon.log" && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "daemon not ready:"; tail -20 "$WORK/daemon.log"; exit 1
}

