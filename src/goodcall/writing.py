"""Every file and folder the product writes: checked before the work, written atomically, and
every CSV cell a spreadsheet would run as a formula escaped.

* :func:`check_outputs` is called by a command before it does any work (above all before an
  import's transaction): an output path that is, contains or lies inside one of the command's
  inputs is refused (``--quarantine DIR/lines.csv`` would overwrite an import file), and so is a
  path the user cannot write. A refusal is an :class:`OutputError` (exit 2), worded for the user.
* :class:`AtomicFile` / :func:`atomic_file` write under a temporary name in the target's own
  folder and :func:`os.replace` it into place once complete: a reader, or a kill -9, sees the old
  file or the complete new one, never half of one. :func:`atomic_folder` does the same for a
  folder, and keeps the old folder until the new one is complete (``--overwrite``).
* :func:`escape_cells` is the one escaping of spreadsheet formulas (OWASP "CSV injection"): a text
  cell starting with ``= + - @``, a tab or a carriage return gets a leading single quote. Only
  text columns are touched, so a negative number in a numeric column stays a number.
  :func:`unescape_cells` reads such a file back (``audit`` of a campaign's call list).
  :func:`write_csv` writes every CSV report through it. Files in the *import format* (``synth``,
  table exports) are data to be read back by ``goodcall import``, not reports, and are written
  unescaped: escaping would change the values they carry.

Files and folders are created with the permissions the user's umask gives (a temporary file is
created 0600 by :func:`tempfile.mkstemp`; it is set to what :func:`open` would have made before it
is put in place).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""
FORMULA_PATTERN = r"^'*[=+\-@\t\r]"
"""A cell to escape: a formula start, after any quotes (so that ``'=x`` itself reads back)."""
ESCAPED_PATTERN = r"^'+[=+\-@\t\r]"


class OutputError(Exception):
    """An output path the command refuses, or cannot write (exit 2)."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def escape_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: a formula start gets a leading quote."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def escape_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell escaped as :func:`escape_cell` does (vectorised); numeric,
    date and boolean columns are left as they are."""
    import polars as pl

    text = [n for n, t in frame.schema.items() if t in (pl.String, pl.Categorical) or t == pl.Enum]
    if not text:
        return frame
    cells = {n: pl.col(n).cast(pl.String) for n in text}
    return frame.with_columns(
        pl.when(cell.str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + cell)
        .otherwise(cell)
        .alias(name)
        for name, cell in cells.items()
    )


def unescape_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """The inverse of :func:`escape_cells` for a CSV read back (``audit`` of a call list that
    ``campaign run`` wrote): a leading quote before a formula start is dropped."""
    import polars as pl

    text = [n for n, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(n).str.contains(ESCAPED_PATTERN))
        .then(pl.col(n).str.slice(1))
        .otherwise(pl.col(n))
        .alias(n)
        for n in text
    )


def write_csv(
    frame: pl.DataFrame, target: Path | IO[bytes], *, include_header: bool = True
) -> None:
    """Write a CSV the product gives to people (a report, a call list, a quarantine), escaped
    by :func:`escape_cells`; a path is written atomically."""
    safe = escape_cells(frame)
    if isinstance(target, Path):
        with atomic_file(target) as handle:
            safe.write_csv(handle, include_header=include_header)
    else:
        safe.write_csv(target, include_header=include_header)


def _same_or_within(a: Path, b: Path) -> bool:
    """Whether ``a`` is ``b`` or lies inside the folder ``b`` (paths already resolved)."""
    return a == b or b in a.parents


def overlap(output: Path, inputs: Iterable[Path | None]) -> Path | None:
    """The first input that ``output`` is, contains, or lies inside (symbolic links followed)."""
    out = output.resolve()
    for given in inputs:
        if given is None:
            continue
        source = given.resolve()
        if _same_or_within(out, source) or _same_or_within(source, out):
            return given
        with contextlib.suppress(OSError):
            if out.exists() and source.exists() and os.path.samefile(out, source):
                return given  # a hard link
    return None


