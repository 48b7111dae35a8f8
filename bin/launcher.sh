# Shared by bin/schedulerx-worker and bin/schedulerx-server (sourced, not run).
# Finds the distribution, builds it on first run (or when sources changed), and assembles the classpath.
# The functions set SX_* variables rather than print: each command substitution forks a subshell, and on a
# small VM the launcher's twenty forks took 80 ms of a daemon's start (now two: readlink and, in a source
# tree, find).

# The JVM (sx_jvm): $JAVA_HOME/bin/java when JAVA_HOME is set, as Maven and most Java tools take it, else `java` on the
# PATH. The script run ($0: the entry point that sourced this file) and that JVM, symbolic links resolved, are two lines
# from one fork (sx_paths; tests may hand it in). A readlink that takes one name at a time (busybox) fails, as one does
# for a JVM path that cannot be resolved (a JAVA_HOME that does not exist): then the script's path is taken alone and
# the JVM is looked up apart.
if [ -z "${sx_jvm:-}" ]; then
  sx_jvm=${JAVA_HOME:+$JAVA_HOME/bin/java}; [ -n "$sx_jvm" ] || { hash java 2>/dev/null || true; sx_jvm=${BASH_CMDS[java]:-java-not-on-path}; }
fi
if [ -z "${sx_paths:-}" ]; then
  sx_paths=$(readlink -f -- "$0" "$sx_jvm" 2>/dev/null) || sx_paths=$(readlink -f "$0")
