"""Load benchmark (issue 9): gunicorn + PostgreSQL on loopback, driven by wrk with mixed HIS traffic.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--connections 50] [--workers 4]

It creates its own database qms_bench_load (dropped afterwards unless --keep-db), migrates, seeds the demo,
starts gunicorn on a free 127.0.0.1 port with bench/settings_bench.py, and runs wrk twice:

1. mixed traffic as the HIS account his_h001: adverse-event submissions (a unique Idempotency-Key per
   request), indicator-value submissions, and lists (events, indicator values, departments);
2. the same number of connections against /bench/noop/, a DRF endpoint that does nothing.

It prints throughput, p50/p95/p99 latency and errors of each, the ratio mixed / bare, and counts the
submitted events in the database against the 201s wrk saw: none may be lost. Loopback only; stops by itself.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = "qms_bench_load"
PASSWORD = "bench-Pass-2026"
WRK = "/usr/bin/wrk"

LUA = r"""
-- Mixed HIS traffic. Each thread numbers its requests; the kind of request follows the number.
local counter = 0
local thread_id = 0
-- globals, not locals: done() reads them through thread:get()
created_events, created_values, other_2xx, non_2xx = 0, 0, 0, 0
first_error = ""
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  token = "__TOKEN__"
  run = "__RUN__"
end

local function event_body(n)
  return string.format(
    '{"department":"CARD","occurred_at":"__OCCURRED__","discovered_at":"__DISCOVERED__",' ..
    '"event_type":"FALL","severity_level":"C","description":"bench-%s-%d-%d 患者如厕时跌倒，未受伤。",' ..
    '"immediate_actions":"扶起，测量生命体征","patient_age":70,"patient_sex":"M"}', run, thread_id, n)
end

local lists = {
  "/api/v1/adverse-events/?page_size=20",
  "/api/v1/indicator-values/?institution=H001&period=__PERIOD__&page_size=20",
  "/api/v1/departments/?institution=H001",
  "/api/v1/adverse-events/?severity_class=III&page_size=20",
  "/api/v1/indicators/",
}

