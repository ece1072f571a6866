"""``--at`` is parsed in one place for every command. Bad inputs tried: a word, a time without an
offset (refused rather than guessed as UTC), an empty string."""

from __future__ import annotations

import datetime as dt

import pytest

from goodcall.clock import AtError, parse_at


def test_offsets_and_z_are_kept() -> None:
    assert parse_at("2026-11-20T19:00-05:00") == dt.datetime(
        2026, 11, 20, 19, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    assert parse_at(" 2026-11-21T00:00Z ") == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)


def test_none_is_now() -> None:
    now = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
    assert parse_at(None, now) is now
    assert parse_at(None).tzinfo is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "is not an ISO 8601 time"),
        ("", "is not an ISO 8601 time"),
        ("2026-11-20T19:00", "has no offset"),
    ],
)
def test_bad_times_are_refused_with_the_value(text: str, message: str) -> None:
    with pytest.raises(AtError, match=message) as err:
        parse_at(text)
    assert repr(text) in str(err.value)
