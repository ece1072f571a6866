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

from collections.abc import Mapping, Sequence
from typing import Any, Literal

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


CatalogTier = Literal["validity", "eligibility", "applicability", "suitability"]
CATALOG_TIERS: tuple[CatalogTier, ...] = ("validity", "eligibility", "applicability", "suitability")
"""The order in which an offer's catalog checks are evaluated, and so which failing check
*decides* an offer's exclusion (a reason code's second part is its tier:
``catalog.applicability.device_os``). The one definition: the catalog engine's ``failed_tier``,
the decision core, ``explain`` and the brief all read it."""
OTHER_RANK = len(CATALOG_TIERS)


def tier_rank(code: str | None) -> int:
    """The rank of a reason code's catalog tier in :data:`CATALOG_TIERS` (codes outside the
    catalog's tiers, such as notices, rank last)."""
    parts = (code or "").split(".")
    if len(parts) > 1 and parts[1] in CATALOG_TIERS:
        return CATALOG_TIERS.index(parts[1])
    return OTHER_RANK


def deciding_check(reasons: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The failing reason that decided: the first of the earliest tier, else None."""
    failed = [r for r in reasons if not r.get("ok")]
    if not failed:
        return None
    return min(enumerate(failed), key=lambda pair: (tier_rank(pair[1].get("code")), pair[0]))[1]


def deciding_checks(reasons: pl.Series) -> pl.Series:
    """:func:`deciding_check` for a column of reason lists (null where nothing failed)."""
    codes = reasons.list.eval(pl.element().struct.field("code")).explode().unique().to_list()
    ranks = {code: tier_rank(code) for code in codes if code is not None}
    element = pl.element().struct
    rank = element.field("code").replace_strict(ranks, default=OTHER_RANK, return_dtype=pl.Int64)
    passed = OTHER_RANK + 1
    failed = element.field("ok").fill_null(False).not_()
    lists = pl.col("r")
    per_reason = lists.list.eval(pl.when(failed).then(rank).otherwise(pl.lit(passed, pl.Int64)))
    best = lists.list.get(per_reason.list.arg_min(), null_on_oob=True)
    chosen = pl.when(per_reason.list.min() < passed).then(best)
    return pl.DataFrame({"r": reasons}).select(chosen.alias("deciding")).to_series()
