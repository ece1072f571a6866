"""A few customers' profiles from their rows as Python values: the fold of a keyed read.

:func:`~goodcall.profiles.build.fold_tables` is a Polars plan built for many customers; for one
customer planning and running it costs milliseconds whatever the rows. :func:`profile_rows`
folds each customer's rows in Python instead — which rows count, in which order, the first line,
the lists, the latest moments — reading the constants and :class:`~goodcall.profiles.build.
Latest` rules :func:`~goodcall.profiles.build.fold_tables` reads, and hands the folded rows to
the same :func:`~goodcall.profiles.build.finish_profiles`, so no value is derived here (a
line's data usage too is the batch's :func:`~goodcall.profiles.build.line_usage`, run once over
the lines of every customer read together). ``tests/profiles/test_rows.py`` holds it to the
Polars fold, customer by customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.profiles.build import (
    CASE_LATEST,
    CONTACT_LATEST,
    CONTACT_ORDER,
    FIRST_LINE,
    JOINED,
    LINE_ORDER,
    LINE_STATE,
    OPEN_CASE_FLAGS,
    OPEN_STATUS,
    OS_FLAGS,
    PLAN_FACTS,
    PROMOTION_LISTS,
    PROMOTION_ORDER,
    TOP_TIER,
    finish_profiles,
    folded_schema,
    line_usage,
    plan_facts,
    top_tier,
)
from goodcall.profiles.fields import CASE_STRUCT, CONTACT_STRUCT, LINE_STRUCT, PROMOTION_STRUCT
from goodcall.profiles.schema import TABLES_BY_NAME

Row = Mapping[str, Any]
CustomerRows = Mapping[str, Sequence[Row]]
"""One customer's rows, table name → rows (a table the customer has no row in may be absent)."""

_USAGE_MONTHS = tuple(line_usage().meta.root_names())
_NO_PLAN = dict.fromkeys(PLAN_FACTS)


@dataclass(frozen=True)
class PlanBook:
    """What lines take from the ``plans`` table (read once: plans are catalog-wide)."""

    facts: Mapping[str, Row]
    top_tier: int | None

    @classmethod
    def of(cls, plans: pl.LazyFrame) -> PlanBook:
        facts, top = pl.collect_all([plan_facts(plans), top_tier(plans)])
        return cls({r["plan_id"]: r for r in facts.iter_rows(named=True)}, top.item())


def _sorted(rows: Sequence[Row], order: Sequence[tuple[str, bool]]) -> list[Row]:
    """``rows`` sorted as Polars sorts them: by each column in turn, nulls first."""
    ordered = list(rows)
    for column, descending in reversed(order):
        if descending:
            ordered.sort(key=lambda r: (r[column] is None, r[column]), reverse=True)
        else:
            ordered.sort(key=lambda r: (r[column] is not None, r[column]))
    return ordered


def _structs(rows: Sequence[Row], spec: pl.Struct) -> list[dict[str, Any]]:
    return [{f.name: r[f.name] for f in spec.fields} for r in rows]


def _line_at(line: Row, changes: Sequence[Row], as_of: dt.datetime) -> dict[str, Any]:
    """The line as it was at ``as_of``: the state of its earliest change after ``as_of``."""
    later = [c for c in changes if c["line_id"] == line["line_id"] and c["changed_at"] > as_of]
    state = dict(line)
    if later:
        then = min(later, key=lambda c: c["changed_at"])
        state.update({c: then[c] for c in LINE_STATE})
    return state


def _lines(
    rows: CustomerRows, usage: Callable[[Row], Any], plans: PlanBook, as_of: dt.datetime
) -> dict[str, Any]:
    states = []
    for line in rows.get("lines", ()):
        state = _line_at(line, rows.get("line_changes", ()), as_of)
        state.update(plans.facts.get(state["plan_id"], _NO_PLAN), data_usage_gb=usage(line))
        states.append(state)
    if not states:
        return {}
    lines = _sorted(states, LINE_ORDER)
    return {
        "lines_count": len(lines),
        **{c: lines[0][c] for c in FIRST_LINE},
        **{name: any(x["device_os"] == os for x in lines) for name, os in OS_FLAGS.items()},
        "lines": _structs(lines, LINE_STRUCT),
        TOP_TIER: plans.top_tier,
    }


