"""Benchmarks: ``python -m bench`` runs every ``bench_*.py`` module at a modest size;
``python -m bench.<name> --help`` shows how to run one at full size."""
