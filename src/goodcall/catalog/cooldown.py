"""Offer cool-downs: a refusal blocks the declined offer, and its family, until its cool-down ends.

Why in the catalog engine and not in the contact policies: the policy engine judges channels —
may this person be contacted at all, on this channel, now — and knows nothing of offers. "Do not
offer an iPhone again for 30 days to someone who just declined one, but a roaming pack is fine"
is a fact about a customer × offer, and the family an offer belongs to is a catalog fact, so the
catalog engine — which judges offers per customer — owns it. The jurisdiction's own refusal rule
(France: no solicitation at all for 60 days after a refusal, whatever the offer) is about the
person and stays a policy (``policy.cooldown_refusal``).

A *cool-down group* is the set of offers that a refusal blocks together: the offers sharing a
``family``, or one offer alone. A refusal of offer X (a treatment contact with outcome
``declined`` and ``offer_id`` X, at or before the decision time) blocks every offer of X's group
until ``declined_at + X.cooldown_days``; an offer without ``cooldown_days`` blocks nothing when
declined. Several refusals: the one that ends last decides.

The engine picks the refusals out of the profile's ``contact_history`` once, with list
arithmetic (no explode, no join), and derives the groups each customer still has blocked at the
decision time (``__at``): that list is all the checks read, in the fast matrix path and in the
reasons path alike. The reasons path also reads, per group, the latest-ending refusal made at or
before the decision time, lifted or not (its end, offer and time) for the evidence; the matrix
path never computes those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.catalog.checks import Check, lacks
from goodcall.catalog.model import Catalog, Offer
from goodcall.zones import UTC_DATETIME

COOLDOWN_CODE = "catalog.applicability.refusal_cooldown"
_DAY_US = 86_400_000_000
_HISTORY = pl.col("contact_history")
_EL = pl.element().struct


@dataclass(frozen=True)
class CooldownGroup:
    """Offers a refusal blocks together, and the cool-down each one's refusal starts."""

    index: int
    family: str | None  # None: a single offer without a family
    offers: tuple[str, ...]  # every offer a refusal in the group blocks, catalog order
    days: Mapping[str, int]  # offer id → its cool-down (offers that declare one)

    def column(self, what: str) -> str:
        """``__cool{index}_{what}``: ``until``, ``offer`` or ``declined_at``."""
        return f"__cool{self.index}_{what}"


def cooldown_groups(catalog: Catalog) -> tuple[CooldownGroup, ...]:
    """The catalog's cool-down groups in catalog order; groups whose offers declare no cool-down
    are left out (a refusal in them blocks nothing)."""
    members: dict[str, list[Offer]] = {}
    for offer in catalog.offers:
        members.setdefault(_group_key(offer), []).append(offer)
    groups: list[CooldownGroup] = []
    for offers in members.values():
        days = {o.id: o.cooldown_days for o in offers if o.cooldown_days is not None}
        if days:
            groups.append(
                CooldownGroup(len(groups), offers[0].family, tuple(o.id for o in offers), days)
            )
    return tuple(groups)


def group_of(groups: tuple[CooldownGroup, ...], offer_id: str) -> CooldownGroup | None:
    """The cool-down group an offer belongs to, None when no refusal can block it."""
    return next((g for g in groups if offer_id in g.offers), None)


def _group_key(offer: Offer) -> str:
    # Family names are lower case and offer ids upper case, so the two never collide.
    return offer.family if offer.family is not None else offer.id


def cooldown_columns(groups: tuple[CooldownGroup, ...]) -> list[list[pl.Expr]]:
    """The columns the cool-down checks and their evidence read: ``__cd_blocked`` (the groups a
    refusal still blocks at ``__at``) and, per group, ``until``, ``offer`` and ``declined_at`` of
    its latest-ending refusal made at or before ``__at``, lifted or not (null when there is
    none). Needs ``__at`` and ``contact_history``.

    Three stages (apply each with its own ``with_columns``): the refusals that can block anything
    are picked out of the history once, so the per-group work runs on short lists (most
    customers have no refusal at all); the last stage also gives ``__cd_blocked``, the groups
    still blocked, which is all the checks read — the fast matrix path never computes the
    per-group evidence columns (the query optimiser drops them).
    """
    if not groups:
        return []
    days = {offer: d for group in groups for offer, d in group.days.items()}
    index = {offer: group.index for group in groups for offer in group.days}
    offer = _EL.field("offer_id")
    refusals = _HISTORY.list.filter(
        (_EL.field("outcome") == "declined")
        & (_EL.field("group") == "treatment")
        & offer.is_in(list(days))
    )
    declined_us = _EL.field("at").dt.epoch("us")
    # 0 for refusals made at or before the decision time, null after it (not made yet then).
    made = (_REFUSALS.list.eval(declined_us) - pl.col("__at").dt.epoch("us")).list.eval(
        pl.when(pl.element() <= 0).then(pl.lit(0, pl.Int64))
    )
    ends = _REFUSALS.list.eval(
        declined_us + offer.replace_strict(days, return_dtype=pl.Int64) * _DAY_US
    )
    per_group: list[pl.Expr] = []
    for group in groups:
        mine = _ENDS + _GROUPS.list.eval(pl.when(pl.element() == group.index).then(0))
        last = _REFUSALS.list.get(mine.list.arg_max(), null_on_oob=True)
        per_group += [
            _from_us(mine.list.max()).alias(group.column("until")),
            last.struct.field("offer_id").alias(group.column("offer")),
            last.struct.field("at").alias(group.column("declined_at")),
        ]
    in_force = (_ENDS - pl.col("__at").dt.epoch("us")).list.eval(
        pl.when(pl.element() > 0).then(pl.lit(0, pl.Int64))
    )
    return [
        [refusals.alias("__cd_refusals")],
        [
            (ends + made).alias("__cd_ends"),
            _REFUSALS.list.eval(offer.replace_strict(index, return_dtype=pl.Int64)).alias(
                "__cd_groups"
            ),
        ],
        [(_GROUPS + in_force).alias(COOLDOWN_BLOCKED), *per_group],
    ]


