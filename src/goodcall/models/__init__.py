"""Learning: feature encoding shared by every model, and the uplift learners.

``goodcall.models.features`` turns any Polars table into the float matrix the learners read;
``goodcall.models.uplift`` estimates what a contact changes (uplift), not who would buy anyway.
Importing this package is cheap: LightGBM and scikit-learn load with the submodules that use them.
"""
