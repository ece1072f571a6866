"""Decisions per second over HTTP, and their p50/p99, at rising load — Locust, headless, bounded
in time — against ``GET /healthz`` on the same server in the same run (the floor: HTTP, routing,
one store query).

    .venv/bin/python -m bench.bench_serve --customers 2000 --workers 2 --seconds 10

A synthetic carrier is imported into a fresh SQLite store (not timed), a user added, and
``goodcall serve`` started on a loopback port with ``--workers``; then for each level of
``--users`` (concurrent clients sending back to back) Locust runs for ``--seconds`` and its
statistics are read. Locust itself uses CPU on the same two cores, so figures are a floor.
Needs the bench extra (``pip install 'goodcall[bench]'``): without Locust, says so and stops.
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


def _locust(
    base: str, users: int, seconds: int, path: str, env: dict[str, str], out: Path
) -> dict[str, float]:
    prefix = out / f"{path.strip('/').replace('/', '_')}_{users}"
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locust_serve.py"), "--headless",
               "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"]  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    run_env = {**env, "GOODCALL_BENCH_PATH": path}
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
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 16])
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
               "GOODCALL_BENCH_CUSTOMERS": ",".join(ids), "GOODCALL_BENCH_KEY": key}  # fmt: skip
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
                  f"{args.seconds} s per level, Locust on the same machine")  # fmt: skip
            print(
                f"{'path':<14} {'users':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}"
            )
            floor: dict[int, float] = {}
            for users in args.users:
                for path in ("/healthz", "/v1/decisions"):
                    s = _locust(base, users, args.seconds, path, env, root)
                    print(f"{path:<14} {users:>5} {s['rps']:>8.1f} {s['p50']:>7.0f} "
                          f"{s['p99']:>7.0f} {s['failures']:>6.0f}")  # fmt: skip
                    if path == "/healthz":
                        floor[users] = s["rps"]
                    else:
                        ratio = s["rps"] / floor[users]
                        print(f"{'':<20} decisions/s ÷ healthz/s = {ratio:.3f}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
