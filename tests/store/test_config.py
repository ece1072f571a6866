"""Store URL resolution, and the PostgreSQL driver staying out of SQLite runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from goodcall.store.config import DEFAULT_URL, StoreConfig


def test_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOODCALL_DB_URL", raising=False)
    assert StoreConfig.from_url() == StoreConfig(type="sqlite", url=DEFAULT_URL)
    monkeypatch.setenv("GOODCALL_DB_URL", "postgres://u:secret@db:5432/gc")
    config = StoreConfig.from_url()
    assert config == StoreConfig(type="postgres", url="postgresql+psycopg://u:secret@db:5432/gc")
    assert "secret" not in config.display_url
    explicit = StoreConfig.from_url("sqlite:////tmp/x.db")
    assert explicit == StoreConfig(type="sqlite", url="sqlite:////tmp/x.db")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported store URL 'mysql://x/y'"):
        StoreConfig.from_url("mysql://x/y")


def test_sqlite_never_imports_psycopg(tmp_path: object) -> None:
    code = (
        "import sys, tempfile\n"
        "from goodcall.store.reader import load_tables\n"
        "from goodcall.store.importer import import_directory\n"
        "from goodcall.store.config import engine_for\n"
        "from goodcall.store.migrate import upgrade\n"
        "_, engine = engine_for('sqlite:///' + tempfile.mkdtemp() + '/s.db')\n"
        "upgrade(engine)\n"
        "assert 'psycopg' not in sys.modules, 'psycopg imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
