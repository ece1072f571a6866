"""The carrier looks like a Canadian carrier: mixes within tolerance of the documented shares."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.profiles.nordet import DEVICES
from goodcall.synth.lines import release_day

c = pl.col


def share(frame: pl.DataFrame, mask: pl.Expr) -> float:
    return float(frame.select(mask.cast(pl.Float64).mean()).item())


def test_province_mix(big: dict[str, pl.DataFrame]) -> None:
    customers = big["customers"]
    for region, expected in (("ON", 0.377), ("QC", 0.212), ("BC", 0.134), ("AB", 0.116)):
        got = share(customers, (c("country") == "CA") & (c("region") == region))
        assert got == pytest.approx(expected, abs=0.012), region
    assert share(customers, c("country") == "US") == pytest.approx(0.03, abs=0.006)
    assert 0.002 <= share(customers, c("country") == "FR") <= 0.009


def test_time_zones_per_province(big: dict[str, pl.DataFrame]) -> None:
    generated = big["customers"].filter(c("customer_id") != "C-SEED-0001")
    zones = generated.group_by("region").agg(c("time_zone").unique().sort())
    by_region = {r: z for r, z in zones.iter_rows()}
    assert by_region["QC"] == ["America/Toronto"]
    assert by_region["NL"] == ["America/St_Johns"]
    assert by_region["SK"] == ["America/Regina"]
    assert by_region["ON"] == ["America/Toronto", "America/Winnipeg"]
    assert by_region["BC"] == ["America/Dawson_Creek", "America/Vancouver"]
    assert by_region["FL"] == ["America/New_York"]


def test_language_mix(big: dict[str, pl.DataFrame]) -> None:
    customers = big["customers"]
    quebec = customers.filter(c("region") == "QC")
    assert share(quebec, c("language") == "fr-CA") == pytest.approx(0.80, abs=0.025)
    brunswick = customers.filter(c("region") == "NB")
    assert share(brunswick, c("language") == "fr-CA") == pytest.approx(0.30, abs=0.1)
    ontario = customers.filter(c("region") == "ON")
    assert share(ontario, c("language") == "fr-CA") < 0.06
    assert customers.filter(c("country") == "FR")["language"].unique().to_list() == ["fr-FR"]


def test_titles_and_register(big: dict[str, pl.DataFrame]) -> None:
    customers = big["customers"]
    french = customers.filter(c("language").str.starts_with("fr"))
    assert set(french["title"].drop_nulls().unique()) == {"M.", "Mme"}
    english = customers.filter(c("language").str.starts_with("en"))
    assert set(english["title"].drop_nulls().unique()) == {"Mr.", "Ms."}
    assert share(customers, c("register_source") == "default") == pytest.approx(0.83, abs=0.02)
    explicit_informal = (c("register_source") == "explicit") & (c("register") == "informal")
    assert share(french, explicit_informal) == pytest.approx(0.12, abs=0.02)


def test_lines_devices_and_plans(big: dict[str, pl.DataFrame]) -> None:
    lines = big["lines"]
    counts = lines.group_by("customer_id").len()
    assert share(counts, c("len") == 1) == pytest.approx(0.60, abs=0.03)
    assert counts["len"].max() == 5
    apple_samsung = c("device_make").is_in(["Apple", "Samsung"])
    assert share(lines, apple_samsung) == pytest.approx(0.86, abs=0.03)
    assert share(lines, c("device_make") == "LG") > 0.005
    labels = lines.filter(~c("is_primary"))["user_label"].drop_nulls()
    relation = r"^\S.* \((fille|fils|conjoint|conjointe|daughter|son|partner)\)$"
    assert labels.str.contains(relation).all()
    assert labels.len() > 0.85 * lines.filter(~c("is_primary")).height


def test_purchases_follow_release_dates(big: dict[str, pl.DataFrame]) -> None:
    releases = pl.DataFrame(
        {
            "device_model": [d.model for d in DEVICES],
            "release": [release_day(d) for d in DEVICES],
        }
    ).with_columns(c("release").cast(pl.Int32).cast(pl.Date))
    lines = big["lines"].join(releases, on="device_model", how="inner")
    assert (lines["device_purchase_date"] >= lines["release"]).all()
    clearance_buyers = big["contacts"].filter(
        c("converted") & (c("offer_id") == "HS_LG_VELVET_CLEARANCE")
    )["customer_id"]
    lg = big["lines"].filter(
        (c("device_make") == "LG") & ~c("customer_id").is_in(clearance_buyers.implode())
    )
    assert lg.height > 0
    assert lg["device_purchase_date"].max() < dt.date(2023, 3, 1)  # type: ignore[operator]
    financed = big["lines"].filter(c("financing_end_date").is_not_null())
    two_years = financed["device_purchase_date"].dt.offset_by("24mo")
    assert (financed["financing_end_date"] == two_years).all()
    postpaid = big["lines"].filter(c("plan_id") != "PRE_2")
    assert share(postpaid, c("financing_end_date").is_not_null()) == pytest.approx(0.8, abs=0.03)


def test_usage_follows_the_plan(big: dict[str, pl.DataFrame]) -> None:
    lines = big["lines"].join(big["plans"].select("plan_id", "data_gb"), on="plan_id")
    usage = lines.group_by("plan_id").agg(
        c("data_usage_gb_m1").median().alias("median"),
        (c("data_usage_gb_m1") > c("data_gb")).mean().alias("over"),
    )
    median = dict(usage.select("plan_id", "median").iter_rows())
    over = dict(usage.select("plan_id", "over").iter_rows())
    assert median["ESS_5"] < median["PLUS_20"] < median["MAX_60"] < median["ULT_150"]
    assert 0.1 < over["ESS_5"] < 0.4
    assert over["ULT_150"] < 0.05


def test_consent_and_preferences(big: dict[str, pl.DataFrame]) -> None:
    consent = big["consent"]
    assert share(consent, c("national_dnc")) == pytest.approx(0.12, abs=0.01)
    assert consent["national_dnc_snapshot"].n_unique() == 1
    internal = share(consent, c("internal_dnc_at").is_not_null())
    assert 0.018 < internal < 0.04
    prefs = big["preferences"]
    assert prefs.height / big["customers"].height == pytest.approx(0.28, abs=0.015)
    assert share(prefs, c("contact_only_on_request")) == pytest.approx(0.10, abs=0.02)


def test_control_groups_are_five_percent(big: dict[str, pl.DataFrame]) -> None:
    contacts = big["contacts"].filter(c("customer_id") != "C-SEED-0001")
    assert share(contacts, c("group") == "control") == pytest.approx(0.05, abs=0.006)
    per_campaign = contacts.group_by("campaign_id").agg(
        pl.len(), (c("group") == "control").mean().alias("control")
    )
    large = per_campaign.filter(c("len") >= 1_000)
    assert large.height >= 15
    assert large["control"].is_between(0.03, 0.07).all()
    controls = contacts.filter(c("group") == "control")
    assert controls["outcome"].unique().to_list() == ["not_contacted"]
    assert controls["agent_id"].null_count() == controls.height


def test_self_service_habits_hang_together(big: dict[str, pl.DataFrame]) -> None:
    selfserve = big["self_service"].select(
        c("app_logins_90d").log1p(), c("online_purchases_12m").log1p(), c("inbound_contacts_90d")
    )
    corr = selfserve.select(
        pl.corr("app_logins_90d", "online_purchases_12m").alias("app_online"),
        pl.corr("app_logins_90d", "inbound_contacts_90d").alias("app_inbound"),
    ).row(0, named=True)
    assert corr["app_online"] > 0.2
    assert corr["app_inbound"] < -0.05
