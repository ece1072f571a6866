"""Settings the uplift tests share: LightGBM small enough to fit in a second, a fixed moment."""

from __future__ import annotations

import datetime as dt

from goodcall.models.uplift import LightGBMParams

FAST = LightGBMParams(n_estimators=60, learning_rate=0.1, effect_num_leaves=(2, 4))
AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
