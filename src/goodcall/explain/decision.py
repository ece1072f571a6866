"""One customer decided by the core, as the latest campaign would decide them.

``goodcall campaign run`` writes ``plan.json`` beside its decisions — the campaign's settings with
the plan's dual prices, the decision time, and where its model set, catalog and policies came
from (:class:`CampaignPlan`) — and records the same JSON in the store's ``campaign_plans``.
``explain`` and ``brief`` decide the one customer with the same settings, models and prices, so
at the campaign's decision time they give the campaign's answer. Which plan (:func:`load_decider`):

* ``--campaign DIR``: the plan of that campaign directory;
* ``--no-plan``: none;
* otherwise the latest plan in the store decided at or before ``--at`` (when every plan was
  decided later, the earliest of them, and the output says so; see
  :mod:`goodcall.store.plans`). It is read from the stored JSON, so a campaign directory moved
  or deleted since does not matter; a model set that no longer exists does (exit 2).

Without a plan, the customer is decided alone at prices 0 (no capacity is scarce), with no control
group and no exploration (those belong to a campaign), and the output says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError

from goodcall.catalog.compile import CompiledCatalog
from goodcall.decide import (
    CampaignConfig,
    PreparedDecider,
    decide,
    deciding_reason,
    value_parts,
)
from goodcall.explain.inputs import InputError, Rules, load_rules
from goodcall.models.registry import ModelSet, ModelSetError
from goodcall.policy.engine import evaluate_channels_matrix
from goodcall.policy.texts import clock, day
from goodcall.store.plans import PlanStoreError, StoredPlan, latest_plan

PLAN_FILE = "plan.json"
Lang = Literal["fr", "en"]
PlanFrom = Literal["directory", "store", "none", "no-plan"]
"""Where a decision's plan came from: ``--campaign DIR``, the store, none, ``--no-plan``."""
SINGLE_CAMPAIGN = "SINGLE"
"""The campaign id of a customer decided without a campaign plan."""
LONE_CONFIG = CampaignConfig(
    campaign_id=SINGLE_CAMPAIGN, control_share=0.0, explore_share=0.0, prices={}
)
"""Without a plan: prices 0, and no control group or exploration (they belong to a campaign)."""


