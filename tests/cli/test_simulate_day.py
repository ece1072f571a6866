"""``goodcall simulate day``: the campaign's call list worked by simulated agents, outcomes in the
store through the outcome endpoint's code, once per day."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.evaluate.day import USER_ID, _outcome, calls_to_dial
from goodcall.policy.loader import shipped_policies_text
from goodcall.store.tables import SQL_TABLES
from goodcall.timing.calls import CallRecord
from tests.cli.conftest import Inputs


def _store_copy(inputs: Inputs, name: str) -> str:
    source = Path(inputs.url.removeprefix("sqlite:///"))
    target = inputs.fresh(name)
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def _campaign_copy(inputs: Inputs, name: str, change: list[pl.Expr], drop: list[str]) -> Path:
    """The test campaign with its phone calls' columns changed, or an older list's columns."""
    target = inputs.fresh(name)
    shutil.copytree(inputs.campaign, target)
    calls = pl.read_parquet(target / "call_list.parquet").drop(drop)
    calls = calls.with_columns(change)
    calls.write_parquet(target / "call_list.parquet")
    return target


def _day(url: str, inputs: Inputs, *more: str, campaign: Path | None = None) -> dict[str, object]:
    folder = campaign or inputs.campaign
    argv = ["simulate", "day", "--campaign", str(folder), "--db", url]
    result = CliRunner().invoke(app, [*argv, "--truth-seed", "2", "--agents", "3", *more, "--json"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_day_is_recorded_once_in_the_contacts_table(inputs: Inputs) -> None:
    url = _store_copy(inputs, "day.db")
    calls = pl.read_parquet(inputs.campaign / "call_list.parquet").filter(
        pl.col("channel") == "phone"
    )
    first = _day(url, inputs, "--mode", "predictive")
    figures = first["figures"]
    assert isinstance(figures, dict)
    assert first["calls"] == calls.height and figures["dialled"] == first["recorded"]
    assert figures["abandonment"] <= 0.03 and figures["silence_max"] <= 2.0
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        query = "select customer_id, outcome, agent_id from contacts where contact_id like :key"
        rows = connection.execute(sa.text(query), {"key": "K-SIM-%"}).all()
    assert len(rows) == first["recorded"]
    assert {r.customer_id for r in rows} <= set(calls["customer_id"])
    talked = [r for r in rows if r.outcome in ("accepted", "declined", "complaint", "dnc_request")]
    assert all(r.agent_id.startswith("SIM-A") for r in talked)
    again = _day(url, inputs, "--mode", "predictive")
    assert (again["recorded"], again["replayed"]) == (0, first["recorded"])


def test_a_missing_campaign_folder_is_exit_2(inputs: Inputs, tmp_path: Path) -> None:
    argv = ["simulate", "day", "--campaign", str(tmp_path), "--db", inputs.url, "--dry-run"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert "not a campaign folder" in result.stderr


def test_a_bad_mode_is_exit_2(inputs: Inputs) -> None:
    argv = ["simulate", "day", "--campaign", str(inputs.campaign), "--mode", "turbo"]
    result = CliRunner().invoke(app, argv)
    assert (result.exit_code, "expected one of preview" in result.stderr) == (2, True)


UTC = dt.UTC
T0 = dt.datetime(2026, 11, 20, 15, tzinfo=UTC)


def test_a_call_is_dialled_in_its_slot_cut_to_its_window() -> None:
    minute = dt.timedelta(minutes=1)
    calls = pl.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "language": ["fr-CA", "en-CA", "en-CA"],
            "planned_at": [T0, T0 + 60 * minute, T0 + 120 * minute],
            "window_start": [T0 - 60 * minute, T0 + 50 * minute, None],
            "window_end": [T0 + 10 * minute, T0 + 6 * 60 * minute, None],
        }
    )
    spans = [(c.customer_id, c.language, c.earliest, c.latest) for c in calls_to_dial(calls, T0)]
    assert spans == [
        ("A", "fr", 0.0, 600.0),  # the window closes 10 minutes into the slot
        ("B", "en", 3600.0, 5400.0),  # the slot lies inside the window
        ("C", "en", 7200.0, 9000.0),  # no window on the row: the bare slot
    ]
    old = calls.drop("window_start", "window_end")
    assert [(c.earliest, c.latest) for c in calls_to_dial(old, T0)] == [
        (0.0, 1800.0),
        (3600.0, 5400.0),
        (7200.0, 9000.0),
    ]


def test_no_call_is_dialled_after_its_window(inputs: Inputs) -> None:
    """Both phone calls open at 15:00 with 40 s of window: the one agent reads the first brief
    (20 s) and dials it; when the line frees up (≥ 24 s) the second cannot be dialled by 40 s
    (under the bare 30-minute slot it was, at ≥ 44 s)."""
    phone = pl.col("channel") == "phone"
    end = pl.col("planned_at") + pl.duration(seconds=40)
    narrow = pl.when(phone).then(end).alias("window_end")
    campaign = _campaign_copy(inputs, "narrow", [narrow], [])
    url = _store_copy(inputs, "narrow.db")
    day = _day(url, inputs, "--agents", "1", campaign=campaign)
    assert (day["mode"], day["mode_from"]) == ("preview", "campaign")
    assert (day["calls"], day["recorded"], day["undialled"]) == (2, 1, {"expired": 1})
    ends = dict(
        pl.read_parquet(campaign / "call_list.parquet")
        .filter(phone)
        .select("customer_id", "window_end")
        .iter_rows()
    )
    with sa.create_engine(url).connect() as connection:
        query = "select customer_id, at from contacts where contact_id like 'K-SIM-%'"
        rows = connection.execute(sa.text(query)).all()
    assert len(rows) == 1
    for customer_id, at in rows:
        moment = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at)
        assert moment.replace(tzinfo=UTC) == T0 + dt.timedelta(seconds=20)
        assert moment.replace(tzinfo=UTC) < ends[customer_id]


def test_the_call_lists_mode_is_the_default_and_is_reported(inputs: Inputs) -> None:
    progressive = pl.when(pl.col("channel") == "phone").then(pl.lit("progressive"))
    campaign = _campaign_copy(inputs, "progressive", [progressive.alias("dialling_mode")], [])
    day = _day(inputs.url, inputs, "--dry-run", campaign=campaign)
    assert (day["mode"], day["mode_from"]) == ("progressive", "campaign")
    argv = ["simulate", "day", "--campaign", str(campaign), "--db", inputs.url, "--dry-run"]
    text = CliRunner().invoke(app, argv).stdout
    assert "progressive dialling (the campaign's dialling_mode)" in text


def test_an_old_list_is_dialled_in_the_policy_mode_and_mode_overrides(inputs: Inputs) -> None:
    old = ["window_start", "window_end", "dialling_mode"]
    campaign = _campaign_copy(inputs, "old-list", [], old)
    day = _day(inputs.url, inputs, "--dry-run", campaign=campaign)
    assert (day["mode"], day["mode_from"], day["recorded"]) == ("preview", "policy", 0)
    chosen = _day(inputs.url, inputs, "--dry-run", "--mode", "predictive", campaign=campaign)
    assert (chosen["mode"], chosen["mode_from"]) == ("predictive", "option")


def test_a_bad_dialling_mode_in_the_list_is_exit_2(inputs: Inputs) -> None:
    turbo = pl.when(pl.col("channel") == "phone").then(pl.lit("turbo")).alias("dialling_mode")
    campaign = _campaign_copy(inputs, "turbo", [turbo], [])
    argv = ["simulate", "day", "--campaign", str(campaign), "--db", inputs.url, "--dry-run"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert "call_list.parquet: column dialling_mode holds ['turbo']" in result.stderr


def test_the_abandonment_period_so_far_is_read_from_the_store_and_reported(
    inputs: Inputs, tmp_path: Path
) -> None:
    """With a policy counting 30 days, the day starts from the store's answered and abandoned
    calls of the 30 days before it: 100 more recorded calls, 3 of them abandoned (2 dropped, 1
    answered by an agent after 4 s), are exactly 100 and 3 more; the report adds the day's."""
    text = shipped_policies_text()
    assert "abandonment_period: campaign" in text
    policies = tmp_path / "policies.yaml"
    policies.write_text(
        text.replace("abandonment_period: campaign", 'abandonment_period: "30 days"')
    )
    url = _store_copy(inputs, "period.db")
    before = _day(url, inputs, "--dry-run", "--policies", str(policies))
    period = before["period"]
    assert isinstance(period, dict) and period["period"] == "30 days"
    start = pl.read_parquet(inputs.campaign / "call_list.parquet")["planned_at"].min()
    assert isinstance(start, dt.datetime)
    assert period["until"] == start.isoformat()
    customer = pl.read_parquet(inputs.campaign / "call_list.parquet")["customer_id"][0]
    rows = [
        {"contact_id": f"K-PERIOD-{n}", "customer_id": customer,
         "at": start - dt.timedelta(days=29 * (n + 1) / 100), "channel": "phone",
         "campaign_id": "PAST", "offer_id": None, "group": "treatment",
         "outcome": "abandoned" if n < 2 else "declined", "converted": False,
         "silence_seconds": 4.0 if n == 2 else (2.0 if n < 2 else 0.5), "agent_id": None}
        for n in range(100)
    ]  # fmt: skip
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.insert(SQL_TABLES["contacts"]), rows)
    after = _day(url, inputs, "--dry-run", "--policies", str(policies))["period"]
    assert isinstance(after, dict)
    assert (after["live"], after["abandoned"]) == (period["live"] + 100, period["abandoned"] + 3)
    figures = before["figures"]
    assert isinstance(figures, dict)
    assert period["with_the_day"] == {
        "live": period["live"] + figures["live"],
        "abandoned": period["abandoned"] + figures["abandoned"],
        "abandonment": round(
            (period["abandoned"] + figures["abandoned"]) / (period["live"] + figures["live"]), 4
        ),
    }
    shipped_day = _day(url, inputs, "--dry-run")["period"]
    assert isinstance(shipped_day, dict)  # the shipped policy: the campaign's calls only
    assert (shipped_day["period"], shipped_day["campaign_id"]) == ("campaign", "CLI-1")
    assert (shipped_day["live"], shipped_day["abandoned"]) == (0, 0)


