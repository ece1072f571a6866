"""The profile: one row per customer, lines and history folded in.

Every decision stage (policy, catalog rules, models, arbitration, brief) reads these columns and
only these. Catalog predicates may name any *scalar* field below; list and struct fields are for
the engine and the brief. ``build_profiles`` produces exactly this schema, and
``check_profiles`` refuses a frame that does not have it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from goodcall.zones import UTC_DATETIME


@dataclass(frozen=True)
class Field:
    """One profile column."""

    name: str
    dtype: pl.DataType
    description: str

    @property
    def predicate_type(self) -> str | None:
        """The type a catalog predicate sees, or None when predicates cannot use the field."""
        if isinstance(self.dtype, (pl.List, pl.Struct)):
            return None
        if self.dtype == pl.Boolean():
            return "bool"
        if self.dtype.is_numeric():
            return "number"
        if self.dtype == pl.String():
            return "text"
        if self.dtype == pl.Date():
            return "date"
        if isinstance(self.dtype, pl.Datetime):
            return "datetime"
        if self.dtype == pl.Time():
            return "time"
        return None


LINE_STRUCT = pl.Struct(
    {
        "line_id": pl.String(),
        "is_primary": pl.Boolean(),
        "user_label": pl.String(),
        "plan_id": pl.String(),
        "plan_name_fr": pl.String(),
        "plan_name_en": pl.String(),
        "plan_tier": pl.Int64(),
        "plan_data_gb": pl.Float64(),
        "device_make": pl.String(),
        "device_model": pl.String(),
        "device_os": pl.String(),
        "device_purchase_date": pl.Date(),
        "financing_end_date": pl.Date(),
        "data_usage_gb": pl.Float64(),
    }
)
PROMOTION_STRUCT = pl.Struct(
    {
        "promotion_id": pl.String(),
        "event": pl.String(),
        "at": UTC_DATETIME,
        "place": pl.String(),
    }
)
CONTACT_STRUCT = pl.Struct(
    {
        "at": UTC_DATETIME,
        "channel": pl.String(),
        "campaign_id": pl.String(),
        "offer_id": pl.String(),
        "group": pl.String(),
        "outcome": pl.String(),
        "converted": pl.Boolean(),
    }
)
CASE_STRUCT = pl.Struct(
    {
        "case_id": pl.String(),
        "kind": pl.String(),
        "opened_at": UTC_DATETIME,
        "summary": pl.String(),
    }
)

_F = Field
PROFILE_FIELDS: tuple[Field, ...] = (
    # identity and locale
    _F("customer_id", pl.String(), "Customer identifier."),
    _F("first_name", pl.String(), "Given name."),
    _F("last_name", pl.String(), "Family name."),
    _F("preferred_name", pl.String(), "Name to use (given name when none was stated)."),
    _F("title", pl.String(), "Courtesy title, may be null."),
    _F("phone", pl.String(), "Main phone number (E.164)."),
    _F("country", pl.String(), "CA, US or FR."),
    _F("region", pl.String(), "Province or state code (QC, ON, NY…); FR for France."),
    _F("jurisdiction", pl.String(), "Calling-rules jurisdiction: CA-QC, US-NY, FR…"),
    _F("brand", pl.String(), "Brand (subsidiary) of the customer; null: the default brand."),
    _F("time_zone", pl.String(), "IANA time zone."),
    _F("language", pl.String(), "BCP-47 tag (fr-CA, en-CA…)."),
    _F("lang", pl.String(), "Language without region: fr or en."),
    _F("register", pl.String(), "formal or informal."),
    _F("register_source", pl.String(), "default, explicit or inferred."),
    _F("tenure_months", pl.Int64(), "Whole months since customer_since, at the as-of date."),
    _F("monthly_revenue", pl.Float64(), "Average monthly revenue."),
    _F("value", pl.Float64(), "What the relationship is worth."),
    # primary line, device and plan
    _F("lines_count", pl.Int64(), "Number of lines on the account."),
    _F("device_make", pl.String(), "Maker of the primary line's device."),
    _F("device_model", pl.String(), "Model of the primary line's device."),
    _F("device_os", pl.String(), "iOS, Android or Other (primary line)."),
    _F("device_age_months", pl.Int64(), "Months since the primary device was bought."),
    _F("financing_months_left", pl.Int64(), "Months of device financing left (0 when none)."),
    _F("has_ios", pl.Boolean(), "Any line of the account has an iOS device."),
    _F("has_android", pl.Boolean(), "Any line of the account has an Android device."),
    _F("plan_id", pl.String(), "Plan of the primary line."),
    _F("plan_tier", pl.Int64(), "Tier of the primary line's plan (1 = smallest)."),
    _F("plan_data_gb", pl.Float64(), "Data allowance of the primary line's plan (GB)."),
    _F("plan_price", pl.Float64(), "Monthly price of the primary line's plan."),
    _F("plan_is_top", pl.Boolean(), "The primary line is on the largest plan tier."),
    _F("data_usage_gb", pl.Float64(), "Average data used over the last 3 months, primary line."),
    _F("data_usage_ratio", pl.Float64(), "data_usage_gb / plan_data_gb."),
    # preferences and consent
    _F("preferred_start", pl.Time(), "Earliest local time the customer wants calls (or null)."),
    _F("preferred_end", pl.Time(), "Latest local time the customer wants calls (or null)."),
    _F("contact_only_on_request", pl.Boolean(), "Contact me only when I ask."),
    _F("national_dnc", pl.Boolean(), "On the national do-not-call list."),
    _F("national_dnc_snapshot", pl.Date(), "Date of the national list snapshot matched."),
    _F("internal_dnc", pl.Boolean(), "Asked us not to call (internal list)."),
    _F("internal_dnc_at", UTC_DATETIME, "When the do-not-call request was made."),
    _F("optin_phone", pl.Boolean(), "Accepts marketing calls."),
    _F("optin_sms", pl.Boolean(), "Accepts marketing SMS."),
    _F("optin_email", pl.Boolean(), "Accepts marketing e-mail."),
    # self-service
    _F("app_logins_90d", pl.Int64(), "App log-ins, 90 days."),
    _F("inbound_contacts_90d", pl.Int64(), "Contacts the customer started, 90 days."),
    _F("online_purchases_12m", pl.Int64(), "Online purchases, 12 months."),
    # history summaries (as of the as-of date)
    _F("last_contact_at", UTC_DATETIME, "Last treatment contact attempt, any channel."),
    _F("last_refusal_at", UTC_DATETIME, "Last time the customer declined an offer."),
    _F("last_complaint_at", UTC_DATETIME, "Last complaint (contact outcome or case)."),
    _F("has_open_complaint", pl.Boolean(), "An open complaint case."),
    _F("has_open_repair", pl.Boolean(), "An open repair case."),
    # nested detail for the engine and the brief
    _F("channels_accepted", pl.List(pl.String()), "Channels the customer accepts."),
    _F("redeemed_promotions", pl.List(pl.String()), "Promotion ids redeemed."),
    _F("seen_promotions", pl.List(pl.String()), "Promotion ids seen."),
    _F("lines", pl.List(LINE_STRUCT), "Every line with its device and plan."),
    _F("promotion_history", pl.List(PROMOTION_STRUCT), "Promotion events, oldest first."),
    _F("contact_history", pl.List(CONTACT_STRUCT), "Contacts, oldest first."),
    _F("open_cases", pl.List(CASE_STRUCT), "Open cases."),
)
PROFILE_FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in PROFILE_FIELDS}
PROFILE_SCHEMA = pl.Schema({f.name: f.dtype for f in PROFILE_FIELDS})
PREDICATE_FIELDS: dict[str, str] = {
    f.name: t for f in PROFILE_FIELDS if (t := f.predicate_type) is not None
}


class ProfileSchemaError(ValueError):
    """A profile frame that does not have the documented columns and types."""


def check_profiles(schema: pl.Schema) -> None:
    """Refuse a profile frame whose schema differs from :data:`PROFILE_SCHEMA`.

    Extra columns are allowed (engines may carry their own); missing or mistyped ones are not.
    """
    problems: list[str] = []
    for name, dtype in PROFILE_SCHEMA.items():
        if name not in schema:
            problems.append(f"missing column {name!r} ({dtype})")
        elif schema[name] != dtype:
            problems.append(f"column {name!r} is {schema[name]}, expected {dtype}")
    if problems:
        raise ProfileSchemaError(
            "profile frame does not match the profile schema: " + "; ".join(problems)
        )
