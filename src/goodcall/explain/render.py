"""The core's decision for one customer in a few plain lines (``explain`` and ``brief`` print them).

Plain text, no markup: evidence can hold any character.
"""

from __future__ import annotations

from typing import Any


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def headline(decision: dict[str, Any]) -> str:
    """``CONTACT: HS_PIXEL_10 by phone at 2026-11-20T10:00-05:00 (customer's time)``, etc."""
    kind = decision["decision"]
    if kind == "contact":
        return (
            f"CONTACT: {decision['offer_id']}"
            + (f" for line {decision['line_id']}" if decision.get("line_id") else "")
            + f" by {decision['channel']} at "
            f"{decision['planned_local']} (customer's time)"
            + (" — exploration" if decision["explore"] else "")
        )
    if kind == "control":
        would = decision["would"] or {}
        offer = would.get("offer_id")
        tail = (
            f"; would have had {offer} by {would.get('channel')} at {would.get('planned_local')}"
            f" (expected value {_money(would.get('ev'))})"
            if offer
            else ""
        )
        return "NO CONTACT: held out in the campaign's control group" + tail
    return "NO CONTACT"


def value_line(decision: dict[str, Any]) -> str | None:
    """The expected value and its parts, or None when no contact was chosen."""
    parts = decision["value_parts"]
    if parts is None or decision["decision"] != "contact":
        return None
    return (
        f"expected value {_money(decision['ev'])} = uplift {_share(decision['uplift'])} × margin "
        f"{_money(parts['margin'])} ({_money(parts['uplift_value'])}) − contact cost "
        f"{_money(parts['contact_cost'])} − annoyance cost {_money(parts['annoyance_cost'])} "
        f"(P(annoy) {_share(decision['p_annoy'])}); P(accept | contacted) "
        f"{_share(decision['p_accept'])}"
    )


def reason_line(decision: dict[str, Any]) -> str:
    reason = decision["deciding_reason"]
    if reason is None:
        return "decided by: no reason recorded"
    evidence = f" ({reason['evidence']})" if reason.get("evidence") else ""
    return f"decided by {reason['code']}: {reason['rule']}{evidence}"


def group_line(decision: dict[str, Any]) -> str:
    group = decision["group"]
    if group is None:
        return "control group: not drawn (no candidate contact)"
    return "control group: yes (held out at random)" if group == "control" else "control group: no"


def basis_lines(basis: dict[str, Any], at: str | None = None) -> list[str]:
    """What the decision was made with: prices and models, said plainly."""
    prices = "prices: " + _plan_text(basis)
    if not basis["models_trained"]:
        models = (
            "models: none trained — every offer is scored from its catalog prior "
            "(train with `goodcall models train`, then pass --models or --campaign)"
        )
    else:
        models = f"models: {basis['models']} (trained at {basis['models_trained_at']})"
    return [prices, models]


def _plan_text(basis: dict[str, Any]) -> str:
    """Which campaign plan's prices the decision used, and how it was chosen."""
    plan_from = basis.get("plan_from", "directory" if basis["campaign"] else "none")
    if plan_from == "no-plan":
        return "0 — --no-plan; no control group or exploration outside a campaign"
    if plan_from == "none":
        return (
            "0 — no campaign plan in the store (run `goodcall campaign run`, or pass --campaign "
            "DIR, for the campaign's answer); no control group or exploration outside a campaign"
        )
    decided = f"campaign {basis['campaign_id']}, decided at {basis['plan_decided_at']}"
    if plan_from == "store":
        text = f"the latest plan in the store (plan {basis['plan_id']}: {decided}; written to "
        text += f"{basis['campaign']})"
        if basis.get("plan_after_at"):
            text += " — the earliest plan, none was decided at or before this time"
    else:
        text = f"the plan of {decided} ({basis['campaign']})"
    if not basis["same_time_as_plan"]:
        text += " — another time than now: the answer at the plan's own time may differ"
    return text


def decision_lines(decision: dict[str, Any]) -> list[str]:
    """Everything ``explain`` opens with."""
    lines = [headline(decision)]
    value = value_line(decision)
    if value is not None:
        lines.append(value)
    lines += [reason_line(decision), group_line(decision)]
    call = decision.get("next_call")
    if decision["decision"] != "contact" and call is not None:
        lines.append(f"next moment a call is allowed: {next_call_text(call)}")
    return lines + basis_lines(decision["basis"])


def next_call_text(call: dict[str, Any]) -> str:
    return call.get("start_local") or "none within the horizon"
