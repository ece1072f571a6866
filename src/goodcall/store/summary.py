"""What the store holds: row counts and the mixes a carrier recognises itself in.

Computed with SQL aggregates (``GROUP BY``) in the database, so a summary of a million customers
moves a few hundred numbers, not the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from goodcall.profiles.schema import TABLES
from goodcall.store.config import StoreConfig, engine_for, store_errors
from goodcall.store.migrate import require_current
from goodcall.store.tables import SQL_TABLES, store_meta


@dataclass(frozen=True)
class Mix:
    """Counts of each value of one attribute, largest first, and their shares."""

    title: str
    counts: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def as_dict(self) -> dict[str, Any]:
        total = self.total or 1
        return {
            "title": self.title,
            "values": [{"value": v, "count": n, "share": n / total} for v, n in self.counts],
        }


@dataclass
class StoreSummary:
    counts: dict[str, int]
    mixes: dict[str, Mix] = field(default_factory=dict)
    shares: dict[str, float | None] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "mixes": {k: m.as_dict() for k, m in self.mixes.items()},
            "shares": self.shares,
            "meta": self.meta,
        }


def _mix(connection: sa.Connection, title: str, column: sa.ColumnElement[Any], *joins: Any) -> Mix:
    count = sa.func.count().label("n")
    query = sa.select(column.label("v"), count)
    for join in joins:
        query = query.select_from(join)
    rows = connection.execute(query.group_by(column).order_by(count.desc(), column)).all()
    return Mix(title, [("(none)" if v is None else str(v), int(n)) for v, n in rows])


def _share(
    connection: sa.Connection, condition: sa.ColumnElement[bool], table: sa.Table
) -> float | None:
    total = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    if not total:
        return None
    hits = connection.execute(sa.select(sa.func.count()).select_from(table).where(condition))
    return float(hits.scalar_one()) / float(total)


def _lines_per_account(connection: sa.Connection) -> Mix:
    lines = SQL_TABLES["lines"]
    per = (
        sa.select(sa.func.count().label("k")).select_from(lines).group_by(lines.c.customer_id)
    ).subquery()
    count = sa.func.count().label("n")
    rows = connection.execute(sa.select(per.c.k, count).group_by(per.c.k).order_by(per.c.k)).all()
    return Mix("Lines per account", [(str(k), int(n)) for k, n in rows])


def summarize(url: str | None = None) -> StoreSummary:
    """Counts per table and the mixes of the store at ``url`` (default: ``GOODCALL_DB_URL``);
    a store that cannot be opened is a :class:`~goodcall.store.config.StoreUnavailableError`."""
    with store_errors(StoreConfig.from_url(url).display_url):
        return _summarize(url)


def _summarize(url: str | None) -> StoreSummary:
    config, engine = engine_for(url)
    t = SQL_TABLES
    try:
        require_current(engine, config.display_url)
        with engine.connect() as c:
            counts = {
                table.name: int(
                    c.execute(sa.select(sa.func.count()).select_from(t[table.name])).scalar_one()
                )
                for table in TABLES
            }
            customers, lines, plans, contacts = (
                t["customers"],
                t["lines"],
                t["plans"],
                t["contacts"],
            )
            consent = t["consent"]
            mixes = {
                "region": _mix(c, "Customers by province/state", customers.c.region),
                "language": _mix(c, "Customers by language", customers.c.language),
                "register": _mix(c, "Customers by register", customers.c.register),
                "device_make": _mix(c, "Lines by device maker", lines.c.device_make),
                "device_os": _mix(c, "Lines by device OS", lines.c.device_os),
                "plan_tier": _mix(
                    c,
                    "Lines by plan tier",
                    plans.c.tier,
                    lines.join(plans, lines.c.plan_id == plans.c.plan_id),
                ),
                "lines_per_account": _lines_per_account(c),
                "contact_outcome": _mix(c, "Contacts by outcome", contacts.c.outcome),
                "contact_group": _mix(c, "Contacts by group", contacts.c.group),
            }
            shares = {
                "control_share": _share(c, contacts.c.group == "control", contacts),
                "national_dnc_share": _share(c, consent.c.national_dnc.is_(True), consent),
                "internal_dnc_share": _share(c, consent.c.internal_dnc_at.is_not(None), consent),
            }
            meta = {k: v for k, v in c.execute(sa.select(store_meta.c.key, store_meta.c.value))}
    finally:
        engine.dispose()
    return StoreSummary(counts=counts, mixes=mixes, shares=shares, meta=meta)
