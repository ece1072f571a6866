"""Measuring decisions: uplift metrics, campaign effects with intervals, off-policy evaluation.

``metrics`` scores uplift rankings (Qini, AUUC, uplift@k) and measures a campaign against its
control group; ``ope`` estimates what a new targeting policy would have earned from logs
collected under another policy, before it is rolled out. ``cli`` holds the ``goodcall
evaluate`` command group that other modules attach their own evaluations to.
"""

import goodcall.models  # noqa: F401  (sets OpenMP's passive waiting before LightGBM loads)
