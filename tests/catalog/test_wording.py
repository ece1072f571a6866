"""Words of reason sentences: devices named as people say them, articles, plurals, local numbers.

Bad inputs tried: a device with no model, no make, or neither; an acronym maker (« LG »); a zero
and a null count; a number with thousands; a profile whose lines carry no plan names.
"""

from __future__ import annotations

import pytest

from goodcall.catalog.wording import (
    derived_value,
    device_label,
    format_profile,
    plan_name,
    plural_problem,
    with_article,
)


@pytest.mark.parametrize(
    ("make", "model", "label"),
    [
        ("Apple", "iPhone 13", "iPhone 13"),
        ("Samsung", "Galaxy S21", "Galaxy S21"),
        ("Google", "Pixel 9", "Pixel 9"),
        ("Motorola", "moto g 5G", "moto g 5G"),
        ("LG", "Velvet", "LG Velvet"),
        ("Huawei", "P30", "Huawei P30"),
        ("Nokia", "Nokia G400", "Nokia G400"),
        ("Samsung", None, "Samsung"),
        (None, "KEY2", "KEY2"),
        (None, None, None),
    ],
)
def test_device_label(make: str | None, model: str | None, label: str | None) -> None:
    assert device_label(make, model) == label


@pytest.mark.parametrize(
    ("name", "fr_a", "fr_the", "en_a"),
    [
        ("iPhone 13", "un iPhone 13", "l'iPhone 13", "an iPhone 13"),
        ("Galaxy S21", "un Galaxy S21", "le Galaxy S21", "a Galaxy S21"),
        ("LG Velvet", "un LG Velvet", "le LG Velvet", "an LG Velvet"),
        ("HTC U12", "un HTC U12", "le HTC U12", "an HTC U12"),
        ("Huawei P30", "un Huawei P30", "le Huawei P30", "a Huawei P30"),
        ("Apple iPhone 15", "un Apple iPhone 15", "l'Apple iPhone 15", "an Apple iPhone 15"),
        ("KEY2", "un KEY2", "le KEY2", "a KEY2"),
    ],
)
def test_articles(name: str, fr_a: str, fr_the: str, en_a: str) -> None:
    assert with_article(name, "fr", definite=False) == fr_a
    assert with_article(name, "fr", definite=True) == fr_the
    assert with_article(name, "en", definite=False) == en_a
    assert with_article(name, "en", definite=True) == f"the {name}"


def test_plural_forms_follow_each_language() -> None:
    fr, en = "{n:ligne|lignes}", "{n:line|lines}"
    assert [format_profile(fr, {"n": n}, "fr") for n in (0, 1, 2)] == [
        "0 ligne",
        "1 ligne",
        "2 lignes",
    ]
    assert [format_profile(en, {"n": n}, "en") for n in (0, 1, 2)] == [
        "0 lines",
        "1 line",
        "2 lines",
    ]
    assert format_profile(en, {"n": None}, "en") == "unknown lines"
    assert plural_problem("line|lines") is None
    assert plural_problem("lines") is None
    assert plural_problem("a|b|c") is not None and plural_problem("|x") is not None


def test_numbers_use_the_locale_and_survive_nulls() -> None:
    row = {"data_usage_gb": 1234.5, "plan_id": None}
    assert format_profile("{data_usage_gb:,.1f} Go, {plan_id}", row, "fr") == (
        "1\u00a0234,5 Go, inconnu"
    )
    assert format_profile("{data_usage_gb:,.1f} GB, {plan_id}", row, "en") == (
        "1,234.5 GB, unknown"
    )


def test_plan_and_device_are_read_from_the_main_line() -> None:
    line = {"is_primary": True, "plan_id": "MAX_60", "plan_name_fr": "Max 60 Go"}
    other = {"is_primary": False, "plan_id": "ULT_150", "plan_name_fr": "Ultime 150 Go"}
    profile = {
        "plan_id": "MAX_60",
        "lines": [other, line],
        "device_make": "LG",
        "device_model": "Velvet",
    }
    assert plan_name(profile, "fr") == "Max 60 Go"
    assert plan_name({"plan_id": "MAX_60", "lines": []}, "fr") == "MAX_60"  # no name on file
    assert plan_name({"plan_id": None, "lines": None}, "en") is None
    assert derived_value("the_device", profile, "fr") == "le LG Velvet"
    assert derived_value("a_device", {}, "en") == "an unknown device"
    assert derived_value("the_device", {}, "fr") is None
