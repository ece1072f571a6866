"""A prepared decider: one customer (or a few) decided by the one core, at a plan's prices.

What a live service, ``explain`` and the brief need to decide one customer again and again is
the batch's own preparation, :class:`~goodcall.decide.passes.Prepared` — the compiled catalog and
policies, what scoring needs (:class:`~goodcall.decide.score.Scorer`) and the campaign's
settings — made once, at the latest plan's dual prices; each call runs the batch's two passes
(:func:`~goodcall.decide.batch.decide_prepared`) on the given profile rows at the call's moment.
Nothing of the decision is here: at the plan's prices every customer is decided alone (no
capacity couples them), so a customer decided here gets exactly the row the batch gives them at
those prices.

Usage::

    decider = PreparedDecider.prepare(
        compiled=compiled, policies=policies, models=models, config=config, prices=plan.prices
    )
    row = decider.decide_one(profile, at)  # a dict: the columns of DECISION_SCHEMA
    rows = decider.decide(profiles, at)    # a DataFrame: several customers in one call

``profile``: one row of the profile frame (:func:`goodcall.profiles.build.build_profiles`), as a
one-row DataFrame or a mapping of its columns. Each call pays the core's fixed cost once, so
deciding a micro-batch of customers in one :meth:`PreparedDecider.decide` costs little more than
deciding one (``docs/decisions.md``, "One customer fast", has the figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.decide.batch import decide_prepared
from goodcall.decide.config import CampaignConfig
from goodcall.decide.passes import Prepared
from goodcall.decide.score import Scorer
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.profiles.fields import PROFILE_SCHEMA

PREPARED_AT = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The moment a decider is prepared with; never decided at (each call gives its own)."""


@dataclass(frozen=True)
class PreparedDecider:
    """The batch's :class:`~goodcall.decide.passes.Prepared` at a plan's prices, deciding at
    each call's moment. Build it with :meth:`prepare`; it is immutable and may be shared
    between threads."""

    prepared: Prepared  # ``config.prices`` always set: the plan's dual prices

    @property
    def compiled(self) -> CompiledCatalog:
        return self.prepared.compiled

    @property
    def policies(self) -> CompiledPolicies:
        return self.prepared.policies

    @property
    def models(self) -> ModelSet:
        return self.prepared.scorer.models

    @property
    def config(self) -> CampaignConfig:
        return self.prepared.config

    @property
    def scorer(self) -> Scorer:
        return self.prepared.scorer

    @classmethod
    def prepare(
        cls,
        *,
        compiled: CompiledCatalog,
        policies: Policies | CompiledPolicies,
        models: ModelSet,
        config: CampaignConfig,
        prices: Mapping[str, float] | None = None,
    ) -> PreparedDecider:
        """Prepare a decider for ``config``'s campaign at ``prices`` (else ``config.prices``).

        The prices are a batch plan's (:attr:`goodcall.decide.plan.PlanSummary.prices`); an
        empty mapping decides at prices 0 (no capacity is scarce). Without either, a lone
        customer would be given the whole campaign's capacity, which is not the batch's
        decision: refused with :class:`ValueError`."""
        chosen = dict(prices) if prices is not None else config.prices
        if chosen is None:
            raise ValueError(
                f"campaign {config.campaign_id}: a prepared decider decides at a plan's prices; "
                "pass prices= (the batch plan's PlanSummary.prices, or {} for prices 0)"
            )
        prepared = Prepared.of(
            catalog=compiled.catalog, compiled=compiled, policies=policies, models=models,
            config=config, at=PREPARED_AT,
        )  # fmt: skip
        return cls(prepared.priced(chosen))

    @classmethod
    def of(cls, prepared: Prepared, prices: Mapping[str, float]) -> PreparedDecider:
        """A decider from a batch's own preparation, at its plan's ``prices``."""
        return cls(prepared.priced(dict(prices)))

    def decide(self, profiles: pl.DataFrame | pl.LazyFrame, at: dt.datetime) -> pl.DataFrame:
        """Decision rows (:data:`~goodcall.decide.core.DECISION_SCHEMA`) of every profile row,
        in customer order, as the batch at the plan's prices gives them."""
        frame = profiles if isinstance(profiles, pl.DataFrame) else profiles.collect()
        return decide_prepared(frame, self.prepared.at_moment(at)).frame

    def decide_one(
        self, profile: pl.DataFrame | Mapping[str, Any], at: dt.datetime
    ) -> dict[str, Any]:
        """The decision row of one customer, as a dict of the decision's columns."""
        frame = profile if isinstance(profile, pl.DataFrame) else profile_frame(profile)
        if frame.height != 1:
            raise ValueError(f"decide_one takes one profile row, got {frame.height}")
        return self.decide(frame, at).row(0, named=True)


def profile_frame(profile: Mapping[str, Any]) -> pl.DataFrame:
    """A one-row profile frame from a mapping of profile columns (missing columns are null)."""
    unknown = sorted(set(profile) - set(PROFILE_SCHEMA))
    if unknown:
        raise ValueError(f"profile has columns that are not profile fields: {', '.join(unknown)}")
    return pl.DataFrame([dict(profile)], schema=PROFILE_SCHEMA)
