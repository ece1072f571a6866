"""What would read a CSV file goodcall cannot: its encoding or its separator.

goodcall reads UTF-8 files separated by commas. A spreadsheet often saves Latin-1 / Windows-1252
text, or (in French locales) separates fields with semicolons; the error then says which
encoding or separator the file seems to use, so the user knows what to change.
"""

from __future__ import annotations

import codecs
from pathlib import Path

_SAMPLE_BYTES = 65_536


def csv_hint(path: Path) -> str | None:
    """A sentence on the encoding or separator that would read ``path``, or None."""
    return _hint(path, encoding=True)


def separator_hint(path: Path) -> str | None:
    """A sentence on the separator that would read ``path`` (its header has no comma)."""
    return _hint(path, encoding=False)


def _hint(path: Path, encoding: bool) -> str | None:
    try:
        with path.open("rb") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except OSError:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        if not encoding:
            return None
        return (
            "the file is not UTF-8; it reads as Latin-1 / Windows-1252: save it as UTF-8 "
            f"(e.g. iconv -f windows-1252 -t utf-8 {path.name} > utf8-{path.name})"
        )
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in header:
        return None
    for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if separator in header:
            return (
                f"the header is separated by {name}: goodcall reads comma-separated files "
                "(save the file as CSV with commas)"
            )
    return None
