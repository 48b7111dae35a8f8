#!/usr/bin/env bash
# Side-by-side MapReduce benchmark against our server (bin/schedulerx-server): the same job — the root task
# maps the integers 1..N (default 100,000) as sub-tasks, each answers its number, reduce sums them — first on
# 3 official SchedulerX Java workers (schedulerx2-worker 1.11.4, processor OfficialSum), then on 3 of our
# daemons (processor DaemonSum, same logic on our plugin API). Each worker is its own JVM with a 512 MB heap;
# one side runs at a time, the other side's JVMs are stopped. Prints wall times and peak heaps of both.
#   bench/interop-mapreduce.sh [N]
set -euo pipefail
N=${1:-100000}
HOME_DIR="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK=$(mktemp -d /tmp/sx-interop-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HEAP=${BENCH_HEAP:-512m}
# The official workers on the JVM our launchers take: JAVA_HOME's when it is set, else the PATH's.
if [ -n "${JAVA_HOME:-}" ]; then PATH="$JAVA_HOME/bin:$PATH"; fi
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "building the distribution and the interop test classes (offline Maven)…"
(cd "$HOME_DIR" && mvn -q -o -B -pl interop-tests -am -DskipTests package dependency:build-classpath \
   -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >"$WORK/build.log" 2>&1) \
  || { echo "build failed, see $WORK/build.log"; BENCH_KEEP=1; exit 1; }
TEST_CLASSES="$HOME_DIR/interop-tests/target/test-classes"
# The official worker's JVM: its JAR and dependencies, and the test processors; none of our modules (our
# protocol classes share names with the official worker's).
OFFICIAL_CP="$TEST_CLASSES:$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/dev/schedulerx/' | grep -v "^$HOME_DIR/" | paste -sd:)"
# Our daemons' plugin: DaemonSum and its service file.
mkdir -p "$WORK/plugin/META-INF/services" "$WORK/plugins"
echo "dev.schedulerx.interop.daemon.DaemonSum" > "$WORK/plugin/META-INF/services/dev.schedulerx.api.JobProcessor"
(cd "$WORK/plugin" && mkdir -p dev/schedulerx/interop/daemon && cp "$TEST_CLASSES"/dev/schedulerx/interop/daemon/DaemonSum.class dev/schedulerx/interop/daemon/ \
  && jar cf "$WORK/plugins/interop.jar" .)

cat > "$WORK/server.conf" <<CONF
schedulerx-server {
  host = "127.0.0.1"
  http-port = $PORT
  remoting-port = 0
  data-dir = "$WORK/server-data"
  schedule-poll-interval = 50ms
  groups = [
    { namespace = "bench", group-id = "official", app-key = "bench-key" },
    { namespace = "bench", group-id = "ours", app-key = "bench-key" }
  ]
}
CONF
await_line() { # file, marker
  for _ in $(seq 1 900); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "no \"$2\" in $1:"; tail -20 "$1"; exit 1
}
JAVA_OPTS="-Xmx512m -XX:+UseSerialGC" SCHEDULERX_SKIP_BUILD=1 "$HOME_DIR/bin/schedulerx-server" --conf "$WORK/server.conf" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
await_line "$WORK/server.log" "scheduler server ready: "
API="http://127.0.0.1:$PORT/api/v1"
# Grid map settings as the official worker was seen running them (its defaults, pageSize 5 and queueSize 10,
# make a 100,000-task map crawl at a few hundred tasks a second); the same for both sides.
XATTRS='{\"taskDispatchMode\":\"push\",\"consumerSize\":5,\"dispatcherSize\":5,\"pageSize\":100,\"queueSize\":10000}'
for side in official ours; do
  curl -sf -X POST "$API/jobs" -H 'Content-Type: application/json' -d "{\"group\":\"$side\",\"name\":\"$side-sum\",\"processor\":\"dev.schedulerx.interop.official.OfficialSum\",\"executeMode\":\"grid\",\"parameters\":\"$N\",\"xattrs\":\"$XATTRS\"}" >/dev/null
done

