"""Settings the uplift tests share: LightGBM small enough to fit in a second, a fixed moment."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from goodcall.models.uplift import LightGBMParams

FAST = LightGBMParams(n_estimators=60, learning_rate=0.1, effect_num_leaves=(2, 4))
AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def replace_booster(model_dir: Path, name: str, text: str) -> None:
    """Write ``text`` as the model directory's only booster file ``name`` with its checksum
    updated, so that loading reaches the check of what the booster reads."""
    (model_dir / name).write_text(text)
    meta = json.loads((model_dir / "metadata.json").read_text())
    meta["components"][0]["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    (model_dir / "metadata.json").write_text(json.dumps(meta))
