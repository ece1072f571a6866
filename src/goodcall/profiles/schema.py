"""The customer 360 import format, declared once.

Everything that reads or writes customer data — the importer and its validation, the store's
tables, the synthetic carrier, ``docs/data-format.md`` — is driven by the declarations below, so
the format cannot drift between them.

Conventions of the import format (CSV or Parquet, one file per table, named ``<table>.csv`` or
``<table>.parquet``):

* timestamps are ISO 8601 with an offset (``2026-11-20T19:05:00-05:00`` or ``...Z``) and are stored
  in UTC; dates are ``YYYY-MM-DD``; local clock times are ``HH:MM``;
* booleans are ``true``/``false``; list columns are ``;``-separated in CSV, lists in Parquet;
* ``enum`` columns accept only the listed values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from goodcall.channels import CHANNELS

ColumnKind = Literal[
    "str",
    "int",
    "float",
    "bool",
    "date",
    "datetime",
    "time",
    "enum",
    "str_list",
    "enum_list",
    "timezone",
]


@dataclass(frozen=True)
class Column:
    """One column of an import table."""

    name: str
    kind: ColumnKind
    description: str
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    references: str | None = None  # "table.column" that must exist


@dataclass(frozen=True)
class Table:
    """One import table: a file in the import directory and a table in the store."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


LANGUAGES = ("fr-CA", "en-CA", "en-US", "fr-FR")
REGISTERS = ("formal", "informal")
REGISTER_SOURCES = ("default", "explicit", "inferred")
COUNTRIES = ("CA", "US", "FR")
DEVICE_OS = ("iOS", "Android", "Other")
PROMOTION_EVENTS = ("redeemed", "seen")
PROMOTION_PLACES = ("app", "email", "bill", "sms", "web", "store", "call")
CONTACT_GROUPS = ("treatment", "control")
CONTACT_OUTCOMES = (
    "no_answer",
    "voicemail",
    "abandoned",
    "accepted",
    "declined",
    "callback",
    "complaint",
    "dnc_request",
    "not_contacted",
)
CASE_KINDS = ("complaint", "repair", "billing", "porting")
CASE_STATUSES = ("open", "closed")
PLAN_KINDS = ("postpaid", "prepaid")
REGIONS_CA = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")

PLANS = Table(
    name="plans",
    description="The carrier's plans, ordered by tier (1 = smallest).",
    key=("plan_id",),
    columns=(
        Column("plan_id", "str", "Plan identifier."),
        Column("name_fr", "str", "Name shown to French-speaking customers."),
        Column("name_en", "str", "Name shown to English-speaking customers."),
        Column("kind", "enum", "Billing kind.", allowed=PLAN_KINDS),
        Column(
            "tier",
            "int",
            "Rank of the plan: 1 is the smallest; the largest is the top plan.",
            min_value=1,
        ),
        Column("data_gb", "float", "Monthly data allowance in GB.", min_value=0),
        Column(
            "monthly_price", "float", "List price per month, in the plan's currency.", min_value=0
        ),
    ),
)

PROMOTIONS = Table(
    name="promotions",
    description="Promotions the carrier has run or runs now (offers of the catalog refer to them).",
    key=("promotion_id",),
    columns=(
        Column("promotion_id", "str", "Promotion identifier."),
        Column("name_fr", "str", "French name."),
        Column("name_en", "str", "English name."),
        Column("start_date", "date", "First day of the promotion."),
        Column("end_date", "date", "Last day of the promotion.", nullable=True),
    ),
)

