"""Per-line offers in the decision: a handset or plan decision names the line it is for (a line of
that customer, whose device matches the handset's OS); account-level decisions name none; a
single-line customer decides exactly as when every offer was judged on the account."""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.catalog import model as catalog_model
from goodcall.decide import decide
from goodcall.decide.config import CampaignConfig
from tests.decide.world import AT, World

c = pl.col


def _decide(world: World, profiles: pl.DataFrame) -> pl.DataFrame:
    config = CampaignConfig(campaign_id="LINES")
    return decide(
        profiles.lazy(),
        catalog=world.catalog,
        compiled=world.compiled,
        policies=world.policies,
        models=world.priors,
        at=AT,
        config=config,
    ).frame.sort("customer_id")


def test_every_contact_names_its_line_when_the_offer_is_per_line(world: World) -> None:
    decisions = _decide(world, world.profiles).filter(c("offer_id").is_not_null())
    per_line = {o.id for o in world.catalog.offers if o.per_line}
    target_os = {o.id: o.target.device_os for o in world.catalog.offers}
    lines = world.profiles.select("customer_id", "lines").explode("lines").unnest("lines")
    named = decisions.join(lines, on=["customer_id", "line_id"], how="left")
    for row in named.iter_rows(named=True):
        if row["offer_id"] in per_line:
            assert row["device_os"] is not None, row  # a line of this customer
            assert target_os[row["offer_id"]] in (None, row["device_os"]), row
        else:
            assert row["line_id"] is None, row
    on_other_lines = named.filter(c("line_id").is_not_null() & ~c("is_primary"))
    assert on_other_lines.height > 0  # the small world has family accounts judged per line


def test_a_single_line_customer_decides_as_before(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = world.profiles.filter(c("lines_count") == 1)
    assert single.height == 936
    per_line = _decide(world, single)
    monkeypatch.setattr(catalog_model, "PER_LINE_KINDS", frozenset())
    on_account = _decide(world, single)
    assert on_account.get_column("line_id").null_count() == single.height
    assert per_line.drop("line_id").equals(on_account.drop("line_id"))
    contacted = per_line.filter(c("decision") == "contact")
    assert contacted.height == on_account.filter(c("decision") == "contact").height
