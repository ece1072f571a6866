"""The decision's models, and the generic learning toolkit they share code with.

Read top down: ``inputs`` (a candidate's model inputs), ``rows`` (training rows and their
leakage rules), ``response`` (the response model the decisions use: ``reach`` × conversion when
the history records reach, else a pooled uplift model), ``annoyance``, ``explore`` (cold start
and Thompson draws), ``sampling``, ``registry`` (saved model sets), ``health``, ``cli``.
The generic toolkit — any table, any treatment — is ``uplift`` (learners and ``goodcall uplift``)
with ``features`` (the encoder) and ``metrics`` (Qini, AUUC, effect CI), which sit beside it so
that their users need not load the learners. Off-policy estimators are in ``goodcall.evaluate``.
Importing this package is cheap: LightGBM and scikit-learn load with the submodules that use them.
"""

import os

# LightGBM's OpenMP threads spin while they wait for each other; on a shared machine where
# another process holds a core, that makes a multi-thread booster much slower (docs/learning.md).
# Passive waiting removes that penalty. The OpenMP runtime reads this variable once, when
# LightGBM is first imported — which happens below this package — and an explicit setting in the
# environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
