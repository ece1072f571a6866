"""Locale formatting: exact strings for fr-CA and en-CA, in the customer's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from goodcall.brief.formats import FormatError, formats_for

EVENING_UTC = dt.datetime(2026, 11, 18, 0, 5, tzinfo=dt.UTC)  # 19:05 on Nov 17 in Montreal


def test_fr_ca() -> None:
    f = formats_for("fr-CA", "fr", "America/Montreal", "CAD")
    assert f.money(45) == "45,00\u00a0$"
    assert f.time(EVENING_UTC) == "19 h 05"
    assert f.time(dt.time(9, 0)) == "9 h"
    assert f.date(EVENING_UTC) == "17 novembre 2026"
    assert f.month(dt.date(2022, 10, 1)) == "octobre 2022"
    assert f.number(40.9) == "40,9"
    assert f.number(150.0) == "150"
    assert f.percent(0.2727) == "27\u00a0%"


def test_en_ca_in_vancouver() -> None:
    f = formats_for("en-CA", "en", "America/Vancouver", "CAD")
    assert f.money(45) == "$45.00"
    assert f.time(EVENING_UTC) == "4:05\u202fp.m."
    assert f.time(dt.time(19, 5)) == "7:05\u202fp.m."
    assert f.date(EVENING_UTC) == "November 17, 2026"
    assert f.number(1500.0) == "1,500"


def test_other_locales_keep_their_own_formats() -> None:
    assert formats_for("fr-FR", "fr", "Europe/Paris", "CAD").money(45) == "45,00\u00a0$CA"


def test_bad_inputs_are_named() -> None:
    """Tried: an unknown time zone, an unsupported language, a naive timestamp."""
    with pytest.raises(FormatError, match="Mars/Olympus"):
        formats_for("fr-CA", "fr", "Mars/Olympus", "CAD")
    with pytest.raises(FormatError, match="'es'"):
        formats_for("es-MX", "es", "America/Mexico_City", "MXN")
    f = formats_for("fr-CA", "fr", "America/Montreal", "CAD")
    with pytest.raises(FormatError, match="no time zone"):
        f.date(dt.datetime(2026, 1, 1))