def _probe_folder(folder: Path, option: str, output: Path) -> None:
    """Create ``folder`` if needed and check a file can be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".goodcall-probe-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise OutputError(f"{option} {output}: cannot write in {folder} ({reason})") from None


def check_outputs(
    outputs: dict[str, Path | None],
    inputs: Iterable[Path | None],
    *,
    folders: Iterable[str] = (),
) -> None:
    """Refuse, before any work, an output that overlaps an input or another output, or that
    cannot be written. ``outputs`` maps each option (``--report``) to its path (None: not
    asked); options named in ``folders`` are output folders, the others files."""
    given = {option: path for option, path in outputs.items() if path is not None}
    sources = list(inputs)
    folder_options = set(folders)
    seen: dict[Path, str] = {}
    for option, path in given.items():
        clash = overlap(path, sources)
        if clash is not None:
            raise OutputError(f"{option} {path} would overwrite the input {clash}; write elsewhere")
        other = next((o for p, o in seen.items() if overlap(path, [p]) is not None), None)
        if other is not None:
            raise OutputError(f"{option} {path} is also the path of {other}; give two paths")
        seen[path] = option
        if option in folder_options:
            if path.exists() and not path.is_dir():
                raise OutputError(f"{option} {path} is a file; a folder is expected")
            _probe_folder(path.parent, option, path)
        else:
            if path.is_dir():
                raise OutputError(f"{option} {path} is a folder; a file name is expected")
            _probe_folder(path.parent, option, path)


class AtomicFile:
    """A file written under a temporary name beside ``path``: :meth:`commit` puts it in place,
    :meth:`discard` removes it. Created at once, so a folder that cannot be written fails here,
    before the work (an :class:`OutputError`)."""

    def __init__(self, path: Path, option: str = "output") -> None:
        self.path = path
        _probe_folder(path.parent, option, path)
        remove_stale(path)
        descriptor, name = tempfile.mkstemp(prefix=_prefix(path), suffix=".tmp", dir=path.parent)
        self.temporary = Path(name)
        self.handle: IO[bytes] = os.fdopen(descriptor, "wb")

    def commit(self) -> None:
        self.handle.close()
        os.chmod(self.temporary, 0o666 & ~_umask())
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Remove the temporary file (nothing to do once committed)."""
        self.handle.close()
        self.temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary handle on a temporary file that replaces ``path`` when the block ends normally
    (and is removed when it does not)."""
    file = AtomicFile(path)
    try:
        yield file.handle
    except BaseException:
        file.discard()
        raise
    file.commit()


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_file(path) as handle:
        handle.write(text.encode("utf-8"))


_STALE = re.compile(r"^(\d+)\.(?:old\.)?[a-z0-9_]{8}(?:\.tmp)?$")
"""What follows ``.<target name>.`` in the name of a temporary file or folder: the pid of the
process writing it, then :mod:`tempfile`'s eight random characters."""


def _prefix(target: Path) -> str:
    """Hidden name of this process's temporary files and folders for ``target``."""
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def remove_stale(target: Path) -> None:
    """Remove the temporary files and folders for ``target`` that a killed run left (their
    process is gone): a kill -9 cannot clean up, and a quarantine holds personal data."""
    head = f".{target.name}."
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            found = _STALE.match(entry.name[len(head) :])
            if not entry.name.startswith(head) or found is None or _alive(int(found[1])):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where it is not available."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    code = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(code == 0)


def new_folder(target: Path) -> Path:
    """A new empty folder beside ``target``, to be put in its place by :func:`place_folder`,
    with the permissions the umask gives."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    folder = Path(tempfile.mkdtemp(prefix=_prefix(target), dir=target.parent))
    os.chmod(folder, 0o777 & ~_umask())
    return folder


def place_folder(staged: Path, target: Path) -> None:
    """Put the complete folder ``staged`` at ``target`` (a sibling), replacing any old one.

    The old folder is swapped out in one step where the system allows it (Linux); elsewhere it is
    renamed aside first, so it is kept, under a hidden name, until the new one is in place. It is
    deleted only after."""
    if not target.exists():
        staged.rename(target)
        return
    if _exchange(staged, target):
        shutil.rmtree(staged, ignore_errors=True)  # now the old folder
        return
    aside = Path(tempfile.mkdtemp(prefix=_prefix(target) + "old.", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    staged.rename(target)
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A temporary sibling folder of ``target`` to fill; put in place by :func:`place_folder`
    when the block ends normally, removed when it does not."""
    staged = new_folder(target)
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    place_folder(staged, target)
