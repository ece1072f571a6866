"""A batch campaign: load, check, decide, write — the I/O around the pure decision core.

Output directory (written to a temporary sibling and put into place in one step by
:func:`goodcall.writing.place_folder`, so a failed or killed run never leaves a half-written
campaign that someone could send, and ``--overwrite`` keeps the old campaign until the new one is
complete):

* ``decisions.parquet`` — one row per customer, every reason (``goodcall.decide.core``);
* ``call_list.csv`` — the contacts to make, dialler-ready (:mod:`goodcall.campaign.calllist`):
  ``customer_id, offer_id, line_id, channel, planned_at`` (ISO 8601 UTC), ``language, register``
  — the columns ``goodcall audit`` checks — then the phone number, the agents' language pool, the
  window in UTC and local time, the planned local time, the attempt, the brief's line and the
  dialling mode; text cells escaped against spreadsheet formulas
  (:func:`goodcall.writing.escape_cells`); ``call_list.parquet`` — the same rows, times as
  timestamps;
* ``briefs.jsonl`` — the agent's brief of every call (``goodcall.brief``), one JSON per line;
* ``report.json`` — what the plan contains (:func:`goodcall.campaign.report.plan_report`);
* ``plan.json`` — the settings with the plan's prices and where the models, catalog and policies
  came from (:class:`goodcall.explain.decision.CampaignPlan`): ``explain`` and ``brief`` decide
  one customer with it, as this campaign would.

With a store to record in (``record``), the plan is also recorded in the store's
``campaign_plans`` (:mod:`goodcall.store.plans`) — that is how ``explain`` and ``brief`` find the
latest plan without ``--campaign``. The plan is recorded (committed, not yet "placed") before the
output directory is renamed into place; then, in one transaction, the customers who asked not to
be called while the campaign was decided are taken out of the call list
(:mod:`goodcall.campaign.withdraw`), the directory is renamed into place and the plan marked
placed (:func:`recording_plan`). A plan the store cannot record leaves no campaign directory, a
campaign that cannot be placed leaves no plan, and a run killed in between leaves either its old
folder and a plan that never counts or its new folder and a plan that counts (its folder holds
it). The next run reports plans of runs stopped before placing their folder
(``CampaignRun.interrupted``).

Before deciding, a campaign with calls refuses to run when the national do-not-call list copy
of any customer is older than the policies allow (``national_list.max_age_days`` in
``policies.yaml``), counted in each customer's local date; the refusal names them, and when there
are more than ten writes them all to ``<out>.stale_national_list.csv`` beside the output directory.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from goodcall.campaign.calllist import CALL_LIST_COLUMNS, call_list_text
from goodcall.campaign.engine import Engine, local_engine
from goodcall.campaign.report import plan_report
from goodcall.campaign.sink import CampaignSink
from goodcall.campaign.source import FrameSource, ProfileSource
from goodcall.campaign.withdraw import withdraw_do_not_call
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.decide import CHUNK_CUSTOMERS, CampaignConfig, Decisions, PlanSummary, Prepared
from goodcall.explain.decision import CampaignPlan
from goodcall.models.registry import ModelSet
from goodcall.policy.loader import load_policies
from goodcall.policy.model import Policies
from goodcall.policy.national import (
    SHOWN,
    NationalListTooOld,
    national_list_ages,
    refuse_stale,
)
from goodcall.progress import Progress, Steps
from goodcall.store.plans import PlanStoreError, StoredPlan, recording_plan, unplaced_plans
from goodcall.writing import new_folder, place_folder, write_csv

c = pl.col
CAMPAIGN_STEPS = (
    "checking",
    "deciding",
    "writing the briefs",
    "writing the campaign",
    "placing the campaign",
)


class CampaignError(ValueError):
    """A campaign that cannot be run as asked."""


@dataclass(frozen=True)
class CampaignRun:
    out_dir: Path
    plan: PlanSummary
    report: dict[str, Any]
    recorded: StoredPlan | None = None  # the plan's row in the store, when recorded
    interrupted: tuple[StoredPlan, ...] = ()  # plans of earlier runs stopped before placing

    @property
    def decisions(self) -> Decisions:
        """The decisions as written (read back from ``decisions.parquet``)."""
        return Decisions(pl.read_parquet(self.out_dir / "decisions.parquet"), self.plan)


@dataclass(frozen=True)
class PlanRecord:
    """Record the campaign's plan in the store at ``url`` (None: ``GOODCALL_DB_URL``)."""

    url: str | None


