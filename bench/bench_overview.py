"""The supervisor's page on a large campaign: what counting the funnel costs, and the page once it
is counted.

    .venv/bin/python -m bench.bench_overview --customers 200000

The story's store (his copies included) is decided as campaign ``W49`` (the browser test's), then
its ``decisions.parquet`` is repeated to ``--customers`` rows; the figures are CPU seconds
(``time.process_time``) of the funnel counted (every decision's deciding reason), of the funnel
read back from ``funnel.json``, and of the whole overview (funnel cached), with the ratio of the
counted funnel to the cached one, all measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    args = parser.parse_args(argv)

    import polars as pl
    from tests.audit.conftest import carrier
    from tests.web.conftest import SUPERVISED, run_supervised

    from goodcall.campaign.overview import FUNNEL_CACHE, funnel_of, overview
    from goodcall.store.config import engine_for
    from goodcall.store.files import write_tables
    from goodcall.store.importer import import_directory
    from goodcall.store.plans import plan_of

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tables(carrier(), root / "carrier", "parquet")
        url = f"sqlite:///{root / 'store.db'}"
        assert import_directory(root / "carrier", url).landed
        folder = root / SUPERVISED
        run_supervised(url, folder)
        decisions = pl.read_parquet(folder / "decisions.parquet")
        copies = -(-args.customers // decisions.height)
        pl.concat([decisions] * copies).head(args.customers).write_parquet(
            folder / "decisions.parquet"
        )
        (folder / FUNNEL_CACHE).unlink(missing_ok=True)
        start = time.process_time()
        funnel_of(folder / "decisions.parquet")
        counted = time.process_time() - start
        start = time.process_time()
        funnel_of(folder / "decisions.parquet")
        cached = time.process_time() - start
        _, engine = engine_for(url)
        try:
            plan = plan_of(engine, SUPERVISED)
            assert plan is not None
            start = time.process_time()
            overview(engine, plan)
            page = time.process_time() - start
        finally:
            engine.dispose()
    print(f"decisions: {args.customers:,} rows")
    print(f"funnel counted: {counted:.2f} s CPU ({1e6 * counted / args.customers:.1f} µs a row)")
    print(f"funnel from {FUNNEL_CACHE}: {cached:.4f} s CPU")
    print(f"whole overview, funnel cached: {page:.2f} s CPU")
    print(f"counted / cached: {counted / max(cached, 1e-6):,.0f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
