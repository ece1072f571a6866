"""A campaign's ``staffing`` block: agents and handle times in, each pool's capacities out.

Exact figures per dialling mode for a small block (preview and progressive from the expected
agent seconds per dialled call, predictive from a seeded simulated hour with the adaptive pacer);
the arbitration given the derived pools never plans more calls in an hour than a pool's derived
capacity. Bad inputs tried: a misspelt key (with the key meant), a reversed shift, a pool that is
not a language, a pool with both hours and shifts, an hour outside 0–23, a pool both staffed and
given explicit capacities, a negative handle time, an unknown time zone, an hourly table without
its zone; any block Hypothesis generates loads or is refused with located problems (never a
crash). Property: more agents never make fewer calls, preview never more than progressive.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import typer
import yaml
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.campaign.settings import load_campaign_settings, parse_campaign_settings
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.yamlsource import SourceError, read_yaml
from goodcall.decide import AgentPool
from goodcall.decide.plan import arbitrate, positive_items
from goodcall.policy.model import Dialling as DiallingRules
from goodcall.timing.capacity import Dialling, agent_seconds_per_call, calls_per_hour
from tests.audit.conftest import store_url  # noqa: F401 (the fixture)
from tests.decide.test_capacity import items, plan
from tests.decide.world import AT

CATALOG = load_catalog()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "campaign-staffing.yaml"
BLOCK = """
staffing:
  answer_rate: 0.25
  pools:
    fr:
      handle_seconds: 240
      shifts:
        - {start: 9, end: 17, agents: 6}
        - {start: 12, end: 20, agents: 1}
    en:
      handle_seconds: 240
      agents_by_hour: {9: 1, 10: 1}
"""


def load(tmp_path: Path, text: str, rules: DiallingRules | None = None) -> dict[str, AgentPool]:
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    return load_campaign_settings(path, dialling=rules).agent_pools or {}


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SourceError) as err:
        load(tmp_path, text)
    return [str(p).removeprefix(f"{tmp_path / 'campaign.yaml'}:") for p in err.value.problems]


def test_agent_seconds_per_call_follow_the_simulation_timings() -> None:
    # 0.25 live × (10 s ring + 0.9 × 240 + 0.1 × 20 wrong party + 10 s wrap-up)
    # + 0.15 machine × (10 s ring + 3 s detection) + 0.6 nobody × 25 s timeout
    progressive = Dialling("progressive", 240.0)
    assert agent_seconds_per_call(progressive, progressive.scenario(1)) == pytest.approx(76.45)
    preview = Dialling("preview", 240.0)
    assert agent_seconds_per_call(preview, preview.scenario(1)) == pytest.approx(96.45)
    assert calls_per_hour(0, progressive) == 0


@pytest.mark.parametrize(
    ("mode", "fr", "en"),
    [
        # 6 agents 9–12, 7 agents 12–17, 1 agent 17–20; 1 English agent 9–11
        ("preview", AgentPool(calls_per_day=3 * 223 + 5 * 261 + 3 * 37, calls_per_hour=37),
         AgentPool(calls_per_day=74, calls_per_hour=37)),
        ("progressive", AgentPool(calls_per_day=3 * 282 + 5 * 329 + 3 * 47, calls_per_hour=47),
         AgentPool(calls_per_day=94, calls_per_hour=47)),
        ("predictive", AgentPool(calls_per_day=3 * 301 + 5 * 344 + 3 * 53, calls_per_hour=53),
         AgentPool(calls_per_day=106, calls_per_hour=53)),
    ],
)  # fmt: skip
def test_exact_capacities_per_mode(tmp_path: Path, mode: str, fr: AgentPool, en: AgentPool) -> None:
    pools = load(tmp_path, f"campaign_id: S\ndialling_mode: {mode}\n{BLOCK}")
    assert pools == {"fr": fr, "en": en}


def test_the_policy_gives_the_mode_and_explicit_pools_stay(tmp_path: Path) -> None:
    text = f"campaign_id: S\nagent_pools:\n  fr-FR: {{calls_per_day: 5}}\n{BLOCK}"
    pools = load(tmp_path, text, DiallingRules(default_mode="progressive"))
    assert pools["fr-FR"] == AgentPool(calls_per_day=5)
    assert pools["en"] == AgentPool(calls_per_day=94, calls_per_hour=47)
    assert load(tmp_path, text)["en"] == AgentPool(calls_per_day=74, calls_per_hour=37)  # preview


def test_the_example_loads() -> None:
    config = load_campaign_settings(EXAMPLE)
    assert config.dialling_mode == "predictive"
    assert set(config.agent_pools or {}) == {"fr", "fr-FR", "en"}


def test_bad_blocks_are_located(tmp_path: Path) -> None:
    text = """campaign_id: T
agent_pools:
  fr: {calls_per_day: 900}
staffing:
  answer_rat: 0.25
  pools:
    fr:
      handle_seconds: -3
      shifts:
        - {start: 17, end: 9, agents: 4}
    en:
      handle_seconds: 240
      agents_by_hour: {9: 3, 24: 1}
    es:
      handle_seconds: 240
      agents_by_hour: {9: 3}
      shifts: []
