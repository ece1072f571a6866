"""A batch campaign: load, check, decide, write — the I/O around the pure decision core.

Output directory (written to a temporary sibling and renamed into place, so a failed run never
leaves a half-written campaign that someone could send):

* ``decisions.parquet`` — one row per customer, every reason (``goodcall.decide.core``);
* ``call_list.csv`` — the contacts to make: ``customer_id, offer_id, channel, planned_at``
  (ISO 8601 UTC), ``language, register`` — the format ``goodcall audit`` checks;
* ``briefs.jsonl`` — the agent's brief of every call (``goodcall.brief``), one JSON per line;
* ``report.json`` — what the plan contains (:func:`goodcall.campaign.report.plan_report`);
* ``plan.json`` — the settings with the plan's prices and where the models, catalog and policies
  came from (:class:`goodcall.explain.decision.CampaignPlan`): ``explain`` and ``brief`` decide
  one customer with it, as this campaign would.

With a store to record in (``record``), the plan is also recorded in the store's
``campaign_plans`` (:mod:`goodcall.store.plans`) — that is how ``explain`` and ``brief`` find the
latest plan without ``--campaign``. The row is inserted before the output directory is renamed
into place and committed after: a plan the store cannot record leaves no campaign directory, and a
campaign that cannot be written leaves no plan.

Before deciding, a campaign with calls refuses to run when the national do-not-call list copy
of any customer is older than the policies allow (``national_list.max_age_days`` in
``policies.yaml``), counted in each customer's local date; the refusal names them, and when there
are more than ten writes them all to ``<out>.stale_national_list.csv`` beside the output directory.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from goodcall.campaign.report import plan_report
from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.decide import CampaignConfig, Decisions, decide
from goodcall.explain.decision import CampaignPlan
from goodcall.models.registry import ModelSet
from goodcall.policy.loader import load_policies
from goodcall.policy.model import Policies
from goodcall.policy.national import SHOWN, NationalListTooOld, check_national_list
from goodcall.policy.resolve import compile_policies
from goodcall.progress import Progress, Steps
from goodcall.store.plans import PlanStoreError, StoredPlan, recording_plan

c = pl.col
CAMPAIGN_STEPS = ("checking", "deciding", "writing the briefs", "writing the campaign")
CALL_LIST_COLUMNS = (
    "customer_id",
    "offer_id",
    "line_id",
    "channel",
    "planned_at",
    "language",
    "register",
)
"""``line_id``: the line a handset or plan offer is for (empty for account-level offers)."""


class CampaignError(ValueError):
    """A campaign that cannot be run as asked."""


@dataclass(frozen=True)
class CampaignRun:
    out_dir: Path
    decisions: Decisions
    report: dict[str, Any]
    recorded: StoredPlan | None = None  # the plan's row in the store, when recorded


@dataclass(frozen=True)
class PlanRecord:
    """Record the campaign's plan in the store at ``url`` (None: ``GOODCALL_DB_URL``)."""

    url: str | None


def national_list_date(profiles: pl.DataFrame) -> dt.date | None:
    """The oldest national-list snapshot the profiles were matched against (None if unknown)."""
    dates = profiles["national_dnc_snapshot"].drop_nulls()
    return dates.min() if dates.len() else None  # type: ignore[return-value]


def check_calls_allowed(
    profiles: pl.DataFrame,
    config: CampaignConfig,
    policies: Policies,
    at: dt.datetime,
    out_dir: Path | None = None,
) -> None:
    """Refuse a campaign on a channel the national list covers when a customer's copy of the list
    is too old, or when no copy date is known at all (see the module docstring)."""
    listed = [ch for ch in config.channels if ch in policies.national_list.channels]
    if all(config.daily_cap(ch) == 0 for ch in listed) or profiles.height == 0:
        return
    if config.national_list_snapshot is None and national_list_date(profiles) is None:
        raise CampaignError(
            "no national do-not-call list snapshot date in the profiles: import the list before "
            "running a campaign with calls (or plan without the phone channel)"
        )
    try:
        check_national_list(profiles.lazy(), policies, at, config.national_list_snapshot)
    except NationalListTooOld as err:
        if err.stale.height <= SHOWN or out_dir is None:
            raise
        path = out_dir.parent / f"{out_dir.name}.stale_national_list.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        err.stale.write_csv(path)
        raise NationalListTooOld(
            f"{err} All {err.stale.height:,} are in {path}.", err.stale
        ) from err