class CampaignPlan(BaseModel):
    """What a campaign was decided with, so that one customer can be decided the same way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config: CampaignConfig  # with ``prices``: the plan's dual prices
    decided_at: dt.datetime
    models: str | None = None  # the model set's directory; None: catalog priors only
    catalog: str | None = None  # None: the shipped catalog
    policies: str | None = None  # None: the shipped policies

    def write(self, directory: Path) -> Path:
        path = directory / PLAN_FILE
        path.write_text(self.model_dump_json(indent=2))
        return path

    @classmethod
    def read(cls, directory: Path) -> CampaignPlan:
        """The plan of a campaign directory, naming the file at fault."""
        path = directory / PLAN_FILE
        if not path.is_file():
            raise InputError(
                f"{directory} holds no campaign plan ({PLAN_FILE} is missing): pass the "
                "directory `goodcall campaign run --out` wrote"
            )
        try:
            return cls.model_validate_json(path.read_text())
        except (ValidationError, ValueError) as err:
            raise InputError(f"{path}: not a campaign plan: {err}") from err

    @classmethod
    def from_store(cls, stored: StoredPlan) -> CampaignPlan:
        """The plan recorded in the store (its JSON text), naming the row at fault."""
        try:
            return cls.model_validate_json(stored.plan)
        except (ValidationError, ValueError) as err:
            raise InputError(
                f"the store at {stored.store}: plan {stored.plan_id} (campaign "
                f"{stored.campaign_id}) is not a campaign plan: {err}"
            ) from err


@dataclass(frozen=True)
class Decider:
    """Everything a single decision is made with, and where each piece came from."""

    rules: Rules
    models: ModelSet
    config: CampaignConfig
    plan: CampaignPlan | None
    plan_dir: Path | None  # the campaign's directory (as given, or as recorded in the store)
    models_dir: Path | None
    plan_from: PlanFrom = "none"
    plan_id: int | None = None  # the plan's row in the store's campaign_plans
    _prepared: dict[str, PreparedDecider] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def compiled(self) -> CompiledCatalog:
        return self.rules.catalog

    def prepared(self) -> PreparedDecider | None:
        """The core's :class:`~goodcall.decide.PreparedDecider` at the plan's prices (at
        prices 0 without a plan), made on first use and kept: a service deciding one customer
        after another must not prepare the catalog, policies and scorer again each time. None
        when the settings carry no prices (then every call decides as the batch does)."""
        if self.config.prices is None:
            return None
        made = self._prepared.get("")
        if made is None:
            made = PreparedDecider.prepare(
                compiled=self.rules.catalog, policies=self.rules.policies, models=self.models,
                config=self.config,
            )  # fmt: skip
            self._prepared[""] = made
        return made

    def basis(self, at: dt.datetime) -> dict[str, Any]:
        """What the decision was made with, JSON-ready (every surface prints it)."""
        trained = self.models.metadata
        plan = self.plan
        return {
            "prices": _PRICES[self.plan_from],
            "plan_from": self.plan_from,
            "plan_id": self.plan_id,
            "campaign": str(self.plan_dir) if self.plan_dir is not None else None,
            "campaign_id": self.config.campaign_id,
            "plan_decided_at": plan.decided_at.isoformat() if plan is not None else None,
            "same_time_as_plan": plan is not None and plan.decided_at == at,
            "plan_after_at": plan is not None and plan.decided_at > at,
            "models": str(self.models_dir) if self.models_dir is not None else None,
            "models_trained": trained.response is not None,
            "models_trained_at": trained.trained_at.isoformat()
            if self.models_dir is not None
            else None,
        }


_PRICES: dict[PlanFrom, str] = {
    "directory": "campaign plan",
    "store": "campaign plan",
    "none": "zero (no campaign plan)",
    "no-plan": "zero (--no-plan)",
}


def load_decider(
    campaign: Path | None,
    models: Path | None,
    catalog: Path | None,
    policies: Path | None,
    at: dt.datetime,
    *,
    db: str | None = None,
    use_store: bool = True,
    no_plan: bool = False,
) -> Decider:
    """The plan's settings, models and rules (each explicit option wins over the plan's); without
    a plan, a lone decision at prices 0 with ``models`` or the priors. Which plan: see the module
    docstring (``use_store=False``: never look in the store at ``db``)."""
    if no_plan and campaign is not None:
        raise InputError("--no-plan and --campaign exclude each other: pass one of them")
    plan, plan_dir, plan_from, plan_id = _find_plan(campaign, at, db, use_store and not no_plan)
    if no_plan:
        plan_from = "no-plan"
    if plan is not None:
        catalog = catalog or _path(plan.catalog)
        policies = policies or _path(plan.policies)
        models = models or _plan_models(plan, plan_dir, plan_from)
        config = plan.config
    else:
        config = LONE_CONFIG
    rules = load_rules(catalog, policies)
    offers = list(rules.catalog.catalog.offers)
    try:
        model_set = ModelSet.load(models) if models is not None else None
    except ModelSetError as err:
        raise InputError(f"cannot read the model set: {err}") from err
    return Decider(
        rules,
        model_set or ModelSet.priors_only(offers, at),
        config,
        plan,
        plan_dir,
        models,
        plan_from,
        plan_id,
    )


def _find_plan(
    campaign: Path | None, at: dt.datetime, db: str | None, use_store: bool
) -> tuple[CampaignPlan | None, Path | None, PlanFrom, int | None]:
    if campaign is not None:
        return CampaignPlan.read(campaign), campaign, "directory", None
    if not use_store:
        return None, None, "none", None
    try:
        stored = latest_plan(db, at)
    except PlanStoreError as err:
        raise InputError(str(err)) from err
    if stored is None:
        return None, None, "none", None
    return CampaignPlan.from_store(stored), Path(stored.out_dir), "store", stored.plan_id


def _plan_models(plan: CampaignPlan, plan_dir: Path | None, plan_from: PlanFrom) -> Path | None:
    """The plan's model set, which must still exist (a plan decided with models cannot be
    reproduced with the priors)."""
    models = _path(plan.models)
    if models is not None and not models.is_dir():
        where = "the store's latest plan" if plan_from == "store" else f"the plan in {plan_dir}"
        raise InputError(
            f"{where} (campaign {plan.config.campaign_id}, decided at "
            f"{plan.decided_at.isoformat()}) was decided with the model set {models}, which no "
            "longer exists: pass --models DIR, or --no-plan to decide at prices 0"
        )
    return models


def lone_decider(rules: Rules, at: dt.datetime) -> Decider:
    """A customer decided alone with ``rules``: prices 0, no models trained (catalog priors)."""
    offers = list(rules.catalog.catalog.offers)
    return Decider(rules, ModelSet.priors_only(offers, at), LONE_CONFIG, None, None, None)


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def decide_one(
    profile: pl.DataFrame, decider: Decider, at: dt.datetime, *, next_call: bool = True
) -> dict[str, Any]:
    """The core's decision for the customer of ``profile`` (one row): see
    :func:`decide_customers`."""
    if profile.height != 1:
        raise InputError(f"one customer expected, got {profile.height} profile rows")
    return decide_customers(profile, decider, at, next_call=next_call)[profile["customer_id"][0]]


def decide_customers(
    profiles: pl.DataFrame, decider: Decider, at: dt.datetime, *, next_call: bool = True
) -> dict[str, dict[str, Any]]:
    """The core's decision for each customer of ``profiles``, JSON-ready, by customer id: the
    decision row, its expected value in parts, the reason that decided and (``next_call``) the
    next window of a call (``explain`` shows its own channel section instead).

    Decided at the plan's prices (or at prices 0), each customer's decision does not depend on
    the others: deciding several together gives each the decision it gets alone."""
    compiled = decider.compiled
    prepared = decider.prepared()
    if prepared is not None:
        decided = prepared.decide(profiles, at)
    else:
        decided = decide(
            profiles.lazy(),
            catalog=compiled.catalog,
            compiled=compiled,
            policies=decider.rules.policies,
            models=decider.models,
            at=at,
            config=decider.config,
        ).frame
    parts = value_parts(decided, profiles, compiled.catalog, decider.config)
    zones = dict(profiles.select("customer_id", "time_zone").iter_rows())
    calls = _next_calls(profiles, zones, decider, at) if next_call else {}
    basis = decider.basis(at)
    return {
        row["customer_id"]: _decision(row, part, zones.get(row["customer_id"]))
        | {"next_call": calls.get(row["customer_id"]), "basis": basis}
        for row, part in zip(
            decided.iter_rows(named=True), parts.iter_rows(named=True), strict=True
        )
    }


def _decision(row: dict[str, Any], parts: dict[str, Any], zone: str | None) -> dict[str, Any]:
    reasons = row["reasons"] or []
    return {
        "decision": row["decision"],
        "group": row["group"],
        "offer_id": row["offer_id"],
        "line_id": row.get("line_id"),
        "channel": row["channel"],
        "planned_at": _iso(row["planned_at"]),
        "planned_local": _local(row["planned_at"], zone),
        "ev": row["ev"],
        "uplift": row["uplift"],
        "p_accept": row["p_accept"],
        "p_annoy": row["p_annoy"],
        "explore": row["explore"],
        "value_parts": {
            k: parts[k] for k in ("margin", "uplift_value", "contact_cost", "annoyance_cost")
        }
        if row["offer_id"] is not None
        else None,
        "would": _shadow(row, zone) if row["decision"] == "control" else None,
        "deciding_reason": deciding_reason(reasons, row["decision"]),
        "reasons": reasons,
    }


def _shadow(row: dict[str, Any], zone: str | None) -> dict[str, Any]:
    return {
        "offer_id": row["shadow_offer_id"],
        "channel": row["shadow_channel"],
        "planned_at": _iso(row["shadow_planned_at"]),
        "planned_local": _local(row["shadow_planned_at"], zone),
        "ev": row["shadow_ev"],
    }


def _next_calls(
    profiles: pl.DataFrame, zones: dict[str, str | None], decider: Decider, at: dt.datetime
) -> dict[str, dict[str, Any]]:
    """Per customer: the next moment the policies allow a call (whatever the core decided);
    the engine's matrix path, whose windows are the reasons path's without the reasons. The
    profiles go to the engine as the frame they are, so that a few customers (a service's
    micro-batch) are judged on its Python rows path, with the same answers."""
    phone = (
        evaluate_channels_matrix(profiles, decider.rules.policies, at, channels=("phone",))
        .filter(pl.col("channel") == "phone")
        .select("customer_id", "next_window_start", "next_window_end")
        .collect()
    )
    return {
        cid: {
            "start": _iso(start),
            "end": _iso(end),
            "start_local": window_text(start, end, zones[cid], "en"),
        }
        for cid, start, end in phone.iter_rows()
        if cid in zones
    }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _local(value: dt.datetime | None, zone: str | None) -> str | None:
    """``value`` in the customer's zone, ISO 8601 to the minute."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is None:
        return None
    try:
        tz = ZoneInfo(zone) if zone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    return value.astimezone(tz).isoformat(timespec="minutes")


def window_text(
    start: dt.datetime | None, end: dt.datetime | None, zone: str | None, lang: Lang
) -> str | None:
    """``vendredi 20 novembre 2026, 10 h 00 – 17 h 00 (America/Montreal)``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if start is None or end is None:
        return None
    try:
        tz = ZoneInfo(zone) if zone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    from babel.dates import format_date

    weekday = format_date(local_start.date(), "EEEE", locale="fr_CA" if lang == "fr" else "en_CA")
    first = f"{weekday} {day(local_start.date(), lang)}, {clock(local_start, lang)}"
    if local_end.date() == local_start.date():
        return f"{first} – {clock(local_end, lang)} ({zone or 'UTC'})"
    return f"{first} – {day(local_end.date(), lang)} {clock(local_end, lang)} ({zone or 'UTC'})"