"""
    assert problems(tmp_path, text) == [
        "5:3: field staffing.answer_rat: unknown key 'answer_rat'; did you mean 'answer_rate'? "
        "allowed keys: time_zone, answer_rate, patience_seconds, pools",
        "7:5: field staffing.pools.fr: pool 'fr' also has explicit capacities under agent_pools "
        "(line 3): give its staffing or its capacities, not both",
        "8:23: field staffing.pools.fr.handle_seconds: Input should be greater than 0 (got -3)",
        "10:11: field staffing.pools.fr.shifts[0]: a shift ends after it starts (start 17, end 9)",
        "13:23: field staffing.pools.en.agents_by_hour: hour 24 is not a local hour 0–23",
        "15:7: field staffing.pools.es: give the agents either by hour (agents_by_hour) "
        "or as shifts",
    ]


def test_a_pool_that_is_not_a_language(tmp_path: Path) -> None:
    text = "campaign_id: T\nstaffing:\n  pools:\n    frr: {handle_seconds: 9, shifts: []}\n"
    assert problems(tmp_path, text) == [
        "4:5: field staffing.pools: pool 'frr' is not a language (did you mean 'fr'?); "
        "use one of en, fr, fr-CA, en-CA, en-US, fr-FR"
    ]


def test_the_plan_never_exceeds_a_pools_derived_hourly_capacity(tmp_path: Path) -> None:
    text = """campaign_id: RUN
explore_share: 0.0
dialling_mode: preview
staffing:
  pools:
    fr: {handle_seconds: 240, agents_by_hour: {9: 1}}
    en: {handle_seconds: 600, agents_by_hour: {9: 1}}
"""
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    config = load_campaign_settings(path)
    pools = config.agent_pools or {}
    assert pools["fr"] == AgentPool(calls_per_day=37, calls_per_hour=37)
    assert pools["en"] == AgentPool(calls_per_day=20, calls_per_hour=20)
    hours = [AT + dt.timedelta(hours=h) for h in range(3)]
    rows = [(f"F{i}", "fr-CA", "phone", 1.0 + i / 100, at) for i in range(60) for at in hours]
    rows += [(f"E{i}", "en-US", "phone", 1.0 + i / 100, at) for i in range(60) for at in hours]
    picks, _ = plan(items(rows), config)
    chosen = pl.DataFrame(
        [(cid, cid[0]) for cid, channel in picks.items() if channel == "phone"],
        schema=["customer_id", "pool"],
        orient="row",
    )
    per_pool = dict(chosen.group_by("pool").len().iter_rows())
    # Each pool's day is its thinnest hour's capacity: the plan fills it and goes no further.
    assert per_pool == {"F": 37, "E": 20}


def test_campaign_run_uses_the_derived_capacities(store_url: str, tmp_path: Path) -> None:  # noqa: F811
    from goodcall.campaign.cli import register

    app = typer.Typer()
    register(app)
    out = tmp_path / "staffed"
    args = ["campaign", "run", "--config", str(EXAMPLE), "--out", str(out), "--db", store_url,
            "--at", "2026-11-20T19:00:00-05:00"]  # fmt: skip
    result = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    capacity, used = report["optimisation"]["capacity"], report["optimisation"]["used"]
    fr = load_campaign_settings(EXAMPLE).agent_pools["fr"]  # type: ignore[index]
    assert capacity["calls:fr:day0"] == fr.calls_per_day
    hours = {k: v for k, v in capacity.items() if k.startswith("hour:fr:")}
    assert hours and all(used.get(k, 0) <= v for k, v in hours.items())
    for key, cap in hours.items():
        at = dt.datetime.strptime(key[8:], "%Y-%m-%dT%H").replace(tzinfo=dt.UTC)
        assert cap == fr.hour_cap(at)
    # 00:00 UTC is 19:00 in Toronto (the evening shift's 4 agents), then nobody is on shift
    assert hours == {"hour:fr:2026-11-21T00": 188.0} | {
        f"hour:fr:2026-11-21T0{h}": 0.0 for h in (1, 2, 3)
    }


def test_with_the_call_centres_zone_each_hour_has_its_own_cap(tmp_path: Path) -> None:
    text = f"campaign_id: S\ndialling_mode: progressive\n{BLOCK}  time_zone: America/Toronto\n"
    pools = load(tmp_path, text)
    fr = {h: 282 for h in (9, 10, 11)} | {h: 329 for h in range(12, 17)} | {17: 47, 18: 47, 19: 47}
    assert pools["fr"] == AgentPool(
        calls_per_day=3 * 282 + 5 * 329 + 3 * 47,
        calls_by_local_hour=fr,
        time_zone="America/Toronto",
    )
    # 14:00 UTC is 9:00 in Toronto in November (EST), 13:00 UTC in July (EDT)
    assert pools["en"].hour_cap(dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC)) == 47
    assert pools["en"].hour_cap(dt.datetime(2026, 7, 20, 13, tzinfo=dt.UTC)) == 47
    assert pools["en"].hour_cap(dt.datetime(2026, 11, 20, 13, tzinfo=dt.UTC)) == 0
    bad = f"campaign_id: S\n{BLOCK}  time_zone: America/Torronto\n"
    assert problems(tmp_path, bad) == [
        "14:14: field staffing.time_zone: unknown time zone 'America/Torronto' "
        "(an IANA name, e.g. America/Toronto) (got 'America/Torronto')"
    ]


def test_an_hourly_table_is_validated() -> None:
    with pytest.raises(ValueError, match="not both"):
        AgentPool(calls_per_day=1, calls_per_hour=1, calls_by_local_hour={9: 1}, time_zone="UTC")
    with pytest.raises(ValueError, match="needs the call centre's time_zone"):
        AgentPool(calls_per_day=1, calls_by_local_hour={9: 1})
    with pytest.raises(ValueError, match="unknown time zone"):
        AgentPool(calls_per_day=1, calls_by_local_hour={9: 1}, time_zone="Mars/Base")
    with pytest.raises(ValueError, match="hours 0–23"):
        AgentPool(calls_per_day=1, calls_by_local_hour={24: 1}, time_zone="UTC")


def test_the_plan_calls_only_in_staffed_hours_within_their_caps(tmp_path: Path) -> None:
    text = """campaign_id: RUN
