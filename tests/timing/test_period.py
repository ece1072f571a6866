"""The abandonment period across days: the pacer starts from the calls the store already holds
for the policy's period (``goodcall.timing.period``), so the period's rate stays under the
limit, not each day's alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.store.config import engine_for
from goodcall.store.importer import import_directory
from goodcall.store.outcomes import AnsweredCalls
from goodcall.store.tables import SQL_TABLES
from goodcall.timing.calls import Agent, CallToDial, Settings, hourly_answers, lognormal_talks
from goodcall.timing.figures import day_figures
from goodcall.timing.pacing import AdaptivePacer
from goodcall.timing.period import period_so_far
from goodcall.timing.simulation import simulate_day
from tests.store.conftest import write_dir

DAY = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
CUSTOMER = "C-SEED-0001"


def _contact(n: int, days_ago: float, outcome: str, **more: object) -> dict[str, object]:
    row: dict[str, object] = {
        "contact_id": f"K-P-{n:05d}", "customer_id": CUSTOMER,
        "at": DAY - dt.timedelta(days=days_ago), "channel": "phone", "campaign_id": "PAST",
        "offer_id": None, "group": "treatment", "outcome": outcome, "converted": False,
        "silence_seconds": None, "agent_id": None,
    }  # fmt: skip
    return row | more


def _at_the_limit() -> list[dict[str, object]]:
    """Over the last 29 days, 1,000 calls a person answered and 30 of them abandoned (3 %): 20
    dropped by the dialler, 10 answered by an agent only after 2 s of silence. Around them,
    calls that do not count: no answer, voicemail, a text, a control, one 31 days ago."""
    rows = []
    for n in range(1000):
        days = 29 * (n + 1) / 1000
        if n % 50 == 0:
            rows.append(_contact(n, days, "abandoned", silence_seconds=2.0))
        elif n % 100 == 1:
            rows.append(_contact(n, days, "declined", silence_seconds=6.5, agent_id="A-1"))
        else:
            rows.append(_contact(n, days, "accepted", silence_seconds=0.4, agent_id="A-1"))
    rows += [
        _contact(2000, 1, "no_answer"),
        _contact(2001, 1, "voicemail"),
        _contact(2002, 1, "abandoned", channel="sms"),
        _contact(2003, 1, "not_contacted", group="control"),
        _contact(2004, 31, "abandoned", silence_seconds=2.0, campaign_id="OLDER"),
        _contact(2005, 0.2, "abandoned", silence_seconds=2.0, campaign_id="TODAY"),
    ]
    return rows


def store_at_the_limit(root: Path, url: str | None = None) -> str:
    """A store of the seed customer whose contacts are :func:`_at_the_limit`'s (its URL; a new
    SQLite file in ``root`` unless ``url`` names an empty store)."""
    url = url or f"sqlite:///{root / 'store.db'}"
    assert import_directory(write_dir(seed_customer_tables(), root / "in"), url).landed
    _, engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(sa.delete(SQL_TABLES["contacts"]))
        connection.execute(sa.insert(SQL_TABLES["contacts"]), _at_the_limit())
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> sa.Engine:
    return engine_for(store_at_the_limit(tmp_path_factory.mktemp("period")))[1]


def test_the_period_so_far_is_read_from_the_stored_contacts(store: sa.Engine) -> None:
    def read(period: str, campaign: str | None = None) -> AnsweredCalls:
        found = period_so_far(store, period, DAY, agent_within_seconds=2.0, campaign_id=campaign)  # type: ignore[arg-type]
        return found.calls

    assert read("30 days") == AnsweredCalls(1001, 31)  # the 29 days and this morning's
    assert read("month") == AnsweredCalls(675 + 1, 21 + 1)  # since 1 November: 19.6 days
    assert read("day") == AnsweredCalls(20 + 1, 2 + 1)  # since midnight: 14 hours
    assert read("campaign", "OLDER") == AnsweredCalls(1, 1)  # the campaign's, at any age
    assert read("campaign", "PAST") == AnsweredCalls(1000, 30)
    assert read("campaign") == AnsweredCalls(0, 0)  # no campaign named: nothing to count
    late = period_so_far(store, "30 days", DAY, agent_within_seconds=7.0, campaign_id=None)
    assert late.calls == AnsweredCalls(1001, 21)  # 6.5 s of silence is no longer abandoned


def test_postgresql_counts_the_period_as_sqlite_does(store_url: str, tmp_path: Path) -> None:
    _, engine = engine_for(store_at_the_limit(tmp_path, store_url))
    try:
        found = [
            period_so_far(engine, period, DAY, agent_within_seconds=2.0, campaign_id="PAST").calls
            for period in ("30 days", "month", "day", "campaign")
        ]
    finally:
        engine.dispose()
    assert found == [
        AnsweredCalls(1001, 31),
        AnsweredCalls(676, 22),
        AnsweredCalls(21, 3),
        AnsweredCalls(1000, 30),
    ]


TEAM = [Agent(f"A{i}", frozenset({"fr"})) for i in range(10)]
CALLS = [CallToDial(f"C{i:05d}", "fr") for i in range(4000)]
ANSWERS = hourly_answers([0.35, 0.2], machine=0.15)
TALK = lognormal_talks(160.0)


def _day(period: AnsweredCalls, seed: int) -> tuple[int, int, float]:
    pacer = AdaptivePacer(limit=0.03, answer_rate=0.35, handle_seconds=160.0,
                          period_live=period.live, period_abandoned=period.abandoned)  # fmt: skip
    settings = Settings(mode="predictive", day_seconds=2 * 3600)
    figures = day_figures(simulate_day(TEAM, CALLS, ANSWERS, TALK, settings, pacer, seed=seed))
    return figures.live, figures.abandoned, round(figures.mean_level, 3)


def test_a_period_at_the_limit_makes_the_controller_dial_conservatively(
    store: sa.Engine,
) -> None:
    """The same seeded day: from an empty period the controller abandons calls (within 3 %);
        starting from a store whose last 29 days are at the limit, it keeps to about one line per
        free agent and abandons none (the budget owes what 60 % of the limit would have spared), and
    the period's rate stays under the limit."""
    so_far = period_so_far(store, "30 days", DAY, agent_within_seconds=2.0, campaign_id="X")
    assert so_far.calls == AnsweredCalls(1001, 31)
    fresh = _day(AnsweredCalls(0, 0), seed=4)
    primed = _day(so_far.calls, seed=4)
    assert fresh == (363, 3, 1.622)  # 1.6 lines per free agent, 0.8 % abandoned
    assert primed == (317, 0, 1.0)  # the budget owes 12 calls: one line per free agent all day
    live, abandoned, _ = primed
    assert (31 + abandoned) / (1001 + live) <= 0.03