def national_list_date(profiles: pl.DataFrame) -> dt.date | None:
    """The oldest national-list snapshot the profiles were matched against (None if unknown)."""
    dates = profiles["national_dnc_snapshot"].drop_nulls()
    return dates.min() if dates.len() else None  # type: ignore[return-value]


class NationalListGate:
    """Refuses a campaign on a channel the national list covers when a customer's copy of the
    list is too old, or when no copy date is known at all (see the module docstring). It sees
    the profiles chunk by chunk as they are decided, and rules before anything is written."""

    def __init__(self, config: CampaignConfig, policies: Policies, at: dt.datetime) -> None:
        listed = [ch for ch in config.channels if ch in policies.national_list.channels]
        self.applies = not all(config.daily_cap(ch) == 0 for ch in listed)
        self.config, self.policies, self.at = config, policies, at
        self.customers = 0
        self.dated = False
        self.stale: list[pl.DataFrame] = []

    def see(self, profiles: pl.DataFrame) -> None:
        if not self.applies or profiles.height == 0:
            return
        self.customers += profiles.height
        self.dated = self.dated or national_list_date(profiles) is not None
        snapshot = self.config.national_list_snapshot
        ages = national_list_ages(profiles.lazy(), self.policies, self.at, snapshot)
        self.stale.append(ages.filter(c("stale")).drop("stale"))

    def rule(self, out_dir: Path | None = None) -> None:
        if not self.applies or self.customers == 0:
            return
        if self.config.national_list_snapshot is None and not self.dated:
            raise CampaignError(
                "no national do-not-call list snapshot date in the profiles: import the list "
                "before running a campaign with calls (or plan without the phone channel)"
            )
        try:
            refuse_stale(pl.concat(self.stale), self.policies)
        except NationalListTooOld as err:
            if err.stale.height <= SHOWN or out_dir is None:
                raise
            path = out_dir.parent / f"{out_dir.name}.stale_national_list.csv"
            write_csv(err.stale, path)
            raise NationalListTooOld(
                f"{err} All {err.stale.height:,} are in {path}.", err.stale
            ) from err


def call_list(contacts: pl.DataFrame) -> pl.DataFrame:
    """The contacts to make (rows of decisions, or only their contacts) as the CSV holds them:
    the call list's columns that ``contacts`` has (a list written before the dialler's columns
    existed keeps the audit's seven), in planned order."""
    if "decision" in contacts.columns:
        contacts = contacts.filter(c("decision") == "contact")
    columns = [name for name in CALL_LIST_COLUMNS if name in contacts.columns]
    return call_list_text(contacts.select(columns).sort("planned_at", "customer_id"))


