"""Where the public data sets are: ``../shared/data/`` beside the repository.

The repository's parent holds ``shared/`` on every machine and in CI; a git worktree one folder
deeper finds it one level further up. ``GOODCALL_SHARED_DATA`` overrides the search.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def shared_data(*parts: str) -> Path:
    """``<ancestor of the repository>/shared/data/<parts>``, the nearest ancestor first.

    Returns the path under the repository's parent when no ancestor holds it, so that the
    caller's "not found" message names the expected place.
    """
    override = os.environ.get("GOODCALL_SHARED_DATA")
    if override:
        return Path(override).joinpath(*parts)
    for ancestor in REPOSITORY.parents:
        candidate = ancestor / "shared" / "data"
        if candidate.is_dir():
            return candidate.joinpath(*parts)
    return REPOSITORY.parent.joinpath("shared", "data", *parts)
