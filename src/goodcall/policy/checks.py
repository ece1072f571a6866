"""The policy checks of one channel, as expressions over a prepared row.

Each check passes or blocks, with the evidence that decided, and says how a block lifts: never by
itself (do-not-call, no consent, "contact me only when I ask"), at a known instant (cool-down,
frequency cap, complaint suppression), or when the calling window opens (legal hours, holidays,
preferred hours — handled by the schedule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

from goodcall.policy.history import cap_count, cap_release
from goodcall.policy.local import local_text, preferred_text
from goodcall.policy.model import Policies

Lift = Literal["never", "at", "window"]
_AT = pl.col("__at")


@dataclass(frozen=True)
class PolicyCheck:
    """One policy check; ``passed`` is never null."""

    code: str
    rule: str
    passed: pl.Expr
    evidence: pl.Expr
    lift: Lift
    until: pl.Expr | None = None  # for lift == "at": when the block ends


def channel_checks(
    policies: Policies, channel: str, national_list_date: dt.date | None
) -> list[PolicyCheck]:
    """Every check that applies to ``channel``, in the documented order.

    Built once per policies, channel and list date: the checks read the row's ``__at``, never
    the decision time, and a decision of one customer would otherwise build them every call."""
    key = (id(policies), channel, national_list_date)
    known = _CHECKS.get(key)
    if known is not None and known[0] is policies:
        return list(known[1])
    checks = tuple(_channel_checks(policies, channel, national_list_date))
    if len(_CHECKS) >= _CHECKS_KEPT:
        del _CHECKS[next(iter(_CHECKS))]  # the oldest
    _CHECKS[key] = (policies, checks)
    return list(checks)


_CHECKS: dict[tuple[int, str, dt.date | None], tuple[Policies, tuple[PolicyCheck, ...]]] = {}
_CHECKS_KEPT = 64


def _channel_checks(
    policies: Policies, channel: str, national_list_date: dt.date | None
) -> list[PolicyCheck]:
    rules = policies.channels[channel]  # type: ignore[index]
    checks: list[PolicyCheck] = []
    if channel in policies.internal_dnc.channels:
        checks.append(_dnc_internal())
    if channel in policies.national_list.channels:
        checks.append(_dnc_national(policies.national_list.max_age_days, national_list_date))
    if rules.consent is not None:
        checks.append(_consent(rules.consent))
    checks.append(_accepted(channel))
    checks.append(_only_on_request())
    if channel in policies.complaints.channels:
        checks.append(_complaint(policies))
    if channel in policies.refusal_cooldown.channels:
        checks.append(_cooldown())
    if channel in policies.attempts.channels:
        checks.append(_attempts())
    if rules.frequency_cap is not None:
        checks.append(_frequency_cap(channel, rules.frequency_cap.max, rules.frequency_cap.days))
    if rules.time_windows:
        checks += [_legal_window(), _holiday()]
    if rules.preferred_hours:
        checks.append(_preferred())
    return checks


def _text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).fill_null("null")


def _stamp(expr: pl.Expr) -> pl.Expr:
    return expr.dt.to_string("%Y-%m-%dT%H:%MZ").fill_null("none")


def _dnc_internal() -> PolicyCheck:
    flagged_at = pl.col("internal_dnc_at")
    listed = (
        pl.when(flagged_at.is_not_null())
        .then(flagged_at <= _AT)
        .otherwise(pl.col("internal_dnc").fill_null(False))
    )
    requested = pl.col("__dnc_request_at").is_not_null()
    return PolicyCheck(
        "policy.dnc_internal",
        "not on the internal do-not-call list (honoured immediately)",
        ~(listed | requested),
        pl.concat_str(
            pl.lit("internal_dnc="),
            _text(listed),
            pl.lit(", internal_dnc_at="),
            _stamp(flagged_at),
            pl.lit(", dnc_request_at="),
            _stamp(pl.col("__dnc_request_at")),
        ),
        "never",
    )


def _dnc_national(max_age: int, list_date: dt.date | None) -> PolicyCheck:
    snapshot = (
        pl.lit(list_date, pl.Date) if list_date is not None else pl.col("national_dnc_snapshot")
    )
    today = pl.coalesce(pl.col("__local_date"), _AT.dt.date())  # the jurisdiction's date
    age = (today - snapshot).dt.total_days()
    listed = pl.col("national_dnc").fill_null(False)
    return PolicyCheck(
        "policy.dnc_national",
        f"not on the national do-not-call list, matched against a copy at most {max_age} days old",
        (~listed & (age <= max_age)).fill_null(False),
        pl.concat_str(
            pl.lit("national_dnc="),
            _text(listed),
            pl.lit(", snapshot="),
            _text(snapshot),
            pl.lit(", age_days="),
            _text(age),
            pl.lit(f", max_age_days={max_age}"),
        ),
        "never",
    )


def _consent(field: str) -> PolicyCheck:
    return PolicyCheck(
        "policy.no_consent",
        f"{field} = true",
        pl.col(field).fill_null(False),
        pl.concat_str(pl.lit(f"{field}="), _text(pl.col(field))),
        "never",
    )


def _accepted(channel: str) -> PolicyCheck:
    accepted = pl.col("channels_accepted")
    return PolicyCheck(
        "policy.channel_not_accepted",
        f"'{channel}' IN channels_accepted",
        accepted.list.contains(channel).fill_null(True),
        pl.concat_str(
            pl.lit("channels_accepted=["), accepted.list.join("|").fill_null("any"), pl.lit("]")
        ),
        "never",
    )


def _only_on_request() -> PolicyCheck:
    flag = pl.col("contact_only_on_request").fill_null(False)
    return PolicyCheck(
        "policy.only_on_request",
        "contact_only_on_request = false",
        ~flag,
        pl.concat_str(pl.lit("contact_only_on_request="), _text(flag)),
        "never",
    )


def _complaint(policies: Policies) -> PolicyCheck:
    rules = policies.complaints
    profile_complaint = pl.col("last_complaint_at")
    last = pl.max_horizontal(
        pl.when(profile_complaint <= _AT).then(profile_complaint), pl.col("__complaint_at")
    )
    recent = (last > _AT - pl.duration(days=rules.suppression_days)).fill_null(False)
    open_case = pl.col("has_open_complaint").fill_null(False) & pl.lit(rules.open_case_blocks)
    return PolicyCheck(
        "policy.complaint_suppression",
        f"no complaint in the last {rules.suppression_days} days and none open",
        ~(recent | open_case),
        pl.concat_str(
            pl.lit("last_complaint_at="),
            _stamp(last),
            pl.lit(", open_complaint="),
            _text(open_case),
            pl.lit(f", suppression_days={rules.suppression_days}"),
        ),
        "at",
        pl.when(open_case).then(None).otherwise(last + pl.duration(days=rules.suppression_days)),
    )


def _cooldown() -> PolicyCheck:
    last = pl.col("__refusal_at")
    days = pl.col("__cool_days")
    return PolicyCheck(
        "policy.cooldown_refusal",
        "no refusal within the jurisdiction's cool-down",
        ~(last > _AT - pl.duration(days=days)).fill_null(False),
        pl.concat_str(
            pl.lit("last_refusal_at="), _stamp(last), pl.lit(", cooldown_days="), _text(days)
        ),
        "at",
        last + pl.duration(days=days),
    )


def _attempts() -> PolicyCheck:
    return PolicyCheck(
        "policy.attempts",
        "attempts in the period below the jurisdiction's maximum",
        pl.col("__att_n") < pl.col("__att_max"),
        pl.concat_str(
            pl.lit("attempts="),
            _text(pl.col("__att_n")),
            pl.lit(", max="),
            _text(pl.col("__att_max")),
            pl.lit(", days="),
            _text(pl.col("__att_days")),
        ),
        "at",
        pl.col("__att_release"),
    )


def _frequency_cap(channel: str, maximum: int, days: int) -> PolicyCheck:
    count = pl.col(cap_count(channel))
    return PolicyCheck(
        "policy.frequency_cap",
        f"fewer than {maximum} {channel} contacts in {days} days",
        count < maximum,
        pl.concat_str(
            pl.lit(f"{channel}_contacts="), _text(count), pl.lit(f", max={maximum}, days={days}")
        ),
        "at",
        pl.col(cap_release(channel)),
    )


def _legal_window() -> PolicyCheck:
    known = pl.col("__jur").is_not_null() & pl.col("__tz").is_not_null()
    return PolicyCheck(
        "policy.legal_window",
        "inside the jurisdiction's calling window, in the customer's local time",
        (known & pl.col("__in_legal")).fill_null(False),
        pl.concat_str(
            pl.lit("jurisdiction="),
            pl.col("jurisdiction").fill_null("none"),
            pl.when(pl.col("__jur").is_null()).then(pl.lit(" (no rules)")).otherwise(pl.lit("")),
            pl.lit(", time_zone="),
            pl.col("time_zone").fill_null("none"),
            pl.when(pl.col("__tz").is_null())
            .then(pl.lit(" (unknown)"))
            .when(pl.col("__tz") != pl.col("time_zone").fill_null(""))
            .then(pl.concat_str(pl.lit(" (using "), pl.col("__tz"), pl.lit(")")))
            .otherwise(pl.lit("")),
            pl.lit(", local_time="),
            local_text(),
            pl.lit(", window="),
            pl.col("__legal_text"),
        ),
        "window",
    )


def _holiday() -> PolicyCheck:
    name = pl.col("__holiday")
    return PolicyCheck(
        "policy.holiday",
        "not a public holiday in the customer's jurisdiction",
        name.is_null(),
        pl.concat_str(
            pl.lit("holiday="),
            name.fill_null("none"),
            pl.lit(", local_date="),
            _text(pl.col("__local_date")),
        ),
        "window",
    )


def _preferred() -> PolicyCheck:
    return PolicyCheck(
        "policy.preferred_hours",
        "inside the customer's preferred hours",
        pl.col("__in_preferred"),
        pl.concat_str(
            pl.lit("preferred="), preferred_text(), pl.lit(", local_time="), local_text()
        ),
        "window",
    )