ADD_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.math=ALL-UNNAMED"
start_official() { # name
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && exec java -Xmx$HEAP -XX:+UseSerialGC -Xlog:gc:file="$WORK/gc-$1.log" -Duser.home="$WORK/$1" $ADD_OPENS \
    -cp "$OFFICIAL_CP" dev.schedulerx.interop.official.OfficialWorkerMain "127.0.0.1:$PORT" bench official bench-key) > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
start_ours() { # name
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/worker.conf" <<CONF
schedulerx {
  namespace = "bench"
  group-id = "ours"
  app-key = "bench-key"
  domain = "127.0.0.1:$PORT"
  remoting { host = "127.0.0.1", port = 0 }
  server { embedded = false }
  plugins-dir = "$WORK/plugins"
  data-dir = "$WORK/$1/data"
}
CONF
  JAVA_OPTS="-Xmx$HEAP -XX:+UseSerialGC -Xlog:gc:file=$WORK/gc-$1.log" SCHEDULERX_SKIP_BUILD=1 \
    "$HOME_DIR/bin/schedulerx-worker" --conf "$WORK/$1/worker.conf" > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
stop_side() { # pids…
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}
workers_of() { curl -sf "$API/workers" | python3 -c "import json,sys; print(sum(1 for w in json.load(sys.stdin) if w['groupId']=='$1'))"; }
await_workers() { # group, count
  for _ in $(seq 1 600); do [ "$(workers_of "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "group $1: $(workers_of "$1") of $2 workers registered"; exit 1
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
peak() { grep -oE '[0-9]+M->[0-9]+M' "$1" | awk -F'M->' '{ if ($1+0 > m) m = $1+0 } END { print m+0 }'; }
run_job() { # job name → prints "state result wall_ms run_ms"
  local start id inst
  start=$(now_ms)
  id=$(curl -sf -X POST "$API/jobs/$1/run" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instanceId"])')
  for _ in $(seq 1 36000); do
    inst=$(curl -sf "$API/instances/$id")
    echo "$inst" | grep -q '"finishedAt":"' && break
    sleep 0.05
  done
  local end; end=$(now_ms)
  echo "$inst" | python3 -c '
import json,sys,datetime
i=json.load(sys.stdin); p=lambda s: datetime.datetime.fromisoformat(s.replace("Z","+00:00"))
run=int((p(i["finishedAt"])-p(i["startedAt"])).total_seconds()*1000) if i.get("startedAt") else -1
print(i["state"], (i.get("result") or "").split(" by ")[0], '"$(( end - start ))"', run)'
}

echo "3 official workers (schedulerx2-worker 1.11.4): starting"
start_official official-1; O1=$!; start_official official-2; O2=$!; start_official official-3; O3=$!
await_workers official 3
echo "running the MapReduce over $N sub-tasks on the official workers"
read -r O_STATE O_SUM O_WALL O_RUN < <(run_job official-sum)
stop_side $O1 $O2 $O3

echo "3 of our daemons: starting"
start_ours ours-1; D1=$!; start_ours ours-2; D2=$!; start_ours ours-3; D3=$!
await_workers ours 3
echo "running the MapReduce over $N sub-tasks on our daemons"
read -r D_STATE D_SUM D_WALL D_RUN < <(run_job ours-sum)
stop_side $D1 $D2 $D3

echo
echo "MapReduce of 1..$N (expected sum $(( N * (N + 1) / 2 ))), 3 workers each, -Xmx$HEAP, against our server"
printf '%-28s %-8s %-14s %-12s %-12s %s\n' "side" "state" "sum" "wall ms" "run ms" "peak heap MB (each worker)"
printf '%-28s %-8s %-14s %-12s %-12s %s\n' "official (schedulerx2 1.11.4)" "$O_STATE" "$O_SUM" "$O_WALL" "$O_RUN" \
  "$(peak "$WORK/gc-official-1.log") / $(peak "$WORK/gc-official-2.log") / $(peak "$WORK/gc-official-3.log")"
printf '%-28s %-8s %-14s %-12s %-12s %s\n' "ours (worker-daemon)" "$D_STATE" "$D_SUM" "$D_WALL" "$D_RUN" \
  "$(peak "$WORK/gc-ours-1.log") / $(peak "$WORK/gc-ours-2.log") / $(peak "$WORK/gc-ours-3.log")"
echo "wall ms = trigger to final status seen over the API; run ms = master accepted to final report (server's clock)"
