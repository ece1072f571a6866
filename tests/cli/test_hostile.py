"""Hostile and broken input to the commands around a campaign (issue 19): data printed as it is,
never as console markup; CSV cells escaped against spreadsheet formulas; bad --out, --at, --db and
--catalog answered with one clear line and exit 2; --overwrite keeps the old campaign until the
new one is complete."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from goodcall.catalog import loader
from goodcall.cli import app
from goodcall.store.importer import import_directory
from goodcall.synth.generate import write_carrier
from tests.cli.conftest import AT, Inputs

WIDE = CliRunner(env={"COLUMNS": "240"})
NAME = "Tremblay [vip] [/bold]"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store whose customer ids start with '=' and '@' and whose first customer is named
    ``Tremblay [vip] [/bold]``."""
    root = tmp_path_factory.mktemp("hostile")
    carrier = root / "carrier"
    write_carrier(carrier, 120, seed=3, fmt="csv")
    for path in carrier.glob("*.csv"):
        text = path.read_text("utf-8").replace("C-0000", "=C-0000").replace("C-SEED", "@C-SEED")
        path.write_text(text, "utf-8")
    customers = pl.read_csv(carrier / "customers.csv", infer_schema=False)
    customers = customers.with_columns(
        pl.when(pl.col("customer_id") == "=C-00000001")
        .then(pl.lit(NAME))
        .otherwise(pl.col("last_name"))
        .alias("last_name")
    )
    customers.write_csv(carrier / "customers.csv")
    url = f"sqlite:///{root / 'store.db'}"
    assert import_directory(carrier, url).landed
    return url


def _one_line(result: object) -> str:
    return " ".join(result.stderr.split())  # type: ignore[attr-defined]


def test_a_call_list_escapes_formulas_and_audit_reads_it_back(hostile: str, tmp_path: Path) -> None:
    out = tmp_path / "campaign"
    args = ["campaign", "run", "--name", "H", "--out", str(out), "--db", hostile, "--at", AT]
    assert WIDE.invoke(app, args).exit_code == 0
    calls = pl.read_csv(out / "call_list.csv", infer_schema=False)
    assert calls.height > 0
    assert all(i.startswith(("'=C-", "'@C-")) for i in calls["customer_id"])
    audited = WIDE.invoke(app, ["audit", str(out / "call_list.csv"), "--db", hostile, "--at", AT,
                                "--json"])  # fmt: skip
    findings = json.loads(audited.stdout)["findings"]
    assert "audit.unknown_customer" not in {f["code"] for f in findings}


def test_explain_prints_a_name_with_markup_as_it_is(hostile: str) -> None:
    result = WIDE.invoke(app, ["explain", "=C-00000001", "--db", hostile, "--at", AT])
    assert result.exit_code == 0, result.output
    assert NAME in result.stdout


@pytest.mark.parametrize("value", ["[/bold]", "Tremblay [vip]"])
def test_audit_prints_markup_in_a_call_list_as_it_is(
    value: str, hostile: str, tmp_path: Path
) -> None:
    calls = tmp_path / "calls.csv"
    pl.DataFrame(
        {"customer_id": [value], "offer_id": ["=HYPERLINK(1)"], "planned_at": ["2026-11-21T15:00Z"],
         "channel": ["phone"], "language": ["fr"], "register": ["formal"]}
    ).write_csv(calls)  # fmt: skip
    report = tmp_path / "report.csv"
    result = WIDE.invoke(app, ["audit", str(calls), "--db", hostile, "--at", AT, "--report",
                               str(report)])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"│ {value} " in result.stdout
    assert pl.read_csv(report, infer_schema=False)["offer_id"].to_list() == ["'=HYPERLINK(1)"] * 2


