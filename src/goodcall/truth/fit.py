"""How well an offer fits a customer — the facts of the synthetic world, not a model.

``offer_fit`` is 0 (useless to them) … ~1.3 (exactly what they need), already multiplied by the
offer's ``appeal``. ``offer_misfit`` marks offers that show the carrier does not know the customer
(a handset for the other operating system, an "upgrade" to their own or a smaller plan, a
promotion they already redeemed): those are ~never accepted and annoy.

Rules, by kind of offer (``goodcall.truth.offers.OfferSpec``):

* handset — same OS as the primary device: grows with the device's age, halves for another maker
  (an LG clearance for a non-LG Android owner: 0.15), falls to a third while financing runs. Other
  OS: ~0 (a little when another line of the account has that OS).
* plan — target tier at or below the current one: misfit. Otherwise driven by how close the
  customer runs to their allowance (``data_usage_ratio``): ~0 under 50 %, strong above 85 %; a jump
  of two tiers or more is less attractive. Prepaid to the first postpaid tier: prepaid customers.
* retention — right-sizing to tier 3 fits someone on a bigger plan who uses little; "financing
  done" fits a paid-off device over two years old; loyalty credit and price match fit churn risk
  (calls to us, open complaints, short tenure).
* add-ons and bundles — the account's facts where they say something (an OS-specific add-on for the
  other OS is a misfit, a data top-up for someone near their cap, device protection for a new
  device, a family discount for multi-line accounts, US roaming for customers living in the US),
  otherwise a hidden per-customer taste (``offer_interest``).
* promotion already redeemed: misfit.
"""

from __future__ import annotations

import polars as pl

c = pl.col


def _clip(expr: pl.Expr, low: float, high: float) -> pl.Expr:
    return expr.clip(low, high)


def _os_matches() -> pl.Expr:
    return c("device_os") == c("o_target_os")


def _account_has_target_os() -> pl.Expr:
    return ((c("o_target_os") == "iOS") & c("has_ios")) | (
        (c("o_target_os") == "Android") & c("has_android")
    )


def _handset_fit() -> pl.Expr:
    age = _clip((c("device_age_months").cast(pl.Float64) - 10.0) / 24.0, 0.05, 1.2)
    maker = (
        pl.when(c("o_target_make") == c("device_make"))
        .then(1.0)
        .when(c("o_target_make") == "LG")
        .then(0.15)
        .otherwise(0.55)
    )
    financing = pl.when(c("financing_months_left") > 0).then(0.35).otherwise(1.0)
    prepaid_phone = (
        pl.when(c("offer_id") == "HS_MOTO_G_PREPAID")
        .then(pl.when(c("plan_tier") == 1).then(1.6).otherwise(0.4))
        .otherwise(1.0)
    )
    return (
        pl.when(_os_matches())
        .then(age * maker * financing * prepaid_phone)
        .when(_account_has_target_os())
        .then(0.03)
        .otherwise(0.004)
    )


def _usage_need() -> pl.Expr:
    return _clip((c("data_usage_ratio").fill_null(0.5) - 0.5) * 1.6, 0.03, 1.3)


def _plan_fit() -> pl.Expr:
    steps = c("o_plan_tier") - c("plan_tier")
    step_factor = pl.when(steps == 1).then(1.0).when(steps == 2).then(0.6).otherwise(0.3)
    from_prepaid = pl.when(c("plan_tier") == 1).then(0.4).otherwise(1.0)
    prepaid_to_first = 0.3 + 0.7 * _clip(c("data_usage_ratio").fill_null(0.5), 0.0, 1.3)
    return (
        pl.when(steps <= 0)
        .then(0.005)
        .when((c("plan_tier") == 1) & (c("o_plan_tier") == 2))
        .then(prepaid_to_first)
        .otherwise(_usage_need() * step_factor * from_prepaid)
    )


def _churn_risk() -> pl.Expr:
    return _clip(
        0.3
        + 0.25 * c("inbound_contacts_90d").cast(pl.Float64)
        + 0.4 * c("has_open_complaint").cast(pl.Float64)
        + pl.when(c("tenure_months") < 24).then(0.2).otherwise(0.0),
        0.0,
        1.2,
    )


def _retention_fit() -> pl.Expr:
    ratio = c("data_usage_ratio").fill_null(0.5)
    rightsizing = (
        pl.when(c("plan_tier") <= c("o_plan_tier"))
        .then(0.005)
        .when(ratio < 0.35)
        .then(1.0)
        .otherwise(0.25)
    )
    financing_done = (
        pl.when((c("financing_months_left") == 0) & (c("device_age_months") >= 24))
        .then(1.0)
        .when(c("financing_months_left") > 0)
        .then(0.05)
        .otherwise(0.3)
    )
    return (
        pl.when(c("o_plan_tier").is_not_null())
        .then(rightsizing)
        .when(c("offer_id") == "RT_FINANCING_DONE")
        .then(financing_done)
        .otherwise(_churn_risk())
    )


