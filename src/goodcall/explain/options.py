"""The options that say which campaign plan a single customer is decided with, shared by
``goodcall explain`` and ``goodcall brief`` (both decide one customer through the core).

Only Typer here: the commands' modules import it at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

CampaignOption = Annotated[
    Path | None,
    typer.Option(
        "--campaign",
        help="A `campaign run --out` directory: decide with its plan's prices, settings and "
        "models (default $GOODCALL_CAMPAIGN; none: the store's latest plan at --at).",
        envvar="GOODCALL_CAMPAIGN",
    ),
]
NoPlanOption = Annotated[
    bool, typer.Option("--no-plan", help="Decide at prices 0, with no campaign plan.")
]
