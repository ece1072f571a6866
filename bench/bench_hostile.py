"""Hostile input against the published OpenAPI schema: Schemathesis generates requests for every
operation (valid, and invalid with ``--mode all``) and counts server errors, which must be 0.

    .venv/bin/python -m bench.bench_hostile --max-examples 200

The story's store (the seed customer) is imported into a fresh SQLite file, users of every role
added, and ``goodcall serve`` started on a loopback port; Schemathesis runs with the agent's key
(the routes an agent may not use answer 403, which is checked by the tests, not here). Needs
Schemathesis (``pip install schemathesis``); without it, says so and stops.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_durability import _port, _wait


def _store(root: Path) -> tuple[str, str]:
    from tests.api.conftest import add_users

    from goodcall.profiles.fixtures import seed_customer_tables
    from goodcall.store.files import write_tables
    from goodcall.store.importer import import_directory

    write_tables({k: v.lazy() for k, v in seed_customer_tables().items()}, root / "in", "parquet")
    url = f"sqlite:///{root / 'store.db'}"
    assert import_directory(root / "in", url).landed
    return url, add_users(url)["agent"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=200)
    args = parser.parse_args(argv)
    if importlib.util.find_spec("schemathesis") is None:
        print("bench_hostile: skipped, Schemathesis is not installed (pip install schemathesis)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        url, key = _store(Path(tmp))
        port = _port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
               "GOODCALL_SERVE_RATE_PER_SECOND": "0"}  # fmt: skip
        command = [sys.executable, "-m", "goodcall.cli", "serve", "--db", url, "--port", str(port),
                   "--at", "2026-11-20T20:00:00+00:00"]  # fmt: skip
        server = subprocess.Popen(command, env=env, start_new_session=True)
        try:
            _wait(base, server)
            fuzz = [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
                    "--checks", "not_a_server_error", "--mode", "all",
                    "--max-examples", str(args.max_examples), "--seed", "1",
                    "-H", f"Authorization: Bearer {key}"]  # fmt: skip
            done = subprocess.run(fuzz, env=env, capture_output=True, text=True, timeout=1800)
        finally:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    summary = [
        line
        for line in done.stdout.splitlines()
        if re.search(r"cases|passed|failed|error", line, re.I)
    ]
    print("\n".join(summary[-12:]))
    print(f"bench_hostile: schemathesis exit {done.returncode} (0: no server error found)")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
