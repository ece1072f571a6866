"""Audit a call list against the catalog, the policies and the customers' profiles.

Every planned contact is checked at its own planned time with the same engines that make
goodcall's own decisions: the offer's rules and built-in checks (:func:`evaluate_failures`), the
contact policies (:func:`contact_violations`, counting the list's own earlier calls toward caps and
attempts), plus what only a call list can get wrong — the language and the register it plans to
use. One row per finding: the rule's code, a severity, the rule and the evidence.

Unknown customers and unknown offers are findings (``audit.unknown_customer``,
``audit.unknown_offer``), not input errors: the audit still reports everything else in the list.
A call list may name the line a handset or plan offer is for (``line_id``): the offer is then
checked against that line's own device and plan, and a line that is not on the customer's account
is a finding (``audit.unknown_line``). Without ``line_id`` the offer is checked as goodcall decides
it: on the account's first eligible line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.failures import evaluate_failures
from goodcall.catalog.parse import suggest
from goodcall.policy.engine import contact_violations
from goodcall.policy.resolve import CompiledPolicies
from goodcall.zones import UTC_DATETIME, to_utc

FINDINGS_SCHEMA = pl.Schema(
    {
        "row": pl.Int64(),
        "customer_id": pl.String(),
        "offer_id": pl.String(),
        "channel": pl.String(),
        "planned_at": UTC_DATETIME,
        "code": pl.String(),
        "severity": pl.String(),
        "rule": pl.String(),
        "evidence": pl.String(),
    }
)
WARNING_CODES = frozenset({"catalog.notice.promotion_seen"})
_KEYS = ["row", "customer_id", "offer_id", "channel", "planned_at"]
CHUNK_ROWS = 100_000  # planned calls checked at once (see _by_customer)
OFFER_ROWS = 1_000_000  # planned calls whose offers are checked at once (see _offer_failures)


def audit_calls(
    calls: pl.DataFrame,
    profiles: pl.LazyFrame,
    catalog: CompiledCatalog,
    policies: CompiledPolicies,
    national_list_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> pl.DataFrame:
    """Every finding of a validated call list (see :mod:`goodcall.audit.calllist`), sorted by
    row then code. With ``at`` (the audit's time), a call planned before it is a finding."""
    chunks = audit_chunks(calls, profiles, catalog, policies, national_list_date, at)
    return in_list_order([found for found, _ in chunks], FINDINGS_SCHEMA)


def audit_chunks(
    calls: pl.DataFrame,
    profiles: pl.LazyFrame,
    catalog: CompiledCatalog,
    policies: CompiledPolicies,
    national_list_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """The findings of :func:`audit_calls` chunk by chunk, each with its customers' profiles.

    A chunk holds every row of its customers (:func:`_by_customer`), so each row's findings all
    come in one chunk, sorted by code: a caller words and compacts a chunk's findings before the
    next is computed, and :func:`in_list_order` puts the chunks back in the list's order."""
    if "line_id" not in calls.columns:  # optional: the line a per-line offer is for
        calls = calls.with_columns(pl.lit(None, pl.String).alias("line_id"))
    known_ids = calls.get_column("customer_id").unique().to_list()
    customers = profiles.filter(pl.col("customer_id").is_in(known_ids)).collect()
    rows = _place_local_times(calls, customers)
    known = pl.col("customer_id").is_in(customers.get_column("customer_id").implode())
    placed = pl.col("planned_at").is_not_null()
    for batch in _batches(_by_customer(rows), OFFER_ROWS):
        offers = _offer_failures(pl.concat(batch).filter(known & placed), customers, catalog)
        for chunk in batch:
            mine = customers.filter(
                pl.col("customer_id").is_in(chunk.get_column("customer_id").implode())
            )
            parts = [
                _unknown_customers(chunk, mine),
                _unknown_offers(chunk, catalog),
                _unplaced(chunk, mine),
                _unknown_lines(chunk, mine),
            ]
            if at is not None:
                parts.append(_past(chunk, at))
            usable = chunk.filter(known & placed)
            if usable.height:
                parts += [
                    _language_and_register(usable, mine),
                    _channel_not_offered(usable, catalog),
                    _offer_checks(offers, usable),
                    _policy_checks(usable, mine, policies, national_list_date),
                ]
            found = pl.concat(
                [p.select(FINDINGS_SCHEMA.names()).cast(FINDINGS_SCHEMA) for p in parts]
            )
            found = found.unique(maintain_order=True).sort(["row", "code"], maintain_order=True)
            yield found, mine


def in_list_order(chunks: list[pl.DataFrame], schema: pl.Schema) -> pl.DataFrame:
    """The chunks of :func:`audit_chunks` as one frame sorted by row then code: a row's findings
    are all in one chunk and already in code order, so a stable sort by row is enough."""
    if not chunks:
        return pl.DataFrame(schema=schema)
    return pl.concat(chunks).sort("row", maintain_order=True)


def _by_customer(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """The rows in chunks of about :data:`CHUNK_ROWS`, every customer's rows in one chunk (the
    list's earlier calls count per customer): the profiles joined to a chunk, and their exploded
    contact histories, stay the size of a chunk however long the list."""
    if rows.height <= CHUNK_ROWS:
        return [rows] if rows.height else []
    chunks = -(-rows.height // CHUNK_ROWS)
    key = (pl.col("customer_id").hash(seed=0) % chunks).alias("__chunk")
    return [
        part.drop("__chunk")
        for part in rows.with_columns(key).partition_by("__chunk", maintain_order=True)
    ]


def _batches(chunks: list[pl.DataFrame], rows: int) -> Iterator[list[pl.DataFrame]]:
    """Consecutive chunks, up to ``rows`` rows at once (at least one chunk)."""
    batch: list[pl.DataFrame] = []
    size = 0
    for chunk in chunks:
        if batch and size + chunk.height > rows:
            yield batch
            batch, size = [], 0
        batch.append(chunk)
        size += chunk.height
    if batch:
        yield batch


def _finding(
    frame: pl.DataFrame,
    code: str | pl.Expr,
    severity: str | pl.Expr,
    rule: str | pl.Expr,
    evidence: pl.Expr,
) -> pl.DataFrame:
    def lit(value: str | pl.Expr) -> pl.Expr:
        return pl.lit(value) if isinstance(value, str) else value

    return frame.select(
        *_KEYS,
        lit(code).alias("code"),
        lit(severity).alias("severity"),
        lit(rule).alias("rule"),
        evidence.alias("evidence"),
    )


def _place_local_times(calls: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    """A planned time without an offset is the customer's local time: place it in UTC."""
    zones = customers.select("customer_id", "time_zone")
    return (
        calls.join(zones, on="customer_id", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce(
                pl.col("planned_at"),
                to_utc(pl.col("planned_local"), pl.col("time_zone")),
            ).alias("planned_at")
        )
        .drop("time_zone")
    )


def _past(rows: pl.DataFrame, at: dt.datetime) -> pl.DataFrame:
    """A call planned before the audit's time cannot be made as planned."""
    when = pl.lit(at.astimezone(dt.UTC), UTC_DATETIME)
    return _finding(
        rows.filter(pl.col("planned_at") < when),
        "audit.past",
        "error",
        "the call is planned after the time of the audit",
        pl.concat_str(
            pl.lit("planned_at="),
            pl.col("planned_at").dt.to_string("%Y-%m-%dT%H:%M:%SZ"),
            pl.lit(", audit_at="),
            when.dt.to_string("%Y-%m-%dT%H:%M:%SZ"),
        ),
    )


def _unknown_customers(rows: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    missing = rows.filter(
        ~pl.col("customer_id").is_in(customers.get_column("customer_id").implode())
    )
    return _finding(
        missing,
        "audit.unknown_customer",
        "error",
        "the customer exists in the store",
        pl.concat_str(pl.lit("customer_id="), pl.col("customer_id"), pl.lit(" (not found)")),
    )


def _unknown_offers(rows: pl.DataFrame, catalog: CompiledCatalog) -> pl.DataFrame:
    ids = catalog.offer_ids
    missing = rows.filter(~pl.col("offer_id").is_in(list(ids)))
    hints = {o: suggest(o, ids) for o in missing.get_column("offer_id").unique().to_list()}
    return _finding(
        missing,
        "audit.unknown_offer",
        "error",
        "the offer exists in the catalog",
        pl.concat_str(
            pl.lit("offer_id="),
            pl.col("offer_id"),
            pl.lit(" (not in the catalog"),
            pl.col("offer_id").replace_strict(hints, default="", return_dtype=pl.String),
            pl.lit(")"),
        ),
    )


def _unplaced(rows: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    known = pl.col("customer_id").is_in(customers.get_column("customer_id").implode())
    lost = rows.filter(known & pl.col("planned_at").is_null()).join(
        customers.select("customer_id", "time_zone"), on="customer_id", how="left"
    )
    return _finding(
        lost,
        "audit.planned_at",
        "error",
        "a local planned time can be placed in the customer's time zone",
        pl.concat_str(
            pl.lit("planned_local="),
            pl.col("planned_local").dt.to_string("%Y-%m-%dT%H:%M"),
            pl.lit(", time_zone="),
            pl.col("time_zone").fill_null("none"),
        ),
    )


def _language_and_register(rows: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    joined = rows.join(
        customers.select(
            "customer_id",
            pl.col("language").alias("customer_language"),
            pl.col("lang").alias("customer_lang"),
            pl.col("register").alias("customer_register"),
            "register_source",
        ),
        on="customer_id",
        how="left",
    )
    language = _finding(
        joined.filter(pl.col("lang") != pl.col("customer_lang")),
        "audit.language",
        "error",
        "the call is in the customer's language of service",
        pl.concat_str(
            pl.lit("list_language="),
            pl.col("language"),
            pl.lit(", customer_language="),
            pl.col("customer_language"),
        ),
    )
    mismatch = joined.filter(pl.col("register") != pl.col("customer_register"))
    register = _finding(
        mismatch,
        "audit.register",
        pl.when(pl.col("register") == "informal")
        .then(pl.lit("error"))
        .otherwise(pl.lit("warning")),
        "the call uses the register the customer has (formal unless they chose informal)",
        pl.concat_str(
            pl.lit("list_register="),
            pl.col("register"),
            pl.lit(", customer_register="),
            pl.col("customer_register"),
            pl.lit(", register_source="),
            pl.col("register_source").fill_null("unknown"),
        ),
    )
    return pl.concat([language, register])


def _channel_not_offered(rows: pl.DataFrame, catalog: CompiledCatalog) -> pl.DataFrame:
    allowed = {o.id: "|".join(o.offer.channels) for o in catalog.offers}
    known = rows.filter(pl.col("offer_id").is_in(list(allowed)))
    offered = pl.col("offer_id").replace_strict(allowed, default="", return_dtype=pl.String)
    return _finding(
        known.filter(~offered.str.split("|").list.contains(pl.col("channel"))),
        "catalog.validity.channel",
        "error",
        "the offer is made on this channel",
        pl.concat_str(pl.lit("offer_channels="), offered, pl.lit(", channel="), pl.col("channel")),
    )


def _offer_failures(
    rows: pl.DataFrame, customers: pl.DataFrame, catalog: CompiledCatalog
) -> pl.DataFrame:
    """``row``, ``code``, ``rule`` and ``evidence`` of each row's own offer's failing checks and
    active notices, at the row's planned time (:func:`evaluate_failures`, one offer at a time).
    Many chunks are checked at once: each offer's query has a fixed cost."""
    parts = []
    for offer in catalog.offers:
        mine = rows.filter(pl.col("offer_id") == offer.id)
        if mine.height == 0:
            continue
        # lazy, so that only the profile columns this offer's checks read are joined
        frame = (
            mine.lazy()
            .select(
                pl.col("row").alias("__row"),
                "planned_at",
                "customer_id",
                pl.col("line_id").alias("__call_line"),
            )
            .join(customers.lazy(), on="customer_id", how="left")
        )
        failed = evaluate_failures(
            frame,
            CompiledCatalog(catalog.catalog, (offer,)),
            "planned_at",
            id_column="__row",
            line_column="__call_line",
        )
        parts.append(
            failed.select(
                pl.col("__row").alias("row"),
                pl.col("code").cast(pl.Categorical),
                pl.col("rule").cast(pl.Categorical),
                "evidence",
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "row": pl.Int64,
                "code": pl.Categorical,
                "rule": pl.Categorical,
                "evidence": pl.String,
            }
        )
    return pl.concat(parts)


def _offer_checks(failures: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The findings of :func:`_offer_failures` that are about ``rows``."""
    mine = failures.filter(pl.col("row").is_in(rows.get_column("row").implode()))
    return _finding(
        mine.join(rows.select(_KEYS), on="row", how="left"),
        pl.col("code"),
        pl.when(pl.col("code").is_in(list(WARNING_CODES)))
        .then(pl.lit("warning"))
        .otherwise(pl.lit("error")),
        pl.col("rule"),
        pl.col("evidence"),
    )


def _unknown_lines(rows: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    """A ``line_id`` that is not one of the (known) customer's lines."""
    lines = customers.select(
        "customer_id", pl.col("lines").list.eval(pl.element().struct.field("line_id")).alias("_l")
    )
    named = rows.filter(pl.col("line_id").is_not_null()).join(lines, on="customer_id", how="inner")
    unknown = named.filter(~pl.col("line_id").is_in(pl.col("_l")))
    return _finding(
        unknown,
        "audit.unknown_line",
        "error",
        "the line is on the customer's account",
        pl.concat_str(
            pl.lit("line_id="), pl.col("line_id"), pl.lit(", lines="), pl.col("_l").list.join("|")
        ),
    )


def _policy_checks(
    rows: pl.DataFrame,
    customers: pl.DataFrame,
    policies: CompiledPolicies,
    national_list_date: dt.date | None,
) -> pl.DataFrame:
    violations = contact_violations(
        customers.lazy(), policies, rows.lazy().select(*_KEYS), national_list_date, list_order="row"
    )
    return _finding(violations, pl.col("code"), "error", pl.col("rule"), pl.col("evidence"))
