"""The call-centre simulation: against Erlang C and A where they apply, and its guarantees.

Tolerances: the inbound twin runs 300 simulated hours (about 24,000 arrivals at 8 Erlangs); the
sampling error of a share near 0.4 is then about ±0.01 (one standard error ≈ 0.003 counting the
queue's autocorrelation loosely), so shares are checked within 0.03 and the mean wait within 12 %.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from goodcall.timing.calls import (
    Agent,
    CallRecord,
    CallToDial,
    Chances,
    Conversation,
    Mode,
    Settings,
    Talk,
    hourly_answers,
    lognormal_talks,
)
from goodcall.timing.erlang import erlang_a, erlang_a_service_level, erlang_c_figures
from goodcall.timing.figures import day_figures
from goodcall.timing.inbound import simulate_inbound
from goodcall.timing.pacing import AdaptivePacer, FixedRatioPacer
from goodcall.timing.simulation import simulate_day


def test_the_inbound_twin_agrees_with_erlang_c() -> None:
    sim = simulate_inbound(10, 8 / 180, 180.0, hours=300, seed=3)
    exact = erlang_c_figures(10, 8 / 180, 180.0, 20.0)
    assert sim.wait_probability == pytest.approx(exact.wait_probability, abs=0.03)
    assert sim.service_level == pytest.approx(exact.service_level, abs=0.03)
    assert sim.average_wait == pytest.approx(exact.average_speed_of_answer, rel=0.12)
    assert sim.occupancy == pytest.approx(exact.occupancy, abs=0.02)
    assert sim.abandon_probability == 0.0


@pytest.mark.parametrize(("servers", "load", "patience"), [(10, 8.0, 60.0), (5, 5.5, 10.0)])
def test_the_inbound_twin_agrees_with_erlang_a(servers: int, load: float, patience: float) -> None:
    sim = simulate_inbound(servers, load / 180, 180.0, patience, hours=300, seed=5)
    exact = erlang_a(servers, load / 180, 180.0, patience)
    level = erlang_a_service_level(servers, load / 180, 180.0, patience, 20.0)
    assert sim.service_level == pytest.approx(level, abs=0.03)
    assert sim.wait_probability == pytest.approx(exact.wait_probability, abs=0.03)
    assert sim.abandon_probability == pytest.approx(exact.abandon_probability, abs=0.02)
    assert sim.average_wait == pytest.approx(exact.average_wait, rel=0.12)
    assert sim.occupancy == pytest.approx(exact.occupancy, abs=0.02)


@pytest.mark.slow
def test_a_long_inbound_run_agrees_with_erlang_a_closely() -> None:
    sim = simulate_inbound(20, 18 / 180, 180.0, 30.0, hours=2000, seed=11)
    exact = erlang_a(20, 18 / 180, 180.0, 30.0)
    assert sim.wait_probability == pytest.approx(exact.wait_probability, abs=0.01)
    assert sim.abandon_probability == pytest.approx(exact.abandon_probability, abs=0.005)


TEAM = [Agent(f"A{i}", frozenset({"fr"})) for i in range(6)]
ANSWERS = hourly_answers([0.3, 0.15, 0.4], machine=0.15)
TALK = lognormal_talks(150.0)


def _calls(count: int = 3000) -> list[CallToDial]:
    return [CallToDial(f"C{i:05d}", "fr") for i in range(count)]


def test_preview_never_abandons_even_with_impatient_customers() -> None:
    settings = Settings(mode="preview", day_seconds=3 * 3600, patience_seconds=0.5)
    day = simulate_day(TEAM, _calls(), ANSWERS, TALK, settings, seed=1)
    f = day_figures(day)
    assert f.live > 100 and f.abandoned == 0 and f.silence_max == 0.0


def test_progressive_leaves_nobody_without_an_agent() -> None:
    settings = Settings(mode="progressive", day_seconds=3 * 3600)
    f = day_figures(simulate_day(TEAM, _calls(), ANSWERS, TALK, settings, seed=2))
    assert f.live > 100 and f.abandoned == 0 and f.silence_max == pytest.approx(0.3)


def test_a_day_is_deterministic_for_its_seed() -> None:
    settings = Settings(mode="predictive", day_seconds=2 * 3600)
    first = simulate_day(TEAM, _calls(), ANSWERS, TALK, settings, FixedRatioPacer(2.5), seed=4)
    again = simulate_day(TEAM, _calls(), ANSWERS, TALK, settings, FixedRatioPacer(2.5), seed=4)
    assert first.records == again.records and len(first.records) > 200


def test_an_overdialling_dialler_drops_at_the_limit_or_leaves_silence() -> None:
    """At 4 lines per agent calls are abandoned; with the drop at 2 s nobody hears more than
    2 s of silence; kept on the line (the seed's dialler), customers wait until they hang up."""
    drop = Settings(mode="predictive", day_seconds=2 * 3600, patience_seconds=12.0)
    hold = Settings(
        mode="predictive", day_seconds=2 * 3600, patience_seconds=12.0, drop_at_limit=False
    )
    dropped = day_figures(simulate_day(TEAM, _calls(), ANSWERS, TALK, drop, FixedRatioPacer(4), 6))
    held = day_figures(simulate_day(TEAM, _calls(), ANSWERS, TALK, hold, FixedRatioPacer(4), 6))
    assert dropped.abandonment > 0.05 and dropped.silence_max == 2.0
    assert held.abandonment > 0.05 and held.silence_max > 8.0


@pytest.mark.parametrize("seed", [10, 11, 12, 13])
def test_the_controller_never_breaches_the_limit_on_seeded_days(seed: int) -> None:
    team = [Agent(f"A{i}", frozenset({"fr"})) for i in range(10)]
    answers = hourly_answers([0.35, 0.2, 0.12, 0.3], machine=0.15)
    settings = Settings(mode="predictive", day_seconds=4 * 3600)
    pacer = AdaptivePacer(limit=0.03, answer_rate=0.35, handle_seconds=160.0)
    day = simulate_day(team, _calls(8000), answers, TALK, settings, pacer, seed=seed)
    f = day_figures(day)
    progressive = day_figures(
        simulate_day(
            team, _calls(8000), answers, TALK, Settings("progressive", 4 * 3600), seed=seed
        )
    )
    assert f.live > 500 and f.abandonment <= 0.03
    assert f.occupancy > progressive.occupancy + 0.05  # and it is worth it


def _refusing_talk(customer: str) -> Conversation:
    def talk(call: CallToDial, at: float, right_party: bool, rng: random.Random) -> Talk:
        return Talk(60.0, "do_not_call", do_not_call=call.customer_id == customer)

    return talk


@pytest.mark.parametrize("mode", ["preview", "progressive", "predictive"])
def test_a_do_not_call_removes_every_later_attempt(mode: Mode) -> None:
    """Customer C00000 asks not to be called at their first conversation: of their five
    attempts in the day, none is dialled after it; others are (no stop after a contact here)."""
    calls = [
        CallToDial(f"C{i:05d}", "fr", earliest=600.0 * attempt, attempt=attempt + 1)
        for attempt in range(5)
        for i in range(40)
    ]
    always = hourly_answers([1.0], machine=0.0)
    settings = Settings(mode=mode, day_seconds=3600.0, stop_after_contact=False)
    day = simulate_day(TEAM, calls, always, _refusing_talk("C00000"), settings, seed=1)
    mine = [r for r in day.records if r.customer_id == "C00000"]
    assert [r.do_not_call for r in mine] == [True]
    assert day.undialled.get("removed", 0) >= 4
    assert sum(1 for r in day.records if r.customer_id == "C00001") > 1


def _first_attempts_unanswered(call: CallToDial, _at: float) -> Chances:
    """Nobody answers attempt 1 (a machine for C00001's), a person every later attempt."""
    if call.attempt > 1:
        return Chances(1.0)
    return Chances(0.0, 1.0 if call.customer_id == "C00001" else 0.0)


def _retry_after(seconds: float, asked: list[tuple[str, int, float]]) -> Any:
    def retry(missed: Sequence[tuple[CallToDial, CallRecord]], now: float) -> list[CallToDial]:
        asked.extend((call.customer_id, record.attempt, now) for call, record in missed)
        return [
            CallToDial(call.customer_id, call.language, now + seconds, now + seconds + 600.0,
                       call.attempt + 1)
            for call, _ in missed
        ]  # fmt: skip

    return retry


@pytest.mark.parametrize("mode", ["preview", "progressive", "predictive"])
def test_a_call_nobody_answered_is_retried_as_the_rule_says(mode: Mode) -> None:
    """The rule is asked for the unanswered calls (nobody, or a machine) at its next look
    (every 5 minutes); its attempts are dialled no earlier than it says, and reached."""
    calls = [CallToDial("C00000", "fr"), CallToDial("C00001", "fr")]
    asked: list[tuple[str, int, float]] = []
    settings = Settings(mode=mode, day_seconds=3600.0)
    day = simulate_day(TEAM, calls, _first_attempts_unanswered, TALK, settings, seed=2,
                       retry=_retry_after(900.0, asked))  # fmt: skip
    assert day.retries == 2
    assert sorted((c, a) for c, a, _ in asked) == [("C00000", 1), ("C00001", 1)]
    ended = {customer: now for customer, _, now in asked}
    assert set(ended.values()) == {300.0}
    again = {r.customer_id: r for r in day.records if r.attempt == 2}
    assert sorted(again) == ["C00000", "C00001"]
    assert all(r.dialled_at >= ended[c] + 900.0 and r.right_party for c, r in again.items())
    assert [r.machine for r in day.records if r.attempt == 1] == [False, True]


@pytest.mark.parametrize("mode", ["preview", "progressive", "predictive"])
def test_a_do_not_call_removes_the_retries_already_planned(mode: Mode) -> None:
    """C00000's first call goes unanswered and a retry is planned for 30 minutes later; their
    second listed call, 10 minutes in, reaches them and they ask not to be called: the planned
    retry is never dialled (removed), and no retry follows the conversation."""
    calls = [CallToDial("C00000", "fr"), CallToDial("C00000", "fr", 600.0, 1200.0, attempt=5)]
    asked: list[tuple[str, int, float]] = []
    settings = Settings(mode=mode, day_seconds=3 * 3600.0, stop_after_contact=False)
    day = simulate_day(TEAM, calls, _first_attempts_unanswered, _refusing_talk("C00000"),
                       settings, seed=3, retry=_retry_after(1800.0, asked))  # fmt: skip
    assert [(r.attempt, r.do_not_call) for r in day.records] == [(1, False), (5, True)]
    assert (day.retries, day.undialled) == (1, {"removed": 1})


def test_each_language_is_paced_for_its_own_agents() -> None:
    """Three French agents free and one English one, English calls only: one line per free
    agent rings one English line at a time, never one for the French agents it cannot use."""
    team = [Agent(f"F{i}", frozenset({"fr"})) for i in range(3)] + [
        Agent("E0", frozenset({"en"})),
        Agent("B0", frozenset({"fr", "en"})),
    ]
    calls = [CallToDial(f"C{i:04d}", "en") for i in range(2000)]
    settings = Settings(mode="predictive", day_seconds=2 * 3600)
    day = simulate_day(team, calls, ANSWERS, TALK, settings, FixedRatioPacer(1.0), seed=8)
    talked = {r.agent_id for r in day.records if r.agent_id is not None}
    assert talked == {"E0", "B0"}
    assert day_figures(day).abandoned == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bilingual_agents_and_staggered_shifts(seed: int) -> None:
    """French agents leave at 3 h, English ones come at 1 h, three bilingual from 30 min:
    progressive dialling still never leaves anyone without an agent (no line is counted for
    two pools), and the controller stays under the limit."""
    team = (
        [Agent(f"F{i}", frozenset({"fr"}), 0, 3 * 3600) for i in range(4)]
        + [Agent(f"E{i}", frozenset({"en"}), 3600, 4 * 3600) for i in range(5)]
        + [Agent(f"B{i}", frozenset({"fr", "en"}), 1800, 4 * 3600) for i in range(3)]
    )
    calls = [CallToDial(f"C{i:05d}", "fr" if i % 3 == 0 else "en") for i in range(9000)]
    answers = hourly_answers([0.35, 0.15, 0.25, 0.4])
    steady = simulate_day(team, calls, answers, TALK, Settings("progressive", 4 * 3600), seed=seed)
    assert day_figures(steady).abandoned == 0
    pacer = AdaptivePacer(answer_rate=0.35, handle_seconds=160.0)
    paced = simulate_day(team, calls, answers, TALK, Settings("predictive", 4 * 3600), pacer, seed)
    f = day_figures(paced)
    assert f.abandonment <= 0.03 and f.occupancy > day_figures(steady).occupancy
    speaks = {"F": "fr", "E": "en"}
    for record in paced.records:
        if record.agent_id is not None and record.agent_id[0] in speaks:
            assert record.language == speaks[record.agent_id[0]]


def test_a_shift_outside_the_day_logs_nobody_in() -> None:
    team = [*TEAM[:2], Agent("late", frozenset({"fr"}), 5 * 3600, 6 * 3600)]
    settings = Settings(mode="progressive", day_seconds=3600.0)
    day = simulate_day(team, _calls(500), ANSWERS, TALK, settings, seed=3)
    without = simulate_day(TEAM[:2], _calls(500), ANSWERS, TALK, settings, seed=3)
    assert day.records == without.records
    assert day.logged_in_seconds == without.logged_in_seconds  # the last calls' overtime too


def test_a_preview_agent_does_not_take_a_call_it_cannot_dial_in_time() -> None:
    """The brief takes 20 s to read: a call closing in 15 s expires, one closing in 25 s is
    dialled at 20 s."""
    calls = [CallToDial("C1", "fr", 0.0, 15.0), CallToDial("C2", "fr", 0.0, 25.0)]
    settings = Settings(mode="preview", day_seconds=600.0)
    day = simulate_day(TEAM[:1], calls, ANSWERS, TALK, settings, seed=1)
    assert [(r.customer_id, r.dialled_at) for r in day.records] == [("C2", 20.0)]
    assert day.undialled == {"expired": 1}