def run_campaign(
    profiles: pl.DataFrame | ProfileSource,
    *,
    config: CampaignConfig,
    at: dt.datetime,
    out_dir: Path,
    models: ModelSet | None = None,
    catalog: Catalog | None = None,
    policies_path: Path | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    models_dir: Path | None = None,
    catalog_path: Path | None = None,
    record: PlanRecord | None = None,
    chunk_size: int = CHUNK_CUSTOMERS,
    engine: Engine = local_engine,
) -> CampaignRun:
    """Check, decide and write one campaign (see the module docstring); ``progress`` hears each
    of :data:`CAMPAIGN_STEPS` begin. ``profiles``: in memory, or a source read ``chunk_size``
    customers at a time (:mod:`goodcall.campaign.source`); ``engine`` runs the decision core's
    passes (:mod:`goodcall.decide.engine`). ``models_dir`` and ``catalog_path``: where ``models``
    and ``catalog`` were read from, recorded in ``plan.json`` (None: catalog priors only, the
    shipped catalog). ``record``: the store the plan is recorded in (None: not recorded)."""
    steps = Steps(progress, CAMPAIGN_STEPS)
    steps.start("checking")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise CampaignError(f"{out_dir} exists and is not empty (use --overwrite)")
    interrupted = _interrupted(record)
    source = FrameSource(profiles) if isinstance(profiles, pl.DataFrame) else profiles
    policies = load_policies(policies_path)
    catalog = catalog or load_catalog()
    compiled = compile_catalog(catalog)  # once per campaign: the decisions and the briefs
    models = models or ModelSet.priors_only(list(catalog.offers), at)
    prepared = Prepared.of(
        catalog=catalog, compiled=compiled, policies=policies, models=models, config=config, at=at
    )
    gate = NationalListGate(config, policies, at)
    snapshots: list[dt.date] = []

    def checked(frame: pl.DataFrame) -> None:
        gate.see(frame)
        if (date := national_list_date(frame)) is not None:
            snapshots.append(date)

    def before_writing(plan: PlanSummary) -> None:
        gate.rule(out_dir)
        steps.start("writing the briefs")

    steps.start("deciding")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = new_folder(out_dir)
    try:
        sink = CampaignSink(tmp, source, catalog, compiled, at, prepared.policies, config)
        try:
            found = engine(source, prepared, sink, chunk_size=chunk_size, spill=tmp / ".sides",
                           seen=checked, between=before_writing)  # fmt: skip
        except BaseException:
            sink.abort()
            raise
        sink.close()
        shutil.rmtree(tmp / ".sides", ignore_errors=True)
        snapshot = config.national_list_snapshot or (min(snapshots) if snapshots else None)
        report = plan_report(sink.all_contacts(), sink.decision_counts(), found) | {
            "campaign_id": config.campaign_id,
            "decided_at": at.isoformat(),
            "models_trained_at": models.metadata.trained_at.isoformat(),
            "national_list_snapshot": str(snapshot),
        }
        plan = CampaignPlan(
            config=config.model_copy(update={"prices": found.prices}),
            decided_at=at,
            models=_absolute(models_dir),
            catalog=_absolute(catalog_path),
            policies=_absolute(policies_path),
        )
        steps.start("writing the campaign")
        plan.write(tmp)
        calls = sink.all_contacts().select(CALL_LIST_COLUMNS).sort("planned_at", "customer_id")
        calls.write_parquet(tmp / "call_list.parquet")
        write_csv(call_list(calls), tmp / "call_list.csv")
        (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    steps.start("placing the campaign")
    recorded = _record_and_place(tmp, out_dir, record, plan, policies.internal_dnc.channels)
    steps.finish()
    return CampaignRun(out_dir, found, report, recorded, interrupted)


def _interrupted(record: PlanRecord | None) -> tuple[StoredPlan, ...]:
    """Plans of earlier runs stopped after recording their plan, before placing their folder
    (:func:`goodcall.store.plans.unplaced_plans`): they never count; the run reports them."""
    if record is None:
        return ()
    try:
        return tuple(unplaced_plans(record.url))
    except PlanStoreError:  # recording the plan says what is wrong with the store
        return ()


def _record_and_place(
    tmp: Path,
    out_dir: Path,
    record: PlanRecord | None,
    plan: CampaignPlan,
    covered: Sequence[str],
) -> StoredPlan | None:
    """Rename the written campaign ``tmp`` into place between recording its plan and marking
    it placed (see the module docstring). Once placed, the folder stays: its plan counts."""
    try:
        with _recording(out_dir, record, plan, tmp, covered) as recorded:
            place_folder(tmp, out_dir)  # the old campaign stays until this one is complete
        return recorded
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, PlanStoreError):
            raise CampaignError(f"the campaign was not written: {err}") from err
        raise


@contextmanager
def _recording(
    out_dir: Path,
    record: PlanRecord | None,
    plan: CampaignPlan,
    staged: Path,
    covered: Sequence[str],
) -> Iterator[StoredPlan | None]:
    if record is None:
        yield None
        return
    with recording_plan(
        record.url,
        campaign_id=plan.config.campaign_id,
        decided_at=plan.decided_at,
        out_dir=str(out_dir.resolve()),
        plan=plan.model_dump_json(),
        guard=lambda connection: withdraw_do_not_call(staged, connection, covered),
    ) as recorded:
        yield recorded


def _absolute(path: Path | None) -> str | None:
    return None if path is None else str(path.resolve())
