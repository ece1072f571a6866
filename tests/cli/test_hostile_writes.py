"""Hostile command-line arguments for the commands that write (issue 19): ``import``,
``campaign run``, ``models train``, ``synth`` and ``users add``, each run in a folder of its own
with a copy of a small carrier and its store (a folder beside it, ``outside``, must stay
empty). Whatever the arguments: no traceback, exit 0, 1
(findings or refused data) or 2 (a clear error); nothing written outside that folder; no
temporary file or staging folder left; a command that fails leaves the store as it was; a model
set or campaign folder that is there is complete. Counts: ``tests/hostile.py`` (the quick test
runs :data:`FAST` examples, the ``slow`` twin 1,000).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.store.importer import import_directory
from goodcall.synth.generate import write_carrier
from tests.catalog.test_hostile import TEXT
from tests.hostile import hostile

COMMANDS = {
    "import": ["--db", "--replace", "--report", "--quarantine", "--on-existing", "--json"],
    "campaign run": ["--out", "--name", "--db", "--at", "--overwrite", "--models", "--json",
                     "--catalog", "--calls-per-day", "--chunk-size"],
    "models train": ["--out", "--db", "--at", "--overwrite", "--seed", "--method", "--json"],
    "synth": ["--out", "--customers", "--seed", "--format", "--as-of", "--overwrite", "--json"],
    "users add": ["--role", "--name", "--languages", "--ui", "--password", "--db", "--json"],
}  # fmt: skip
FLAGS = {"--json", "--replace", "--overwrite"}
AT = "2026-11-20T15:00:00+00:00"
PATHS = ["carrier", "carrier/customers.csv", "store.db", "out", "out/x.csv", "models", "x.parquet",
         ".", "/", "/dev/null", "/proc/x"]  # fmt: skip
"""Paths the arguments may name: inputs, outputs, places nobody can write (never a place beside
the folder: writing where the user names is no escape)."""
VALUES = st.one_of(
    TEXT,
    st.integers(-5, 50).map(str),
    st.sampled_from(PATHS),
    st.sampled_from(
        ["sqlite:///store.db", "sqlite:///other.db", "bogus://x",
         "sqlite:////nonexistent/x.db", AT, "0001-01-01", "9999-12-31", "2026-11-20", "agent",
         "admin", "fr", "en", "t", "auto", "csv", "parquet", "update", "skip", "-", ""]
    ),
)  # fmt: skip
CUSTOMERS = 30


@functools.cache
def _template() -> Path:
    """A carrier and its store, made once per session and copied for each example."""
    root = Path(tempfile.mkdtemp(prefix="goodcall-hostile-writes-"))
    atexit.register(shutil.rmtree, root, True)
    write_carrier(root / "carrier", CUSTOMERS, seed=3)
    assert import_directory(root / "carrier", f"sqlite:///{root / 'store.db'}").landed
    return root


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = command.split()
    if command == "import":
        argv.append(draw(st.one_of(st.just("carrier"), VALUES)))
    elif command == "users add":
        argv.append(draw(st.one_of(st.just("ana"), VALUES)))
    if command != "users add" and draw(st.booleans()):
        argv += ["--db", "sqlite:///store.db"]
    if command == "users add":
        argv += ["--role", draw(st.sampled_from(["agent", "analyst", "admin", "x"]))]
    if command in ("campaign run", "models train", "synth"):
        argv += ["--out", draw(st.sampled_from(["out", *PATHS]))]
        if command != "synth":
            argv += ["--at", AT]
    for option in draw(st.lists(st.sampled_from(COMMANDS[command]), max_size=4)):
        argv.append(option)
        if option not in FLAGS:
            argv.append(draw(VALUES))
    return argv


def _dump(store: Path) -> list[str]:
    with sqlite3.connect(store) as connection:
        return list(connection.iterdump())


def _hidden(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob(".*"))


def _folder_out(work: Path, argv: list[str]) -> Path | None:
    """The model set or campaign folder the arguments ask for (the last ``--out``), or None."""
    if argv[:2] not in (["campaign", "run"], ["models", "train"]) or "--out" not in argv:
        return None
    at = len(argv) - 1 - argv[::-1].index("--out")
    return work / argv[at + 1] if at + 1 < len(argv) else None


def _writes(argv: list[str]) -> None:
    from goodcall.cli import app

    with tempfile.TemporaryDirectory(prefix="goodcall-hostile-") as tmp:
        root = Path(tmp)
        work, outside = root / "work", root / "outside"
        outside.mkdir()
        shutil.copytree(_template() / "carrier", work / "carrier")
        shutil.copy(_template() / "store.db", work / "store.db")
        before = _dump(work / "store.db")
        if argv[:2] == ["users", "add"] and "--password" not in argv:
            argv += ["--password", "a long enough password"]
        out = _folder_out(work, argv)
        out_existed = out is not None and out.exists()
        here = os.getcwd()
        os.chdir(work)  # a relative path in the arguments lands here
        try:
            result = CliRunner().invoke(app, argv, env={"COLUMNS": "2000", "GOODCALL_DB_URL": ""})
        finally:
            os.chdir(here)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        said = (result.stderr or "") + result.output
        assert "Traceback" not in said
        assert result.exit_code in (0, 1, 2), said[:2000]
        assert sorted(p.name for p in root.iterdir()) == ["outside", "work"]
        assert list(outside.iterdir()) == [], "written outside the command's folder"
        assert _hidden(work) == [], "a temporary file or staging folder was left"
        if result.exit_code != 0 and (work / "store.db").is_file():
            assert _dump(work / "store.db") == before, "a failed command changed the store"
        if out is not None and not out_existed and out.is_dir() and any(out.iterdir()):
            marker = "plan.json" if argv[0] == "campaign" else "model_set.json"
            assert (out / marker).is_file(), "an incomplete output folder"


FAST = 6  # an example may run a whole campaign or training: seconds each on a loaded machine
test_writing_arguments, test_writing_arguments_slow = hostile(FAST, argv=argvs())(_writes)
