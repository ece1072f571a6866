"""Ground truth of the synthetic carrier: how its customers really respond to contacts.

* :class:`goodcall.truth.response.ResponseTruth` — probabilities of acceptance (contacted and not),
  annoyance and uplift for (customer, offer, channel, local hour, language and register
  respected); :func:`goodcall.truth.response.simulate` draws outcomes from them.
* :func:`goodcall.truth.scoring.score_policy` — exact expected value of a policy, with the
  decision core's own expected-value formula (:class:`goodcall.decide.Economics`).
* hidden traits are derived from the customer id and the seed (:mod:`goodcall.truth.traits`).

Evaluation and the synthetic generator use it; the decision code (policy, catalog, models,
arbitration, timing, brief) never imports it — a test enforces that — so nothing that decides can
peek at the answer.
"""