function request()
  counter = counter + 1
  local slot = counter % 10
  local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
  if slot < 3 then
    headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id, counter)
    return wrk.format("POST", "/api/v1/adverse-events/", headers, event_body(counter))
  elseif slot < 5 then
    headers["Idempotency-Key"] = string.format("bench-iv-%s-%d-%d", run, thread_id, counter)
    local body = string.format(
      '{"indicator":"__INDICATOR__","institution":"H001","period":"__PERIOD__",' ..
      '"numerator":%d,"denominator":100}', counter % 100)
    return wrk.format("POST", "/api/v1/indicator-values/", headers, body)
  else
    return wrk.format("GET", lists[(counter % #lists) + 1], headers)
  end
end

function response(status, headers, body)
  if status == 201 then
    if string.find(body, '"receipt_code"', 1, true) then
      created_events = created_events + 1
    else
      created_values = created_values + 1
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
  local ev, iv, ok, bad, err = 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    if err == "" then err = t:get("first_error") or "" end
    ev = ev + t:get("created_events")
    iv = iv + t:get("created_values")
    ok = ok + t:get("other_2xx")
    bad = bad + t:get("non_2xx")
  end
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"created_events":%d,"created_values":%d,"other_2xx":%d,"non_2xx":%d,"first_error":"%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, ev, iv, ok, bad, err))
end
"""

BARE_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
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
    out = done.stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def _show(name: str, r: dict) -> None:
    ms = lambda us: f"{us / 1000:.1f} ms"  # noqa: E731
    print(f"{name}: {r['requests']} requests in {r['duration_us'] / 1e6:.1f} s = {r['rps']:.1f} req/s; "
          f"latency p50 {ms(r['p50'])}, p95 {ms(r['p95'])}, p99 {ms(r['p99'])}, max {ms(r['max'])}; "
          f"errors {r['errors']} (connect {r['connect']}, read {r['read']}, write {r['write']}, "
          f"non-2xx/3xx {r['status']}, timeout {r['timeout']})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(WRK):
        raise SystemExit(f"wrk not found at {WRK}")

    database_url = f"postgres://postgres@127.0.0.1:5432/{DB}"
    env = _env(database_url)
    print(f"database {DB}: create, migrate, seed the demo …", flush=True)
    _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB}")
    gunicorn = None
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo", "--password", PASSWORD)
        setup = _manage(env, "shell", "-c", (
            "import json; from rest_framework.authtoken.models import Token; "
            "from indicators.models import Indicator; "
            "t = Token.objects.get(user__username='his_h001').key; "
            "i = Indicator.objects.filter(kind='proportion').order_by('code').values_list('code', flat=True)[0]; "
            "print(json.dumps({'token': t, 'indicator': i}))"))
        info = json.loads(setup.strip().splitlines()[-1])

        errors_log = open(Path(tempfile.gettempdir(), f"qms-bench-gunicorn-{os.getpid()}.log"), "w+")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [str(Path(PY).with_name("gunicorn")), "qms.wsgi:application", "-b", f"127.0.0.1:{port}",
             "-w", str(args.workers), "--access-logfile", "/dev/null", "--log-level", "warning",
             "--timeout", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors_log, start_new_session=True,
        )
        _wait_up(f"{base}/healthz")
        print(f"gunicorn: {args.workers} workers on {base}; wrk: {args.connections} connections, "
              f"{args.threads} threads, {args.seconds} s per run", flush=True)

        now = time.time()
        run = f"{int(now)}"
        occurred = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(now + 8 * 3600 - 7200))
        discovered = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(now + 8 * 3600 - 3600))
        last_month = time.gmtime(now + 8 * 3600 - 40 * 86400)
        period = f"{last_month.tm_year}-{last_month.tm_mon:02d}"
        with tempfile.TemporaryDirectory(prefix="qms-bench-") as tmp:
            mixed = Path(tmp, "mixed.lua")
            mixed.write_text(LUA.replace("__TOKEN__", info["token"]).replace("__RUN__", run)
                             .replace("__OCCURRED__", occurred).replace("__DISCOVERED__", discovered)
                             .replace("__PERIOD__", period).replace("__INDICATOR__", info["indicator"]))
            bare = Path(tmp, "bare.lua")
            bare.write_text(BARE_LUA)
            m = _wrk(base + "/", mixed, seconds=args.seconds, connections=args.connections, threads=args.threads)
            b = _wrk(base + "/bench/noop/", bare, seconds=args.seconds, connections=args.connections,
                     threads=args.threads)

        counted = int(_manage(env, "shell", "-c", (
            "from adverse_events.models import AdverseEvent; "
            f"print(AdverseEvent.objects.filter(description__startswith='bench-{run}-').count())"
        )).strip().splitlines()[-1])
        print()
        _show("mixed HIS traffic", m)
        print(f"  201 adverse events {m['created_events']}, 201 indicator values {m['created_values']}, "
              f"other 2xx {m['other_2xx']}, non-2xx {m['non_2xx']}")
        if m.get("first_error"):
            print(f"  first non-2xx answer: {m['first_error']}")
        _show("bare DRF endpoint", b)
        print(f"ratio mixed / bare throughput: {m['rps'] / b['rps']:.3f} "
              f"(bare is {b['rps'] / m['rps']:.1f}× faster)")
        lost = m["created_events"] - counted
        print(f"events in the database: {counted}; 201s seen by wrk: {m['created_events']}; lost: {max(lost, 0)}"
              f"; extra: {max(-lost, 0)}")
        errors_log.seek(0)
        raised = sorted({ln.strip() for ln in errors_log if re.match(r"^[\w.]+(Error|Exception)\b", ln.strip())})
        if raised:
            print(f"server errors (gunicorn log {errors_log.name}):", *raised[:10], sep="\n  ")
        # An event committed just as wrk stopped reading counts as extra, not lost.
        return 0 if lost <= 0 and m["errors"] == 0 else 1
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