def test_catalog_check_prints_markup_in_an_error_as_it_is(tmp_path: Path) -> None:
    text = (Path(loader.__file__).parent / "data" / "nordet.yaml").read_text("utf-8")
    path = tmp_path / "[bold]catalog[vip].yaml"
    path.write_text(text.replace("currency: CAD\n", 'currency: CAD\n"[/bold]": x\n', 1))
    result = WIDE.invoke(app, ["catalog", "check", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"error: {path}:" in _one_line(result)
    assert "'[/bold]'" in _one_line(result)


def _campaign(inputs: Inputs, *extra: str) -> list[str]:
    return ["campaign", "run", "--name", "X", "--db", inputs.url, "--models", str(inputs.models),
            *extra]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{file}", "--at", AT], "error: --out {file} is a file; a folder is expected"),
        (["--out", "/proc/campaign", "--at", AT],
         "error: --out /proc/campaign: cannot write in /proc (No such file or directory)"),
        (["--out", "{models}", "--at", AT, "--overwrite"],
         "error: --out {models} would overwrite the input {models}; write elsewhere"),
        (["--out", "{fresh}", "--at", "0001-01-01T00:00Z"],
         "'0001-01-01T00:00Z' is out of range: expected a time from 1900 to 2999"),
        (["--out", "{fresh}", "--at", "9999-12-31T23:59-05:00"],
         "'9999-12-31T23:59-05:00' is out of range: expected a time from 1900 to 2999"),
    ],
    ids=["out-is-a-file", "out-unwritable", "out-is-the-models", "at-0001", "at-9999"],
)  # fmt: skip
def test_campaign_refuses_bad_arguments_in_one_line(
    args: list[str], message: str, inputs: Inputs, tmp_path: Path
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    names = {"file": str(a_file), "models": str(inputs.models), "fresh": str(tmp_path / "c")}
    result = WIDE.invoke(app, _campaign(inputs, *(a.format(**names) for a in args)))
    assert result.exit_code == 2, result.output
    assert message.format(**names) in _one_line(result)
    assert "Traceback" not in result.output
    assert not (tmp_path / "c").exists()
    assert (inputs.models / "model_set.json").is_file()


def test_campaign_on_a_store_that_cannot_be_opened(inputs: Inputs, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}"
    args = ["campaign", "run", "--name", "X", "--db", url, "--at", AT, "--out", str(tmp_path / "c")]
    result = WIDE.invoke(app, args)
    assert result.exit_code == 2
    assert _one_line(result).startswith(f"error: cannot use the store at {url}: unable to open")


def test_campaign_with_a_catalog_whose_predicate_is_invalid(inputs: Inputs, tmp_path: Path) -> None:
    text = (Path(loader.__file__).parent / "data" / "nordet.yaml").read_text("utf-8")
    path = tmp_path / "catalog.yaml"
    path.write_text(text.replace('when: "plan_tier >= 2"', 'when: "plan_tier >= (2"', 1))
    result = WIDE.invoke(app, _campaign(inputs, "--out", str(tmp_path / "c"), "--at", AT,
                                        "--catalog", str(path)))  # fmt: skip
    assert result.exit_code == 2
    assert _one_line(result).startswith(f"error: {path}: ")
    assert "not a valid condition" in _one_line(result)


def test_overwrite_keeps_the_old_campaign_until_the_new_one_is_complete(
    inputs: Inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import goodcall.campaign.run as run

    out = tmp_path / "campaign"
    assert WIDE.invoke(app, _campaign(inputs, "--out", str(out), "--at", AT)).exit_code == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    listed = run.call_list

    def dies_half_way(*args: object) -> None:
        listed(*args)  # type: ignore[arg-type]
        raise RuntimeError("killed while writing")

    monkeypatch.setattr(run, "call_list", dies_half_way)
    later = (dt.datetime.fromisoformat(AT) + dt.timedelta(hours=1)).isoformat()
    failed = WIDE.invoke(app, _campaign(inputs, "--out", str(out), "--at", later, "--overwrite"))
    assert failed.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert [p.name for p in tmp_path.iterdir()] == ["campaign"]
    monkeypatch.setattr(run, "call_list", listed)
    done = WIDE.invoke(app, _campaign(inputs, "--out", str(out), "--at", later, "--overwrite"))
    assert done.exit_code == 0
    assert (
        json.loads((out / "report.json").read_text())["decided_at"]
        != json.loads(old["report.json"])["decided_at"]
    )
    assert [p.name for p in tmp_path.iterdir()] == ["campaign"]


def test_synth_and_models_train_refuse_an_out_that_is_a_file(
    inputs: Inputs, tmp_path: Path
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    train = ["models", "train", "--out", str(a_file), "--db", inputs.url, "--at", AT]
    for args in (["synth", "--out", str(a_file), "--customers", "5"], train):
        result = WIDE.invoke(app, args)
        assert result.exit_code == 2
        assert _one_line(result) == f"error: --out {a_file} is a file; a folder is expected"
