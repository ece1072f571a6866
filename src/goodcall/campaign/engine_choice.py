"""Which engine decides a campaign, as the command line names it: ``--engine local`` (this
process, :func:`goodcall.campaign.engine.local_engine`) or ``--engine spark`` (Apache Spark at
``--master``, default ``local[2]``, :mod:`goodcall.campaign.spark`). Both run the one decision
core and give the same decisions. Light to import: the options are read by the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from goodcall.campaign.engine import Engine

ENGINES = ("local", "spark")
EngineOption = Annotated[
    str, typer.Option("--engine", help="Where to decide: local (this process) or spark.")
]
MasterOption = Annotated[
    str | None,
    typer.Option(
        "--master",
        help="Spark master URL for --engine spark (default local[2]; e.g. spark://host:7077).",
    ),
]

StagingOption = Annotated[
    str | None,
    typer.Option(
        "--spark-staging",
        help="Directory every Spark executor reads (hdfs://…, s3a://…) where the campaign's "
        "profiles are staged as Parquet (default: the campaign's local temporary folder).",
    ),
]


def engine_for(name: str, master: str | None, staging: str | None = None) -> Engine:
    """The engine named on the command line; a CampaignError for a name it does not know, or a
    Spark option given to the local engine."""
    from goodcall.campaign.engine import local_engine
    from goodcall.campaign.run import CampaignError

    if name not in ENGINES:
        raise CampaignError(f"--engine {name!r}: expected one of {', '.join(ENGINES)}")
    if name == "local":
        if master is not None or staging is not None:
            raise CampaignError("--master and --spark-staging are for --engine spark")
        return local_engine
    from goodcall.campaign.spark import DEFAULT_MASTER, SparkEngine

    return SparkEngine(master or DEFAULT_MASTER, staging)