def _taste(power: float, floor: float, scale: float) -> pl.Expr:
    return floor + scale * c("_interest").pow(power)


def _addon_fit() -> pl.Expr:
    oid = c("offer_id")
    age = c("device_age_months")
    country = c("country")
    protect = pl.when(age < 6).then(1.0).when(age < 12).then(0.5).otherwise(0.15) * (
        0.5 + c("_interest")
    )
    topup = _clip((c("data_usage_ratio").fill_null(0.5) - 0.7) * 2.5, 0.02, 1.3) * pl.when(
        c("plan_is_top")
    ).then(0.3).otherwise(1.0)
    return (
        pl.when(c("o_target_os").is_not_null() & ~_os_matches() & ~_account_has_target_os())
        .then(0.004)
        .when(oid == "AO_APPLECARE")
        .then(pl.when(age < 12).then(1.0).otherwise(0.25))
        .when(oid == "AO_US_ROAMING")
        .then(
            _taste(2, 0.15, 0.9)
            * pl.when(country == "US").then(1.6).when(country == "FR").then(0.5).otherwise(1.0)
        )
        .when(oid == "AO_WORLD_ROAMING")
        .then(_taste(3, 0.1, 0.8) * pl.when(country == "FR").then(1.5).otherwise(1.0))
        .when(oid == "AO_DATA_TOPUP_10")
        .then(topup)
        .when(oid == "AO_DEVICE_PROTECT")
        .then(protect)
        .when(oid == "SV_5G_PLUS_TRIAL")
        .then(_taste(2, 0.1, 0.9) * pl.when(age > 60).then(0.2).otherwise(1.0))
        .otherwise(_taste(2, 0.1, 0.9))
    )


def _bundle_fit() -> pl.Expr:
    oid = c("offer_id")
    lines = c("lines_count")
    add_line = (
        pl.when(lines >= 5)
        .then(0.05)
        .when(lines == 1)
        .then(0.2 + 0.6 * c("_interest"))
        .otherwise(0.15 + 0.4 * c("_interest"))
    )
    family = pl.when(lines >= 2).then(0.6 + 0.5 * c("_interest")).otherwise(0.05)
    return (
        pl.when(oid == "ML_ADD_LINE")
        .then(add_line)
        .when(oid == "ML_FAMILY_DISCOUNT")
        .then(family)
        .when(oid == "HI_HOME_INTERNET")
        .then(_taste(3, 0.05, 0.8))
        .otherwise(_taste(2, 0.1, 0.7))
    )


def promotion_redeemed() -> pl.Expr:
    """The offer's promotion is one the customer already redeemed."""
    return c("o_promotion_id").is_not_null() & c("redeemed_promotions").list.contains(
        c("o_promotion_id")
    )


def promotion_seen() -> pl.Expr:
    """The customer already saw the offer's promotion (knows about it)."""
    return c("o_promotion_id").is_not_null() & c("seen_promotions").list.contains(
        c("o_promotion_id")
    )


def offer_misfit() -> pl.Expr:
    """Offers that show the carrier does not know the customer: ~never accepted, annoying."""
    kind = c("o_kind")
    other_os = (
        c("o_target_os").is_not_null() & ~_os_matches() & ~_account_has_target_os()
    ) & kind.is_in(["handset", "addon"])
    handset_other_os = (kind == "handset") & ~_os_matches()
    not_an_upgrade = (kind == "plan") & (c("o_plan_tier") <= c("plan_tier"))
    no_rightsizing = (
        (kind == "retention")
        & c("o_plan_tier").is_not_null()
        & (c("plan_tier") <= c("o_plan_tier"))
    )
    return (
        other_os | handset_other_os | not_an_upgrade | no_rightsizing | promotion_redeemed()
    ).fill_null(False)


def offer_fit() -> pl.Expr:
    """Fit of the row's offer to the row's customer, times the offer's appeal (≥ 0)."""
    kind = c("o_kind")
    by_kind = (
        pl.when(kind == "handset")
        .then(_handset_fit())
        .when(kind == "plan")
        .then(_plan_fit())
        .when(kind == "retention")
        .then(_retention_fit())
        .when(kind == "addon")
        .then(_addon_fit())
        .when(kind == "bundle")
        .then(_bundle_fit())
        .otherwise(0.0)
    )
    redeemed = pl.when(promotion_redeemed()).then(0.01).otherwise(1.0)
    return (by_kind.cast(pl.Float64) * redeemed * c("o_appeal")).fill_null(0.0)