fi
sx_self=${sx_paths%%$'\n'*}
SCHEDULERX_HOME=${sx_self%/*/*}
if [[ $sx_paths == *$'\n'* ]]; then
  SX_JAVA=${sx_paths#*$'\n'}
else
  SX_JAVA=$(readlink -f "$sx_jvm" 2>/dev/null || true)
fi
DAEMON_TARGET="$SCHEDULERX_HOME/worker-daemon/target"

# Sets SX_JAVA_VERSION (the JVM's release file's JAVA_VERSION, e.g. 17.0.15; empty without one), SX_JAVA_FEATURE (its
# first number; 0 when unknown) and SX_JDK_OPTS, the options every JVM of the launchers needs on this release:
#  - From JDK 24 the JVM warns, at every start, that Pekko (and Netty, Scala) call sun.misc.Unsafe's memory access
#    methods, which a later release will deny by default (JEP 471, 498): allowed outright, as those libraries need it.
sx_java_release() {
  local line release="${SX_JAVA%/bin/java}/release"
  SX_JAVA_VERSION=""
  if [ -r "$release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([^\"]*)\" ]]; then SX_JAVA_VERSION=${BASH_REMATCH[1]}; break; fi
    done < "$release"
  fi
  SX_JAVA_FEATURE=0
  [[ $SX_JAVA_VERSION =~ ^([0-9]+) ]] && SX_JAVA_FEATURE=${BASH_REMATCH[1]}
  SX_JDK_OPTS=""
  [ "$SX_JAVA_FEATURE" -ge 24 ] && SX_JDK_OPTS="--sun-misc-unsafe-memory-access=allow"
  return 0
}
sx_java_release

# A JVM the daemon can run on, or one line saying which setting to change: exit 2 for a JAVA_HOME without a JVM or a JVM
# older than 17 (whose class loading would fail with a stack trace), 1 when the PATH has no java at all.
sx_check_java() {
  if [ ! -x "$SX_JAVA" ] && [ -n "${JAVA_HOME:-}" ]; then
    echo "schedulerx: JAVA_HOME=$JAVA_HOME has no bin/java: set JAVA_HOME to a JDK or JRE 17 or newer, or unset it to use the java on the PATH" >&2
    return 2
  fi
  if [ ! -x "$SX_JAVA" ]; then
    echo "schedulerx: java (17 or newer) is not on the PATH" >&2
    return 1
  fi
  if [ "$SX_JAVA_FEATURE" -gt 0 ] && [ "$SX_JAVA_FEATURE" -lt 17 ]; then
    local fix="set JAVA_HOME to one, or put one first on the PATH"
    [ -n "${JAVA_HOME:-}" ] && fix="set JAVA_HOME (now $JAVA_HOME) to one"
    echo "schedulerx: $SX_JAVA is Java $SX_JAVA_VERSION, and schedulerx needs 17 or newer: $fix" >&2
    return 2
  fi
}

# Sets SX_DAEMON_JAR to the daemon's JAR; fails when it is not built.
sx_daemon_jar() {
  local jars=("$DAEMON_TARGET"/schedulerx-worker-daemon-*.jar)
  [ -f "${jars[0]}" ] || return 1
  SX_DAEMON_JAR=${jars[0]}
}

sx_needs_build() {
  [ -f "$SCHEDULERX_HOME/pom.xml" ] || return 1            # a packaged distribution has no sources
  [ "${SCHEDULERX_SKIP_BUILD:-0}" = "1" ] && return 1
  sx_daemon_jar && [ -d "$DAEMON_TARGET/lib" ] || return 0
  # Rebuild when any main source or pom of a module is newer than the daemon JAR.
  [ -n "$(find "$SCHEDULERX_HOME"/pom.xml "$SCHEDULERX_HOME"/*/pom.xml "$SCHEDULERX_HOME"/*/src/main \
        -newer "$SX_DAEMON_JAR" -type f -print -quit 2>/dev/null)" ]
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

# The worker's JARs (lib/), then the embedded server's (lib-server/) where the distribution has them: a worker-only
# distribution is this tree without lib-server/. The worker's come first so that both layouts start with the same
# entries, which the class-data sharing archive below is checked against. Sets SX_CLASSPATH.
sx_classpath() {
  if ! sx_daemon_jar; then
    echo "schedulerx: no daemon JAR in $DAEMON_TARGET (build it: mvn -DskipTests package)" >&2
    return 1
  fi
  SX_CLASSPATH="$SX_DAEMON_JAR:$DAEMON_TARGET/lib/*"
  if [ -d "$DAEMON_TARGET/lib-server" ]; then
    SX_CLASSPATH="$SX_CLASSPATH:$DAEMON_TARGET/lib-server/*"
  fi
}

# Sets SX_CONF to the config file a daemon started with these arguments reads (--conf FILE, else
# conf/worker.conf, as the CLI's default); fails when the arguments run a CLI command rather than the daemon
# (anything but --conf FILE).
sx_daemon_conf() {
  SX_CONF="$SCHEDULERX_HOME/conf/worker.conf"
  while [ $# -gt 0 ]; do
    case "$1" in
      -c|--conf) [ $# -ge 2 ] || return 1; SX_CONF="$2"; shift 2 ;;
      --conf=*) SX_CONF="${1#--conf=}"; shift ;;
      -c?*) SX_CONF="${1#-c}"; shift ;;
      *) return 1 ;;
    esac
  done
}

# Whether the arguments start the daemon rather than a CLI command.
sx_runs_daemon() {
  sx_daemon_conf "$@"
}

# Sets SX_MEMORY_MIB, the memory the JVM sizes its heap from: the machine's, or its cgroup's limit when lower
# (a container, a systemd unit with MemoryMax). Read with bash alone: no command is started.
sx_memory_mib() {
  local key value rest controllers v2="" v1="" limit="" file
  SX_MEMORY_MIB=0
  while read -r key value rest; do
    if [ "$key" = "MemTotal:" ]; then SX_MEMORY_MIB=$((value / 1024)); break; fi
  done < /proc/meminfo
  if [ -r /proc/self/cgroup ]; then
    while IFS=: read -r key controllers value; do   # "0::path" (cgroup v2), "N:memory:path" (v1)
      if [ "$key" = "0" ]; then v2=$value; elif [ "$controllers" = "memory" ]; then v1=$value; fi
    done < /proc/self/cgroup
  fi
  # The process's own cgroup, else the mount's root (a container whose cgroup paths name the host's hierarchy).
  for file in "/sys/fs/cgroup$v2/memory.max" "/sys/fs/cgroup/memory$v1/memory.limit_in_bytes" \
      /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    if [ -r "$file" ]; then read -r limit < "$file"; break; fi
  done
  if [[ $limit =~ ^[0-9]+$ ]] && [ $((limit / 1048576)) -lt "$SX_MEMORY_MIB" ]; then
    SX_MEMORY_MIB=$((limit / 1048576))
  fi
}

# Sets SX_JVM_DEFAULTS, the default JVM options of bin/schedulerx-worker, placed before JAVA_OPTS (the JVM takes
# the last of repeated flags): sx_jvm_defaults daemon|embedded|cli (embedded: a daemon starting its embedded
# server). SCHEDULERX_JVM_DEFAULTS replaces them ("" for none). A collector chosen in JAVA_OPTS is kept: two
# collectors would stop the JVM.
#  - The daemon uses the Parallel collector. A worker is a throughput job: with G1 a small heap holding a
#    big map's tasks went into back-to-back concurrent cycles (the MapReduce bench: 55 -> 36 µs of CPU per
#    sub-task, wall time halved); young pauses stay in milliseconds, and the heartbeat and liveness timeouts
#    are seconds.
#  - The daemon's heap starts at 16 MB and grows as needed (up to the JVM's default maximum, a quarter of the
#    RAM): the default initial heap, 1/64 of the RAM, is 384 MB on a 24 GB machine, most of it touched by
#    start-up garbage and then resident for an idle worker (RSS 208 -> 167 MB, see bench/startup.sh).
#  - With the embedded server it starts at 256 MB: the server's database churns through short-lived pages, and
#    from 16 MB the collector kept its old generation small, promoted into it and stopped the daemon for a full
#    collection every ~10 s (100-120 ms) besides young pauses of 25-50 ms every 1-2 s; from 256 MB it made half
#    the young collections and no full one (bench/workflow.sh, wide DAG: p99 41-44.5 -> 34.5-36 ms). Not when
#    JAVA_OPTS sizes the heap (a smaller -Xmx would stop the JVM) or the machine or container has under 2 GiB
#    (the JVM's default maximum, a quarter of it, would be below 512 MB).
#  - The daemon's C2 compilations start 8x later than the JVM's default (Tier4 thresholds): at start most
#    methods run a few thousand times and then never again, and compiling them with C2 was a third of the CPU
#    until registered (one start on 2 cores: 2.1 -> 1.5 s of CPU). Hot code still reaches C2 within
#    moments of steady load, already profiled by C1 (bench/mapreduce.sh: no change); C1 only (the CLI's
#    setting) would cost a long-running daemon its peak performance. C1 4x later too (CompileThresholdScaling)
#    halved C1's CPU until registered (230 -> 110 ms), but cost bench/mapreduce.sh 16-20% in its first three runs.
#  - The daemon's first full collection waits for 64 MB of class metadata (the JVM's default threshold is
#    about 21 MB): a start loads more than that, and each crossing of the threshold stopped the daemon for a
#    full collection (two in its first two seconds, 30-36 ms each). The threshold reserves no memory.
#  - CLI commands are short-lived clients: C1 only and the serial collector start faster and use less CPU.
#  - Every mode asks for transparent huge pages where the kernel offers them on request (sx_thp_opts): a start
#    touches megabytes of new heap, and on a virtual machine each 4 KB page fault is expensive; with 2 MB pages a
#    daemon's start made 6,000 fewer faults (22,400 -> 16,400) and used ~120 ms less CPU until it had run 1.6 s
#    (a CLI command ~80 ms less), RSS +0-5 MB. Under load too: bench/trigger-latency.sh's p99 91-160 -> 53-74 ms,
#    bench/mapreduce.sh's fourth run 122-133k -> 152-164k sub-tasks/s (its first three within their noise).
SX_LATE_C2="-XX:Tier4InvocationThreshold=40000 -XX:Tier4MinInvocationThreshold=4800 -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=320000"
sx_jvm_defaults() {
  if [ -n "${SCHEDULERX_JVM_DEFAULTS+set}" ]; then
    SX_JVM_DEFAULTS=$SCHEDULERX_JVM_DEFAULTS
    return
  fi
  local gc jit="" heap=""
  if [ "${1:-daemon}" != "cli" ]; then
    gc="-XX:+UseParallelGC"
    heap="-Xms16m -XX:MetaspaceSize=64m"
    if [ "${1:-}" = "embedded" ] && ! [[ " ${JAVA_OPTS:-} " =~ \ -(Xm[sx]|XX:(Max|Initial|Min)(HeapSize|RAMPercentage)|XX:MaxRAM=) ]] \
        && sx_memory_mib && [ "$SX_MEMORY_MIB" -ge 2048 ]; then
      heap="-Xms256m -XX:MetaspaceSize=64m"
    fi
    jit="$SX_LATE_C2"
  else
    gc="-XX:+UseSerialGC"
    jit="-XX:TieredStopAtLevel=1"
  fi
  if [[ " ${JAVA_OPTS:-} " =~ \ -XX:\+Use[A-Za-z0-9]+GC\  ]]; then
    gc=""
  fi
  sx_thp_opts
  SX_JVM_DEFAULTS="$jit $gc $heap $SX_THP_OPTS"
}

# Sets SX_THP_OPTS to the JVM option for transparent huge pages when the kernel's setting (FILE, by default the
# kernel's own) is "madvise" (huge pages for memory a program asks them for) or "always"; none when it is "never"
# or unreadable, where the JVM would warn at every start that it cannot have them.
sx_thp_opts() {
  local file="${1:-/sys/kernel/mm/transparent_hugepage/enabled}" setting=""
  SX_THP_OPTS=""
  if [ -r "$file" ] && read -r setting < "$file" && [[ $setting == *"[madvise]"* || $setting == *"[always]"* ]]; then
    SX_THP_OPTS="-XX:+UseTransparentHugePages"
  fi
}

# Every reference.conf of the class path merged and resolved into one tree, kept in a file made at the first start
# after a build and read by later starts without parsing Pekko's long reference files again (MergedReference).
# Unwritable: no file, the reference files are parsed at every start.
SX_MERGED_REFERENCE="-Dschedulerx.merged-reference=$DAEMON_TARGET/reference.merged.bin"
# Logging's binding named (LauncherLogging: logback, set up in code): found by SLF4J's and logback's own lookups,
# each of which opens every JAR of the class path, it cost every start ~45 ms of CPU. SLF4J's own messages from
# WARN up only: it says at INFO, at every start, that the binding was named.
SX_LOGGING_PROVIDER="-Dslf4j.provider=dev.schedulerx.worker.logs.LauncherLogging -Dslf4j.internal.verbosity=WARN"

# Logging: conf/logback.xml when there is one (copy conf/logback.example.xml to start from), or the file
# SCHEDULERX_LOGBACK names; else the same configuration built in code (DefaultLogging), which starts faster.
# Sets SX_LOGBACK_OPTS.
sx_logback_opts() {
  local file="${SCHEDULERX_LOGBACK:-$SCHEDULERX_HOME/conf/logback.xml}"
  SX_LOGBACK_OPTS=""
  if [ -n "${SCHEDULERX_LOGBACK:-}" ] || [ -f "$file" ]; then
    SX_LOGBACK_OPTS="-Dlogback.configurationFile=$file"
  fi
}

# Class-data sharing (CDS): the classes a start loads, parsed and verified once into an archive that later JVMs
# map instead of reading and verifying them from the JARs again (start-up and memory, see "Start-up and
# memory" in the README). Two archives, each made once per build and JVM by a training run (CdsTraining), at the
# first daemon start that needs it (that start waits for it):
#  - schedulerx.jsa, a worker's classes: the CLI parses, a config loads, a worker daemon joins a standalone server
#    run as a separate JVM, registers and stops. The JVM touches every page of an archive it maps, and a worker
#    that joins a remote server should not carry the server's classes. CLI commands use it too.
#  - schedulerx-embedded.jsa, the same with the embedded server (the default conf/worker.conf). The standalone
#    server (bin/schedulerx-server, same class path) uses it when it is there, else the worker's.
# On JDK 25 and later the same training runs make AOT caches instead (schedulerx.aot, schedulerx-embedded.aot; JEP
# 483, 514, 515): the classes loaded and linked, and the profiles of the methods a start runs, so that the JIT
# compilers start from them (on 2 cores: a worker registered in ~10% less time than with the archive).
# Which one a daemon gets is guessed from its config (sx_embedded_server); a wrong guess costs start-up time
# only. SCHEDULERX_CDS=off leaves both out; where the distribution is read-only and has no archive, the JVM starts
# without one. An archive made by another JVM than the one the launcher runs now (another JDK, an update of it) is
# not used: such a JVM would reject it with a warning at every start. It is made again at the next daemon start.
# SX_CDS_KIND names the archives' kind; SX_CDS_MAKE and SX_CDS_USE are the JVM options that make one and map one.
if [ "$SX_JAVA_FEATURE" -ge 25 ]; then
  SX_CDS_KIND=aot SX_CDS_MAKE=-XX:AOTCacheOutput= SX_CDS_USE=-XX:AOTCache=
else
  SX_CDS_KIND=jsa SX_CDS_MAKE=-XX:ArchiveClassesAtExit= SX_CDS_USE=-XX:SharedArchiveFile=
fi
SX_CDS_ARCHIVE="$DAEMON_TARGET/schedulerx.$SX_CDS_KIND"
SX_CDS_EMBEDDED_ARCHIVE="$DAEMON_TARGET/schedulerx-embedded.$SX_CDS_KIND"
SX_CDS_MADE_BY="$SX_JAVA $SX_JAVA_VERSION"                   # recorded beside each archive, in FILE.jvm
sx_cds_stale() { # file: missing, older than a JAR, or made by another JVM
  [ -f "$1" ] || return 0
  local jar made_by=""
  for jar in "$DAEMON_TARGET"/*.jar "$DAEMON_TARGET"/*/*.jar; do
    [ "$jar" -nt "$1" ] && return 0
  done
  [ -r "$1.jvm" ] && read -r made_by < "$1.jvm"
  [ "$made_by" != "$SX_CDS_MADE_BY" ]
}

