"""API transitions over HTTP on PostgreSQL: caseflow through gunicorn beside a bare WSGI app on psycopg.

python -m bench.http [--cases N] [--requests N] [--clients C] [--rounds R] [--before REF]

Builds `--cases` active cases, then per round serves each side with gunicorn (4 sync workers) and fires
`--requests` `start_review` transitions through POST /api/v1/cases/<id>/transitions from C client threads,
each on a case of its own: the bare app (bench/_bare_app.py, the same statements straight on psycopg),
caseflow as this tree has it ("after") and, with --before, caseflow at another git ref ("before",
exported to a temporary directory). The sides alternate within each round so the machine's drift falls
on all of them. Prints transitions/s and p50/p95/p99 (medians over the rounds) and the ratios; the ratio
to the bare app is the figure that holds from machine to machine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench._data import populate_active_cases, postgres_available, rebuild

ROOT = Path(__file__).resolve().parent.parent
SECRET = "cf_bench_http_token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()  # another bench on the machine may hold a fixed one


def _token(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
                          "VALUES (2, 'bench', :h, :p, now())"), {"h": hashlib.sha256(SECRET.encode()).hexdigest(),
                                                                   "p": SECRET[:10]})
    engine.dispose()


def _export(ref: str) -> Path:
    """The tree at git `ref`, in a temporary directory."""
    target = Path(tempfile.mkdtemp(prefix="caseflow-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _serve(directory: Path, app: str, url: str, config: str | None) -> subprocess.Popen:
    instance = tempfile.mkdtemp(prefix="caseflow-bench-instance-")
    env = {**os.environ, "DATABASE_URL": url, "BARE_DATABASE_URL": url, "SECRET_KEY": "bench",
           "CASEFLOW_ENV": "bench", "CASEFLOW_INSTANCE_PATH": instance, "PYTHONPATH": str(directory)}
    command = [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"]
    command += ["-c", config] if config else []
    server = subprocess.Popen([*command, app], cwd=directory, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            time.sleep(1.0)  # let every worker finish booting
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start for {app} in {directory}")


def _fire(case_ids: list[int], clients: int) -> tuple[float, list[float], int]:
    """Fire start_review on each case from `clients` threads; return the rate, the latencies and the errors."""
    todo, lock, latencies, errors = iter(case_ids), threading.Lock(), [], [0]
    headers = {"Authorization": f"Bearer {SECRET}"}

    def client():
        session = requests.Session()
        while True:
            with lock:
                case_id = next(todo, None)
            if case_id is None:
                return
            began = time.perf_counter()
            answer = session.post(f"http://127.0.0.1:{PORT}/api/v1/cases/{case_id}/transitions", headers=headers,
                                  json={"trigger": "start_review", "data": {"reason": "Benchmark."}})
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                errors[0] += answer.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(case_ids) / (time.perf_counter() - began), latencies, errors[0]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="a git ref to measure as 'before' (e.g. main)")
    args = parser.parse_args(argv)
    url = postgres_available()
    if url is None:
        return
    sides = {"bare": (ROOT, "bench._bare_app:app", os.devnull)}
    sides["after"] = (ROOT, "wsgi:app", None)
    if args.before:
        sides["before"] = (_export(args.before), "wsgi:app", None)
    needed = args.requests * args.rounds * len(sides)
    if needed > args.cases:
        raise SystemExit(f"--cases must be at least {needed} (requests x rounds x sides): each case moves once")
    print(f"building {args.cases:,} active cases on PostgreSQL ...", flush=True)
    rebuild(url)
    populate_active_cases(url, args.cases)
    _token(url)
    results, next_case = {name: [] for name in sides}, 1
    for round_no in range(args.rounds):
        for name, (directory, app, config) in sides.items():
            ids = list(range(next_case, next_case + args.requests))
            next_case += args.requests
            server = _serve(directory, app, url, config)
            try:
                _fire(ids[:20], args.clients)  # warm the workers' connections
                rate, latencies, errors = _fire(ids[20:], args.clients)
            finally:
                server.terminate()
                server.wait(timeout=30)
            results[name].append((rate, _percentile(latencies, .5), _percentile(latencies, .95),
                                  _percentile(latencies, .99), errors))
            print(f"  round {round_no + 1} {name:6}: {rate:7.1f}/s  p50 {results[name][-1][1]:6.1f} ms  "
                  f"p95 {results[name][-1][2]:6.1f} ms  p99 {results[name][-1][3]:6.1f} ms  errors {errors}", flush=True)
    print(f"API transitions over HTTP, gunicorn 4 sync workers, {args.clients} clients (medians of {args.rounds} rounds):")
    medians = {name: [statistics.median(r[i] for r in rows) for i in range(4)] for name, rows in results.items()}
    for name, (rate, p50, p95, p99) in medians.items():
        errors = sum(r[4] for r in results[name])
        print(f"  {name:6}: {rate:7.1f} transitions/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  "
              f"errors {errors}  ({rate / medians['bare'][0]:.2f} of bare)")
    if "before" in medians:
        print(f"  after / before: {medians['after'][0] / medians['before'][0]:.2f} (transitions/s)")


if __name__ == "__main__":
    main()