_REFUSALS = pl.col("__cd_refusals")
_ENDS = pl.col("__cd_ends")  # per refusal: when its cool-down ends (epoch µs), null if made later
_GROUPS = pl.col("__cd_groups")  # per refusal: the index of the group it blocks
COOLDOWN_BLOCKED = "__cd_blocked"
"""Per refusal, the group it still blocks at the decision time, else null."""


def blocked_on_row(
    history: Sequence[Mapping[str, Any] | None] | None,
    groups: tuple[CooldownGroup, ...],
    at: dt.datetime,
) -> list[int | None] | None:
    """``__cd_blocked`` of :func:`cooldown_columns` on one row of Python values: per refusal
    that can block anything, its group's index while its cool-down is on at ``at``, else None
    (a refusal made after ``at`` included). Written beside the expressions it mirrors;
    ``tests/catalog/test_rows.py`` holds the two together on generated histories."""
    if history is None:
        return None
    days = {offer: d for group in groups for offer, d in group.days.items()}
    index = {offer: group.index for group in groups for offer in group.days}
    now = _epoch_us(at)
    blocked: list[int | None] = []
    for contact in history:
        if contact is None or not (
            contact.get("outcome") == "declined"
            and contact.get("group") == "treatment"
            and contact.get("offer_id") in days
        ):
            continue
        made = contact.get("at")
        start = None if made is None else _epoch_us(made)
        on = start is not None and start <= now < start + days[contact["offer_id"]] * _DAY_US
        blocked.append(index[contact["offer_id"]] if on else None)
    return blocked


def _epoch_us(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _from_us(us: pl.Expr) -> pl.Expr:
    return pl.from_epoch(us, time_unit="us").dt.replace_time_zone("UTC").cast(UTC_DATETIME)


def cooldown_check(offer: Offer, group: CooldownGroup) -> Check:
    """The built-in check: no refusal of the offer (or of its family) whose cool-down is still on
    at the decision time. Evidence names the declined offer, when, its cool-down and its end."""
    until = pl.col(group.column("until"))
    declined = pl.col(group.column("offer"))
    days = declined.replace_strict(dict(group.days), default=None, return_dtype=pl.Int64)
    evidence = (
        pl.when(until.is_not_null())
        .then(
            pl.concat_str(
                pl.lit("declined="),
                declined,
                pl.lit(", declined_at="),
                _stamp(pl.col(group.column("declined_at"))),
                pl.lit(", cooldown_days="),
                days.cast(pl.String),
                pl.lit(", until="),
                _stamp(until),
            )
        )
        .otherwise(pl.lit(f"declined=none, blocked_by={'|'.join(sorted(group.days))}"))
    )
    return Check(
        COOLDOWN_CODE,
        "applicability",
        _rule(offer, group),
        # The fast path reads one list; the per-group columns (the evidence) are computed only
        # by the reasons view. Both say "a refusal of the group ends after the decision time".
        ~pl.col(COOLDOWN_BLOCKED).list.contains(group.index).fill_null(False),
        (),
        evidence=evidence,
        row=lacks(COOLDOWN_BLOCKED, group.index),
    )


def _rule(offer: Offer, group: CooldownGroup) -> str:
    declared = ", ".join(f"{o} {d} d" for o, d in group.days.items())
    if group.family is None:
        return f"no refusal of {offer.id} within its cool-down ({declared})"
    return f"no refusal of an offer of family {group.family} within its cool-down ({declared})"


def _stamp(expr: pl.Expr) -> pl.Expr:
    return expr.dt.to_string("%Y-%m-%dT%H:%MZ").fill_null("unknown")