def call_list(decisions: pl.DataFrame) -> pl.DataFrame:
    """The contacts to make, in the audit's format."""
    return (
        decisions.filter(c("decision") == "contact")
        .select(CALL_LIST_COLUMNS)
        .sort("planned_at", "customer_id")
        .with_columns(c("planned_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    )


def _briefs(
    decisions: pl.DataFrame,
    profiles: pl.DataFrame,
    catalog: Catalog,
    compiled: CompiledCatalog,
    at: dt.datetime,
) -> pl.DataFrame:
    from goodcall.brief.batch import render_briefs

    calls = decisions.filter((c("decision") == "contact") & (c("channel") == "phone")).select(
        "customer_id", "offer_id", "line_id", "channel"
    )
    if calls.height == 0:
        return calls.with_columns(pl.lit(None, pl.String).alias("brief"))
    called = profiles.join(calls.select("customer_id"), on="customer_id", how="semi")
    on_line = called.join(
        calls.select("customer_id", c("line_id").alias("__call_line")), on="customer_id"
    )  # per-line offers judged on the called line: the brief's "do not" is about that line
    evaluated = evaluate_offers(on_line.lazy(), compiled, at, line_column="__call_line").collect()
    return render_briefs(calls, called, evaluated, catalog, at, "text", as_frame=True)


def _write(
    tmp: Path,
    decisions: Decisions,
    briefs: pl.DataFrame,
    report: dict[str, Any],
    plan: CampaignPlan,
) -> None:
    decisions.frame.write_parquet(tmp / "decisions.parquet")
    plan.write(tmp)
    call_list(decisions.frame).write_csv(tmp / "call_list.csv")
    briefs.write_ndjson(tmp / "briefs.jsonl")
    (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str))


def run_campaign(
    profiles: pl.DataFrame,
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
) -> CampaignRun:
    """Check, decide and write one campaign (see the module docstring); ``progress`` hears each
    of :data:`CAMPAIGN_STEPS` begin. ``models_dir`` and ``catalog_path``: where ``models`` and
    ``catalog`` were read from, recorded in ``plan.json`` (None: catalog priors only, the shipped
    catalog). ``record``: the store the plan is recorded in (None: not recorded)."""
    steps = Steps(progress, CAMPAIGN_STEPS)
    steps.start("checking")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise CampaignError(f"{out_dir} exists and is not empty (use --overwrite)")
    policies = load_policies(policies_path)
    check_calls_allowed(profiles, config, policies, at, out_dir)
    catalog = catalog or load_catalog()
    compiled = compile_catalog(catalog)  # once per campaign: the decisions and the briefs
    models = models or ModelSet.priors_only(list(catalog.offers), at)
    steps.start("deciding")
    decisions = decide(
        profiles.lazy(),
        catalog=catalog,
        compiled=compiled,
        policies=compile_policies(policies),  # once per campaign, not per chunk
        models=models,
        at=at,
        config=config,
    )
    report = plan_report(decisions) | {
        "campaign_id": config.campaign_id,
        "decided_at": at.isoformat(),
        "models_trained_at": models.metadata.trained_at.isoformat(),
        "national_list_snapshot": str(
            config.national_list_snapshot or national_list_date(profiles)
        ),
    }
    plan = CampaignPlan(
        config=config.model_copy(update={"prices": decisions.plan.prices}),
        decided_at=at,
        models=_absolute(models_dir),
        catalog=_absolute(catalog_path),
        policies=_absolute(policies_path),
    )
    steps.start("writing the briefs")
    briefs = _briefs(decisions.frame, profiles, catalog, compiled, at)
    steps.start("writing the campaign")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recorded = _write_and_record(out_dir, record, plan, lambda tmp: _write(
        tmp, decisions, briefs, report, plan
    ))  # fmt: skip
    steps.finish()
    return CampaignRun(out_dir, decisions, report, recorded)


def _write_and_record(
    out_dir: Path, record: PlanRecord | None, plan: CampaignPlan, write: Callable[[Path], None]
) -> StoredPlan | None:
    """Write the campaign to a temporary sibling and rename it into place, inside the store
    transaction that records its plan (see the module docstring)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    placed = False
    try:
        with _recording(out_dir, record, plan) as recorded:
            write(tmp)
            if out_dir.exists():
                shutil.rmtree(out_dir)
            tmp.rename(out_dir)
            placed = True
        return recorded
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if placed:  # the directory was renamed but the store did not commit its plan
            shutil.rmtree(out_dir, ignore_errors=True)
        if isinstance(err, PlanStoreError):
            raise CampaignError(f"the campaign was not written: {err}") from err
        raise


@contextmanager
def _recording(
    out_dir: Path, record: PlanRecord | None, plan: CampaignPlan
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
    ) as recorded:
        yield recorded


def _absolute(path: Path | None) -> str | None:
    return None if path is None else str(path.resolve())
