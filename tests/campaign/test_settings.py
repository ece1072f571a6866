"""Campaign settings from a YAML file: the shipped example, located errors, flags and the file.

Bad inputs tried: a misspelt top-level key and one inside an agent pool (each with the key meant),
a share above its maximum, a channel that does not exist, a contact cost missing a channel, an
offer the catalog does not sell (with the closest id), a pool keyed by a misspelt language, a
flag that repeats the file, a bad value given by a flag, no campaign id anywhere, a file that is
a list, malformed YAML, a missing file, any mapping Hypothesis generates (loaded or refused with
located problems, never a crash); end to end, the CLI with the example and with a bad file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.campaign.run import CampaignError
from goodcall.campaign.settings import (
    campaign_config,
    load_campaign_settings,
    parse_campaign_settings,
)
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.yamlsource import SourceError, read_yaml
from goodcall.decide import AgentPool, CampaignConfig
from tests.audit.conftest import store_url  # noqa: F401 (the fixture)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "campaign-holidays.yaml"
CATALOG = load_catalog()
FRIDAY_19H = "2026-11-20T19:00:00-05:00"


def settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    return path


def problems(path: Path, **flags: object) -> list[str]:
    with pytest.raises(SourceError) as err:
        load_campaign_settings(path, flags=flags, catalog=CATALOG)
    return [str(p) for p in err.value.problems]


def test_the_example_holds_every_setting_and_loads() -> None:
    config = load_campaign_settings(EXAMPLE, catalog=CATALOG)
    keys = {line.split(":")[0] for line in EXAMPLE.read_text().splitlines() if line[:1].isalpha()}
    assert keys == set(CampaignConfig.model_fields)
    assert config.campaign_id == "HOLIDAYS-2026"
    assert config.offers is not None and len(config.offers) == 6
    assert config.calls_per_day == 1500 and config.calls_per_hour == 250
    assert config.messages_per_day == {"sms": 4000, "email": 50000, "app": 30000}
    assert config.agent_pools == {
        "fr": AgentPool(calls_per_day=600, calls_per_hour=100),
        "en": AgentPool(calls_per_day=900),
    }
    assert config.contact_cost == {"phone": 4.0, "sms": 0.05, "email": 0.01, "app": 0.0}
    assert (config.budget, config.national_list_snapshot, config.prices) == (20000.0, None, None)


def test_the_documented_example_is_the_shipped_one() -> None:
    docs = (EXAMPLE.parents[1] / "docs" / "decisions.md").read_text()
    section = docs.split("## Campaign settings file", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    documented = parse_campaign_settings(read_yaml(block, "decisions.md"), catalog=CATALOG)
    assert documented == load_campaign_settings(EXAMPLE)
    assert block.strip() in EXAMPLE.read_text()


def test_unknown_keys_are_refused_with_the_key_meant(tmp_path: Path) -> None:
    path = settings(
        tmp_path,
        "campaign_id: X\ncalls_per_dya: 5\nagent_pools:\n  fr: {calls_per_dy: 3}\n",
    )
    assert problems(path) == [
        f"{path}:2:1: field calls_per_dya: unknown key 'calls_per_dya'; did you mean "
        f"'calls_per_day'? allowed keys: {', '.join(CampaignConfig.model_fields)}",
        f"{path}:4:7: field agent_pools.fr.calls_per_day: required key is missing",
        f"{path}:4:8: field agent_pools.fr.calls_per_dy: unknown key 'calls_per_dy'; did you "
        "mean 'calls_per_day'? allowed keys: calls_per_day, calls_per_hour, calls_by_local_hour, "
        "time_zone",
    ]


def test_bad_values_name_the_line_and_the_field(tmp_path: Path) -> None:
    path = settings(
        tmp_path,
        "campaign_id: X\n"
        "control_share: 0.7\n"
        "channels: [phone, fax]\n"
        "contact_cost: {phone: 4.0}\n"
        "agent_pools: {francais: {calls_per_day: 3}}\n"
        "national_list_snapshot: 2026-11\n",
    )
    found = problems(path)
    assert found[0] == (
        f"{path}:2:16: field control_share: Input should be less than or equal to 0.5 (got 0.7)"
    )
    assert found[1] == (
        f"{path}:3:19: field channels[1]: Input should be 'phone', 'sms', 'email' or 'app' "
        "(got 'fax')"
    )
    assert found[2] == (
        f"{path}:4:15: field contact_cost: contact_cost lacks channels ['app', 'email', 'sms']"
    )
    assert found[3].startswith(
        f"{path}:5:14: field agent_pools: agent pool 'francais' is not a language; use one of en"
    )
    assert found[4].startswith(f"{path}:6:25: field national_list_snapshot: Input should be")
    assert len(found) == 5
    no_such_day = settings(tmp_path, "campaign_id: X\nnational_list_snapshot: 2026-13-01\n")
    assert problems(no_such_day) == [
        f"{no_such_day}:2:25: malformed YAML: '2026-13-01' is not a valid value: month must be "
        "in 1..12"
    ]


def test_an_offer_the_catalog_does_not_sell(tmp_path: Path) -> None:
    path = settings(tmp_path, "campaign_id: X\noffers:\n  - ML_ADD_LINE\n  - HS_IPHONE17_FETE\n")
    assert problems(path) == [
        f"{path}:4:5: field offers[1]: the catalog has no offer 'HS_IPHONE17_FETE' "
        "(did you mean 'HS_IPHONE17_FETES'?)"
    ]
    assert load_campaign_settings(path).offers == ("ML_ADD_LINE", "HS_IPHONE17_FETE")  # no catalog


def test_flags_add_what_the_file_leaves_out_and_never_repeat_it(tmp_path: Path) -> None:
    path = settings(tmp_path, "channels: [email]\ncalls_per_day: 40\n")
    config = campaign_config(path, {"campaign_id": "FROM-FLAG", "budget": 10.0}, CATALOG)
    assert (config.campaign_id, config.budget, config.calls_per_day) == ("FROM-FLAG", 10.0, 40)
    assert problems(path, campaign_id="X", calls_per_day=10) == [
        f"{path}:2:1: field calls_per_day: also given by --calls-per-day on the command line: "
        "set it in one place"
    ]
    assert problems(path, campaign_id="X", control_share=0.9) == [
        "command line: --control-share: field control_share: Input should be less than or "
        "equal to 0.5 (got 0.9)"
    ]
    assert problems(path) == [
        f"{path}:1:1: field campaign_id: required key is missing (set it here, or give --name)"
    ]
    with pytest.raises(CampaignError, match="name the campaign with --name"):
        campaign_config(None, {"calls_per_day": 3}, CATALOG)
    assert campaign_config(None, {"campaign_id": "F", "calls_per_day": 3}).calls_per_day == 3


def test_not_settings_at_all(tmp_path: Path) -> None:
    assert problems(settings(tmp_path, "- campaign_id: X\n")) == [
        f"{tmp_path / 'campaign.yaml'}:1:1: campaign settings are a mapping of settings "
        "(campaign_id: …, channels: […], …)"
    ]
    assert "malformed YAML" in problems(settings(tmp_path, "campaign_id: [X\n"))[0]
    assert "cannot read" in problems(tmp_path / "missing.yaml")[0]


@pytest.fixture
def app() -> typer.Typer:
    from goodcall.campaign.cli import register

    application = typer.Typer()
    register(application)
    return application


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["campaign", "run", *args], env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_the_cli_runs_the_example(app: typer.Typer, store_url: str, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "holidays"
    code, output = run(app, "--config", str(EXAMPLE), "--out", str(out), "--db", store_url,
                       "--at", FRIDAY_19H)  # fmt: skip
    assert code == 0, output
    report = json.loads((out / "report.json").read_text())
    assert report["campaign_id"] == "HOLIDAYS-2026"
    assert report["decided_at"] == dt.datetime(2026, 11, 21, 0, 0, tzinfo=dt.UTC).isoformat()
    capacity = report["optimisation"]["capacity"]
    assert capacity["calls:day0"] == 1500 and capacity["budget"] == 20000.0
    # the store's customers all speak French: their calls use the French agents' pool
    assert capacity["calls:fr:day0"] == 600.0 and capacity["hour:fr:2026-11-21T00"] == 100.0
    assert report["optimisation"]["used"]["calls:fr:day0"] == report["calls"] == 1
    assert capacity["app:day0"] == 30000.0 and capacity["email:day0"] == 50000.0
    code, output = run(app, "--config", str(EXAMPLE), "--out", str(tmp_path / "again"),
                       "--db", store_url, "--at", FRIDAY_19H, "--explore-share", "0.1")  # fmt: skip
    assert code == 2
    assert "explore_share: also given by --explore-share" in output


def test_the_cli_names_the_bad_line(app: typer.Typer, tmp_path: Path) -> None:
    path = settings(tmp_path, "campaign_id: X\ncalls_per_dya: 3\noffers: [HS_PIXEL_1O]\n")
    code, output = run(app, "--config", str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert f"{path}: 2 problem(s):" in output  # both at once: the key and the offer
    assert f"{path}:2:1: field calls_per_dya: unknown key 'calls_per_dya'" in output
    assert f"{path}:3:10: field offers[0]: the catalog has no offer 'HS_PIXEL_1O'" in output
    assert "(did you mean 'HS_PIXEL_10'?)" in output
    code, output = run(app, "--out", str(tmp_path / "o"))
    assert code == 2 and "name the campaign with --name, or give a settings file" in output


SETTING_KEYS = st.sampled_from([*CampaignConfig.model_fields, "calls_per_dya", "pools", "x"])
SCALARS = (
    st.none() | st.booleans() | st.integers(-5, 5000) | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.dates()
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


@given(st.dictionaries(SETTING_KEYS, VALUES, max_size=6))
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_file_loads_or_is_refused_with_located_problems(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        config = parse_campaign_settings(read_yaml(text, "c.yaml"), catalog=CATALOG)
    except SourceError as err:
        assert err.problems and all(str(p).startswith("c.yaml") for p in err.problems)
    else:
        assert isinstance(config, CampaignConfig)
