# Shared by bin/schedulerx-worker and bin/schedulerx-server (sourced, not run).
# Finds the distribution, builds it on first run (or when sources changed), and assembles the classpath.

SCHEDULERX_HOME="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
DAEMON_TARGET="$SCHEDULERX_HOME/worker-daemon/target"

sx_needs_build() {
  [ -f "$SCHEDULERX_HOME/pom.xml" ] || return 1            # a packaged distribution has no sources
  [ "${SCHEDULERX_SKIP_BUILD:-0}" = "1" ] && return 1
  local jar
  jar=$(ls "$DAEMON_TARGET"/schedulerx-worker-daemon-*.jar 2>/dev/null | head -n 1)
  [ -n "$jar" ] && [ -d "$DAEMON_TARGET/lib" ] || return 0
  # Rebuild when any main source or pom is newer than the daemon JAR.
  [ -n "$(find "$SCHEDULERX_HOME" -path "$SCHEDULERX_HOME/.git" -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -type f -print -quit)" ]
}

sx_build() {
  mkdir -p "$SCHEDULERX_HOME/worker-daemon/target"
  local log="$SCHEDULERX_HOME/worker-daemon/target/build.log"
  (
    flock 9                                                 # two launchers starting at once build once
    if sx_needs_build; then
      echo "schedulerx: building the distribution (first run takes a minute; log: $log)" >&2
      if ! (cd "$SCHEDULERX_HOME" && mvn -q -B -DskipTests -Dmaven.test.skip=true package) >"$log" 2>&1; then
        echo "schedulerx: build failed, see $log" >&2
        tail -n 30 "$log" >&2
        exit 1
      fi
    fi
  ) 9>"$SCHEDULERX_HOME/worker-daemon/target/.build.lock"
}

sx_classpath() {
  local jar
  jar=$(ls "$DAEMON_TARGET"/schedulerx-worker-daemon-*.jar | head -n 1)
  echo "$jar:$DAEMON_TARGET/lib/*"
}

# Whether the arguments start the daemon (no subcommand: at most --conf FILE) rather than a CLI command.
sx_runs_daemon() {
  while [ $# -gt 0 ]; do
    case "$1" in
      -c|--conf) [ $# -ge 2 ] || return 1; shift 2 ;;
      --conf=*|-c?*) shift ;;
      *) return 1 ;;
    esac
  done
  return 0
}

# Default JVM options for bin/schedulerx-worker, placed before JAVA_OPTS (the JVM takes the last of repeated
# flags); SCHEDULERX_JVM_DEFAULTS replaces them ("" for none). A collector chosen in JAVA_OPTS is kept: two
# collectors would stop the JVM.
#  - The daemon uses the Parallel collector. A worker is a throughput job: with G1 a small heap holding a
#    big map's tasks went into back-to-back concurrent cycles (the MapReduce bench: 55 -> 36 µs of CPU per
#    sub-task, wall time halved); young pauses stay in milliseconds, and the heartbeat and liveness timeouts
#    are seconds.
#  - CLI commands are short-lived clients: C1 only and the serial collector start faster and use less CPU.
sx_jvm_defaults() {
  if [ -n "${SCHEDULERX_JVM_DEFAULTS+set}" ]; then
    echo "$SCHEDULERX_JVM_DEFAULTS"
    return
  fi
  local gc jit=""
  if sx_runs_daemon "$@"; then
    gc="-XX:+UseParallelGC"
  else
    gc="-XX:+UseSerialGC"
    jit="-XX:TieredStopAtLevel=1"
  fi
  if [[ " ${JAVA_OPTS:-} " =~ \ -XX:\+Use[A-Za-z0-9]+GC\  ]]; then
    gc=""
  fi
  echo "$jit $gc"
}

if sx_needs_build; then
  sx_build || exit 1
fi
command -v java >/dev/null 2>&1 || { echo "schedulerx: java (17 or newer) is not on the PATH" >&2; exit 1; }
