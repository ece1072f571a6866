"""The decision's own reasons: why this contact, why not, and why not the other offers.

Codes (``goodcall.reasons``):

* ``arbitration.best_ev`` (ok) — contacted: ``offer=…, channel=…, hour=…, ev=…, uplift=…,
  p_accept=…, p_annoy=…``;
* ``arbitration.explore`` (ok) — the contact is in the exploration slice (a cold offer chosen on a
  Thompson draw): ``sampled_ev=…, mean_ev=…``;
* ``arbitration.runner_up`` (not ok) — the best other offer and why it lost: ``offer=…,
  channel=…, ev=…``;
* ``arbitration.negative_ev`` (not ok) — no candidate is worth the customer's time:
  ``best=OFFER/channel, ev=…`` (≤ 0);
* ``arbitration.capacity`` (not ok) — worth a contact but capacity went to better uses:
  ``best=OFFER/channel, ev=…`` (the best candidate the response model scored);
* ``arbitration.cold`` (not ok) — the only candidates worth a contact are offers the model set
  does not know, worth it on their catalog prior alone, which only the exploration slice may
  contact, and it did not pick this customer: ``best=OFFER/channel, ev=…`` (the prior's mean);
* ``arbitration.no_candidate`` (not ok) — no eligible offer on a contactable channel;
* ``campaign.control_group`` (not ok) — held out: ``draw<share=0.05, would_offer=…,
  would_channel=…``.
"""

from __future__ import annotations

import polars as pl

from goodcall.reasons import REASON_STRUCT

c = pl.col


def _num(name: str, digits: int = 4) -> pl.Expr:
    return c(name).round(digits).cast(pl.String).fill_null("none")


def _reason(code: str, ok: bool, rule: str, evidence: pl.Expr) -> pl.Expr:
    return pl.struct(
        pl.lit(code).alias("code"),
        pl.lit(ok).alias("ok"),
        pl.lit(rule).alias("rule"),
        evidence.alias("evidence"),
    ).cast(REASON_STRUCT)


def contact_reason() -> pl.Expr:
    evidence = pl.concat_str(
        pl.lit("offer="),
        c("offer_id"),
        pl.lit(", channel="),
        c("channel"),
        pl.lit(", hour="),
        c("local_hour").cast(pl.String),
        pl.lit(", ev="),
        _num("ev", 2),
        pl.lit(", uplift="),
        _num("uplift"),
        pl.lit(", p_accept="),
        _num("p_accept"),
        pl.lit(", p_annoy="),
        _num("p_annoy"),
    )
    return _reason("arbitration.best_ev", True, "largest expected value under capacity", evidence)


def explore_reason() -> pl.Expr:
    evidence = pl.concat_str(
        pl.lit("sampled_ev="), _num("explore_value", 2), pl.lit(", mean_ev="), _num("ev", 2)
    )
    return _reason("arbitration.explore", True, "Thompson draw in the exploration slice", evidence)


def runner_up_reason() -> pl.Expr:
    evidence = pl.concat_str(
        pl.lit("offer="),
        c("runner_up_offer_id"),
        pl.lit(", channel="),
        c("runner_up_channel"),
        pl.lit(", ev="),
        _num("runner_up_ev", 2),
    )
    return _reason("arbitration.runner_up", False, "lower expected value", evidence)


def _best_evidence(prefix: str = "best_") -> pl.Expr:
    return pl.concat_str(
        pl.lit("best="),
        c(prefix + "offer_id"),
        pl.lit("/"),
        c(prefix + "channel"),
        pl.lit(", ev="),
        _num(prefix + "ev", 2),
    )


def negative_ev_reason() -> pl.Expr:
    return _reason(
        "arbitration.negative_ev", False, "no contact is worth more (EV 0)", _best_evidence()
    )


def capacity_reason() -> pl.Expr:
    return _reason(
        "arbitration.capacity",
        False,
        "capacity went to contacts worth more",
        _best_evidence("known_"),
    )


def cold_reason() -> pl.Expr:
    return _reason(
        "arbitration.cold",
        False,
        "an offer the models do not know is contacted only in the exploration slice",
        _best_evidence(),
    )


def no_candidate_reason() -> pl.Expr:
    evidence = pl.concat_str(
        pl.lit("eligible_offers="),
        c("eligible_offers").cast(pl.String),
        pl.lit(", contactable_channels="),
        c("contactable_channels").cast(pl.String),
    )
    return _reason(
        "arbitration.no_candidate", False, "no eligible offer on a contactable channel", evidence
    )


def control_reason(share: float) -> pl.Expr:
    evidence = pl.concat_str(
        pl.lit(f"draw<share={share}, would_offer="),
        c("shadow_offer_id").fill_null("none"),
        pl.lit(", would_channel="),
        c("shadow_channel").fill_null("none"),
    )
    return _reason("campaign.control_group", False, "random hold-out of the campaign", evidence)
