"""Hostile command-line arguments (issue 19, "Must show"): the read-only commands answer with a
clear error (exit 2, or a usage error) or their result; never a traceback. Generated: a command
(``audit``, ``explain``, ``catalog check``, ``policies check``, ``version``) with options drawn
from its own vocabulary and values of any kind: text, numbers, paths that are directories,
devices or missing, store URLs that cannot be reached, dates (years 1 to 9999). Counts:
``tests/hostile.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.catalog.test_hostile import TEXT
from tests.hostile import hostile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "story-call-list.csv"
COMMANDS = {
    "audit": ["--db", "--at", "--lang", "--show", "--catalog", "--policies", "--report",
              "--national-list-date", "--json"],
    "explain": ["--db", "--at", "--lang", "--json", "--catalog", "--policies"],
    "catalog check": ["--json"],
    "policies check": ["--json"],
    "version": ["--json"],
}  # fmt: skip
VALUES = st.one_of(
    TEXT,
    st.integers().map(str),
    st.sampled_from(
        ["/", "/dev/null", "/dev/zero", "/nonexistent/x.yaml", str(EXAMPLE), "fr", "en", "-1",
         "postgresql+psycopg://nobody@127.0.0.1:1/x", "bogus://x", "sqlite:////nonexistent/x.db",
         "--json", "-", ""]
    ),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)).map(
        lambda d: d.isoformat() + "+00:00"
    ),
    st.sampled_from(["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00"]),
)  # fmt: skip


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = command.split()
    positional = draw(st.one_of(st.just([str(EXAMPLE)]), st.lists(VALUES, max_size=2)))
    if command != "version":
        argv += positional
    for option in draw(st.lists(st.sampled_from(COMMANDS[command]), max_size=4)):
        argv.append(option)
        if option != "--json":
            argv.append(draw(VALUES))
    return argv


def _arguments(argv: list[str]) -> None:
    from goodcall.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        here = os.getcwd()
        os.chdir(tmp)  # a relative path in the arguments lands here, not in the repository
        try:
            result = CliRunner().invoke(app, argv, env={"COLUMNS": "2000"})
        finally:
            os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    said = (result.stderr or "") + result.output
    assert "Traceback" not in said
    assert result.exit_code in (0, 1, 2), said[:2000]


test_arguments, test_arguments_slow = hostile(argv=argvs())(_arguments)
