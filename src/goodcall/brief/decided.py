"""The brief of what the core decides: the contact it chooses, or no pitch and why not.

Without a named offer, the brief is of the core's decision for the customer now
(:mod:`goodcall.explain.decision`: with the latest campaign plan's prices and models, or alone at
prices 0). When the core says no contact — held out in the control group, not worth a contact,
no capacity, or nothing the rules allow — no pitch is written: the agent is told why, and when a
call would next be allowed. With a named offer (an agent who must brief it), the brief is written
and a warning says when the core would not choose that offer on that channel now.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.brief.build import build_brief
from goodcall.brief.render import Format, render
from goodcall.catalog.engine import evaluate_offers
from goodcall.explain.decision import Decider, decide_customers
from goodcall.explain.render import basis_lines, headline, next_call_text, reason_line


@dataclass(frozen=True)
class DecidedBrief:
    """What ``goodcall brief`` shows for one customer."""

    customer_id: str
    decision: dict[str, Any]  # the core's decision (goodcall.explain.decision)
    offer_id: str | None  # the offer briefed; None: no pitch
    channel: str | None
    text: str  # the rendered brief, or the no-contact message
    warning: str | None = None  # a named offer the core would not choose

    @property
    def pitched(self) -> bool:
        return self.offer_id is not None


def decided_briefs(
    profiles: pl.DataFrame,
    decider: Decider,
    at: dt.datetime,
    fmt: Format = "text",
    agent: str | None = None,
    *,
    offer: str | None = None,
    channel: str = "phone",
) -> dict[str, DecidedBrief]:
    """The brief (or the reason for none) of every customer of ``profiles``, by customer id."""
    decisions = decide_customers(profiles, decider, at)
    catalog = decider.compiled.catalog
    lines = {  # the decided line of a per-line offer: the brief and its "do not" are about it
        cid: d.get("line_id")
        for cid, d in decisions.items()
        if d["decision"] == "contact" and (offer is None or offer == d["offer_id"])
    }
    on_line = profiles.with_columns(
        pl.col("customer_id")
        .replace_strict(lines, default=None, return_dtype=pl.String)
        .alias("__call_line")
    )
    evaluated = evaluate_offers(
        on_line.lazy(), decider.compiled, at, line_column="__call_line"
    ).collect()
    out: dict[str, DecidedBrief] = {}
    for profile in profiles.iter_rows(named=True):
        cid = profile["customer_id"]
        decision = decisions[cid]
        chosen = decision["offer_id"] if decision["decision"] == "contact" else None
        if offer is None and chosen is None:
            out[cid] = DecidedBrief(cid, decision, None, None, no_contact_text(cid, decision, fmt))
            continue
        pitch_offer = offer if offer is not None else str(chosen)
        pitch_channel = channel if offer is not None else str(decision["channel"])
        rows = evaluated.filter(pl.col("customer_id") == cid)
        brief = build_brief(
            profile, pitch_offer, pitch_channel, catalog, rows, at, agent, line_id=lines.get(cid)
        )
        warning = (
            None
            if offer is None or (chosen, decision["channel"]) == (offer, channel)
            else not_chosen_warning(offer, channel, decision)
        )
        text = render(brief, fmt)
        out[cid] = DecidedBrief(cid, decision, pitch_offer, pitch_channel, text, warning)
    return out


def not_chosen_warning(offer: str, channel: str, decision: dict[str, Any]) -> str:
    return (
        f"the core would not choose {offer} by {channel} now — {headline(decision)}; "
        f"{reason_line(decision)}"
    )


def no_contact_text(customer_id: str, decision: dict[str, Any], fmt: Format) -> str:
    """What the agent reads instead of a pitch (JSON for ``--format json``)."""
    call = decision.get("next_call")
    if fmt == "json":
        payload = {"customer_id": customer_id, "pitch": None, "decision": decision}
        return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
    lines = [
        f"No pitch for {customer_id}: the core decides no contact now.",
        headline(decision),
        reason_line(decision),
        "next moment a call is allowed: "
        + (next_call_text(call) if call is not None else "unknown"),
        *basis_lines(decision["basis"]),
    ]
    text = "\n".join(lines) + "\n"
    if fmt == "html":
        from html import escape

        return "<pre>" + escape(text) + "</pre>\n"
    return text
