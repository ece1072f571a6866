"""A small synthetic carrier in a SQLite store, a model set trained on it and a campaign decided
from it: the inputs every command of ``goodcall`` is run on in this directory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from goodcall.campaign.run import run_campaign
from goodcall.catalog.loader import load_catalog
from goodcall.decide import CampaignConfig
from goodcall.models.inputs import offer_table
from goodcall.models.registry import train_model_set
from goodcall.models.rows import training_rows
from goodcall.models.uplift import LightGBMParams
from goodcall.models.uplift.simulate import simulate_experiment
from goodcall.store.importer import import_directory
from goodcall.store.reader import load_profiles, load_tables
from goodcall.synth.generate import write_carrier

AT = "2026-11-20T15:00:00+00:00"
CUSTOMERS = 400
FAST = LightGBMParams(n_estimators=40, learning_rate=0.1, early_stopping_rounds=10)


@dataclass(frozen=True)
class Inputs:
    """Paths of the prepared inputs, and a fresh directory for each command's outputs."""

    root: Path
    carrier: Path
    url: str
    models: Path
    campaign: Path
    outcomes: Path
    call_list: Path
    experiment: Path
    ope_logs: Path
    ope_policy: Path

    def fresh(self, name: str) -> Path:
        """A path inside the test's directory that does not exist yet."""
        path = self.root / "out" / name
        assert not path.exists()
        return path


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    from tests.evaluate.test_ope import E, _logs, _policy

    root = tmp_path_factory.mktemp("cli")
    (root / "out").mkdir()
    carrier = root / "carrier"
    write_carrier(carrier, CUSTOMERS, seed=2)
    url = f"sqlite:///{root / 'store.db'}"
    assert import_directory(carrier, url).landed
    at = dt.datetime.fromisoformat(AT)
    catalog = load_catalog()
    rows = training_rows(load_tables(url), at, offer_table(catalog.offers))
    models = train_model_set(
        rows, list(catalog.offers), cutoff=at, trained_at=at, method="t", params=FAST
    )
    models.save(root / "models")
    run = run_campaign(
        load_profiles(at, url).collect(), config=CampaignConfig(campaign_id="CLI-1"), at=at,
        out_dir=root / "campaign", models=models, catalog=catalog,
    )  # fmt: skip
    decided = run.decisions.frame.select("customer_id")
    outcomes = decided.with_columns(converted=pl.int_range(pl.len()) % 7 == 0)
    outcomes.write_csv(root / "outcomes.csv")
    calls = pl.read_csv(root / "campaign" / "call_list.csv", infer_schema=False)
    calls.write_csv(root / "call_list.csv")
    sim = simulate_experiment(3_000, seed=5)
    sim.features.with_columns(
        pl.Series("arm", ["call" if t else "none" for t in sim.treated]),
        pl.Series("accepted", sim.outcome),
    ).write_csv(root / "experiment.csv")
    _logs(2_000, 7).write_csv(root / "logs.csv")
    _policy(E).write_csv(root / "policy.csv")
    return Inputs(
        root, carrier, url, root / "models", root / "campaign", root / "outcomes.csv",
        root / "call_list.csv", root / "experiment.csv", root / "logs.csv", root / "policy.csv",
    )  # fmt: skip
