"""The policy checks of one channel, as expressions over a prepared row.

Each check passes or blocks, with the evidence that decided, and says how a block lifts: never by
itself (do-not-call, no consent, "contact me only when I ask"), at a known instant (cool-down,
frequency cap, complaint suppression), or when the calling window opens (legal hours, holidays,
preferred hours — handled by the schedule).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from goodcall.policy.history import cap_count, cap_release
from goodcall.policy.local import local_text, preferred_text
from goodcall.policy.model import Policies

Lift = Literal["never", "at", "window"]
_AT = pl.col("__at")

Row = Mapping[str, Any]
RowTest = Callable[[Row], bool]
RowUntil = Callable[[Row], dt.datetime | None]
"""A check's ``passed`` (``until``) read on one prepared row of Python values — the profile
columns plus what :func:`goodcall.policy.local.local_clock_row` and
:func:`goodcall.policy.history.history_row` add — as the expression reads a frame's row. Each is
written beside its expression, from the same values (module functions bound with
``functools.partial``: checks travel pickled); ``tests/policy/test_rows.py`` holds the two
back-ends together customer by customer."""


@dataclass(frozen=True)
class PolicyCheck:
    """One policy check; ``passed`` is never null. ``row`` is ``passed`` on one row and
    ``until_row`` is ``until`` on one row (:data:`RowTest`)."""

    code: str
    rule: str
    passed: pl.Expr
    evidence: pl.Expr
    lift: Lift
    until: pl.Expr | None = None  # for lift == "at": when the block ends
    row: RowTest | None = None
    until_row: RowUntil | None = None


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
        row=_dnc_internal_row,
    )


def _dnc_internal_row(row: Row) -> bool:
    flagged_at = row["internal_dnc_at"]
    listed = flagged_at <= row["__at"] if flagged_at is not None else row["internal_dnc"] is True
    return not (listed or row["__dnc_request_at"] is not None)


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
        row=functools.partial(_dnc_national_row, max_age, list_date),
    )


def _dnc_national_row(max_age: int, list_date: dt.date | None, row: Row) -> bool:
    snapshot = list_date if list_date is not None else row["national_dnc_snapshot"]
    today = row["__local_date"] or row["__at"].date()
    listed = row["national_dnc"] is True
    return not listed and snapshot is not None and (today - snapshot).days <= max_age


def _consent(field: str) -> PolicyCheck:
    return PolicyCheck(
        "policy.no_consent",
        f"{field} = true",
        pl.col(field).fill_null(False),
        pl.concat_str(pl.lit(f"{field}="), _text(pl.col(field))),
        "never",
        row=functools.partial(_is_true, field),
    )


def _is_true(field: str, row: Row) -> bool:
    return row[field] is True


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
        row=functools.partial(_accepted_row, channel),
    )


def _accepted_row(channel: str, row: Row) -> bool:
    accepted = row["channels_accepted"]
    return accepted is None or channel in accepted


def _only_on_request() -> PolicyCheck:
    flag = pl.col("contact_only_on_request").fill_null(False)
    return PolicyCheck(
        "policy.only_on_request",
        "contact_only_on_request = false",
        ~flag,
        pl.concat_str(pl.lit("contact_only_on_request="), _text(flag)),
        "never",
        row=_only_on_request_row,
    )


def _only_on_request_row(row: Row) -> bool:
    return row["contact_only_on_request"] is not True


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
        functools.partial(_complaint_row, rules.suppression_days, rules.open_case_blocks),
        functools.partial(_complaint_until, rules.suppression_days, rules.open_case_blocks),
    )


def _complaint_last(row: Row) -> dt.datetime | None:
    profile_complaint = row["last_complaint_at"]
    found = [row["__complaint_at"]]
    if profile_complaint is not None and profile_complaint <= row["__at"]:
        found.append(profile_complaint)
    return max((t for t in found if t is not None), default=None)


def _complaint_row(days: int, open_blocks: bool, row: Row) -> bool:
    last = _complaint_last(row)
    recent = last is not None and last > row["__at"] - dt.timedelta(days=days)
    return not (recent or (row["has_open_complaint"] is True and open_blocks))


def _complaint_until(days: int, open_blocks: bool, row: Row) -> dt.datetime | None:
    last = _complaint_last(row)
    if (row["has_open_complaint"] is True and open_blocks) or last is None:
        return None
    return last + dt.timedelta(days=days)


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
        _cooldown_row,
        _cooldown_until,
    )


def _cooldown_row(row: Row) -> bool:
    last = row["__refusal_at"]
    return not (last is not None and last > row["__at"] - dt.timedelta(days=row["__cool_days"]))


def _cooldown_until(row: Row) -> dt.datetime | None:
    last = row["__refusal_at"]
    return None if last is None else last + dt.timedelta(days=row["__cool_days"])


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
        _attempts_row,
        functools.partial(_column, "__att_release"),
    )


def _attempts_row(row: Row) -> bool:
    return bool(row["__att_n"] < row["__att_max"])


def _column(name: str, row: Row) -> Any:
    return row[name]


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
        functools.partial(_below, cap_count(channel), maximum),
        functools.partial(_column, cap_release(channel)),
    )


def _below(name: str, maximum: int, row: Row) -> bool:
    return bool(row[name] < maximum)


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
        row=_legal_window_row,
    )


def _legal_window_row(row: Row) -> bool:
    return row["__jur"] is not None and row["__tz"] is not None and row["__in_legal"] is True


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
        row=_holiday_row,
    )


def _holiday_row(row: Row) -> bool:
    return row["__holiday"] is None


def _preferred() -> PolicyCheck:
    return PolicyCheck(
        "policy.preferred_hours",
        "inside the customer's preferred hours",
        pl.col("__in_preferred"),
        pl.concat_str(
            pl.lit("preferred="), preferred_text(), pl.lit(", local_time="), local_text()
        ),
        "window",
        row=functools.partial(_column, "__in_preferred"),
    )
