"""Run every ``bench_*`` module with its default (modest) sizes: ``python -m bench``.

Each module exposes ``main(argv: list[str] | None = None) -> None``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    for name in names:
        print(f"== bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
