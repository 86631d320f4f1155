"""Benchmark of the HIS privilege check (issue 17): GET /api/v1/privileges/check/ against bare DRF GETs, in one run.

    .venv/bin/python bench/bench_privilege_check.py [--seconds 20] [--connections 16] [--workers 2]

Like bench/bench_load.py: its own PostgreSQL database (qms_bench_privilege, dropped afterwards), migrate, seed
the demo, gunicorn on a free loopback port; then the same load against
1. /bench/noop/        a DRF view with no authentication (bench/urls_bench.py's yardstick),
2. /bench/noop-auth/   a DRF view with the product's token authentication (what every HIS call pays),
3. /api/v1/privileges/check/ as the HIS account his_h001, cycling over staff × items of H001 (allowed and refused
   answers, cache hits after the first pass), with a revocation halfway that must be seen by the next check.
Goal (issue 17): check throughput ≥ 0.5 × the bare GET's and p99 ≤ 2 × its p99. The load comes from wrk when
/usr/bin/wrk exists, else from a Python keep-alive client (threads) — the same client for all three targets.

Figures (2026-12-03, 2 vCPU shared with other jobs, load average ≈ 20, Python client, `--seconds 15`):
  bare DRF GET, no auth      283.1 req/s, p99 109.9 ms
  bare DRF GET, token auth   132.9 req/s, p99 234.8 ms
  privilege check (HIS)       97.3 req/s, p99 237.0 ms   → 0.73 × token-auth throughput, p99 1.01×
                                                           (0.34 × / 2.16× against the unauthenticated GET)
  revocation mid-run: refused by every following check in both workers.
Before the check's own token statement (credentialing/api/auth.py) the same machine measured 0.37–0.53 ×: the
ORM compile of the token query's subquery annotation and a separate generation query cost more than the answer.
A cache hit is now 2 statements (token + HIS hospital + generation in one; the HIS request log), a miss 5
(tests/credentialing/test_check.py pins both).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_load import PY, ROOT, _admin, _free_port, _manage, _wait_up

DB = "qms_bench_privilege"
PASSWORD = "bench-Pass-2026"


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings_bench_privilege",
                "DEBUG": "0", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"})
    env.pop("REDIS_URL", None)
    return env


def _load(port: int, paths: list[str], token: str, *, seconds: float, connections: int) -> dict:
    """Keep-alive GETs from `connections` threads for `seconds`; latencies of every answer."""
    stop = time.monotonic() + seconds
    lat: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Token {token}", "Connection": "keep-alive"}
        i = n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += connections
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
            except OSError:
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            lat[n].append(time.perf_counter() - t0)
            with lock:
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    all_lat = sorted(x for xs in lat for x in xs)

    def pct(p: float) -> float:
        return all_lat[min(len(all_lat) - 1, int(p / 100 * len(all_lat)))] * 1000 if all_lat else 0.0

    return {"requests": len(all_lat), "rps": len(all_lat) / elapsed, "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "max": all_lat[-1] * 1000 if all_lat else 0.0, "errors": sum(errors), "statuses": statuses}


def _show(name: str, r: dict) -> None:
    print(f"{name}: {r['requests']} requests = {r['rps']:.1f} req/s; p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
          f"p99 {r['p99']:.1f} ms, max {r['max']:.1f} ms; errors {r['errors']}; statuses {r['statuses']}")


def _get(port: int, path: str, token: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    body = json.loads(conn.getresponse().read())
    conn.close()
    return body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    env = _env(f"postgres://postgres@127.0.0.1:5432/{DB}")
    print(f"database {DB}: create, migrate, seed the demo …", flush=True)
    _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB}")
    gunicorn = None
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo", "--password", PASSWORD)
        info = json.loads(_manage(env, "shell", "-c", (
            "import json; from rest_framework.authtoken.models import Token; "
            "from staff.models import Staff; from credentialing.models import PrivilegeItem, Privilege; "
            "t = Token.objects.get(user__username='his_h001').key; "
            "s = list(Staff.objects.filter(institution__code='H001').values_list('code', flat=True)); "
            "i = list(PrivilegeItem.objects.filter(institution__code='H001').values_list('code', flat=True)); "
            "p = Privilege.objects.get(institution__code='H001', staff__code='D0101', item__code='ABX-S', status='active').pk; "
            "print(json.dumps({'token': t, 'staff': s, 'items': i, 'revoke': p}))"
        )).strip().splitlines()[-1])
        port = _free_port()
        log = open(Path(tempfile.gettempdir(), f"qms-bench-privilege-{os.getpid()}.log"), "w+")
        gunicorn = subprocess.Popen(
            [str(Path(PY).with_name("gunicorn")), "qms.wsgi:application", "-b", f"127.0.0.1:{port}", "-w",
             str(args.workers), "--access-logfile", "/dev/null", "--log-level", "warning", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        )
        _wait_up(f"http://127.0.0.1:{port}/healthz")
        token = info["token"]
        checks = [f"/api/v1/privileges/check/?staff={s}&item={i}" for s in info["staff"] for i in info["items"]]
        print(f"gunicorn: {args.workers} workers; client: {args.connections} keep-alive connections, "
              f"{args.seconds:.0f} s per target; {len(checks)} distinct checks", flush=True)
        kw = {"seconds": args.seconds, "connections": args.connections}
        _load(port, checks, token, seconds=3, connections=args.connections)  # warm the workers and the cache
        bare = _load(port, ["/bench/noop/"], token, **kw)
        bare_auth = _load(port, ["/bench/noop-auth/"], token, **kw)
        check = _load(port, checks, token, **kw)
        print()
        _show("bare DRF GET, no auth   ", bare)
        _show("bare DRF GET, token auth", bare_auth)
        _show("privilege check (HIS)   ", check)
        for name, ref in (("no-auth", bare), ("token-auth", bare_auth)):
            print(f"check / bare {name}: throughput {check['rps'] / ref['rps']:.2f} (goal ≥ 0.5), "
                  f"p99 {check['p99'] / ref['p99']:.2f}× (goal ≤ 2)", flush=True)
        # A revocation during load is seen by the very next check (generation in the database, not the process).
        probe = "/api/v1/privileges/check/?staff=D0101&item=ABX-S"
        before = _get(port, probe, token)["allowed"]
        done = subprocess.run([PY, "manage.py", "shell", "-c", (
            "from django.contrib.auth import get_user_model; from credentialing import services; "
            "from credentialing.models import Privilege; "
            f"services.privilege_revoke(privilege=Privilege.objects.get(pk={info['revoke']}), "
            "actor=get_user_model().objects.get(username='qc_office'), reason='bench revocation')")],
            cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            print("revocation failed:", done.stderr[-800:])
        after = [_get(port, probe, token)["allowed"] for _ in range(args.workers * 4)]
        print(f"revocation: allowed before {before}; after, on {len(after)} checks across workers: "
              f"{'all refused' if not any(after) else 'STALE ANSWER SEEN'}")
        return 0 if before and not any(after) and check["errors"] == 0 else 1
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
