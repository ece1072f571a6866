"""``goodcall evaluate``: measure decisions before and after they are made.

``evaluate_app`` is the command group; this module adds ``ope`` and, in ``register``, the
``synthetic`` and ``pilot`` commands of ``goodcall.evaluate.synthetic_cli`` and
``goodcall.evaluate.pilot_cli``. Another evaluation joins the group
the same way: a function of its own module that attaches a command to ``evaluate_app``
(``evaluate_app.command("name")(function)``), called from ``register`` below.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from goodcall.output import JsonOption, echo_json, print_error
from goodcall.progress import progress_bar

if TYPE_CHECKING:
    from goodcall.evaluate.open_bandit import OpeComparison

evaluate_app = typer.Typer(
    help="Evaluate decisions: off-policy estimates, simulations with known truth.",
    no_args_is_help=True,
)
console = Console()


def register(app: typer.Typer) -> None:
    """Attach ``goodcall evaluate`` (with ``ope``, ``synthetic`` and ``pilot``) and ``goodcall
    simulate`` (with ``day``) to the main application."""
    from goodcall.evaluate.day_cli import register_day
    from goodcall.evaluate.pilot_cli import register_pilot
    from goodcall.evaluate.synthetic_cli import register_synthetic

    register_synthetic(evaluate_app)
    register_pilot(evaluate_app)
    app.add_typer(evaluate_app, name="evaluate")
    register_day(app)


@evaluate_app.command("ope")
def ope_command(
    logs: Annotated[
        Path | None, typer.Option("--logs", help="Logged decisions: a CSV, or a directory of CSVs.")
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Evaluation policy CSV: action, probability, key columns."),
    ] = None,
    policy_from_logs: Annotated[
        Path | None,
        typer.Option("--policy-from-logs", help="Estimate the policy from its own logs instead."),
    ] = None,
    policy_estimate: Annotated[
        str, typer.Option("--policy-estimate", help="propensity or frequency (with logs).")
    ] = "propensity",
    write_policy: Annotated[
        Path | None, typer.Option("--write-policy", help="Save the estimated policy as CSV.")
    ] = None,
    open_bandit: Annotated[
        Path | None,
        typer.Option("--open-bandit", help="Open Bandit Dataset root: random/ and bts/ inside."),
    ] = None,
    campaign: Annotated[str, typer.Option("--campaign", help="all, men or women.")] = "all",
    action: Annotated[str, typer.Option("--action-col")] = "item_id",
    reward: Annotated[str, typer.Option("--reward-col")] = "click",
    propensity: Annotated[str, typer.Option("--propensity-col")] = "propensity_score",
    position: Annotated[
        str, typer.Option("--position-col", help="Position/key column; '' if none.")
    ] = "position",
    context: Annotated[
        str | None, typer.Option("--context", help="Comma-separated context columns for DR.")
    ] = None,
    truth: Annotated[
        float | None, typer.Option("--truth", help="Known value of the policy, to compare.")
    ] = None,
    estimators: Annotated[str, typer.Option("--estimators")] = "ips,snips,dr",
    n_bootstrap: Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples.")] = 1000,
    alpha: Annotated[float, typer.Option("--alpha", help="1 − confidence level.")] = 0.05,
    folds: Annotated[int, typer.Option("--folds", help="Cross-fitting folds of DR.")] = 3,
    max_weight: Annotated[
        float | None, typer.Option("--max-weight", help="Clip importance weights at this value.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Off-policy evaluation (IPS, self-normalised IPS, doubly robust) with bootstrap CIs."""
    from goodcall.evaluate.ope_data import LogColumns, OpeInputError
    from goodcall.evaluate.open_bandit import OpeOptions, compare_open_bandit, evaluate_from_files

    columns = LogColumns(action, reward, propensity, position or None)
    options = OpeOptions(
        estimators=tuple(e.strip() for e in estimators.split(",") if e.strip()),
        n_bootstrap=n_bootstrap,
        alpha=alpha,
        folds=folds,
        seed=seed,
        context=tuple(c.strip() for c in (context or "").split(",") if c.strip()),
        max_weight=max_weight,
    )
    try:
        with progress_bar("evaluate ope") as progress:
            progress("estimating", 0, 0)
            if open_bandit is not None:
                comparisons = compare_open_bandit(open_bandit, campaign, policy_estimate, options)
            else:
                comparisons = [
                    evaluate_from_files(
                        logs, policy, policy_from_logs, policy_estimate, columns, options,
                        truth=truth, write_policy=write_policy,
                    )
                ]  # fmt: skip
    except (OpeInputError, ValueError) as error:
        print_error(str(error))
        raise typer.Exit(code=2) from None
    if as_json:
        echo_json([c.to_dict() for c in comparisons])
        return
    for comparison in comparisons:
        _print_comparison(comparison)


def _print_comparison(comparison: OpeComparison) -> None:
    result = comparison.result
    level = round((1 - result.alpha) * 100)
    table = Table(title=comparison.title)
    for header in ("estimator", "estimate", f"{level}% CI", "truth", "relative error", "CI covers"):
        table.add_column(header, justify="left" if header == "estimator" else "right")
    for estimate in result.estimates:
        truth = comparison.truth
        error = None if truth is None else estimate.relative_error(truth)
        table.add_row(
            estimate.estimator.upper(),
            f"{estimate.value:.5f}",
            f"[{estimate.lower:.5f}, {estimate.upper:.5f}]",
            "—" if truth is None else f"{truth:.5f}",
            "—" if error is None else f"{error:.1%}",
            "—" if truth is None else ("yes" if estimate.covers(truth) else "no"),
        )
    console.print(table)
    console.print(
        f"  {result.rounds:,} logged rows ({comparison.logs_label}); logged policy's own value "
        f"{result.logged_value:.5f}; mean weight {result.mean_weight:.3f}, largest "
        f"{result.max_weight:.1f}, effective sample size {result.effective_sample_size:,.0f}"
    )
    for note in (*comparison.notes, *result.notes):
        console.print(f"  note: {note}")
