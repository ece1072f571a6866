"""Import a synthetic carrier into the store: wall time, rows/s and peak memory.

    .venv/bin/python -m bench.bench_import --customers 1000000

The carrier comes from ``goodcall synth`` when that command is available, else from the seed
customer replicated under new ids (same rows per customer, vectorised). Each phase runs in its
own Python process so its peak RSS (``getrusage`` high-water mark) is its own:

* ``read files`` — Polars reads every file as text: the floor any import pays (the baseline);
* ``import sqlite`` / ``import postgres`` — ``goodcall import --replace`` into an empty store;
* ``load_tables`` — reading the whole store back into typed Polars frames.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from goodcall.store.files import FileFormat

PG_URL = os.environ.get("GOODCALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def replicate_seed(customers: int, out: Path, fmt: FileFormat) -> None:
    """The seed customer's rows under ``customers`` new ids (vectorised)."""
    from goodcall.profiles.fixtures import seed_customer_tables
    from goodcall.profiles.schema import TABLES_BY_NAME
    from goodcall.store.files import write_table

    ids = pl.DataFrame({"_n": pl.int_range(customers, eager=True)}).with_columns(
        pl.col("_n").cast(pl.String).str.zfill(8)
    )
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in seed_customer_tables().items():
        table = TABLES_BY_NAME[name]
        if name in ("plans", "promotions"):
            write_table(frame, table, out, fmt)
            continue
        idcols = [c for c in ("customer_id", "line_id", "contact_id") if c in table.column_names]
        many = frame.join(ids.lazy(), how="cross").with_columns(
            [pl.col(c).str.replace("SEED-0001", "", literal=True) + pl.col("_n") for c in idcols]
        )
        write_table(many.drop("_n"), table, out, fmt)


def make_carrier(customers: int, out: Path, fmt: FileFormat) -> str:
    """Write the carrier into ``out``; returns where it came from."""
    goodcall = Path(sys.executable).with_name("goodcall")
    command = [
        str(goodcall),
        "synth",
        "--customers",
        str(customers),
        "--seed",
        "7",
        "--out",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode == 0:
        return "goodcall synth"
    shutil.rmtree(out, ignore_errors=True)
    replicate_seed(customers, out, fmt)
    return "seed customer replicated (goodcall synth unavailable)"


def _phase(args: argparse.Namespace) -> dict[str, float]:
    """Run one phase in this process and return its figures."""
    started = time.perf_counter()
    rows = 0
    if args.phase == "read":
        for path in sorted(Path(args.dir).iterdir()):
            if path.suffix == ".csv":
                rows += pl.read_csv(path, infer_schema=False).height
            elif path.suffix == ".parquet":
                rows += pl.read_parquet(path).height
    elif args.phase == "import":
        from goodcall.store.importer import ImportOptions, import_directory

        result = import_directory(args.dir, args.url, ImportOptions(replace=True))
        if not result.landed:
            raise SystemExit(f"import failed: {result.problems.first.head(5)}")
        rows = sum(result.written.values())
    elif args.phase == "load":
        from goodcall.store.reader import load_tables

        rows = sum(f.collect().height for f in load_tables(args.url).values())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB on Linux
    return {"seconds": seconds, "rows": rows, "peak_mib": peak}


def _run_phase(phase: str, directory: Path, url: str = "") -> dict[str, float]:
    command = [
        sys.executable,
        "-m",
        "bench.bench_import",
        "--phase",
        phase,
        "--dir",
        str(directory),
    ]
    done = subprocess.run([*command, "--url", url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _pg_reachable() -> bool:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception:
        return False
    return True


def _pg_schema(action: str, schema: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL)
    with engine.begin() as connection:
        if action == "create":
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        else:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only.")
    parser.add_argument("--phase", choices=["read", "import", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(_phase(args)))
        return
    work = Path(tempfile.mkdtemp(prefix="goodcall-bench-"))
    try:
        started = time.perf_counter()
        source = make_carrier(args.customers, work / "carrier", args.format)
        files = [p for p in (work / "carrier").iterdir() if p.is_file()]
        size = sum(p.stat().st_size for p in files) / 2**20
        print(
            f"carrier: {args.customers:,} customers, {size:,.0f} MiB, {args.format} from {source}, "
            f"made in {time.perf_counter() - started:.1f} s"
        )
        results = {"read files (baseline)": _run_phase("read", work / "carrier")}
        sqlite_url = f"sqlite:///{work / 'store.db'}"
        results["import sqlite"] = _run_phase("import", work / "carrier", sqlite_url)
        results["load_tables sqlite"] = _run_phase("load", work, sqlite_url)
        if not args.no_postgres and _pg_reachable():
            schema = f"goodcall_bench_{os.getpid()}"
            url = _pg_schema("create", schema)
            try:
                results["import postgres"] = _run_phase("import", work / "carrier", url)
                results["load_tables postgres"] = _run_phase("load", work, url)
            finally:
                _pg_schema("drop", schema)
        base = results["read files (baseline)"]["seconds"]
        head = f"{'phase':<24}{'wall s':>9}{'rows':>13}{'rows/s':>12}{'peak MiB':>10}"
        print(head + f"{'× baseline':>12}")
        for name, r in results.items():
            rate = r["rows"] / r["seconds"] if r["seconds"] else 0.0
            print(
                f"{name:<24}{r['seconds']:>9.1f}{int(r['rows']):>13,}{rate:>12,.0f}"
                f"{r['peak_mib']:>10,.0f}{r['seconds'] / base:>12.1f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
