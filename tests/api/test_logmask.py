"""Phone numbers, e-mail addresses and names never reach the service's logs."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodcall.api.logmask import install, mask


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call 514 555-0199 now", "call *** now"),
        ("call +1 (514) 555-0199.", "call ***."),
        ("msisdn=5145550199", "msisdn=***"),
        ("from +33 1 42 68 53 00", "from ***"),
        ("mail jean.tremblay@example.ca", "mail ***"),
        ('{"first_name": "Jean", "last_name": "Tremblay"}',
         '{"first_name": ***, "last_name": ***}'),
        ("display_name=Jean, role=agent", "display_name=***, role=agent"),
        ("at 2026-11-20 14:00:00+00:00 for C-SEED-0001",) * 2,
        ("K-SERVE-0a1b2c3d4e", "K-SERVE-0a1b2c3d4e"),
    ],
)  # fmt: skip
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


@given(st.from_regex(r"\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]?\d{4}", fullmatch=True))
def test_no_north_american_number_survives(number: str) -> None:
    assert not any(ch.isdigit() for ch in mask(f"customer said {number} twice"))


def test_every_record_is_masked_even_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    install()
    logger = logging.getLogger("uvicorn.error")
    with caplog.at_level(logging.INFO):
        logger.warning("reached %s for first_name=%s", "514-555-0199", "Jean")
        try:
            raise ValueError("bad phone 450 555 0101 of jean@example.ca")
        except ValueError:
            logger.exception("failed")
    assert caplog.records[0].getMessage() == "reached *** for first_name=***"
    text = caplog.text
    assert "555" not in text and "Jean" not in text and "jean@" not in text
    assert "ValueError: bad phone *** of ***" in text
