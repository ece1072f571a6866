"""Learning: feature encoding shared by every model, and the uplift learners.

``goodcall.models.features`` turns any Polars table into the float matrix the learners read;
``goodcall.models.uplift`` estimates what a contact changes (uplift), not who would buy anyway.
Importing this package is cheap: LightGBM and scikit-learn load with the submodules that use them.
"""

import os

# LightGBM's OpenMP threads spin while they wait for each other; on a shared machine where
# another process holds a core, a two-thread booster was measured 5 to 8 times slower than a
# one-thread one. Passive waiting removes that penalty. The OpenMP runtime reads this variable
# once, when LightGBM is first imported — which happens below this package — and an explicit
# setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
