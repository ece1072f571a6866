"""The latest plan in the store: a campaign run records its plan, and a customer decided without
``--campaign`` gets the decision the campaign wrote — found in the store, read from the stored
JSON even after the campaign directory moved; two campaigns: the one decided at or before the
moment; ``--no-plan``: prices 0. A plan the store cannot record leaves no campaign directory.

The campaign is the one-decision campaign (binding calls, a control group, exploration), so its
prices are not all zero.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from goodcall.campaign.run import CampaignError, CampaignRun, PlanRecord, run_campaign
from goodcall.decide import CampaignConfig
from goodcall.explain.build import explain_customers
from goodcall.explain.decision import load_decider
from goodcall.models.registry import ModelSet
from goodcall.store.config import engine_for
from goodcall.store.migrate import upgrade
from tests.campaign.test_one_decision import shown, written
from tests.decide.world import AT, World

c = pl.col
CHEAP = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
SAMPLE = 60


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with no customers (the world's profiles are given directly): only its plans."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'store.db'}"
    _, engine = engine_for(url)
    upgrade(engine)
    engine.dispose()
    return url


def _run(world: World, trained: ModelSet, root: Path, models: Path, name: str, at: dt.datetime,
         store: str) -> CampaignRun:  # fmt: skip
    config = CampaignConfig(campaign_id=name, calls_per_day=8, contact_cost=CHEAP)
    return run_campaign(
        world.profiles, config=config, at=at, out_dir=root / name, models=trained,
        catalog=world.catalog, models_dir=models, record=PlanRecord(store),
    )  # fmt: skip


@pytest.fixture(scope="module")
def campaigns(
    world: World, trained: ModelSet, store: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CampaignRun]:
    root = tmp_path_factory.mktemp("latest-plan")
    models = trained.save(root / "models")
    first = _run(world, trained, root, models, "FIRST", AT, store)
    later = _run(world, trained, root, models, "LATER", AT + dt.timedelta(days=1), store)
    return {"FIRST": first, "LATER": later}


def test_each_run_records_its_plan_and_the_latest_at_or_before_is_chosen(
    campaigns: dict[str, CampaignRun], store: str
) -> None:
    assert [(r.recorded.plan_id, r.recorded.campaign_id) for r in campaigns.values()] == [  # type: ignore[union-attr]
        (1, "FIRST"),
        (2, "LATER"),
    ]
    first = campaigns["FIRST"]
    assert any(price > 0 for price in first.decisions.plan.prices.values())
    day = dt.timedelta(days=1)
    chosen = {
        label: load_decider(None, None, None, None, at, db=store).config.campaign_id
        for label, at in (("before", AT - day), ("at", AT), ("between", AT + day / 2),
                          ("later", AT + day), ("after", AT + 3 * day))
    }  # fmt: skip
    assert chosen == {
        "before": "FIRST",  # every plan is later: the earliest
        "at": "FIRST",
        "between": "FIRST",
        "later": "LATER",
        "after": "LATER",
    }
    decider = load_decider(None, None, None, None, AT, db=store)
    assert decider.config.prices == first.decisions.plan.prices
    basis = decider.basis(AT)
    assert {k: basis[k] for k in ("prices", "plan_from", "plan_id", "campaign_id")} == {
        "prices": "campaign plan",
        "plan_from": "store",
        "plan_id": 1,
        "campaign_id": "FIRST",
    }
    assert basis["campaign"] == str(first.out_dir.resolve())
    assert (basis["same_time_as_plan"], basis["plan_after_at"]) == (True, False)
    early = load_decider(None, None, None, None, AT - day, db=store).basis(AT - day)
    assert early["plan_after_at"] is True


def test_without_campaign_the_stored_plan_gives_the_campaigns_decisions_even_after_a_move(
    world: World, campaigns: dict[str, CampaignRun], store: str
) -> None:
    first = campaigns["FIRST"]
    frame = pl.read_parquet(first.out_dir / "decisions.parquet")
    picked = pl.concat(
        [frame.filter(c("decision") == k).sort("customer_id").head(SAMPLE // 3)
         for k in ("contact", "control", "no_contact")]
    )  # fmt: skip
    assert set(picked["decision"]) == {"contact", "control", "no_contact"}
    profiles = world.profiles.join(picked.select("customer_id"), on="customer_id", how="semi")
    moved = first.out_dir.with_name("FIRST-moved")
    shutil.copytree(first.out_dir, moved)
    try:
        shutil.rmtree(first.out_dir)
        stored = explain_customers(profiles, load_decider(None, None, None, None, AT, db=store), AT)
    finally:
        shutil.copytree(moved, first.out_dir)
    from_dir = explain_customers(profiles, load_decider(moved, None, None, None, AT), AT)
    differ = [
        row["customer_id"]
        for row in picked.iter_rows(named=True)
        if not (
            shown(stored[row["customer_id"]]["decision"])
            == shown(from_dir[row["customer_id"]]["decision"])
            == written(row)
        )
    ]
    assert differ == []


def test_no_plan_decides_at_prices_zero_and_says_so(
    campaigns: dict[str, CampaignRun], store: str
) -> None:
    decider = load_decider(None, None, None, None, AT, db=store, no_plan=True)
    assert (decider.config.campaign_id, decider.config.prices, decider.plan) == ("SINGLE", {}, None)
    assert decider.basis(AT)["prices"] == "zero (--no-plan)"


def test_a_plan_whose_model_set_is_gone_is_an_error_naming_it(
    world: World, trained: ModelSet, tmp_path: Path
) -> None:
    from goodcall.explain.inputs import InputError

    url = f"sqlite:///{tmp_path / 'store.db'}"
    _, engine = engine_for(url)
    upgrade(engine)
    engine.dispose()
    models = trained.save(tmp_path / "models")
    _run(world, trained, tmp_path, models, "GONE", AT, url)
    shutil.rmtree(models)
    with pytest.raises(InputError) as err:
        load_decider(None, None, None, None, AT, db=url)
    assert str(err.value) == (
        f"the store's latest plan (campaign GONE, decided at {AT.isoformat()}) was decided with "
        f"the model set {models.resolve()}, which no longer exists: pass --models DIR, or "
        "--no-plan to decide at prices 0"
    )


def test_a_plan_the_store_cannot_record_leaves_no_campaign(
    world: World, trained: ModelSet, tmp_path: Path
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"  # no schema: the plan cannot be recorded
    with pytest.raises(CampaignError) as err:
        _run(world, trained, tmp_path, tmp_path / "none", "LOST", AT, empty)
    assert str(err.value) == (
        f"the campaign was not written: cannot record the campaign plan in the store at {empty}: "
        f"the store at {empty} is empty: run `goodcall import DIR` (or `goodcall db upgrade`)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]  # no LOST, no temporary
