"""Which offer to brief when none is given (the CLI's stand-in until arbitration decides).

The rule is deliberately simple and stated to the user: among the offers the rules left eligible
and that the catalog offers on the channel, the one worth most to the carrier (``value``);
ties go to the earlier offer in the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from goodcall.brief.facts import BriefError
from goodcall.catalog.model import Catalog


def best_eligible_offer(
    rows: Sequence[Mapping[str, Any]], catalog: Catalog, channel: str, customer_id: str
) -> str:
    eligible = {r["offer_id"] for r in rows if r["eligible"]}
    candidates = [o for o in catalog.offers if o.id in eligible and channel in o.channels]
    if not candidates:
        raise BriefError(
            f"customer {customer_id!r}: no offer is eligible on channel {channel!r}, "
            "so there is nothing to brief"
        )
    return max(candidates, key=lambda o: (o.value, -catalog.offers.index(o))).id
