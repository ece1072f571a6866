"""The agent's next call: from the latest campaign's call list, a phone call to a customer who
speaks one of the agent's languages, not yet called in this campaign, whose legal and preferred
window is open now.

"Open now" is the policy engine's own verdict at this moment (every check passes, the next window
has begun): a do-not-call request, a complaint or a refusal recorded a second ago removes the
customer at once, because profiles are read from the store at each look.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from goodcall.api.access import Principal
from goodcall.policy.engine import evaluate_channels
from goodcall.policy.resolve import CompiledPolicies
from goodcall.store.plans import StoredPlan, latest_plan
from goodcall.store.reader import load_profiles
from goodcall.store.tables import SQL_TABLES

CALL_LIST = "call_list.csv"
LOOK_AHEAD = 50
"""Candidates whose profiles are read per look (in call-list order) until one is callable."""


@dataclass(frozen=True)
class NextCall:
    customer_id: str
    offer_id: str | None
    line_id: str | None
    campaign_id: str
    window_end: dt.datetime
    profile: pl.DataFrame  # one row, as known now


def speaks(language: str | None, languages: tuple[str, ...]) -> bool:
    """``fr`` serves every French-speaking customer, ``fr-CA`` only fr-CA ones."""
    if not language:
        return False
    return any(language == x or language.split("-")[0] == x for x in languages)


def queue_plan(engine: sa.Engine, now: dt.datetime) -> StoredPlan | None:
    return latest_plan(None, now, engine=engine)


def _listed(plan: StoredPlan, agent: Principal) -> pl.DataFrame:
    """The plan's phone calls to customers who speak one of the agent's languages."""
    path = Path(plan.out_dir) / CALL_LIST
    if not path.is_file():
        return pl.DataFrame(schema={"customer_id": pl.String, "planned_at": pl.String})
    calls = pl.read_csv(path, infer_schema=False)
    return calls.filter(
        (pl.col("channel") == "phone")
        & pl.col("language").map_elements(
            lambda x: speaks(x, agent.languages), return_dtype=pl.Boolean
        )
    )


def open_calls(
    engine: sa.Engine,
    agent: Principal,
    policies: CompiledPolicies,
    now: dt.datetime,
    limit: int = 1,
) -> list[NextCall]:
    """The first ``limit`` calls of the agent's queue whose window is open now, in the call
    list's order (see the module docstring)."""
    plan = queue_plan(engine, now)
    if plan is None:
        return []
    calls = _listed(plan, agent)
    done = _called_since(engine, plan.decided_at, calls["customer_id"].to_list())
    calls = calls.filter(~pl.col("customer_id").is_in(list(done))).sort("planned_at")
    found: list[NextCall] = []
    for start in range(0, calls.height, LOOK_AHEAD):
        batch = calls.slice(start, LOOK_AHEAD)
        found.extend(_open(engine, batch, policies, now, plan.campaign_id)[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def next_call(
    engine: sa.Engine, agent: Principal, policies: CompiledPolicies, now: dt.datetime
) -> NextCall | None:
    found = open_calls(engine, agent, policies, now, 1)
    return found[0] if found else None


def in_queue(engine: sa.Engine, agent: Principal, customer_id: str, now: dt.datetime) -> bool:
    """May ``agent`` read this customer: on the current campaign's call list in one of the
    agent's languages (open now or not: the agent prepares the call and looks back at it), or
    a customer whose call the agent handled (a contact recorded with their id)."""
    plan = queue_plan(engine, now)
    if plan is not None and customer_id in set(_listed(plan, agent)["customer_id"].to_list()):
        return True
    contacts = SQL_TABLES["contacts"]
    query = sa.select(contacts.c.contact_id).where(
        contacts.c.customer_id == customer_id, contacts.c.agent_id == agent.user_id
    )
    with engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def _called_since(engine: sa.Engine, since: dt.datetime, customers: list[str]) -> set[str]:
    contacts = SQL_TABLES["contacts"]
    query = sa.select(contacts.c.customer_id).where(
        contacts.c.at >= since, contacts.c.customer_id.in_(customers), contacts.c.channel == "phone"
    )
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(query)}


def _open(
    engine: sa.Engine,
    batch: pl.DataFrame,
    policies: CompiledPolicies,
    now: dt.datetime,
    campaign_id: str,
) -> list[NextCall]:
    ids = batch["customer_id"].to_list()
    profiles = load_profiles(now, None, ids, engine=engine).collect()
    phone = (
        evaluate_channels(profiles.lazy(), policies, now)
        .filter(pl.col("channel") == "phone")
        .collect()
    )
    open_now = {
        row["customer_id"]: row["next_window_end"]
        for row in phone.iter_rows(named=True)
        if row["contactable"]
        and row["next_window_start"] is not None
        and row["next_window_start"] <= now < row["next_window_end"]
    }
    return [
        NextCall(
            customer_id=row["customer_id"],
            offer_id=row.get("offer_id") or None,
            line_id=row.get("line_id") or None,
            campaign_id=campaign_id,
            window_end=open_now[row["customer_id"]],
            profile=profiles.filter(pl.col("customer_id") == row["customer_id"]).head(1),
        )
        for row in batch.iter_rows(named=True)
        if row["customer_id"] in open_now
    ]
