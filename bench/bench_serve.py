"""Decisions per second over HTTP, and their p50/p99, at rising load — Locust, headless, bounded
in time — against ``GET /healthz`` on the same server in the same run (the floor: HTTP, routing,
one store query).

    .venv/bin/python -m bench.bench_serve --customers 2000 --workers 2 --seconds 10 \
        --users 1 8 32 --rates 50 100 200 400

A synthetic carrier is imported into a fresh SQLite store (not timed), a user added, and
``goodcall serve`` started on a loopback port with ``--workers`` (Polars on one thread per
worker); then for each level of ``--users`` (closed loop: concurrent clients sending back to
back) and of ``--rates`` (open loop: :data:`RATE_USERS` clients, each at its share of that many
requests per second) Locust runs for ``--seconds`` and its statistics are read, with the CPU
seconds the server's processes used per request (``/proc``: the machine may be shared, so CPU
per request is the figure that does not depend on the neighbours). Requests ask at a fixed
moment of the synthetic carrier (its profiles are then kept by the service after their first
read) or, with ``--now``, at the service's now (every profile read from the store). Locust itself
uses CPU on the same two cores, so figures are a floor. The service's per-user rate limit is
turned off for the run (its one client key would hear 429 above the limit) unless
``--rate-limit`` keeps it. Needs the bench extra
(``pip install 'goodcall[bench]'``): without Locust, says so and stops.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).parent
AT = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
RATE_USERS = 64
"""Clients of an open-loop level: enough that the target rate is reached while some wait."""


def _store(root: Path, customers: int) -> tuple[str, list[str], str]:
    from goodcall.store.importer import import_directory
    from goodcall.synth.generate import write_carrier

    write_carrier(root / "carrier", customers, seed=3)
    url = f"sqlite:///{root / 'store.db'}"
    assert import_directory(root / "carrier", url).landed
    ids, key = agent_and_customers(url, "bench", "Bench")
    return url, ids, key


def agent_and_customers(url: str, user_id: str, name: str) -> tuple[list[str], str]:
    """An agent's API key made in the store at ``url``, and every stored customer id."""
    from goodcall.api.schemas import UserRequest
    from goodcall.api.users import create_user
    from goodcall.store.config import engine_for

    _, engine = engine_for(url)
    try:
        key = create_user(engine, UserRequest(user_id=user_id, role="agent", display_name=name), AT)
        with engine.connect() as connection:
            ids = [r[0] for r in connection.exec_driver_sql("SELECT customer_id FROM customers")]
    finally:
        engine.dispose()
    return ids, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and every descendant alive (Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += [child for child, parent in parents.items() if parent == current]
    return total


def _locust(
    base: str, users: int, seconds: int, path: str, env: dict[str, str], out: Path,
    rate: float | None = None,
) -> dict[str, float]:  # fmt: skip
    prefix = out / f"{path.strip('/').replace('/', '_')}_{users}_{rate or 0:g}"
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locust_serve.py"), "--headless",
               "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"]  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    run_env = {**env, "GOODCALL_BENCH_PATH": path}
    if rate is not None:
        run_env["GOODCALL_BENCH_RATE"] = str(rate / users)
    subprocess.run(command, env=run_env, check=True, timeout=seconds + 60, **quiet)  # type: ignore[call-overload]
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {
        "requests": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p99": float(row["99%"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rates", type=float, nargs="*", default=[50, 100, 200, 400])
    parser.add_argument("--now", action="store_true", help="ask at the service's now")
    parser.add_argument(
        "--rate-limit", action="store_true",
        help="keep the service's per-user rate limit (off by default: the bench's one client key "
        "would be answered 429 above 200 requests/s per worker)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if importlib.util.find_spec("locust") is None:
        print("bench_serve: skipped, Locust is not installed (pip install 'goodcall[bench]')")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url, ids, key = _store(root, args.customers)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
               "GOODCALL_BENCH_CUSTOMERS": ",".join(ids), "GOODCALL_BENCH_KEY": key,
               "POLARS_MAX_THREADS": "1"}  # fmt: skip
        if args.now:
            env["GOODCALL_BENCH_AT"] = ""
        if not args.rate_limit:
            env["GOODCALL_SERVE_RATE_PER_SECOND"] = "0"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "goodcall.cli",
                "serve",
                "--db",
                url,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            print(f"bench_serve: {args.customers} customers, {args.workers} worker(s), "
                  f"{args.seconds} s per level, asked at {'now' if args.now else AT.isoformat()}, "
                  f"rate limit {'kept' if args.rate_limit else 'off'}, "
                  f"Locust on the same machine; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
            print(f"{'path':<14} {'users':>5} {'target/s':>8} {'req/s':>8} {'p50 ms':>7} "
                  f"{'p99 ms':>7} {'failed':>6} {'CPU ms/req':>10}")  # fmt: skip
            levels = [(u, None) for u in args.users] + [(RATE_USERS, r) for r in args.rates]
            floor: dict[int, float] = {}
            for users, rate in levels:
                paths = ("/healthz", "/v1/decisions") if rate is None else ("/v1/decisions",)
                for path in paths:
                    before = tree_cpu(server.pid)
                    s = _locust(base, users, args.seconds, path, env, root, rate)
                    cpu = (tree_cpu(server.pid) - before) / max(s["requests"], 1) * 1000
                    target = "-" if rate is None else f"{rate:g}"
                    print(f"{path:<14} {users:>5} {target:>8} {s['rps']:>8.1f} {s['p50']:>7.0f} "
                          f"{s['p99']:>7.0f} {s['failures']:>6.0f} {cpu:>10.2f}")  # fmt: skip
                    if path == "/healthz":
                        floor[users] = s["rps"]
                    elif rate is None:
                        ratio = s["rps"] / floor[users]
                        print(f"{'':<20} decisions/s ÷ healthz/s = {ratio:.3f}")
            print(f"load average at the end {os.getloadavg()[0]:.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
