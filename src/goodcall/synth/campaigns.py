"""The carrier's past campaigns: what it offered, to whom, on which channel, and when.

Every month of the 18 before the as-of date has one phone campaign and one digital campaign (SMS,
e-mail or in-app), cycling through the templates below so every offer of the catalog has history;
while the current promotion runs, three promotion campaigns are added.

**Who got contacted — the randomisation learners rely on.** Each eligible customer enters a
campaign's audience with probability ``explore + target × (targeting rule matches)``, drawn
independently. ``explore`` is a share contacted *at random* whatever the rule says (some campaigns
are not targeted at all), so every kind of customer is contacted for every offer sometimes; then
5 % of the audience, drawn at random, is held out as the campaign's **control group** (outcome
``not_contacted``; ``converted`` records their organic take-up). Phone hours are drawn uniformly
from 09:00–20:59 local on weekdays, message hours from 08:00–20:59, whatever the customer's stated
hours, so the effect of the hour can be learned. The agent speaks the customer's language 96 % of
the time and keeps the right register 85 % of the time with French speakers (95 % in English) —
neither is recorded in the import format, so learners see it only as noise, as in real life.

Eligibility follows the carrier's old practice: a customer since before the campaign, not asking
to be contacted only on request, the channel among those accepted; phone: opted in, not on either
do-not-call list, not living in France; SMS / e-mail: opted in; in-app: uses the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.profiles.nordet import CURRENT_PROMOTION
from goodcall.synth.draws import day_number, last_event_day

c = pl.col

RULES: dict[str, pl.Expr] = {
    "all": pl.lit(True),
    "heavy_small_plan": c("plan_tier").is_between(2, 3) & (c("data_usage_ratio") >= 0.7),
    "heavy_tier_4": (c("plan_tier") == 4) & (c("data_usage_ratio") >= 0.6),
    "tier_2": c("plan_tier") == 2,
    "prepaid": c("plan_tier") == 1,
    "heavy_users": c("data_usage_ratio") >= 0.8,
    "light_big_plan": (c("plan_tier") >= 4) & (c("data_usage_ratio") < 0.4),
    "ios": c("device_os") == "iOS",
    "android": c("device_os") == "Android",
    "ios_old_device": (c("device_os") == "iOS") & (c("device_age_months") >= 24),
    "android_old_device": (c("device_os") == "Android") & (c("device_age_months") >= 24),
    "new_device": c("device_age_months") < 6,
    "financing_done": (c("financing_months_left") == 0) & (c("device_age_months") >= 24),
    "single_line": c("lines_count") == 1,
    "multi_line": c("lines_count") >= 2,
    "tenure_long": c("tenure_months") >= 36,
    "churn_risk": (c("inbound_contacts_90d") >= 2) | c("has_open_complaint"),
}


@dataclass(frozen=True)
class Template:
    code: str
    channel: str
    offer_id: str
    rule: str
    target: float  # probability for customers matching the rule
    explore: float  # probability for any eligible customer


PHONE_TEMPLATES: tuple[Template, ...] = (
    Template("PLANMAX", "phone", "PL_UP_MAX_60", "heavy_small_plan", 0.30, 0.02),
    Template("IPHONE16E", "phone", "HS_IPHONE16E", "ios_old_device", 0.20, 0.02),
    Template("LGCLEAR", "phone", "HS_LG_VELVET_CLEARANCE", "all", 0.03, 0.01),
    Template("LOYALTY", "phone", "RT_LOYALTY_CREDIT", "tenure_long", 0.08, 0.02),
    Template("GALAXYA", "phone", "HS_GALAXY_A56", "android_old_device", 0.20, 0.02),
    Template("FINDONE", "phone", "RT_FINANCING_DONE", "financing_done", 0.15, 0.02),
    Template("ADDLINE", "phone", "ML_ADD_LINE", "single_line", 0.06, 0.02),
    Template("PLANULT", "phone", "PL_UP_ULT_150", "heavy_tier_4", 0.25, 0.02),
    Template("HOMEINT", "phone", "HI_HOME_INTERNET", "all", 0.04, 0.01),
    Template("PREPAID", "phone", "PL_PREPAID_TO_ESS_5", "prepaid", 0.30, 0.01),
    Template("MOTOG", "phone", "HS_MOTO_G_PREPAID", "prepaid", 0.20, 0.01),
    Template("PRICEMATCH", "phone", "RT_PRICE_MATCH", "churn_risk", 0.15, 0.02),
)
DIGITAL_TEMPLATES: tuple[Template, ...] = (
    Template("ROAMUS", "sms", "AO_US_ROAMING", "all", 0.10, 0.05),
    Template("TOPUP", "sms", "AO_DATA_TOPUP_10", "heavy_users", 0.50, 0.03),
    Template("STREAM", "email", "AO_STREAMING", "all", 0.15, 0.05),
    Template("PROTECT", "app", "AO_DEVICE_PROTECT", "new_device", 0.60, 0.05),
    Template("CLOUD", "email", "AO_CLOUD_200", "all", 0.12, 0.05),
    Template("APPLECARE", "email", "AO_APPLECARE", "ios", 0.20, 0.02),
    Template("FAMILY", "email", "ML_FAMILY_DISCOUNT", "multi_line", 0.30, 0.02),
    Template("5GTRIAL", "app", "SV_5G_PLUS_TRIAL", "all", 0.20, 0.05),
    Template("AWATCH", "app", "AO_APPLE_WATCH_LINE", "ios", 0.20, 0.02),
    Template("PLANPLUS", "email", "PL_UP_PLUS_20", "tier_2", 0.30, 0.03),
    Template("RIGHTSIZE", "sms", "PL_RIGHTSIZE_PLUS_20", "light_big_plan", 0.40, 0.02),
    Template("PIXEL", "email", "HS_PIXEL_10", "android", 0.15, 0.02),
    Template("TABLET", "app", "AO_TABLET_LINE", "all", 0.10, 0.05),
    Template("WORLD", "email", "AO_WORLD_ROAMING", "all", 0.08, 0.04),
    Template("GWATCH", "app", "AO_GALAXY_WATCH_LINE", "android", 0.20, 0.02),
)
PROMOTION_TEMPLATES: tuple[Template, ...] = (
    Template("FETES-IPHONE", "phone", "HS_IPHONE17_FETES", "ios", 0.08, 0.02),
    Template("FETES-GALAXY", "email", "HS_GALAXY_S25_FETES", "android", 0.30, 0.05),
    Template("FETES-ULT", "app", "PL_FETES_ULT_150", "all", 0.25, 0.05),
)
HISTORY_MONTHS = 18
CONTROL_SHARE = 0.05
CAMPAIGN_DAYS = 14


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    template: Template
    days: tuple[int, ...]  # the weekdays it ran (days since epoch)


def _weekdays(first: int, last: int) -> tuple[int, ...]:
    return tuple(
        d for d in range(first, last + 1) if np.datetime64(d, "D").astype(dt.date).weekday() < 5
    )


def campaign_calendar(as_of: dt.date) -> tuple[Campaign, ...]:
    """The campaigns of the 18 months before ``as_of`` (and the current promotion's)."""
    as_of_day = day_number(as_of)
    out: list[Campaign] = []
    for k in range(HISTORY_MONTHS, 0, -1):
        month = np.datetime64(as_of, "M") - np.timedelta64(k, "M")
        first = int(month.astype("datetime64[D]").astype(np.int64)) + 2
        days = _weekdays(first, min(first + CAMPAIGN_DAYS - 1, last_event_day(as_of_day)))
        if not days:
            continue
        index = int(month.astype(np.int64))
        label = str(month)
        for templates in (PHONE_TEMPLATES, DIGITAL_TEMPLATES):
            t = templates[index % len(templates)]
            out.append(Campaign(f"CMP-{label}-{t.code}", t, days))
    start = day_number(CURRENT_PROMOTION.start_date)
    end = day_number(CURRENT_PROMOTION.end_date) if CURRENT_PROMOTION.end_date else as_of_day
    days = _weekdays(start, min(end, last_event_day(as_of_day)))
    if days:
        year = CURRENT_PROMOTION.start_date.year
        out.extend(Campaign(f"CMP-{year}-{t.code}", t, days) for t in PROMOTION_TEMPLATES)
    return tuple(out)


def eligible(channel: str, campaign_first_day: dt.date) -> pl.Expr:
    """Who the carrier's old practice allowed on ``channel`` for a campaign starting that day."""
    on_request = c("contact_only_on_request")
    base = (c("_customer_since") <= campaign_first_day) & ~on_request
    base = base & c("channels_accepted").list.contains(pl.lit(channel))
    internal = c("_internal_dnc_at").is_not_null() & (
        c("_internal_dnc_at").dt.date() < campaign_first_day
    )
    if channel == "phone":
        return base & c("optin_phone") & ~c("national_dnc") & ~internal & (c("country") != "FR")
    if channel == "sms":
        return base & c("optin_sms") & ~internal
    if channel == "email":
        return base & c("optin_email") & ~internal
    return base & (c("app_logins_90d") > 0)
