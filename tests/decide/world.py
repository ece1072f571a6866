"""A small synthetic carrier, its catalog and policies, shared by the decision, campaign,
model and evaluation tests (each directory's conftest exposes them as fixtures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.models.inputs import offer_table
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from goodcall.models.uplift import LightGBMParams
from goodcall.policy.loader import load_policies
from goodcall.policy.model import Policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
FAST = LightGBMParams(n_estimators=60, learning_rate=0.1, early_stopping_rounds=10)


@dataclass(frozen=True)
class World:
    tables: dict[str, pl.LazyFrame]
    profiles: pl.DataFrame
    catalog: Catalog
    compiled: CompiledCatalog
    policies: Policies
    priors: ModelSet


def make_world(customers: int = 1500, seed: int = 3) -> World:
    tables = {k: v.lazy() for k, v in carrier_tables(customers, seed=seed).items()}
    catalog = load_catalog()
    return World(
        tables=tables,
        profiles=build_profiles(tables, AT).collect(),
        catalog=catalog,
        compiled=compile_catalog(catalog),
        policies=load_policies(),
        priors=ModelSet.priors_only(list(catalog.offers), AT),
    )


def train(world: World) -> ModelSet:
    rows = training_rows(world.tables, AT, offer_table(world.catalog.offers))
    return train_model_set(
        rows, list(world.catalog.offers), cutoff=AT, trained_at=AT, method="t", params=FAST
    )
