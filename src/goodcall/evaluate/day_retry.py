"""Retries within a simulated day: after a no-answer or a voicemail, a later attempt in another
slot of the customer's window, inside the policy's caps.

Nothing here decides anything the decision core does not. Every few minutes of the simulated day
(``Settings.retry_seconds``) the dialler plans the retries of the calls missed since it last
did: each customer's profile (as ``campaign run`` read it) gains the day's missed calls in its
contact history, and the core's :func:`goodcall.decide.next_attempts` says, at that moment and
for all of them at once, where the next attempt may go:

1. the policy engine gives the phone's next window at that moment: the legal hours ∩ the stated
   hours, and no window at all once the attempts cap (6 per 30 days; 4 in France), a frequency
   cap (a voicemail counts) or the internal do-not-call list blocks the customer;
2. the window's moments are the core's (every hour), and the core's rule for the next attempt
   after a missed call drops those in the slot just missed;
3. within one day a moment still in the missed slot is the same call again, not a retry: it is
   dropped as well (the core keeps it when nothing else is open, for a later day).

The retry is dialled from the earliest moment left, for :data:`~goodcall.evaluate.day.SLOT_MINUTES`
cut to the window, if the simulated team is still there (the day's end). The earliest, not the
"best" one: the core's scoring needs the model set, which ``simulate day`` does not load; the
moments left are all in slots other than the missed one, which is what the rule is for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from goodcall.decide import next_attempts
from goodcall.policy.resolve import CompiledPolicies
from goodcall.profiles.fields import CONTACT_STRUCT
from goodcall.timing.calls import CallRecord, CallToDial

c = pl.col


class DayRetries:
    """The :data:`goodcall.timing.calls.Retry` rule of one simulated day."""

    def __init__(
        self,
        profiles: pl.DataFrame,
        offers: dict[str, str | None],
        policies: CompiledPolicies,
        start: dt.datetime,
        day_end: float,
        slot: dt.timedelta,
        campaign_id: str,
    ) -> None:
        self.profiles = {row["customer_id"]: row for row in profiles.iter_rows(named=True)}
        self.schema = profiles.schema
        self.offers, self.policies, self.campaign_id = offers, policies, campaign_id
        self.start, self.day_end, self.slot = start, day_end, slot
        self.missed: dict[str, list[dict[str, object]]] = {}
        self.local_hours: dict[tuple[str, int], int] = {}
        """The customer's local hour at each planned retry (customer, attempt): where the
        world's answer chances are read."""

    def __call__(
        self, missed: Sequence[tuple[CallToDial, CallRecord]], now: float
    ) -> list[CallToDial]:
        last: dict[str, CallToDial] = {}
        for call, record in missed:
            if call.customer_id not in self.profiles:
                continue
            last[call.customer_id] = call
            self.missed.setdefault(call.customer_id, []).append(
                {
                    "at": self.start + dt.timedelta(seconds=record.dialled_at),
                    "channel": "phone",
                    "campaign_id": self.campaign_id,
                    "offer_id": self.offers.get(call.customer_id),
                    "group": "treatment",
                    "outcome": "voicemail" if record.machine else "no_answer",
                    "converted": False,
                }
            )
        if not last:
            return []
        found = self.next_moments(list(last), self.start + dt.timedelta(seconds=now))
        out = []
        for customer, call in last.items():
            if customer not in found:
                continue
            begins, ends, hour = found[customer]
            earliest, latest = ((t - self.start).total_seconds() for t in (begins, ends))
            if earliest < self.day_end:
                out.append(CallToDial(customer, call.language, earliest, latest, call.attempt + 1))
                self.local_hours[customer, call.attempt + 1] = hour
        return out

    def profiles_now(self, customers: list[str]) -> pl.DataFrame:
        """The customers' profiles with the day's missed calls in their contact history."""
        rows = []
        for customer in customers:
            row = dict(self.profiles[customer])
            row["contact_history"] = [*(row["contact_history"] or []), *self.missed[customer]]
            rows.append(row)
        return pl.DataFrame(rows, schema=self.schema).with_columns(
            c("contact_history").cast(pl.List(CONTACT_STRUCT))
        )

    def next_moments(
        self, customers: list[str], at: dt.datetime
    ) -> dict[str, tuple[dt.datetime, dt.datetime, int]]:
        """Per customer with a retry today: its first and last moment (UTC), its local hour."""
        offers = pl.DataFrame(
            {"customer_id": customers, "offer_id": [self.offers.get(k) for k in customers]},
            schema={"customer_id": pl.String, "offer_id": pl.String},
        )
        found = next_attempts(self.profiles_now(customers), offers, self.policies, at)
        return {
            row["customer_id"]: (
                row["planned_at"],
                min(row["planned_at"] + self.slot, row["next_window_end"]),
                row["local_hour"],
            )
            for row in found.iter_rows(named=True)
        }
