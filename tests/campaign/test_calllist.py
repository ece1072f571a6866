"""The dialler-ready call list: its columns, the window and the slot in UTC and local time, the
brief it points to, the dialling mode, and formula escaping in the CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from goodcall.campaign.calllist import CALL_LIST_COLUMNS
from goodcall.campaign.run import run_campaign
from goodcall.campaign.settings import parse_campaign_settings
from goodcall.catalog.yamlsource import Located, SourceError
from goodcall.decide.config import CampaignConfig
from goodcall.models.registry import ModelSet
from goodcall.writing import unescape_cells
from tests.decide.world import AT, World

CHEAP_CALLS = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}


@pytest.fixture(scope="module")
def campaign(world: World, trained: ModelSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("calllist") / "cmp"
    config = CampaignConfig(
        campaign_id="CMP-LIST", calls_per_day=12, contact_cost=CHEAP_CALLS,
        dialling_mode="progressive",
    )  # fmt: skip
    run_campaign(
        world.profiles, config=config, at=AT, out_dir=out, models=trained, catalog=world.catalog
    )
    return out


def test_columns_and_every_call_is_dialler_ready(campaign: Path, world: World) -> None:
    calls = pl.read_parquet(campaign / "call_list.parquet")
    assert tuple(calls.columns) == CALL_LIST_COLUMNS
    phone = calls.filter(pl.col("channel") == "phone")
    assert phone.height > 0
    for column in CALL_LIST_COLUMNS:
        if column != "line_id":
            assert phone[column].null_count() == 0, column
    assert set(phone["dialling_mode"]) == {"progressive"}
    assert phone["attempt"].min() >= 1
    numbers = world.profiles.select("customer_id", "phone")
    joined = phone.join(numbers, on="customer_id")
    assert (joined["phone_number"] == joined["phone"]).all()


def test_the_slot_lies_in_the_window_in_both_clocks(campaign: Path) -> None:
    phone = pl.read_parquet(campaign / "call_list.parquet").filter(pl.col("channel") == "phone")
    for row in phone.iter_rows(named=True):
        assert row["window_start"] <= row["planned_at"] < row["window_end"]
        zone = ZoneInfo(row["time_zone"])
        for utc, local in (
            ("planned_at", "planned_local"),
            ("window_start", "window_start_local"),
            ("window_end", "window_end_local"),
        ):
            assert row[utc].astimezone(zone).replace(tzinfo=None) == row[local]


def test_brief_ref_points_at_the_calls_brief(campaign: Path) -> None:
    calls = pl.read_parquet(campaign / "call_list.parquet").filter(pl.col("channel") == "phone")
    briefs = (campaign / "briefs.jsonl").read_text().splitlines()
    for row in calls.iter_rows(named=True):
        line = int(row["brief_ref"].removeprefix("briefs.jsonl#"))
        brief = pl.read_ndjson(briefs[line - 1].encode()).row(0, named=True)
        assert (brief["customer_id"], brief["offer_id"]) == (row["customer_id"], row["offer_id"])


def test_csv_escapes_formula_cells_and_matches_the_parquet(campaign: Path) -> None:
    text = pl.read_csv(campaign / "call_list.csv", infer_schema=False)
    numbers = text.filter(pl.col("channel") == "phone")["phone_number"]
    assert numbers.str.starts_with("'+").all()  # E.164 starts with +: escaped for spreadsheets
    back = unescape_cells(text)
    parquet = pl.read_parquet(campaign / "call_list.parquet")
    assert back["phone_number"].to_list() == parquet["phone_number"].to_list()
    assert (
        text["planned_local"].drop_nulls().str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").all()
    )
    assert text["window_start"].drop_nulls().str.ends_with("Z").all()


def test_dialling_mode_setting_is_validated() -> None:
    good = parse_campaign_settings(
        Located("settings.yaml", {"campaign_id": "X", "dialling_mode": "predictive"})
    )
    assert good.dialling_mode == "predictive"
    assert CampaignConfig(campaign_id="X").dialling_mode is None  # the policy file's default
    with pytest.raises(SourceError, match="dialling_mode"):
        parse_campaign_settings(
            Located("settings.yaml", {"campaign_id": "X", "dialling_mode": "robocall"})
        )


def test_a_customer_called_twice_unanswered_gets_attempt_three(world: World) -> None:
    from goodcall.campaign.calllist import call_details
    from goodcall.policy.resolve import compile_policies
    from goodcall.profiles.fields import CONTACT_STRUCT

    customer = world.profiles.head(1)
    history = [
        {"at": AT - dt.timedelta(days=d), "channel": "phone", "group": "treatment",
         "outcome": "no_answer", "campaign_id": "C", "offer_id": None, "converted": False}
        for d in (3, 2)
    ]  # fmt: skip
    profile = customer.with_columns(
        pl.Series("contact_history", [history], dtype=pl.List(CONTACT_STRUCT))
    )
    contact = pl.DataFrame(
        {
            "customer_id": profile["customer_id"],
            "offer_id": ["AO_US_ROAMING"],
            "line_id": [None],
            "channel": ["phone"],
            "planned_at": [AT],
            "language": profile["language"],
            "register": profile["register"],
        },
        schema_overrides={"line_id": pl.String, "planned_at": pl.Datetime("us", "UTC")},
    )
    out = call_details(
        contact, profile, compile_policies(world.policies), CampaignConfig(campaign_id="X"), AT, 7
    )
    assert out.row(0, named=True)["attempt"] == 3
    assert out.row(0, named=True)["brief_ref"] == "briefs.jsonl#7"
    assert out.row(0, named=True)["dialling_mode"] == "preview"


def test_renumbered_brief_refs_match_the_sinks(campaign: Path) -> None:
    """After calls are withdrawn the briefs' lines move up; renumbering gives the lines the
    campaign would have written for the calls kept (one brief per call, customer order)."""
    from goodcall.campaign.calllist import renumber_briefs

    calls = pl.read_parquet(campaign / "call_list.parquet")
    assert renumber_briefs(calls)["brief_ref"].to_list() == calls["brief_ref"].to_list()
    first = calls.filter(pl.col("channel") == "phone").sort("customer_id")["customer_id"][0]
    kept = renumber_briefs(calls.filter(pl.col("customer_id") != first))
    phone = kept.filter(pl.col("channel") == "phone").sort("customer_id")
    assert phone["brief_ref"].to_list() == [f"briefs.jsonl#{i + 1}" for i in range(phone.height)]