sx_cds_make() { # archive, CdsTraining's mode ("" or embedded)
  [ -w "$DAEMON_TARGET" ] || return 1
  local archive="$1" log="$DAEMON_TARGET/cds-training${2:+-$2}.log" made="$1"
  (
    flock 9                                                 # two launchers starting at once train once
    sx_cds_stale "$archive" || exit 0
    # Said on a terminal only: scripts and tests read the daemon's stderr for its own messages.
    [ -t 2 ] && echo "schedulerx: making the class-data sharing archive (once per build, a few seconds)" >&2
    rm -f "$archive" "$archive.tmp" "$archive.jvm" "$archive.failed" "$archive.failed.jvm"
    sx_jvm_defaults daemon; sx_logback_opts; sx_classpath
    if "$SX_JAVA" "$SX_CDS_MAKE$archive.tmp" $SX_JDK_OPTS $SX_JVM_DEFAULTS $SX_MERGED_REFERENCE $SX_LOGGING_PROVIDER \
        -Dschedulerx.home="$SCHEDULERX_HOME" -Dschedulerx.log.appender=CONSOLE -Dschedulerx.log.level=WARN \
        $SX_LOGBACK_OPTS \
        -cp "$SX_CLASSPATH" dev.schedulerx.worker.cli.CdsTraining "$SCHEDULERX_HOME/plugins" $2 \
        >"$log" 2>&1 && [ -s "$archive.tmp" ]; then
      mv "$archive.tmp" "$archive"
    else
      rm -f "$archive.tmp"
      made="$archive.failed"                                # not tried again until the next build or another JVM
      touch "$made"
      [ -t 2 ] && echo "schedulerx: no class-data sharing archive (training failed, see $log); starting without" >&2
    fi
    echo "$SX_CDS_MADE_BY" > "$made.jvm"
  ) 9>"$archive.lock"
}

