"""``apply_contacts``: later contacts written into a generated carrier with their consequences.

Bad inputs are not at stake here (the rows come from ``goodcall.evaluate.pilot``); what is: the
new contacts are added and nothing stored is lost, a handset take-up changes the line *and*
records the state it replaced (so a profile rebuilt before it shows the old phone), a
do-not-call request reaches the consent table.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.profiles.build import build_profiles
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CONTACTS
from goodcall.synth.chunk import apply_contacts
from tests.synth.conftest import AS_OF

c = pl.col
AT = dt.datetime(2026, 11, 10, 15, tzinfo=dt.UTC)


def _contact(
    customer: str, offer: str, channel: str, outcome: str, converted: bool
) -> dict[str, object]:
    return {
        "contact_id": f"PILOT-{customer}", "customer_id": customer, "at": AT,
        "channel": channel, "campaign_id": "PILOT", "offer_id": offer, "group": "treatment",
        "outcome": outcome, "converted": converted, "silence_seconds": None, "agent_id": None,
    }  # fmt: skip


def _android_customer(tables: dict[str, pl.DataFrame]) -> str:
    lines = tables["lines"].filter(c("is_primary") & (c("device_os") == "Android"))
    changed = tables["line_changes"]["customer_id"].unique()
    return str(lines.filter(~c("customer_id").is_in(changed.implode()))["customer_id"][0])


def test_a_handset_take_up_changes_the_line_and_records_what_it_replaced(
    carrier: dict[str, pl.DataFrame],
) -> None:
    buyer = _android_customer(carrier)
    before = carrier["lines"].filter(c("customer_id") == buyer, c("is_primary"))
    rows = pl.DataFrame(
        [_contact(buyer, "HS_GALAXY_A56", "phone", "accepted", True)],
        schema=table_schema(CONTACTS),
    )
    after = apply_contacts(carrier, rows, AS_OF)
    assert after["contacts"].height == carrier["contacts"].height + 1
    assert after["contacts"].filter(c("contact_id") == f"PILOT-{buyer}").height == 1
    line = after["lines"].filter(c("customer_id") == buyer, c("is_primary"))
    assert line["device_model"][0] != before["device_model"][0]
    assert line["device_make"][0] == "Samsung"
    recorded = after["line_changes"].filter(c("customer_id") == buyer)
    assert recorded.height == 1
    assert recorded["device_model"][0] == before["device_model"][0]
    assert recorded["changed_at"][0] == AT + dt.timedelta(days=1)
    # the profile as of the contact is the one the customer had then: the old phone
    lazy = {name: table.lazy() for name, table in after.items()}
    then = build_profiles(lazy, AT - dt.timedelta(seconds=1)).collect()
    now = build_profiles(lazy, AT + dt.timedelta(days=2)).collect()
    assert then.filter(c("customer_id") == buyer)["device_make"][0] == before["device_make"][0]
    assert now.filter(c("customer_id") == buyer)["device_make"][0] == "Samsung"
    # every other customer's lines are untouched
    others = c("customer_id") != buyer
    assert after["lines"].filter(others).equals(carrier["lines"].filter(others))


def test_a_do_not_call_request_reaches_the_consent_table(
    carrier: dict[str, pl.DataFrame],
) -> None:
    consent = carrier["consent"].filter(c("internal_dnc_at").is_null())
    customer = str(consent["customer_id"][0])
    rows = pl.DataFrame(
        [_contact(customer, "AO_CLOUD_200", "email", "dnc_request", False)],
        schema=table_schema(CONTACTS),
    )
    after = apply_contacts(carrier, rows, AS_OF)
    listed = after["consent"].filter(c("customer_id") == customer)
    assert listed["internal_dnc_at"][0] == AT
    assert after["line_changes"].height == carrier["line_changes"].height
    assert after["consent"].height == carrier["consent"].height
