"""Run every ``bench_*`` module with its default (modest) sizes: ``python -m bench``.

Each module exposes ``main(argv: list[str] | None = None)``; a ``main()`` without parameters is
called with the command line reduced to the program name, so its defaults apply.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = str(Path(__file__).parent)
    names = sorted(m.name for m in pkgutil.iter_modules([here]) if m.name.startswith("bench_"))
    for name in names:
        print(f"== bench.{name}", flush=True)
        entry = importlib.import_module(f"bench.{name}").main
        if inspect.signature(entry).parameters:
            entry([])
        else:
            sys.argv = [f"bench.{name}"]
            entry()
    return 0


if __name__ == "__main__":
    sys.exit(main())