CUSTOMERS = Table(
    name="customers",
    description="One row per customer (the account holder).",
    key=("customer_id",),
    columns=(
        Column("customer_id", "str", "Customer identifier."),
        Column("first_name", "str", "Given name."),
        Column("last_name", "str", "Family name."),
        Column(
            "preferred_name",
            "str",
            "The name as the customer wants to be addressed.",
            required=False,
            nullable=True,
        ),
        Column(
            "title",
            "str",
            "Courtesy title in the customer's language (M., Mme, Mr., Ms.).",
            required=False,
            nullable=True,
        ),
        Column("phone", "str", "Main phone number, E.164 (+15145550123)."),
        Column("email", "str", "E-mail address.", required=False, nullable=True),
        Column("country", "enum", "Country of residence (ISO 3166-1).", allowed=COUNTRIES),
        Column(
            "region", "str", "Province or state code (QC, ON, NY…); for France the country code FR."
        ),
        Column("time_zone", "timezone", "IANA time zone of the customer (America/Montreal)."),
        Column("language", "enum", "Language of service, BCP-47.", allowed=LANGUAGES),
        Column(
            "register",
            "enum",
            "formal (vous; title + last name in English) unless the customer chose informal.",
            allowed=REGISTERS,
        ),
        Column(
            "register_source", "enum", "Where the register came from.", allowed=REGISTER_SOURCES
        ),
        Column(
            "register_since",
            "datetime",
            "When the register was set.",
            required=False,
            nullable=True,
        ),
        Column("customer_since", "date", "Start of the relationship (tenure)."),
        Column("monthly_revenue", "float", "Average monthly revenue of the account.", min_value=0),
        Column(
            "value",
            "float",
            "What the relationship is worth (expected remaining margin, currency units).",
            min_value=0,
        ),
        Column(
            "brand",
            "str",
            "Brand (subsidiary) the customer belongs to: the id of a brand of the brands file "
            "(`goodcall import --brands`); empty: the default brand. It chooses the catalog, "
            "the company name and the currency.",
            required=False,
            nullable=True,
        ),
    ),
)

LINES = Table(
    name="lines",
    description="Phone lines of an account; each line has a device and a plan.",
    key=("line_id",),
    columns=(
        Column("line_id", "str", "Line identifier."),
        Column("customer_id", "str", "Account holder.", references="customers.customer_id"),
        Column("is_primary", "bool", "The account holder's own line."),
        Column(
            "user_label",
            "str",
            'Who uses the line ("Léa (fille)"), for multi-line accounts.',
            required=False,
            nullable=True,
        ),
        Column("plan_id", "str", "Plan of the line.", references="plans.plan_id"),
        Column("device_make", "str", "Device maker (Apple, Samsung, Google, LG…)."),
        Column("device_model", "str", "Device model (iPhone 13, Galaxy S23…)."),
        Column("device_os", "enum", "Device operating system.", allowed=DEVICE_OS),
        Column("device_purchase_date", "date", "When the device was bought."),
        Column(
            "financing_end_date",
            "date",
            "End of the device financing, if any.",
            required=False,
            nullable=True,
        ),
        Column("data_usage_gb_m1", "float", "Data used last month (GB).", min_value=0),
        Column("data_usage_gb_m2", "float", "Data used two months ago (GB).", min_value=0),
        Column("data_usage_gb_m3", "float", "Data used three months ago (GB).", min_value=0),
    ),
)

LINE_CHANGES = Table(
    name="line_changes",
    description=(
        "Earlier states of a line: the plan and device it had until `changed_at` (a phone bought, "
        "a plan changed). Optional; without it, a profile built as of a past date shows each "
        "line's current device and plan."
    ),
    key=("line_id", "changed_at"),
    required=False,
    columns=(
        Column("line_id", "str", "Line that changed.", references="lines.line_id"),
        Column(
            "customer_id",
            "str",
            "Account holder of the line (as in `lines`).",
            references="customers.customer_id",
        ),
        Column(
            "changed_at",
            "datetime",
            "The instant the line left this state (the phone was bought, the plan changed).",
        ),
        Column("plan_id", "str", "Plan of the line until then.", references="plans.plan_id"),
        Column("device_make", "str", "Device maker until then."),
        Column("device_model", "str", "Device model until then."),
        Column("device_os", "enum", "Device operating system until then.", allowed=DEVICE_OS),
        Column("device_purchase_date", "date", "When that device was bought."),
        Column(
            "financing_end_date",
            "date",
            "End of that device's financing, if any.",
            required=False,
            nullable=True,
        ),
    ),
)

PROMOTION_HISTORY = Table(
    name="promotion_events",
    description="Promotions a customer redeemed, or merely saw (where and when).",
    key=("customer_id", "promotion_id", "event", "at"),
    columns=(
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column("promotion_id", "str", "Promotion.", references="promotions.promotion_id"),
        Column("event", "enum", "redeemed or seen.", allowed=PROMOTION_EVENTS),
        Column("at", "datetime", "When."),
        Column(
            "place",
            "enum",
            "Where it was seen or redeemed.",
            allowed=PROMOTION_PLACES,
            required=False,
            nullable=True,
        ),
        Column(
            "line_id",
            "str",
            "Line concerned, if any.",
            required=False,
            nullable=True,
            references="lines.line_id",
        ),
    ),
)

