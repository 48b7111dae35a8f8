"""Client side of the scheduler benchmarks: creates jobs and reads the server's instances back over the REST API.

  sxbench.py create-jobs API N DELAY            N second_delay jobs d0000.. (StartStamp, delay DELAY s)
  sxbench.py trigger-latency API N FROM_MS TO_MS  latency of runs scheduled in [FROM_MS, TO_MS)
  sxbench.py api-collect API JOB EXPECTED TIMEOUT_S [SINCE_MS]  waits until EXPECTED instances of JOB (created
      at or after SINCE_MS) finished, prints figures
  sxbench.py workflow API NODES RUNS [DAEMON_PID]  a wide (1 root -> NODES-1 children) and a deep (chain of
      NODES) workflow of StartStamp jobs, each run BENCH_DAG_RUNS times: parent end -> child processor start (and
      the daemon's CPU by thread, given its pid); then RUNS runs of a 3-node workflow for workflow instances per minute
"""
import collections
import concurrent.futures
import datetime
import glob
import json
import os
import re
import statistics
import sys
import time
import urllib.request


def call(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def millis(iso):
    if iso is None:
        return None
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def quantile(ordered, p):
    """The p-quantile of an ascending, non-empty list (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def pct(values):
    v = sorted(values)
    if not v:
        return "n=0"
    return "n=%d p50=%d ms p99=%d ms max=%d ms" % (len(v), quantile(v, 0.50), quantile(v, 0.99), v[-1])


def create_jobs(api, n, delay):
    import os
    # BENCH_ALERT_TARGET=<url>: every job sends a success notice per run to that webhook (alerting under load).
    target = os.environ.get("BENCH_ALERT_TARGET", "")
    alerts = {} if not target else {"monitorConfig": json.dumps({"successNotice": True}),
                                    "contact": json.dumps([{"ding": target}])}

    def create(i):
        call(api + "/jobs", "POST", dict({"group": "bench", "name": "d%04d" % i, "processor": "StartStamp",
                                          "timeType": "second_delay", "timeExpression": str(delay)}, **alerts))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(n)))


def trigger_latency(api, n, start, end):
    def runs(i):
        return call(api + "/jobs/d%04d/instances?limit=1000" % i)
    latencies, late_starts, failed, unstarted, total = [], 0, 0, 0, 0
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for instances in pool.map(runs, range(n)):
            for inst in instances:
                due = millis(inst["scheduleTime"])
                if not (start <= due < end):
                    continue
                total += 1
                if inst["state"] == "SUCCESS":
                    latencies.append(int(inst["result"]) - due)
                elif inst["state"] in ("FAILED", "KILLED", "SKIPPED"):
                    failed += 1
                else:
                    unstarted += 1
    print("runs scheduled in the window: %d (%.0f/s), succeeded %d, failed %d, not finished %d"
          % (total, total * 1000.0 / max(1, end - start), len(latencies), failed, unstarted))
    print("trigger latency (schedule time -> processor start): " + pct(latencies))


def api_collect(api, job, expected, timeout_s, since_ms=0):
    deadline = time.time() + timeout_s
    while True:
        instances = call(api + "/jobs/%s/instances?limit=%d" % (job, expected + 100))
        instances = [i for i in instances if millis(i["createdAt"]) >= since_ms]
        finished = [i for i in instances if i["state"] in ("SUCCESS", "FAILED", "KILLED", "SKIPPED")]
        if len(finished) >= expected or time.time() > deadline:
            break
        time.sleep(0.5)
    ok = [i for i in instances if i["state"] == "SUCCESS"]
    if not ok:
        print("no instance succeeded (%d instances)" % len(instances))
        return
    # An API run's trigger time is its creation: its schedule time is only its key in the table, one
    # millisecond after the job's previous API run, so beyond 1,000 triggers/s of one job it runs ahead.
    trigger = lambda i: millis(i["createdAt"])
    first_trigger = min(trigger(i) for i in instances)
    last_success = max(millis(i["finishedAt"]) for i in ok)
    span = max(1, last_success - first_trigger)
    print("instances: %d triggered, %d SUCCESS, %d other/unfinished"
          % (len(instances), len(ok), len(instances) - len(ok)))
    print("throughput: %.0f instances/s reached SUCCESS (%d in %.2f s, first trigger to last SUCCESS)"
          % (len(ok) * 1000.0 / span, len(ok), span / 1000.0))
    print("trigger -> processor start: " + pct([int(i["result"]) - trigger(i) for i in ok]))
    print("trigger -> SUCCESS stored:  " + pct([millis(i["finishedAt"]) - trigger(i) for i in ok]))


FINISHED = ("SUCCESS", "FAILED", "KILLED", "SKIPPED")


def create_api_jobs(api, names):
    def create(name):
        call(api + "/jobs", "POST", {"group": "bench", "name": name, "processor": "StartStamp", "timeType": "api"})
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(create, names))
    return {name: call(api + "/jobs/" + name)["id"] for name in names}


def create_workflow(api, name, ids, edges, max_concurrency=1, policy="skip"):
    dag = {"nodes": [{"id": i} for i in ids], "edges": [{"source": a, "target": b} for a, b in edges]}
    return call(api + "/workflows", "POST", {"group": "bench", "name": name, "timeType": "api", "enabled": True,
                                            "maxConcurrency": max_concurrency, "concurrencyPolicy": policy,
                                            "dag": dag})["id"]


def await_run(api, workflow_id, run_id, timeout_s):
    """Polls the workflow's run list (no nodes: cheap for the server), then reads the finished run once."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        runs = call(api + "/workflows/%d/instances?limit=5" % workflow_id)
        if any(r["id"] == run_id and r["state"] in FINISHED for r in runs):
            break
        time.sleep(0.2)
    return call(api + "/workflow-instances/%d" % run_id)


THREAD_LABELS = [("C1 Compiler", "C1 JIT"), ("C2 Compiler", "C2 JIT"), ("sx-server-store", "server store lanes"),
                 ("sx-server-workf", "workflow engine"), ("GC Thread", "GC"), ("Jetty", "server HTTP")]


def threads_cpu(pid):
    """CPU ms the daemon's threads used so far, summed by kind (the kernel keeps 15 characters of a thread's name)."""
    out = collections.Counter()
    for stat in glob.glob("/proc/%s/task/*/stat" % pid) if pid else []:
        try:
            text = open(stat).read()
        except OSError:
            continue  # the thread ended
        name = text[text.index("(") + 1:text.rindex(")")]
        label = next((l for prefix, l in THREAD_LABELS if name.startswith(prefix)), None)
        if label is None:
            label = "worker actors" if name[:1].isdigit() else re.sub(r"[-#]*\d+$", "", name)
        fields = text[text.rindex(")") + 2:].split()
        out[label] += (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
    return out


def handoff(api, name, workflow_id, timeout_s, daemon_pid):
    """Runs the workflow once; prints parent end (instance finished, as stored) -> child processor start, and the
    daemon's CPU by thread during the run."""
    t0 = time.time()
    cpu0 = threads_cpu(daemon_pid)
    run_id = call(api + "/workflows/%d/run" % workflow_id, "POST", {})["id"]
    run = await_run(api, workflow_id, run_id, timeout_s)
    wall = time.time() - t0
    cpu = threads_cpu(daemon_pid)
    cpu.subtract(cpu0)
    nodes = run["nodes"]
    # Only parents' ends are needed (the wide DAG's root alone): reading every instance back loaded the daemon between
    # runs, and its JIT compiled the read path while the next run went.
    parent_ids = {p for m in nodes for p in m["parents"]}
    parents = [n for n in nodes if n["jobId"] in parent_ids]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ended = dict(zip([n["jobId"] for n in parents], pool.map(
            lambda n: millis(call(api + "/instances/%d" % n["jobInstanceId"])["finishedAt"]) if n["jobInstanceId"] else None,
            parents)))
    gaps = []
    for n in nodes:
        if n["state"] != "SUCCESS" or not n["parents"]:
            continue
        last_parent_end = max(ended[p] for p in n["parents"])
        gaps.append(int(n["result"]) - last_parent_end)
    ok = sum(1 for n in nodes if n["state"] == "SUCCESS")
    print("%s: %d nodes, run %s, %d SUCCESS, %.1f s from run request to end (%.2f instances/min of this DAG)"
          % (name, len(nodes), run["state"], ok, wall, 60.0 / wall))
    print("%s: parent end -> child processor start: %s" % (name, pct(gaps)))
    if daemon_pid:
        print("%s: daemon CPU by thread during the run: %s" % (name, ", ".join(
            "%s %d ms" % (label, ms) for label, ms in cpu.most_common(6) if ms > 0)))
    return quantile(sorted(gaps), 0.99) if gaps else None


# Runs of a DAG before its steady state: the JIT compiles the server's and the worker's paths for ~80 runs.
WARM_UP_RUNS = 80


def workflow(api, n, runs, daemon_pid=None):
    wide = create_api_jobs(api, ["ww%04d" % i for i in range(n)])
    deep = create_api_jobs(api, ["wd%04d" % i for i in range(n)])
    small = create_api_jobs(api, ["wt-a", "wt-b", "wt-c"])
    w_ids = list(wide.values())
    d_ids = list(deep.values())
    wide_id = create_workflow(api, "wide", w_ids, [(w_ids[0], c) for c in w_ids[1:]])
    deep_id = create_workflow(api, "deep", d_ids, list(zip(d_ids, d_ids[1:])))
    small_id = create_workflow(api, "small", list(small.values()),
                               [(small["wt-a"], small["wt-c"]), (small["wt-b"], small["wt-c"])], 16, "queue")
    # The first run of each meets a cold JVM; the later ones show a daemon that has run workflows before.
    repeats = int(os.environ.get("BENCH_DAG_RUNS", "3"))
    dags = os.environ.get("BENCH_DAGS", "wide deep").split()
    for name, dag_id in (("wide", wide_id), ("deep", deep_id)):
        if name in dags:
            p99s = [handoff(api, "%s run %d" % (name, i), dag_id, 600, daemon_pid) for i in range(1, repeats + 1)]
            steady = [p for p in p99s[WARM_UP_RUNS:] if p is not None]
            if steady:
                print("%s: steady state (runs %d-%d): median p99 %s ms, %d of %d runs with p99 <= 50 ms"
                      % (name, WARM_UP_RUNS + 1, repeats, statistics.median(steady), sum(1 for p in steady if p <= 50),
                         len(steady)))
    t0 = time.time()
    first = None
    for _ in range(runs):
        rid = call(api + "/workflows/%d/run" % small_id, "POST", {})["id"]
        first = first or rid
    deadline = time.time() + 600
    while True:
        listed = call(api + "/workflows/%d/instances?limit=500" % small_id)
        done = [r for r in listed if r["state"] in FINISHED]
        if len(done) >= runs or time.time() > deadline:
            break
        time.sleep(0.2)
    span = max(millis(r["finishedAt"]) for r in done) - min(millis(r["createdAt"]) for r in listed)
    ok = sum(1 for r in done if r["state"] == "SUCCESS")
    print("small (A,B -> C, max concurrency 16, queue): %d runs requested in %.1f s, %d SUCCESS; "
          "%.0f workflow instances/min (first request to last end, %.1f s)"
          % (runs, time.time() - t0, ok, ok * 60000.0 / max(1, span), span / 1000.0))


if __name__ == "__main__":
    cmd, api = sys.argv[1], sys.argv[2]
    if cmd == "create-jobs":
        create_jobs(api, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "trigger-latency":
        trigger_latency(api, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "api-collect":
        api_collect(api, sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else 0)
    elif cmd == "workflow":
        workflow(api, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        sys.exit("unknown command " + cmd)