explore_share: 0.0
dialling_mode: preview
staffing:
  time_zone: America/Toronto
  pools:
    fr: {handle_seconds: 240, agents_by_hour: {11: 1, 12: 2}}
"""
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    config = load_campaign_settings(path)
    hours = [AT + dt.timedelta(hours=h) for h in range(-1, 3)]
    rows = [(f"F{i}", "fr-CA", "phone", 1.0 + i / 1000, at) for i in range(200) for at in hours]
    positive = positive_items(items(rows), config, AT, CATALOG)
    chosen, summary = arbitrate(positive, config, CATALOG, 0.0)
    local = {at.astimezone(ZoneInfo("America/Toronto")).hour: at for at in hours}
    assert sorted(local) == [9, 10, 11, 12]
    caps = {h: summary.capacity[f"hour:fr:{at:%Y-%m-%dT%H}"] for h, at in local.items()}
    assert caps == {9: 0.0, 10: 0.0, 11: 37.0, 12: 74.0}
    used = {h: summary.used.get(f"hour:fr:{at:%Y-%m-%dT%H}", 0.0) for h, at in local.items()}
    assert used == caps  # 200 customers: every staffed hour full, no call in the others
    assert sum(chosen) == 111


@given(
    agents=st.integers(0, 300),
    handle=st.floats(1, 7200),
    answer=st.floats(0.01, 1.0),
    preview=st.floats(0, 600),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_more_agents_never_make_fewer_calls_and_preview_never_more(
    agents: int, handle: float, answer: float, preview: float
) -> None:
    progressive = Dialling("progressive", handle, answer_rate=answer)
    preview_mode = Dialling("preview", handle, answer_rate=answer, preview_seconds=preview)
    assert calls_per_hour(agents, progressive) <= calls_per_hour(agents + 1, progressive)
    assert calls_per_hour(agents, preview_mode) <= calls_per_hour(agents, progressive)
    assert (
        calls_per_hour(agents, progressive) <= agents * 3600 / 13 + 1e-9
    )  # a call ≥ ring + detection


KEYS = ["fr", "en", "pools", "shifts", "start", "end", "agents", "handle_seconds",
        "agents_by_hour", "time_zone", "x"]  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers(-5, 30) | st.floats() | st.text(max_size=5)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(block=JUNK)
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_staffing_block_loads_or_is_refused_with_located_problems(block: object) -> None:
    located = read_yaml(yaml.safe_dump({"campaign_id": "J", "staffing": block}), "j.yaml")
    try:
        parse_campaign_settings(located)
    except SourceError as err:
        assert err.problems and all(p.where.startswith("j.yaml") for p in err.problems)


def test_a_large_team_scales_the_largest_simulated_one() -> None:
    predictive = Dialling("predictive", 240.0)
    assert calls_per_hour(100, predictive) == 5742
    assert calls_per_hour(1000, predictive) == 57420  # simulated for 100, scaled by head count


def test_the_capacity_command(tmp_path: Path) -> None:
    from goodcall.campaign.cli import register

    app = typer.Typer()
    register(app)
    args = ["campaign", "capacity", "--config", str(EXAMPLE), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["dialling_mode"] == "predictive"
    assert shown["agent_pools"]["fr-FR"] == {"calls_per_day": 40}
    assert shown["agent_pools"]["en"]["calls_by_local_hour"]["9"] == 83
    path = tmp_path / "bad.yaml"
    path.write_text("campaign_id: B\nstaffing:\n  pools:\n    fr: {handle_seconds: 240}\n")
    result = CliRunner().invoke(app, ["campaign", "capacity", "--config", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml:4:9: field staffing.pools.fr: give the agents either by hour" in result.output
