"""Every file of a saved model set is checked before a model is built from it.

LightGBM aborts the whole process (exit 134, no message) on a truncated model text, so a bad file
must be refused before it reaches LightGBM. A set of format 3 records the SHA-256 of each of its
files in ``model_set.json`` (:func:`file_sums`) and :func:`verify` compares them all first. Sets
of formats 1 and 2 hold no checksums; their LightGBM texts are at least checked for the two
closing sections LightGBM always writes (:func:`read_booster`), which a truncated file lacks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import lightgbm as lgb

META_FILE = "model_set.json"
_END_OF_TREES = "\nend of trees\n"
_LAST_LINE = "pandas_categorical:"


class ModelFileError(ValueError):
    """A file of a model set that is missing, changed or unreadable; the message names it."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` but the metadata, by path relative to ``root``."""
    return {
        path.relative_to(root).as_posix(): sha256_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != META_FILE
    }


def verify(root: Path, recorded: dict[str, str]) -> None:
    """Refuse a set whose files differ from what ``model_set.json`` recorded: a file missing or
    changed (a truncated copy, a file from another training). Files it does not list are not
    read by the loader and are left alone."""
    if not recorded:
        raise ModelFileError(f"{root / META_FILE}: lists no checksums (format 3 must)")
    found = file_sums(root)
    for name, expected in sorted(recorded.items()):
        if name not in found:
            raise ModelFileError(f"{root / name}: missing (listed in {META_FILE})")
        if found[name] != expected:
            raise ModelFileError(
                f"{root / name}: does not match its SHA-256 in {META_FILE} (truncated, changed "
                "or from another training); train the models again (goodcall models train)"
            )


def read_booster(path: Path) -> lgb.Booster:
    """A LightGBM model from its text file, refused (never aborting) when it is incomplete."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ModelFileError(f"{path}: cannot be read: {err}") from err
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    if _END_OF_TREES not in text or not last.startswith(_LAST_LINE):
        raise ModelFileError(
            f"{path}: not a complete LightGBM model (truncated?); train the models again "
            "(goodcall models train)"
        )
    try:
        return lgb.Booster(model_str=text)
    except lgb.basic.LightGBMError as err:
        raise ModelFileError(f"{path}: not a LightGBM model: {err}") from err
