"""Every acknowledged write survives ``kill -9``, exactly once: outcomes and do-not-call requests
sent to ``goodcall serve`` while the server is killed at random moments, then counted in the store.

    .venv/bin/python -m bench.bench_durability --kills 5 [--pg]

A synthetic carrier is imported into a fresh store (SQLite file, or with ``--pg`` a fresh schema
of ``GOODCALL_TEST_PG_URL``); then ``--kills`` times: the server is started (``--workers``),
``--clients`` threads send outcomes (each key sent twice: a client retrying after a lost answer)
and do-not-call requests back to back, and after a random 0.5–2 s the server's process group is
killed with SIGKILL. A write counts as acknowledged when a 2xx reached the client. At the end the
store is read: each acknowledged outcome key must have its one contact row, each acknowledged
do-not-call its consent flag, and no key may have more than one contact. Baseline in the same
run: the writes that were sent but not acknowledged (in flight at the kill), which may or may not
be there.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.bench_serve import agent_and_customers, free_port


def _store(root: Path, customers: int, pg: bool) -> tuple[str, list[str], str]:
    from goodcall.store.importer import import_directory
    from goodcall.synth.generate import write_carrier

    write_carrier(root / "carrier", customers, seed=5)
    url = f"sqlite:///{root / 'store.db'}"
    if pg:
        base = os.environ.get(
            "GOODCALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test"
        )
        schema = f"goodcall_durability_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
        made = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        url = made.render_as_string(hide_password=False)
    assert import_directory(root / "carrier", url).landed
    ids, key = agent_and_customers(url, "durable", "D")
    return url, ids, key


class Load:
    """Client threads: what was sent, and what was acknowledged."""

    def __init__(self, base: str, key: str, customers: list[str]) -> None:
        self.base, self.headers, self.customers = base, {"X-API-Key": key}, customers
        self.acked_outcomes: set[str] = set()
        self.acked_dnc: set[str] = set()
        self.sent = 0
        self.server_errors = 0  # 5xx answers
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def run(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=5) as client:
            while not self.stop.is_set():
                customer = rng.choice(self.customers)
                try:
                    if rng.random() < 0.1:
                        self._dnc(client, customer)
                    else:
                        self._outcome(client, customer, uuid.uuid4().hex)
                except httpx.HTTPError:
                    time.sleep(0.05)  # the server is down: the next round starts it again

    def _outcome(self, client: httpx.Client, customer: str, key: str) -> None:
        body = {"key": key, "customer_id": customer, "outcome": "no_answer"}
        for _ in range(2):  # a client that retries: the same key twice
            with self.lock:
                self.sent += 1
            status = client.post("/v1/outcomes", json=body).status_code
            with self.lock:
                self.server_errors += status >= 500
                if status in (200, 201):
                    self.acked_outcomes.add(key)

    def _dnc(self, client: httpx.Client, customer: str) -> None:
        with self.lock:
            self.sent += 1
        status = client.post("/v1/do-not-call", json={"customer_id": customer}).status_code
        with self.lock:
            self.server_errors += status >= 500
            if status == 200:
                self.acked_dnc.add(customer)


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise RuntimeError(f"the server did not answer /healthz within 120 s (exit {server.poll()})")


def _check(url: str, load: Load) -> dict[str, int]:
    from goodcall.store.config import engine_for

    _, engine = engine_for(url)
    try:
        with engine.connect() as connection:
            contacts = {
                r[0]: r[1]
                for r in connection.execute(
                    sa.text(
                        "SELECT contact_id, COUNT(*) FROM contacts "
                        "WHERE contact_id LIKE :mine GROUP BY contact_id"
                    ),
                    {"mine": "K-SERVE-%"},
                )
            }
            requests = connection.exec_driver_sql("SELECT COUNT(*) FROM outcome_requests").scalar()
            flagged = {
                r[0]
                for r in connection.exec_driver_sql(
                    "SELECT customer_id FROM consent WHERE internal_dnc_at IS NOT NULL"
                )
            }
    finally:
        engine.dispose()
    ids = {"K-SERVE-" + hashlib.sha256(k.encode()).hexdigest()[:20] for k in load.acked_outcomes}
    return {
        "outcomes acknowledged": len(ids),
        "outcomes found": len(ids & set(contacts)),
        "duplicates": sum(n - 1 for n in contacts.values()),
        "contacts without their request row": len(contacts) - int(requests or 0),
        "do-not-call acknowledged": len(load.acked_dnc),
        "do-not-call found": len(load.acked_dnc & flagged),
        "outcomes stored, not acknowledged (in flight at a kill)": len(set(contacts) - ids),
    }


def _drop_schema(url: str) -> None:
    """The run's own PostgreSQL schema, dropped when the figures are read."""
    options = sa.engine.make_url(url).query["options"]
    schema = str(options).removeprefix("-csearch_path=")
    assert schema.startswith("goodcall_durability_")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (GOODCALL_TEST_PG_URL)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url, customers, key = _store(Path(tmp), args.customers, args.pg)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        load = Load(base, key, customers)
        command = [sys.executable, "-m", "goodcall.cli", "serve", "--db", url,
                   "--port", str(port), "--workers", str(args.workers)]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        threads = [
            threading.Thread(target=load.run, args=(args.seed * 100 + i,), daemon=True)
            for i in range(args.clients)
        ]
        started = False
        for _ in range(args.kills):
            server = subprocess.Popen(command, env=env, start_new_session=True)
            _wait(base, server)
            if not started:
                for thread in threads:
                    thread.start()
                started = True
            time.sleep(rng.uniform(0.5, 2.0))
            os.killpg(server.pid, signal.SIGKILL)  # the server and its workers, nothing else
            server.wait()
        load.stop.set()
        for thread in threads:
            thread.join(timeout=10)
        try:
            figures = _check(url, load)
        finally:
            if args.pg:
                _drop_schema(url)
    store = "PostgreSQL" if args.pg else "SQLite"
    print(f"bench_durability: {store}, {args.kills} kills (SIGKILL), {args.workers} worker(s), "
          f"{args.clients} clients, {load.sent:,} requests tried (most fail while the server "
          f"restarts), {load.server_errors} answered 5xx")  # fmt: skip
    for name, value in figures.items():
        print(f"  {name:<56} {value:>7,}")
    lost = figures["outcomes acknowledged"] - figures["outcomes found"]
    lost += figures["do-not-call acknowledged"] - figures["do-not-call found"]
    ok = lost == 0 and figures["duplicates"] == 0
    print(f"  acknowledged and lost: {lost}; {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