# Sets SX_CDS_OPTS, the JVM option that uses an archive when it is up to date: sx_cds_opts [train] [embedded].
# "embedded" picks the archive with the embedded server's classes. With "train" (a daemon start), the archive is
# made first when it is missing, older than a JAR or made by another JVM; CLI commands and the standalone server
# only use one, so a quick command never waits for a training run. SCHEDULERX_SKIP_BUILD=1 (tests and benchmarks
# starting many JVMs under deadlines) means no build work in the launcher: no training either.
sx_cds_opts() {
  SX_CDS_OPTS=""
  [ "${SCHEDULERX_CDS:-on}" = "off" ] && return 0
  local archive="$SX_CDS_ARCHIVE" mode=""
  if [ "${2:-}" = "embedded" ]; then archive="$SX_CDS_EMBEDDED_ARCHIVE"; mode=embedded; fi
  if [ "${1:-}" = "train" ] && [ "${SCHEDULERX_SKIP_BUILD:-0}" != "1" ] && sx_cds_stale "$archive" && sx_cds_stale "$archive.failed"; then
    sx_cds_make "$archive" "$mode" || true
  fi
  if ! sx_cds_stale "$archive"; then
    SX_CDS_OPTS="$SX_CDS_USE$archive"
  fi
}

# Whether a daemon started with these arguments is likely to start its embedded server (the default) rather than
# join a server elsewhere: no "embedded = false", domain or endpoint in its config file, environment or JAVA_OPTS.
# A guess that only picks the class-data sharing archive.
sx_embedded_server() {
  sx_daemon_conf "$@" || return 1
  [ -n "${SCHEDULERX_DOMAIN:-}${SCHEDULERX_ENDPOINT:-}" ] && return 1
  [ "${SCHEDULERX_SERVER_EMBEDDED:-}" = "false" ] && return 1
  local opts=" ${JAVA_OPTS:-} " worker_only=' -Dschedulerx\.(server\.embedded=false|domain=[^ ]|endpoint=[^ ])'
  [[ $opts =~ $worker_only ]] && return 1
  local line in_file='^[^#]*(embedded"?[[:space:]]*[=:][[:space:]]*false|(domain|endpoint)"?[[:space:]]*[=:][[:space:]]*"[^"]+")'
  if [ -f "$SX_CONF" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [[ $line =~ $in_file ]] && return 1
    done < "$SX_CONF"
  fi
  return 0
}

sx_check_java || exit
if sx_needs_build; then
  sx_build || exit 1
fi
