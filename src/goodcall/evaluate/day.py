"""``goodcall simulate day``: one campaign day on the synthetic carrier, end to end.

The campaign's call list (``campaign run``'s ``call_list.parquet``, its local hours from
``decisions.parquet``) is worked by the call-centre simulation (``goodcall.timing``): a team of
simulated agents, French and English, in the dialling mode the policy file sets (or
``--mode``). The world is the synthetic carrier's truth (``goodcall.truth``): a person answers a
call with the truth's reach at the customer's local hour, a machine takes half of the rest (as
the truth's own draws say), and a reached customer accepts, declines, complains or asks not to be
called again as :func:`goodcall.truth.response.simulate` draws it given they were reached.

Every dialled call is recorded in the store's ``contacts`` table by the code the service's
outcome endpoint records with (:func:`goodcall.store.outcomes.record_outcome`, one idempotency
key per call and day seed: running the same day twice records it once), a do-not-call request
also on the internal list (:func:`goodcall.store.outcomes.record_do_not_call`), so ``models
train`` and the campaign report read them. An abandoned call (a hello, no agent in time) is
recorded as ``abandoned`` with its ``silence_seconds`` (schema 0007; ``no_answer`` before).

A call is dialled in its planned slot: from its planned moment for :data:`SLOT_MINUTES`, cut to
the window the call list gives it (``window_start``/``window_end``, UTC: the legal hours ∩ the
customer's stated hours), so no call is dialled outside its window. Not until the window's end:
the truth's reach is drawn at the planned hour, and the campaign filled each slot to its
capacity. A call list written before the window columns keeps the bare slot.

The dialling mode is ``--mode``, else the call list's ``dialling_mode`` (the campaign's setting,
which already fell back to the policy file's), else the policy file's ``dialling.default_mode``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from goodcall.evaluate.day_retry import DayRetries
from goodcall.evaluate.synthetic import truth_pairs
from goodcall.policy.model import Policies
from goodcall.policy.resolve import compile_policies
from goodcall.store.outcomes import (
    KeyReusedError,
    Outcome,
    record_do_not_call,
    record_outcome,
)
from goodcall.store.reader import load_profiles
from goodcall.timing.calls import (
    MODES,
    Agent,
    CallRecord,
    CallToDial,
    Chances,
    Mode,
    Settings,
    Talk,
    lognormal_talks,
)
from goodcall.timing.figures import DayFigures, day_figures
from goodcall.timing.pacing import AdaptivePacer
from goodcall.timing.period import PeriodSoFar, period_so_far
from goodcall.timing.simulation import simulate_day
from goodcall.truth.response import ResponseTruth, simulate

SLOT_MINUTES = 30
HASHED_AS = {"abandoned": "no_answer"}
"""The name an outcome has in a simulated call's request hash: what it was recorded as before
schema 0007 (which renamed those rows ``abandoned``), so a day recorded then replays, not
refused as another outcome under the same key. Nothing is lost: an abandoned call has a silence
after the hello, a no-answer none."""
USER_ID = "simulated-dialler"
c = pl.col


class DayError(ValueError):
    """The campaign folder cannot be simulated (missing files, no phone call)."""


@dataclass(frozen=True)
class DayReport:
    campaign_id: str
    mode: Mode
    mode_from: str
    """Where the mode came from: ``option`` (``--mode``), ``campaign`` (the call list's
    ``dialling_mode``) or ``policy`` (the policy file's ``dialling.default_mode``)."""
    agents: int
    calls: int
    figures: DayFigures
    conversions: int
    annoyances: int
    """Complaints and do-not-call requests of reached customers, plus abandoned calls."""
    outcomes: dict[str, int]
    undialled: dict[str, int]
    """Calls of the list never dialled: ``expired`` (their slot ended first: more calls in a
    slot than the team could dial), ``removed`` (the customer was reached or asked not to be
    called)."""
    recorded: int
    replayed: int
    retries: dict[str, int]
    """Attempts the day added after a no-answer or voicemail: ``planned`` (put on the list),
    ``dialled``, ``reached`` (right-party contacts among them)."""
    period: PeriodSoFar
    """The abandonment period's calls before the day, which the pacer's budget started from."""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["figures"] = self.figures.as_dict()
        out["period"] = self.period.as_dict()
        live = self.period.calls.live + self.figures.live
        dropped = self.period.calls.abandoned + self.figures.abandoned
        out["period"]["with_the_day"] = {
            "live": live,
            "abandoned": dropped,
            "abandonment": round(dropped / live, 4) if live else 0.0,
        }
        return out


def phone_calls(campaign: Path) -> tuple[str, dt.datetime, pl.DataFrame]:
    """The campaign's id, decision time and phone calls with their local hour."""
    files = [campaign / n for n in ("call_list.parquet", "decisions.parquet", "plan.json")]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise DayError(f"{campaign}: not a campaign folder of `campaign run` (missing {missing})")
    plan = json.loads(files[2].read_text(encoding="utf-8"))
    decided = dt.datetime.fromisoformat(str(plan["decided_at"]).replace("Z", "+00:00"))
    hours = pl.read_parquet(
        files[1], columns=["customer_id", "channel", "planned_at", "local_hour"]
    )
    calls = (
        pl.read_parquet(files[0])
        .filter(c("channel") == "phone")
        .join(hours, on=["customer_id", "channel", "planned_at"], how="left")
        .sort("planned_at", "customer_id")
    )
    if calls.height == 0:
        raise DayError(f"{campaign}: the call list holds no phone call to dial")
    return str(plan["config"]["campaign_id"]), decided, calls


def calls_to_dial(calls: pl.DataFrame, start: dt.datetime) -> list[CallToDial]:
    """Each phone call as the dialler may place it (seconds from ``start``): its planned slot
    ∩ its window when the list has one."""
    slot = dt.timedelta(minutes=SLOT_MINUTES)
    windowed = {"window_start", "window_end"} <= set(calls.columns)
    out = []
    for row in calls.iter_rows(named=True):
        earliest, latest = row["planned_at"], row["planned_at"] + slot
        if windowed and row["window_start"] is not None and row["window_end"] is not None:
            earliest, latest = max(earliest, row["window_start"]), min(latest, row["window_end"])
        seconds = ((t - start).total_seconds() for t in (earliest, latest))
        out.append(CallToDial(row["customer_id"], row["language"][:2], *seconds))
    return out


def campaign_mode(campaign: Path, calls: pl.DataFrame) -> Mode | None:
    """The call list's ``dialling_mode`` (one per campaign), None when the list has none."""
    if "dialling_mode" not in calls.columns:
        return None
    modes = sorted(set(calls["dialling_mode"].drop_nulls()))
    if not modes:
        return None
    if len(modes) > 1 or modes[0] not in MODES:
        raise DayError(
            f"{campaign / 'call_list.parquet'}: column dialling_mode holds {modes}: expected "
            f"one of {', '.join(MODES)}, the same on every phone call (or give --mode)"
        )
    mode: Mode = modes[0]
    return mode


def before_the_day(profiles: pl.LazyFrame, start: dt.datetime) -> pl.DataFrame:
    """The profiles without the contacts recorded from the day's first moment on: a day that
    starts at the decision time finds its own calls (and a same day's run with another seed)
    in a profile as of that moment — re-running it must see the same history."""
    early = pl.element().struct.field("at") < start
    return profiles.with_columns(c("contact_history").list.filter(early)).collect()


def reach_by_hour(
    calls: pl.DataFrame, profiles: pl.DataFrame, truth_seed: int
) -> dict[tuple[str, int], float]:
    """The truth's reach of each call's customer at every local hour (a retry is answered as
    the customer answers at its own hour, not the first call's)."""
    items = (
        calls.select("customer_id", "offer_id", "channel", "planned_at")
        .unique("customer_id", keep="first", maintain_order=True)
        .join(pl.DataFrame({"local_hour": list(range(24))}), how="cross")
    )
    reach = ResponseTruth(truth_seed).probabilities(truth_pairs(items, profiles))["p_reach"]
    keys = zip(items["customer_id"], items["local_hour"], strict=True)
    return dict(zip(keys, reach.to_list(), strict=True))


def truth_of_calls(
    calls: pl.DataFrame, profiles: pl.DataFrame, truth_seed: int, seed: int
) -> pl.DataFrame:
    """Each call with the truth's reach at its local hour and the outcome drawn as if reached."""
    items = calls.select("customer_id", "offer_id", "channel", "planned_at", "local_hour")
    pairs = truth_pairs(items, profiles)
    probabilities = ResponseTruth(truth_seed).probabilities(pairs)
    reached = simulate(probabilities.with_columns(pl.lit(1.0).alias("p_reach")), seed)
    return calls.with_columns(
        probabilities["p_reach"].alias("p_reach"), reached["outcome"].alias("if_reached")
    )


def team(agents: int, calls: pl.DataFrame, start: float, end: float) -> list[Agent]:
    """``agents`` agents split between French and English as the calls are; one in four of the
    French speakers also speaks English."""
    speakers = calls["language"].str.starts_with("fr")
    french_share = speakers.sum() / max(1, speakers.len())
    french = min(agents, math.ceil(agents * french_share))
    out = []
    for i in range(agents):
        languages = {"fr", "en"} if i < french and i % 4 == 3 else {"fr" if i < french else "en"}
        out.append(Agent(f"SIM-A{i:03d}", frozenset(languages), start, end))
    return out


def _outcome(
    record: CallRecord, row: dict[str, Any], campaign: str, start: dt.datetime, day: str
) -> Outcome:
    at = start + dt.timedelta(seconds=record.dialled_at)
    if record.result in ("accepted", "declined", "complaint", "dnc_request"):
        outcome = record.result
    elif record.outcome == "abandoned":
        outcome = "abandoned"
    else:
        outcome = "voicemail" if record.machine else "no_answer"
    key = f"SIM-{campaign}-{day}-{record.customer_id}-{record.attempt}"
    content = json.dumps(
        [key, HASHED_AS.get(outcome, outcome), record.silence, record.agent_id, at.isoformat()]
    )
    return Outcome(
        request_key=key,
        request_hash=hashlib.sha256(f"{USER_ID}\n{content}".encode()).hexdigest(),
        contact_id="K-SIM-" + hashlib.sha256(key.encode()).hexdigest()[:20],
        customer_id=record.customer_id,
        at=at,
        channel="phone",
        campaign_id=campaign,
        offer_id=row["offer_id"],
        outcome=outcome,
        converted=outcome == "accepted",
        silence_seconds=record.silence,
        agent_id=record.agent_id,
        user_id=USER_ID,
        callback_at=None,
    )


def run_day(
    engine: sa.Engine,
    campaign: Path,
    *,
    agents: int,
    policies: Policies,
    handle_seconds: float = 240.0,
    mode: Mode | None = None,
    truth_seed: int = 7,
    seed: int = 0,
    record: bool = True,
    retry: bool = True,
) -> DayReport:
    """Work the campaign's phone calls for one simulated day and record what happened, in
    ``mode``, else the call list's, else the policy file's ``dialling.default_mode``; the
    pacer's budget starts from the policy's abandonment period so far; with ``retry``, a call
    nobody answered is tried again later in the day (:mod:`goodcall.evaluate.day_retry`)."""
    dialling = policies.dialling
    campaign_id, decided, calls = phone_calls(campaign)
    listed = campaign_mode(campaign, calls)
    if mode is not None:
        mode_from = "option"
    elif listed is not None:
        mode, mode_from = listed, "campaign"
    else:
        mode, mode_from = dialling.default_mode, "policy"
    start = calls["planned_at"].min()
    assert isinstance(start, dt.datetime)
    profiles = before_the_day(
        load_profiles(decided, engine=engine, customer_ids=calls["customer_id"].to_list()),
        start,
    )
    calls = truth_of_calls(calls, profiles, truth_seed, seed)
    so_far = period_so_far(
        engine,
        dialling.abandonment_period,
        start,
        agent_within_seconds=dialling.agent_within_seconds,
        campaign_id=campaign_id,
    )
    rows = {r["customer_id"]: r for r in calls.iter_rows(named=True)}
    to_dial = calls_to_dial(calls, start)
    day_end = max(call.latest for call in to_dial) + 3600.0

    offers = {r["customer_id"]: r["offer_id"] for r in rows.values()}
    slot = dt.timedelta(minutes=SLOT_MINUTES)
    retries = DayRetries(
        profiles, offers, compile_policies(policies), start, day_end, slot, campaign_id
    )
    hourly = reach_by_hour(calls, profiles, truth_seed) if retry else {}

    def answers(call: CallToDial, _at: float) -> Chances:
        hour = retries.local_hours.get((call.customer_id, call.attempt))
        if hour is None:  # a listed call: the truth's reach at its planned hour
            reach = float(rows[call.customer_id]["p_reach"])
        else:
            reach = hourly[call.customer_id, hour]
        return Chances(reach, (1.0 - reach) / 2, 1.0)

    timing = lognormal_talks(handle_seconds)

    def talk(call: CallToDial, at: float, right_party: bool, rng: Any) -> Talk:
        said = str(rows[call.customer_id]["if_reached"])
        return Talk(timing(call, at, right_party, rng).handle_seconds, said, said == "dnc_request")

    settings = Settings(
        mode=mode, day_seconds=day_end, abandon_seconds=dialling.agent_within_seconds
    )
    pacer = AdaptivePacer(
        limit=dialling.abandonment_limit,
        handle_seconds=handle_seconds,
        period_live=so_far.calls.live,
        period_abandoned=so_far.calls.abandoned,
    )
    day = simulate_day(
        team(agents, calls, 0.0, day_end),
        to_dial,
        answers,
        talk,
        settings,
        pacer,
        seed,
        retries if retry else None,
    )
    recorded = replayed = 0
    outcomes: dict[str, int] = {}
    name = f"{mode}-{agents}-{seed}"
    for call in day.records:
        outcome = _outcome(call, rows[call.customer_id], campaign_id, start, name)
        outcomes[outcome.outcome] = outcomes.get(outcome.outcome, 0) + 1
        if not record:
            continue
        try:
            done = record_outcome(engine, outcome)
        except KeyReusedError:
            raise DayError(
                f"the day {name} of {campaign_id} was recorded before with other settings "
                "(handle time, truth seed); give another --seed"
            ) from None
        replayed += done.replayed
        recorded += not done.replayed
        if call.do_not_call:
            record_do_not_call(engine, call.customer_id, outcome.at, "phone")
    figures = day_figures(day)
    upset = outcomes.get("complaint", 0) + outcomes.get("dnc_request", 0)
    again = [r for r in day.records if r.attempt > 1]
    tried = {"planned": day.retries, "dialled": len(again)}
    tried["reached"] = sum(1 for r in again if r.right_party and r.outcome == "talked")
    return DayReport(
        campaign_id,
        mode,
        mode_from,
        agents,
        len(to_dial),
        figures,
        outcomes.get("accepted", 0),
        upset + figures.abandoned,
        outcomes,
        dict(day.undialled),
        recorded,
        replayed,
        tried,
        so_far,
    )
