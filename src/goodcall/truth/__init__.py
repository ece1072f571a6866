"""Ground truth of the synthetic carrier: how its customers really respond to contacts.

Evaluation and the synthetic generator use it; the decision code (policy, catalog, models,
arbitration, timing, brief) never imports it — a test enforces that — so nothing that decides can
peek at the answer.
"""
