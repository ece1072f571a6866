"""The campaign's last look at the store before its call list is put in place: a customer whose
do-not-call request was acknowledged while the campaign was being decided is withdrawn.

The decision read each customer's consent when it read the profiles, minutes (or hours, on a
national base) before the list is written; a request acknowledged in between must not be in the
list. So, in the transaction that records the plan and renames the campaign into place
(:func:`goodcall.campaign.run.run_campaign`), after taking the lock that makes new requests wait
(:func:`goodcall.store.outcomes.hold_do_not_call`), the call list's customers are checked against
the internal do-not-call list once more, and their contacts on the channels that list covers
(the policies' ``internal_dnc.channels``, as the policy engine applies it: by default phone and
SMS, so an e-mail the decision chose stays) are taken out of ``call_list.csv``,
``call_list.parquet`` and ``briefs.jsonl``. A request acknowledged before the list is placed is
therefore in no list placed after it; one made later waits for the placement, and the next
decision reads it.

``decisions.parquet`` keeps what was decided (the record of the decision); ``report.json`` counts
the withdrawn customers in ``withdrawn_do_not_call``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from goodcall.store.outcomes import do_not_call_among, hold_do_not_call
from goodcall.writing import write_csv

c = pl.col


def withdraw_do_not_call(
    staged: Path, connection: sa.Connection, channels: Sequence[str]
) -> set[str]:
    """Take out of the staged campaign ``staged`` the contacts, on ``channels`` (those the
    internal list covers), of every customer on the internal do-not-call list as committed now
    (see the module docstring); the customers withdrawn."""
    hold_do_not_call(connection)
    calls_path = staged / "call_list.parquet"
    if not calls_path.is_file():
        return set()
    calls = pl.read_parquet(calls_path)
    covered = calls.filter(c("channel").is_in(list(channels)))
    listed = do_not_call_among(connection, covered["customer_id"].unique().to_list())
    if not listed:
        return listed
    from goodcall.campaign.run import call_list  # the call list's CSV form is defined there

    dropped = c("customer_id").is_in(list(listed)) & c("channel").is_in(list(channels))
    withdrawn = set(calls.filter(dropped)["customer_id"].to_list())
    kept = calls.filter(~dropped)
    if "brief_ref" in kept.columns:  # the briefs' lines move up: point at them again
        from goodcall.campaign.calllist import renumber_briefs

        kept = renumber_briefs(kept)
    kept.write_parquet(calls_path)
    write_csv(call_list(kept), staged / "call_list.csv")
    if "phone" in channels:  # the briefs are the phone calls'
        _drop_briefs(staged / "briefs.jsonl", withdrawn)
    report_path = staged / "report.json"
    if report_path.is_file():
        report = json.loads(report_path.read_text())
        report["withdrawn_do_not_call"] = len(withdrawn)
        report_path.write_text(json.dumps(report, indent=2, default=str))
    return withdrawn


def _drop_briefs(path: Path, withdrawn: set[str]) -> None:
    if not path.is_file():
        return
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.strip() and json.loads(line).get("customer_id") not in withdrawn
    ]
    path.write_text("".join(kept), encoding="utf-8")