def _promotions(rows: CustomerRows, as_of: dt.datetime) -> dict[str, Any]:
    events = [e for e in rows.get("promotion_events", ()) if e["at"] <= as_of]
    if not events:
        return {}
    events = _sorted(events, [(c, False) for c in PROMOTION_ORDER])
    lists = {
        name: list(dict.fromkeys(e["promotion_id"] for e in events if e["event"] == event))
        for name, event in PROMOTION_LISTS.items()
    }
    return {**lists, "promotion_history": _structs(events, PROMOTION_STRUCT)}


def _contacts(rows: CustomerRows, as_of: dt.datetime) -> dict[str, Any]:
    contacts = [c for c in rows.get("contacts", ()) if c["at"] <= as_of]
    if not contacts:
        return {}
    contacts = _sorted(contacts, [(c, False) for c in CONTACT_ORDER])
    latest = {rule.name: rule.of_rows(contacts) for rule in CONTACT_LATEST}
    return {**latest, "contact_history": _structs(contacts, CONTACT_STRUCT)}


def _cases(rows: CustomerRows, as_of: dt.datetime) -> dict[str, Any]:
    cases = [c for c in rows.get("cases", ()) if c["opened_at"] <= as_of]
    if not cases:
        return {}
    open_cases = [c for c in cases if c["status"] == OPEN_STATUS]
    return {
        CASE_LATEST.name: CASE_LATEST.of_rows(cases),
        **{
            name: any(c["kind"] == kind for c in open_cases)
            for name, kind in OPEN_CASE_FLAGS.items()
        },
        "open_cases": _structs(open_cases, CASE_STRUCT),
    }


def _joined(rows: CustomerRows) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in JOINED:
        found = rows.get(name, ())
        columns = [c for c in TABLES_BY_NAME[name].column_names if c != "customer_id"]
        values.update({c: found[0][c] if found else None for c in columns})
    return values


def fold_customer(
    rows: CustomerRows, usage: Callable[[Row], Any], plans: PlanBook, as_of: dt.datetime
) -> dict[str, Any] | None:
    """The customer's folded row (as :func:`~goodcall.profiles.build.fold_tables` gives it;
    None without a ``customers`` row); ``usage`` gives a line's data usage."""
    customer = rows.get("customers", ())
    if not customer:
        return None
    return {
        **customer[0],
        **_lines(rows, usage, plans, as_of),
        **_joined(rows),
        **_promotions(rows, as_of),
        **_contacts(rows, as_of),
        **_cases(rows, as_of),
    }


def _usages(customers: Sequence[CustomerRows]) -> dict[int, Any]:
    """Each line's data usage by the line row's ``id``, from one run of the batch's formula."""
    lines = [line for rows in customers for line in rows.get("lines", ())]
    if not lines:
        return {}
    months = pl.DataFrame([pl.Series(m, [x[m] for x in lines], pl.Float64) for m in _USAGE_MONTHS])
    values = months.select(line_usage()).to_series().to_list()
    return {id(line): value for line, value in zip(lines, values, strict=True)}


def profile_rows(
    customers: Sequence[CustomerRows], plans: PlanBook, as_of: dt.datetime
) -> pl.DataFrame:
    """The profile rows of ``customers`` as known at ``as_of``, in their order (none for one
    without a ``customers`` row): what :func:`~goodcall.profiles.build.build_profiles` gives for
    them."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    usages = _usages(customers)
    folded = [
        row
        for rows in customers
        if (row := fold_customer(rows, lambda line: usages[id(line)], plans, as_of)) is not None
    ]
    frame = pl.DataFrame(folded, schema=folded_schema())
    # Planning the few expressions costs more than it saves on a few rows.
    return finish_profiles(frame.lazy(), as_of).collect(optimizations=pl.QueryOptFlags.none())
