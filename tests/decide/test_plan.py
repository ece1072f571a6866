"""Items for the arbitration: exact pruning of dominated items, readable resources.

Bad inputs tried: none beyond the config validation of test_decide (these are internal frames).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from goodcall.arbitrate.exact import solve_milp
from goodcall.decide.config import CampaignConfig
from goodcall.decide.plan import arbitrate, build_problem, positive_items
from tests.decide.world import AT, World

H = dt.timedelta(hours=1)


def scored(rng: np.random.Generator, customers: int) -> pl.DataFrame:
    rows = []
    for i in range(customers):
        for offer in ("HS_IPHONE17_FETES", "ML_ADD_LINE", "AO_CLOUD_200"):
            for channel in ("phone", "email", "sms"):
                hours = (0, 1, 2, 25) if channel == "phone" else (0,)
                for h in hours:
                    ev = float(rng.normal(1.0, 3.0))
                    rows.append((f"C{i:03d}", offer, channel, AT + h * H, 10, ev, None))
    schema = ["customer_id", "offer_id", "channel", "planned_at", "local_hour", "ev", "explore_ev"]
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        pl.col("explore_ev").cast(pl.Float64)
    )


def test_pruning_keeps_the_optimum(world: World) -> None:
    config = CampaignConfig(
        campaign_id="PRUNE", calls_per_day=6, calls_per_hour=3, budget=30.0, explore_share=0.0
    )
    frame = scored(np.random.default_rng(5), 25)
    pruned = positive_items(frame, config, AT, world.catalog)
    assert pruned["value"].min() > 0  # type: ignore[operator]
    # dominated items (same resources, lower value) are gone; the optimum is unchanged
    assert pruned.height < frame.filter(pl.col("ev") > 0).height
    everything = (
        frame.filter(pl.col("ev") > 0)
        .with_columns(
            pl.lit(False).alias("explore"),
            pl.col("ev").alias("value"),
            ((pl.col("planned_at") - AT).dt.total_seconds() // 86_400).cast(pl.Int64).alias("day"),
        )
        .sort("customer_id")
    )
    full_problem, _ = build_problem(everything, config, world.catalog, math.inf)
    pruned_problem, _ = build_problem(pruned, config, world.catalog, math.inf)
    assert solve_milp(pruned_problem).value == solve_milp(full_problem).value
    chosen, plan = arbitrate(pruned, config, world.catalog, 0.0)
    assert plan.primal <= plan.dual_bound + 1e-9
    assert "calls:day0" in plan.capacity and "hour:2026-11-20T15" in plan.capacity
    assert int(chosen.sum()) > 0