PREFERENCES = Table(
    name="preferences",
    description="Contact preferences (one row per customer; absent means no stated preference).",
    key=("customer_id",),
    required=False,
    columns=(
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column(
            "channels_accepted", "enum_list", "Channels the customer accepts.", allowed=CHANNELS
        ),
        Column(
            "preferred_start",
            "time",
            "Earliest local time to call (HH:MM).",
            required=False,
            nullable=True,
        ),
        Column(
            "preferred_end",
            "time",
            "Latest local time to call (HH:MM).",
            required=False,
            nullable=True,
        ),
        Column("contact_only_on_request", "bool", "Contact me only when I ask."),
    ),
)

CONSENT = Table(
    name="consent",
    description="Do-not-call listings and per-channel opt-ins (one row per customer).",
    key=("customer_id",),
    columns=(
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column("national_dnc", "bool", "Phone number is on the national do-not-call list."),
        Column(
            "national_dnc_snapshot",
            "date",
            "Date of the national list snapshot this flag was matched against.",
        ),
        Column(
            "internal_dnc_at",
            "datetime",
            "When the customer asked us not to call (internal list); empty if never.",
            required=False,
            nullable=True,
        ),
        Column(
            "internal_dnc_channel",
            "enum",
            "Channel the do-not-call request came through.",
            allowed=CHANNELS,
            required=False,
            nullable=True,
        ),
        Column("optin_phone", "bool", "Accepts marketing calls."),
        Column("optin_sms", "bool", "Accepts marketing SMS."),
        Column("optin_email", "bool", "Accepts marketing e-mail."),
    ),
)

CONTACTS = Table(
    name="contacts",
    description=(
        "Contact history: every attempt, and every customer held out in a control group "
        "(channel = the channel they would have got, outcome = not_contacted)."
    ),
    key=("contact_id",),
    columns=(
        Column("contact_id", "str", "Contact identifier."),
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column("at", "datetime", "When the attempt was made (or the control was drawn)."),
        Column("channel", "enum", "Channel.", allowed=CHANNELS),
        Column("campaign_id", "str", "Campaign."),
        Column("offer_id", "str", "Offer presented (catalog id).", required=False, nullable=True),
        Column(
            "group", "enum", "treatment (contacted) or control (held out).", allowed=CONTACT_GROUPS
        ),
        Column("outcome", "enum", "How the attempt ended.", allowed=CONTACT_OUTCOMES),
        Column(
            "converted",
            "bool",
            "Customer took the offer within the attribution window, contacted or not.",
        ),
        Column(
            "silence_seconds",
            "float",
            "Seconds from answer to a live agent speaking.",
            required=False,
            nullable=True,
            min_value=0,
        ),
        Column("agent_id", "str", "Agent who handled it.", required=False, nullable=True),
    ),
)

SELF_SERVICE = Table(
    name="self_service",
    description="Self-service habits (one row per customer).",
    key=("customer_id",),
    required=False,
    columns=(
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column("app_logins_90d", "int", "App log-ins over the last 90 days.", min_value=0),
        Column(
            "inbound_contacts_90d",
            "int",
            "Contacts the customer started (call, chat) over 90 days.",
            min_value=0,
        ),
        Column("online_purchases_12m", "int", "Purchases made online over 12 months.", min_value=0),
    ),
)

CASES = Table(
    name="cases",
    description="Service cases: complaints, repairs, billing disputes.",
    key=("case_id",),
    required=False,
    columns=(
        Column("case_id", "str", "Case identifier."),
        Column("customer_id", "str", "Customer.", references="customers.customer_id"),
        Column("kind", "enum", "Kind of case.", allowed=CASE_KINDS),
        Column("status", "enum", "open or closed.", allowed=CASE_STATUSES),
        Column("opened_at", "datetime", "When it was opened."),
        Column("summary", "str", "One line for the agent.", required=False, nullable=True),
    ),
)

# Order matters: a table only references tables before it (import and delete order).
TABLES: tuple[Table, ...] = (
    PLANS,
    PROMOTIONS,
    CUSTOMERS,
    LINES,
    LINE_CHANGES,
    PROMOTION_HISTORY,
    PREFERENCES,
    CONSENT,
    CONTACTS,
    SELF_SERVICE,
    CASES,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
