"""Load benchmark of the HIS write path (issues 9 and 16): gunicorn + PostgreSQL on loopback, driven by wrk.

    .venv/bin/python bench/bench_load.py [--seconds 15] [--rounds 2] [--connections 50] [--kill-seconds 20]

It creates its own database qms_bench_load (dropped afterwards unless --keep-db), migrates, seeds the demo,
creates the yardstick's table (bench/models.py, installed by bench/settings_bench.py only), starts gunicorn on a
free 127.0.0.1 port with the repository's gunicorn.conf.py (the production settings: workers, threads) and
bench/settings_bench.py, and runs wrk against, alternating, `--rounds` times:

1. minimal create: POST /bench/reports/, a bare DRF ModelViewSet create of a ten-field row, no auth;
2. event POST:     POST /api/v1/adverse-events/ as his_h001, a unique Idempotency-Key per request;
3. indicator POST: POST /api/v1/indicator-values/ as his_h001 (indicators × months of H001), unique keys;
4. mixed traffic:  30 % event POSTs, 20 % indicator POSTs, 50 % the lists HIS clients poll (page of 20,
                   ?updated_since);
5. bare GET:       GET /bench/noop/, a DRF view that does nothing.

It prints each one's throughput and p50/p95/p99, the ratios of the goals (issue 16: event and indicator POST
≥ 0.60 of the minimal create, event p99 ≤ 2× its p99, mixed ≥ 0.15 of the bare GET), the queries per request
measured in process (django.test.Client against the same database; BEGIN/COMMIT are not counted, savepoints
are), and the lost and duplicated counts: the 201s wrk saw against the rows in the database.

Then (unless --kill-seconds 0) a run in which the app's PostgreSQL backends are terminated every
--kill-every seconds (pg_terminate_backend) while keep-alive client threads POST events, each retrying its
request with the same key and body until it is answered 201: every 201 must be a row, every key one row.
Exit status 0 when nothing was lost or duplicated. Loopback only; stops by itself. The load average is printed
with the figures: on a shared machine only the ratios of one run compare.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = "qms_bench_load"
PASSWORD = "bench-Pass-2026"
WRK = "/usr/bin/wrk"

# Shared by every wrk script: counters per thread, summed in done() and printed as one JSON line.
LUA_HEAD = r"""
local counter = 0
local thread_id = 0
created_events, created_values, created_other, other_2xx, non_2xx = 0, 0, 0, 0, 0
first_error = ""
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
end

local token = "__TOKEN__"
local run = "__RUN__"
local auth = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}

local function report_body(prefix, n)
  return string.format(
    '{"department":"CARD","occurred_at":"__OCCURRED__","discovered_at":"__DISCOVERED__",' ..
    '"event_type":"FALL","severity_level":"C","description":"%s-%d-%d 患者如厕时跌倒，未受伤。",' ..
    '"immediate_actions":"扶起，测量生命体征","patient_age":70,"patient_sex":"M"}', prefix, thread_id, n)
end

local function event_request(n)
  local headers = {}
  for k, v in pairs(auth) do headers[k] = v end
  headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id, n)
  return wrk.format("POST", "/api/v1/adverse-events/", headers, report_body("bench-" .. run .. "-e", n))
end

local indicators = {__INDICATORS__}
local periods = {__PERIODS__}

