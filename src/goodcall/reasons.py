"""Reasons are data: every stage of a decision appends codes with their evidence.

A reason is a struct ``{code, ok, rule, evidence}``:

* ``code`` — dotted, stage first: ``policy.dnc_internal``, ``catalog.applicability.device_os``,
  ``arbitration.negative_ev``. Human wording (fr-CA/en-CA) is looked up from the code by
  ``explain``, ``audit``, the brief and reports; the code never changes with the language.
* ``ok`` — True when the check passed (why yes), False when it excluded (why not).
* ``rule`` — the rule that decided: a predicate's text, a policy's name.
* ``evidence`` — the profile values that decided, as ``field=value`` pairs.
"""

from __future__ import annotations

import polars as pl

REASON_STRUCT = pl.Struct(
    {"code": pl.String(), "ok": pl.Boolean(), "rule": pl.String(), "evidence": pl.String()}
)
REASON_LIST = pl.List(REASON_STRUCT)


def reason(code: str, ok: bool, rule: str, evidence: pl.Expr | str) -> pl.Expr:
    """A reason as a Polars struct expression (evidence may be computed per row)."""
    ev = pl.lit(evidence) if isinstance(evidence, str) else evidence
    return pl.struct(
        pl.lit(code).alias("code"),
        pl.lit(ok).alias("ok"),
        pl.lit(rule).alias("rule"),
        ev.cast(pl.String).alias("evidence"),
    )