def test_an_abandoned_call_is_recorded_as_such_and_a_day_recorded_before_0007_replays() -> None:
    """The dialler's abandoned call is an ``abandoned`` contact with its silence; its request
    hash is the one it had when it was recorded as ``no_answer`` (before schema 0007 renamed
    those rows), so re-running that day replays it instead of refusing the key."""
    record = CallRecord("C-1", 2, "fr", 125.0, outcome="abandoned", silence=2.0, abandoned=True)
    row = {"offer_id": "HS_PIXEL_10"}
    outcome = _outcome(record, row, "CMP", T0, "predictive-3-0")
    assert (outcome.outcome, outcome.silence_seconds, outcome.agent_id) == ("abandoned", 2.0, None)
    assert outcome.request_key == "SIM-CMP-predictive-3-0-C-1-2"
    at = (T0 + dt.timedelta(seconds=125)).isoformat()
    before = json.dumps([outcome.request_key, "no_answer", 2.0, None, at])
    assert outcome.request_hash == hashlib.sha256(f"{USER_ID}\n{before}".encode()).hexdigest()
    machine = CallRecord("C-1", 1, "fr", 5.0, outcome="machine", machine=True)
    assert _outcome(machine, row, "CMP", T0, "d").outcome == "voicemail"


def test_a_day_with_retries_from_the_decision_time_replays(inputs: Inputs) -> None:
    """Two calls: one at 09:00 in Chicago (15:00 UTC, the decision time), one moved to 15:00 in
    Halifax (19:00 UTC) so the team stays until 20:30 UTC. The Chicago customer, called 4 times
    in the last 30 days, does not answer and is retried at 12:00 their time (18:00 UTC, the next
    slot): their 6th attempt in 30 days.
    Recorded, the day replays call for call: the call it recorded at the decision time is not in
    the history it reads the second time (it would have been a 7th attempt, past the cap)."""
    target = inputs.fresh("retries")
    shutil.copytree(inputs.campaign, target)
    moved = pl.datetime(2026, 11, 20, 19, time_zone="UTC")
    halifax = pl.col("customer_id") == "C-00000265"
    for name, local in (("call_list.parquet", None), ("decisions.parquet", 15)):
        frame = pl.read_parquet(target / name)
        changes = [pl.when(halifax).then(moved).otherwise(pl.col("planned_at")).alias("planned_at")]
        if local is not None:
            changes.append(
                pl.when(halifax).then(local).otherwise(pl.col("local_hour")).alias("local_hour")
            )
        frame.with_columns(changes).write_parquet(target / name)
    url = _store_copy(inputs, "retries.db")
    earlier = [  # four calls in the last 30 days: with the day's miss, 5 of the 6 allowed
        {"contact_id": f"K-EARLIER-{n}", "customer_id": "C-00000211",
         "at": T0 - dt.timedelta(days=5 + n), "channel": "phone", "campaign_id": "PAST",
         "offer_id": None, "group": "treatment", "outcome": "no_answer", "converted": False,
         "silence_seconds": None, "agent_id": None}
        for n in range(4)
    ]  # fmt: skip
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.insert(SQL_TABLES["contacts"]), earlier)
    first = _day(url, inputs, "--mode", "predictive", campaign=target)
    assert first["retries"] == {"planned": 1, "dialled": 1, "reached": 0}
    with sa.create_engine(url).connect() as connection:
        query = (
            "select customer_id, at, outcome from contacts where contact_id like 'K-SIM-%' "
            "order by at"
        )
        rows = [tuple(r) for r in connection.execute(sa.text(query))]
    assert [(r[0], str(r[1])[:16], r[2]) for r in rows] == [
        ("C-00000211", "2026-11-20 15:00", "no_answer"),  # dialled at the decision time
        ("C-00000211", "2026-11-20 18:00", "no_answer"),  # the retry, 12:00 in Chicago
        ("C-00000265", "2026-11-20 19:00", "accepted"),
    ]
    again = _day(url, inputs, "--mode", "predictive", campaign=target)
    assert (again["recorded"], again["replayed"]) == (0, first["recorded"])
