"""What offer cool-downs cost the catalog engine: the shipped catalog with them and without.

    .venv/bin/python -m bench.bench_cooldowns --customers 300000 --reasons 50000 --rounds 4

The same code, in the same process, alternating: the shipped catalog (every offer with a
cool-down, six families: 18 cool-down groups) and the same catalog with ``family`` and
``cooldown_days`` removed (no cool-down check, no history read). Profiles come from the synthetic
carrier (20,000 customers, replicated to ``--customers``). Prints the wall times of each round
and their medians for the matrix path (every customer) and the reasons view (``--reasons``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import polars as pl

AT = dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.UTC)


def main() -> None:
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix
    from goodcall.catalog.loader import load_catalog
    from goodcall.profiles.build import build_profiles
    from goodcall.synth.generate import carrier_tables

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--reasons", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    tables = carrier_tables(20_000, 0)
    built = build_profiles({k: v.lazy() for k, v in tables.items()}, AT).collect()
    picks = pl.int_range(args.customers, eager=True) % built.height
    profiles = built.select(pl.all().gather(picks)).with_columns(
        ("B-" + pl.int_range(args.customers).cast(pl.String)).alias("customer_id")
    )
    few = profiles.head(args.reasons)
    catalog = load_catalog()
    plain = [o.model_copy(update={"family": None, "cooldown_days": None}) for o in catalog.offers]
    catalogs = {
        "with cool-downs": compile_catalog(catalog),
        "without": compile_catalog(catalog.model_copy(update={"offers": plain})),
    }
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, compiled in catalogs.items():
            started = time.perf_counter()
            evaluate_offers_matrix(profiles.lazy(), compiled, AT).select(
                pl.col("eligible").sum()
            ).collect()
            times.setdefault(f"matrix {name}", []).append(time.perf_counter() - started)
            started = time.perf_counter()
            evaluate_offers(few.lazy(), compiled, AT).select(pl.col("eligible").sum()).collect()
            times.setdefault(f"reasons {name}", []).append(time.perf_counter() - started)
    for name, values in times.items():
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:28} median {statistics.median(values):.2f} s  ({rounds})")


if __name__ == "__main__":
    main()