local function value_request(n)
  local headers = {}
  for k, v in pairs(auth) do headers[k] = v end
  headers["Idempotency-Key"] = string.format("bench-iv-%s-%d-%d", run, thread_id, n)
  local slot = n * 7 + thread_id
  local body = string.format(
    '{"indicator":"%s","institution":"H001","period":"%s","numerator":%d,"denominator":100}',
    indicators[(slot % #indicators) + 1], periods[(math.floor(slot / #indicators) % #periods) + 1], n % 100)
  return wrk.format("POST", "/api/v1/indicator-values/", headers, body)
end

local lists = {
  "/api/v1/adverse-events/?page_size=20&updated_since=__SINCE__",
  "/api/v1/indicator-values/?institution=H001&page_size=20&updated_since=__SINCE__",
  "/api/v1/adverse-events/?page_size=20",
  "/api/v1/indicator-values/?institution=H001&period=__PERIOD__&page_size=20",
  "/api/v1/departments/?institution=H001",
}

local function list_request(n)
  return wrk.format("GET", lists[(n % #lists) + 1], auth)
end

function response(status, headers, body)
  if status == 201 then
    if string.find(body, '"receipt_code"', 1, true) then
      created_events = created_events + 1
    elseif string.find(body, '"revision"', 1, true) then
      created_values = created_values + 1
    else
      created_other = created_other + 1
    end
  elseif status >= 200 and status < 300 then
    other_2xx = other_2xx + 1
  else
    non_2xx = non_2xx + 1
    if first_error == "" then
      first_error = string.gsub(string.sub(tostring(status) .. " " .. body, 1, 300), '[%c"\\]', " ")
    end
  end
end

function done(summary, latency, requests)
  local ev, iv, other, ok, bad, err = 0, 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    if err == "" then err = t:get("first_error") or "" end
    ev = ev + t:get("created_events")
    iv = iv + t:get("created_values")
    other = other + t:get("created_other")
    ok = ok + t:get("other_2xx")
    bad = bad + t:get("non_2xx")
  end
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"created_events":%d,"created_values":%d,"created_other":%d,"other_2xx":%d,"non_2xx":%d,"first_error":"%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, ev, iv, other, ok, bad, err))
end
"""

REQUESTS = {
    "minimal": r"""
function request()
  counter = counter + 1
  return wrk.format("POST", "/bench/reports/", {["Content-Type"] = "application/json"},
                    report_body("bench-" .. run .. "-m", counter))
end
""",
    "event": r"""
function request()
  counter = counter + 1
  return event_request(counter)
end
""",
    "indicator": r"""
function request()
  counter = counter + 1
  return value_request(counter)
end
""",
    "mixed": r"""
function request()
  counter = counter + 1
  local slot = counter % 10
  if slot < 3 then return event_request(counter)
  elseif slot < 5 then return value_request(counter)
  else return list_request(counter) end
end
""",
    "bare": r"""
function request()
  return wrk.format("GET", "/bench/noop/")
end
""",
}
PHASES = [("minimal", "/bench/reports/", "minimal DRF create"), ("event", "/", "event POST"),
          ("indicator", "/", "indicator POST"), ("mixed", "/", "mixed HIS traffic"),
          ("bare", "/bench/noop/", "bare DRF GET")]

# In process: the queries of one request of each kind (after a first one of each, as a warm worker).
QUERIES_SCRIPT = r"""
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
info = INFO
client = Client(HTTP_HOST="127.0.0.1")
auth = {"HTTP_AUTHORIZATION": "Token " + info["token"]}
event = {"department": "CARD", "occurred_at": info["occurred"], "discovered_at": info["discovered"],
         "event_type": "FALL", "severity_level": "C", "description": "bench-queries 患者跌倒", "patient_age": 70,
         "patient_sex": "M"}
def value(n):
    return {"indicator": info["indicators"][0], "institution": "H001", "period": info["periods"][0],
            "numerator": n, "denominator": 100}
kinds = {
    "minimal": lambda n: client.post("/bench/reports/", event, content_type="application/json"),
    "event": lambda n: client.post("/api/v1/adverse-events/", event, content_type="application/json",
                                   HTTP_IDEMPOTENCY_KEY=f"bench-q-{n}", **auth),
    "indicator": lambda n: client.post("/api/v1/indicator-values/", value(n), content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY=f"bench-qiv-{n}", **auth),
    "list events": lambda n: client.get("/api/v1/adverse-events/?page_size=20&updated_since=" + info["since"], **auth),
    "list values": lambda n: client.get("/api/v1/indicator-values/?institution=H001&page_size=20&updated_since="
                                        + info["since"], **auth),
    "bare": lambda n: client.get("/bench/noop/"),
}
out = {}
for name, call in kinds.items():
    call(0)
    with CaptureQueriesContext(connection) as q:
        status = call(1).status_code
    out[name] = {"status": status, "queries": len(q)}
print("QUERIES " + json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql, "postgres"], check=True,
                   stdout=subprocess.DEVNULL)


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
                "DEBUG": "0", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"})
    env.pop("REDIS_URL", None)  # tasks in-process: the benchmark measures the web tier and the database
    return env


def _manage(env: dict, *args: str) -> str:
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout


def _shell(env: dict, code: str) -> str:
    return _manage(env, "shell", "-c", code).strip().splitlines()[-1]


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds}s")


def _wrk(url: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    done = subprocess.run(
        [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
         "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def _merge(runs: list[dict]) -> dict:
    """Requests and counts summed over the rounds; latency percentiles the mean of the rounds' (max: the max)."""
    total = {k: sum(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], int)}
    for k in ("p50", "p95", "p99"):
        total[k] = sum(r[k] for r in runs) / len(runs)
    total["max"] = max(r["max"] for r in runs)
    total["rps"] = total["requests"] / (total["duration_us"] / 1e6)
    total["first_error"] = next((r["first_error"] for r in runs if r.get("first_error")), "")
    return total


def _ms(us: float) -> str:
    return f"{us / 1000:7.1f}"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _kill_run(port: int, env: dict, info: dict, *, seconds: int, every: float, clients: int) -> dict:
    """Keep-alive clients POST events, each retrying with the same key and body until 201, while the app's
    backends are terminated every `every` seconds. Returns what was seen."""
    import psycopg2

    stop = time.monotonic() + seconds
    answered: dict[str, int] = {}  # key → event id of its 201
    attempts: dict[str, int] = {}
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    run = f"{info['run']}-k"

    def client(n: int) -> None:
        conn = None
        i = 0
        while time.monotonic() < stop:
            i += 1
            key = f"bench-kill-{run}-{n}-{i}"
            body = json.dumps({"department": "CARD", "occurred_at": info["occurred"],
                               "discovered_at": info["discovered"], "event_type": "FALL", "severity_level": "C",
                               "description": f"bench-{run}-{n}-{i} 患者跌倒", "patient_age": 70,
                               "patient_sex": "M"}, ensure_ascii=False).encode()
            headers = {"Authorization": f"Token {info['token']}", "Content-Type": "application/json",
                       "Idempotency-Key": key}
            tries = 0
            while tries < 50:  # retried after the stop too: every key ends answered
                tries += 1
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                    conn.request("POST", "/api/v1/adverse-events/", body, headers)
                    r = conn.getresponse()
                    data = r.read()
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    with lock:
                        statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
                    if r.status == 201:
                        with lock:
                            answered[key] = json.loads(data)["id"]
                            attempts[key] = tries
                        break
                except (OSError, http.client.HTTPException):
                    with lock:
                        statuses["connection error"] = statuses.get("connection error", 0) + 1
                    if conn is not None:
                        conn.close()
                    conn = None
                time.sleep(0.05)

    killed = [0, 0]  # rounds, backends

    def killer() -> None:
        admin = psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres")
        admin.autocommit = True
        while time.monotonic() < stop:
            time.sleep(every)
            with admin.cursor() as cur:
                cur.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", [DB])
                killed[0] += 1
                killed[1] += cur.fetchone()[0]
        admin.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=killer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = sorted(answered.values())
    check = json.loads(_shell(env, (
        "import json; from adverse_events.models import AdverseEvent; from django.db.models import Count; "
        f"qs = AdverseEvent.objects.filter(description__startswith='bench-{run}-'); "
        f"ids = set({ids!r}); rows = dict(qs.values_list('id', 'description')); "
        "dup = qs.values('description').annotate(n=Count('id')).filter(n__gt=1).count(); "
        "print(json.dumps({'rows': len(rows), 'answered_missing': len(ids - set(rows)), "
        "'rows_unanswered': len(set(rows) - ids), 'duplicated': dup}))")))
    retried = sum(1 for n in attempts.values() if n > 1)
    return {"keys": len(answered), "retried": retried, "statuses": statuses, "kill_rounds": killed[0],
            "backends_killed": killed[1], **check}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="how many times the five runs alternate")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--gunicorn-threads", type=int, default=0, help="default: gunicorn.conf.py")
    parser.add_argument("--kill-seconds", type=int, default=20, help="0: no run with terminated backends")
    parser.add_argument("--kill-every", type=float, default=2.0)
    parser.add_argument("--kill-clients", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated subset of minimal,event,indicator,mixed,bare")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(WRK):
        raise SystemExit(f"wrk not found at {WRK}: scripts/system-deps.sh --bench installs it")

    database_url = f"postgres://postgres@127.0.0.1:5432/{DB}"
    env = _env(database_url)
    print(f"database {DB}: create, migrate, seed the demo …", flush=True)
    _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB}")
    gunicorn = None
    try:
        _manage(env, "migrate", "--noinput", "--run-syncdb", "-v0")
        _manage(env, "seed_demo", "--password", PASSWORD)
        now = time.time()
        local = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(t + 8 * 3600))  # noqa: E731
        info = json.loads(_shell(env, (
            "import json; from rest_framework.authtoken.models import Token; "
            "from indicators.models import Indicator; from organizations.models import Institution; "
            "h = Institution.objects.get(code='H001'); "
            "t = Token.objects.get(user__username='his_h001').key; "
            "codes = [i.code for i in Indicator.objects.filter(kind='proportion', is_active=True)"
            ".exclude(source='computed').order_by('code') if h.grade_level in i.grade_list]; "
            "print(json.dumps({'token': t, 'indicators': codes}))")))
        months = [time.gmtime(now + 8 * 3600 - (40 + 31 * k) * 86400) for k in range(12)]
        info.update(run=f"{int(now)}", occurred=local(now - 7200), discovered=local(now - 3600),
                    since=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 86400)),
                    periods=sorted({f"{m.tm_year}-{m.tm_mon:02d}" for m in months}))
        queries = json.loads(_shell(env, f"INFO = {info!r}\n" + QUERIES_SCRIPT)[len("QUERIES "):])

        errors_log = open(Path(tempfile.gettempdir(), f"qms-bench-gunicorn-{os.getpid()}.log"), "w+")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(Path(PY).with_name("gunicorn")), "qms.wsgi:application", "-c", str(ROOT / "gunicorn.conf.py"),
                   "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--log-level", "warning"]
        if args.workers:
            command += ["-w", str(args.workers)]
        if args.gunicorn_threads:
            command += ["--threads", str(args.gunicorn_threads)]
        gunicorn = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors_log,
                                    start_new_session=True)
        _wait_up(f"{base}/healthz")
        import runpy

        c = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        conf = f"{args.workers or c['workers']} workers × {args.gunicorn_threads or c['threads']} threads"
        print(f"gunicorn ({conf}, gunicorn.conf.py) on {base}; wrk: {args.connections} connections, "
              f"{args.threads} threads, {args.seconds} s per run, {args.rounds} rounds; {_load()}", flush=True)

        started = json.dumps(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1)))
        phases = [p for p in PHASES if not args.only or p[0] in args.only.split(",")]
        results: dict[str, list[dict]] = {name: [] for name, _, _ in phases}
        loads = []
        with tempfile.TemporaryDirectory(prefix="qms-bench-") as tmp:
            head = (LUA_HEAD.replace("__TOKEN__", info["token"])
                    .replace("__OCCURRED__", info["occurred"]).replace("__DISCOVERED__", info["discovered"])
                    .replace("__SINCE__", info["since"]).replace("__PERIOD__", info["periods"][-1])
                    .replace("__INDICATORS__", ",".join(f'"{c}"' for c in info["indicators"]))
                    .replace("__PERIODS__", ",".join(f'"{p}"' for p in info["periods"])))
            for round_no in range(args.rounds):
                for name, path, _ in phases:
                    # every wrk run its own keys and bodies (its counters start again at 0)
                    script = Path(tmp, f"{name}{round_no}.lua")
                    script.write_text(head.replace("__RUN__", f"{info['run']}.{name}{round_no}") + REQUESTS[name])
                    r = _wrk(base + path, script, seconds=args.seconds, connections=args.connections,
                             threads=args.threads)
                    results[name].append(r)
                    loads.append(os.getloadavg()[0])
                    print(f"  round {round_no + 1} {name:9}: {r['requests'] / (r['duration_us'] / 1e6):7.1f} req/s, "
                          f"p99 {r['p99'] / 1000:.1f} ms, errors {r['errors']}, non-2xx {r['non_2xx']}", flush=True)

        merged = {name: _merge(runs) for name, runs in results.items()}
        print()
        print(f"{'':20} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6} "
              f"{'non-2xx':>7} {'queries':>7}")
        qkey = {"minimal": "minimal", "event": "event", "indicator": "indicator", "bare": "bare"}
        for name, _, label in phases:
            m = merged[name]
            q = queries[qkey[name]]["queries"] if name in qkey else "-"
            print(f"{label:20} {m['rps']:8.1f} {_ms(m['p50'])} {_ms(m['p95'])} {_ms(m['p99'])} {_ms(m['max'])} "
                  f"{m['errors']:6d} {m['non_2xx']:7d} {q!s:>7}")
            if m["first_error"]:
                print(f"  first non-2xx answer: {m['first_error']}")
        print("queries per request (in process): " + ", ".join(f"{k} {v['queries']}" for k, v in queries.items()))
        print(f"load average (1 min) during the runs: min {min(loads):.2f}, max {max(loads):.2f}; {_load()}")

        def ratio(a: str, b: str, key: str = "rps") -> float | None:
            return merged[a][key] / merged[b][key] if a in merged and b in merged and merged[b][key] else None

        goals = [("event POST / minimal create, throughput", ratio("event", "minimal"), 0.60, ">="),
                 ("event POST / minimal create, p99", ratio("event", "minimal", "p99"), 2.0, "<="),
                 ("indicator POST / minimal create, throughput", ratio("indicator", "minimal"), 0.60, ">="),
                 ("mixed HIS traffic / bare GET, throughput", ratio("mixed", "bare"), 0.15, ">=")]
        for label, value, goal, op in goals:
            if value is not None:
                met = value >= goal if op == ">=" else value <= goal
                print(f"{label}: {value:.3f} (goal {op} {goal}) {'met' if met else 'NOT MET'}")

        seen_events = sum(m["created_events"] for m in merged.values())
        seen_values = sum(m["created_values"] for m in merged.values())
        seen_minimal = merged["minimal"]["created_other"] if "minimal" in merged else 0
        counted = json.loads(_shell(env, (
            "import json; from adverse_events.models import AdverseEvent; from indicators.models import "
            "IndicatorValue; from bench.models import BenchReport; from django.db.models import Count; "
            f"ev = AdverseEvent.objects.filter(description__startswith='bench-{info['run']}.', description__contains='-e-'); "
            f"iv = IndicatorValue.objects.filter(source='api', entered_at__gte={started}); "
            "print(json.dumps({'events': ev.count(), 'events_dup': ev.values('description').annotate("
            "n=Count('id')).filter(n__gt=1).count(), 'values': iv.count(), "
            f"'minimal': BenchReport.objects.filter(description__startswith='bench-{info['run']}.').count()}}))")))
        lost_events = seen_events - counted["events"]
        lost_values = seen_values - counted["values"]
        print(f"events: 201s seen {seen_events}, rows {counted['events']}, lost {max(lost_events, 0)}, "
              f"extra {max(-lost_events, 0)}, duplicated {counted['events_dup']}; indicator values: 201s seen "
              f"{seen_values}, rows {counted['values']}, lost {max(lost_values, 0)}, extra {max(-lost_values, 0)}; "
              f"minimal rows: 201s seen {seen_minimal}, rows {counted['minimal']}")
        ok = lost_events <= 0 and lost_values <= 0 and counted["events_dup"] == 0

        if args.kill_seconds:
            print(f"\nrun with terminated backends: {args.kill_clients} clients POST events for {args.kill_seconds} s, "
                  f"pg_terminate_backend on the app's backends every {args.kill_every} s …", flush=True)
            k = _kill_run(port, env, info, seconds=args.kill_seconds, every=args.kill_every,
                          clients=args.kill_clients)
            print(f"  backends terminated: {k['backends_killed']} in {k['kill_rounds']} rounds; answers {k['statuses']}")
            print(f"  keys answered 201: {k['keys']} ({k['retried']} after a retry); rows {k['rows']}; "
                  f"201s without a row (lost) {k['answered_missing']}; rows without a 201 {k['rows_unanswered']}; "
                  f"keys with more than one row (duplicated) {k['duplicated']}; {_load()}")
            ok = ok and k["answered_missing"] == 0 and k["duplicated"] == 0 and k["rows_unanswered"] == 0

        errors_log.seek(0)
        raised = sorted({ln.strip() for ln in errors_log if re.match(r"^[\w.]+(Error|Exception)\b", ln.strip())})
        if raised:
            print(f"server errors (gunicorn log {errors_log.name}):", *raised[:10], sep="\n  ")
        return 0 if ok else 1
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if not args.keep_db:
            _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
