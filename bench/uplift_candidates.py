"""Every candidate of ``auto`` scored on the benchmark's held-out rows, beside ``auto``'s choice.

    .venv-peers/bin/python -m bench.uplift_candidates "Mens E-Mail" conversion [--splits 10]

On each Hillstrom split of ``bench.uplift_peers`` (seeds 0, 1, …) ``fit_candidates`` builds a
final model of every candidate (``final="all"``, as ``goodcall uplift evaluate`` does); each one's
Qini AUC on the split's test rows (scikit-uplift's definition) is printed with the candidate
``auto`` chose, then the mean ± standard error over splits of each candidate and of its paired
difference to the stump X-learner: whether a better learner was among the candidates and the
held-out choice missed it, or none was.
"""

from __future__ import annotations

import argparse

import numpy as np


def main(argv: list[str] | None = None) -> None:
    from sklift.metrics import qini_auc_score

    from bench.peers_data import hillstrom
    from goodcall.models.uplift.fit import fit_candidates

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("arm", help="Womens E-Mail or Mens E-Mail")
    parser.add_argument("outcome", help="visit or conversion")
    parser.add_argument("--splits", type=int, default=10)
    args = parser.parse_args(argv)
    draw_of = hillstrom(args.arm, args.outcome)
    figures: dict[str, list[float]] = {}
    for seed in range(args.splits):
        d = draw_of(seed)
        train = d.features[d.train], d.treated[d.train], d.outcome[d.train]
        search = fit_candidates(*train, final="all")
        treated = d.treated[d.test].astype(int)
        for candidate, model in search.models.items():
            uplift = model.predict(d.features[d.test])
            qini = float(qini_auc_score(d.outcome[d.test], uplift, treated))
            figures.setdefault(candidate.label, []).append(qini)
        row = ", ".join(f"{k} {v[-1]:+.4f}" for k, v in figures.items())
        print(f"split {seed}: auto chose {search.chosen.label}; {row}", flush=True)
    reference = np.asarray(figures["x:2"])
    root = np.sqrt(args.splits)
    for label, values in figures.items():
        v = np.asarray(values)
        d = v - reference
        print(
            f"{label}: {v.mean():+.4f} ± {v.std(ddof=1) / root:.4f}; "
            f"− x:2 {d.mean():+.4f} ± {d.std(ddof=1) / root:.4f}"
        )


if __name__ == "__main__":
    main()
