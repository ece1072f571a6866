"""P(annoy | contacted) on the synthetic carrier, whose truth is known.

Known truth used here (``goodcall.truth.response``): a call that reaches the customer annoys
them at a base rate of 1.5 %, an SMS or an e-mail at 0.2 %, an in-app message at 0.1 % — before
the customer's own factors, which are the same on every channel.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from goodcall.models.annoyance import fit_annoyance
from goodcall.models.inputs import FEATURE_COLUMNS, offer_table
from goodcall.models.rows import training_rows
from tests.decide.world import AT, make_world

c = pl.col


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    world = make_world(6_000, seed=2)
    return training_rows(world.tables, AT, offer_table(world.catalog.offers))


def test_annoyance_does_not_read_the_offers_name(rows: pl.DataFrame) -> None:
    names = set(fit_annoyance(rows, seed=2).encoder.feature_names)
    assert not names & {"offer_id", "offer_value"}
    assert {"offer_kind", "offer_os_fit", "channel"} <= names


def test_a_channels_annoyance_carries_over_to_offers_never_sent_through_it(
    rows: pl.DataFrame,
) -> None:
    """History sends each offer through one channel. Here offer A was only ever phoned and
    annoyed 5 % of the customers called, offer B (same kind, same fit) only e-mailed and
    annoyed 0.5 %: an e-mail about A must be scored like an e-mail (~0.5 %), not like the calls
    A's name stands for."""
    sent = rows.filter(c("treated") & c("channel").is_in(["phone", "email"]))
    template = sent.filter(c("offer_id") == "AO_STREAMING").row(0, named=True)
    named = ("offer_id", "offer_value")
    offer = {
        k: v
        for k, v in template.items()
        if k.startswith(("offer_", "promotion_")) and k not in named
    }
    phone = c("channel") == "phone"
    draw = pl.Series(np.random.default_rng(7).random(sent.height))
    crafted = sent.with_columns(
        *[pl.lit(v, sent.schema[k]).alias(k) for k, v in offer.items()],
        pl.when(phone).then(pl.lit("A")).otherwise(pl.lit("B")).alias("offer_id"),
        pl.when(phone).then(pl.lit(300.0)).otherwise(pl.lit(20.0)).alias("offer_value"),
        (draw < pl.when(phone).then(0.05).otherwise(0.005)).alias("annoyed"),
    )
    model = fit_annoyance(crafted, seed=3)
    calls = crafted.filter(phone).select(FEATURE_COLUMNS)
    by_phone = model.predict(calls).mean()
    by_email = model.predict(calls.with_columns(pl.lit("email").alias("channel"))).mean()
    assert by_phone == pytest.approx(0.05, rel=0.3)
    assert by_email < 0.012, (by_email, by_phone)
