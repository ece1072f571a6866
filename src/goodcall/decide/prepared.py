"""A prepared decider: one customer (or a few) decided by the one core, at a plan's prices.

What a live service, ``explain`` and the brief need to decide one customer again and again is
prepared once — the compiled catalog and policies, the loaded model set, what scoring needs
(:class:`~goodcall.decide.score.Scorer`: the offer features and the posteriors joined with the
catalog priors) and the campaign's settings with the latest plan's dual prices — and each call
runs :func:`~goodcall.decide.batch.decide` on the given profile rows. Nothing of the decision is
written here: at the plan's prices every customer is decided alone (no capacity couples them),
so a customer decided here gets exactly the row the batch gives them at those prices.

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
from goodcall.decide.batch import decide
from goodcall.decide.config import CampaignConfig
from goodcall.decide.score import Scorer
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies
from goodcall.profiles.fields import PROFILE_SCHEMA


@dataclass(frozen=True)
class PreparedDecider:
    """Everything one decision needs besides the profile and the time, prepared once.

    Build it with :meth:`prepare`; it is immutable and may be shared between threads."""

    compiled: CompiledCatalog
    policies: CompiledPolicies
    models: ModelSet
    config: CampaignConfig  # ``prices`` always set: the plan's dual prices
    scorer: Scorer

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
        if isinstance(policies, Policies):
            policies = compile_policies(policies)
        priced = config.model_copy(update={"prices": chosen})
        scorer = Scorer.of(models, compiled.catalog)
        return cls(compiled, policies, models, priced, scorer)

    def decide(self, profiles: pl.DataFrame | pl.LazyFrame, at: dt.datetime) -> pl.DataFrame:
        """Decision rows (:data:`~goodcall.decide.core.DECISION_SCHEMA`) of every profile row,
        in customer order, as the batch at the plan's prices gives them."""
        return decide(
            profiles.lazy(),
            catalog=self.compiled.catalog,
            compiled=self.compiled,
            policies=self.policies,
            models=self.models,
            at=at,
            config=self.config,
        ).frame

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
