"""Client side of the scheduler benchmarks: creates jobs and reads the server's instances back over the REST API.

  sxbench.py create-jobs API N DELAY            N second_delay jobs d0000.. (StartStamp, delay DELAY s)
  sxbench.py trigger-latency API N FROM_MS TO_MS  latency of runs scheduled in [FROM_MS, TO_MS)
  sxbench.py api-collect API JOB EXPECTED TIMEOUT_S [SINCE_MS]  waits until EXPECTED instances of JOB (created
      at or after SINCE_MS) finished, prints figures
"""
import concurrent.futures
import datetime
import json
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


def pct(values):
    v = sorted(values)
    if not v:
        return "n=0"
    q = lambda p: v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    return "n=%d p50=%d ms p99=%d ms max=%d ms" % (len(v), q(0.50), q(0.99), v[-1])


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


if __name__ == "__main__":
    cmd, api = sys.argv[1], sys.argv[2]
    if cmd == "create-jobs":
        create_jobs(api, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "trigger-latency":
        trigger_latency(api, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "api-collect":
        api_collect(api, sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else 0)
    else:
        sys.exit("unknown command " + cmd)
