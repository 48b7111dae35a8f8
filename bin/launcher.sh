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

if sx_needs_build; then
  sx_build || exit 1
fi
command -v java >/dev/null 2>&1 || { echo "schedulerx: java (17 or newer) is not on the PATH" >&2; exit 1; }
