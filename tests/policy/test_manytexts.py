"""Policy sentences worded many at once (local times filled into templates) are exactly the
sentences worded one by one, whatever the evidence: local times the template path takes and ones
it must leave to the whole wording (no weekday, a second ``local_time``, ``unknown``), other codes,
both languages and every channel."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.policy.manytexts import COLUMNS, policy_reason_texts
from goodcall.policy.texts import policy_reason_text

CODES = (
    "policy.legal_window",
    "policy.preferred_hours",
    "policy.holiday",
    "policy.frequency_cap",
    "policy.dnc_internal",
    "policy.unknown_code",
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "xyz")

stamp = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}".format,
    st.sampled_from([2026, 2027]),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.integers(0, 59),
)
local_time = st.one_of(
    st.builds("{} {}".format, stamp, st.sampled_from(DAYS)),
    stamp,
    st.just("unknown"),
)
window = st.sampled_from(["09:00-21:30", "10:00-18:00|19:00-20:00", "none"])
place = st.sampled_from(["CA-QC", "CA-BC", "FR", "XX (no rules)"])
zone = st.sampled_from(["America/Toronto", "Europe/Paris", "Mars/Base (unknown)"])


@st.composite
def evidence(draw: st.DrawFn) -> str | None:
    parts = []
    if draw(st.booleans()):
        parts.append(f"jurisdiction={draw(place)}")
        parts.append(f"time_zone={draw(zone)}")
    if draw(st.booleans()):
        parts.append(f"preferred={draw(window)}")
    for _ in range(draw(st.integers(0, 2))):
        parts.insert(draw(st.integers(0, len(parts))), f"local_time={draw(local_time)}")
    parts.append(f"window={draw(window)}")
    if draw(st.integers(0, 9)) == 0:
        return None
    return ", ".join(parts)


reason = st.fixed_dictionaries(
    {
        "code": st.sampled_from(CODES),
        "ok": st.booleans(),
        "rule": st.sampled_from(["a rule", "another"]),
        "evidence": evidence(),
        "channel": st.sampled_from(["phone", "sms", "email", "app", "fax"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    reasons=st.lists(reason, max_size=40).flatmap(
        lambda rs: st.lists(st.sampled_from(rs), max_size=80) if rs else st.just([])
    ),
    lang=st.sampled_from(["fr", "en"]),
)
def test_many_at_once_is_one_by_one(reasons: list[dict[str, object]], lang: str) -> None:
    frame = pl.DataFrame(
        reasons,
        schema={c: pl.Boolean() if c == "ok" else pl.String() for c in COLUMNS},
    )
    many = policy_reason_texts(frame, "fr" if lang == "fr" else "en")
    one_by_one = [
        policy_reason_text(r, str(r["channel"]), "fr" if lang == "fr" else "en") for r in reasons
    ]
    assert many.to_list() == one_by_one


def test_a_local_time_is_filled_in() -> None:
    evidence = (
        "jurisdiction=CA-BC, time_zone=America/Vancouver, local_time={} tue, window=09:00-21:30"
    )
    rows = [
        {"code": "policy.legal_window", "ok": False, "rule": "r", "evidence": evidence.format(t)}
        | {"channel": "phone"}
        for t in ("2026-11-24T04:21", "2026-11-24T22:05")
    ]
    texts = policy_reason_texts(pl.DataFrame(rows).select(COLUMNS), "en").to_list()
    window = "(9:00\u202fa.m. – 9:30\u202fp.m., CA-BC)"  # Babel's narrow no-break spaces
    assert texts == [
        f"4:21\u202fa.m. (Tuesday November 24, 2026) for the customer, outside the legal window "
        f"{window}",
        f"10:05\u202fp.m. (Tuesday November 24, 2026) for the customer, outside the legal window "
        f"{window}",
    ]
