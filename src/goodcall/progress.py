"""Progress of long work: a plain callback for the core, a Rich bar for the terminal.

Long functions (training, a campaign, an evaluation, an import) take an optional
``progress: Progress`` parameter and report ``(what, done, total)`` through it: they never import
Rich and never write to the terminal themselves. The command line wires the callback to
:func:`progress_bar`, the one bar every long command shows.

The bar writes to stderr only, so stdout (``--json`` output above all) is never touched, and it is
silent when stderr is not a terminal (pipes, CI, tests) or when ``goodcall --quiet`` was given.
Rich's progress module is imported only when a bar is actually shown, so importing this module
costs nothing at start-up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

Progress = Callable[[str, int, int], None]
"""Receives ``(what is being done, units done, units in all)``; a total of 0: not known."""


def no_progress(what: str, done: int, total: int) -> None:
    """The callback that reports nothing: the default of every long function."""


class Steps:
    """A fixed sequence of named steps reported one after the other.

    ``steps = Steps(progress, ("generate", "train", "decide"))``, then ``steps.start("train")``
    at the beginning of each step (reported as that step with the steps before it done) and
    ``steps.finish()`` at the end. Naming the steps up front makes the bar's total honest.
    """

    def __init__(self, progress: Progress | None, names: Sequence[str]) -> None:
        self._report = progress or no_progress
        self._names = tuple(names)

    def start(self, name: str) -> None:
        """Report that ``name`` (one of the declared steps) begins."""
        if name not in self._names:
            raise ValueError(f"unknown step {name!r}; the steps are {', '.join(self._names)}")
        self._report(name, self._names.index(name), len(self._names))

    def finish(self) -> None:
        """Report every step done."""
        self._report("done", len(self._names), len(self._names))


_quiet = False


def set_quiet(quiet: bool) -> None:
    """``goodcall --quiet``: no progress bar for the rest of this process."""
    global _quiet
    _quiet = quiet


def shows_progress(console: Console | None = None) -> bool:
    """Whether a bar would be drawn: not quiet, and stderr (or ``console``) is a terminal."""
    if _quiet:
        return False
    if console is not None:
        return console.is_terminal
    from rich.console import Console

    return Console(stderr=True).is_terminal


@contextlib.contextmanager
def progress_bar(title: str, console: Console | None = None) -> Iterator[Progress]:
    """A progress callback drawing one Rich bar titled ``title`` on stderr while the block runs.

    Yields :func:`no_progress` when nothing should be drawn (see :func:`shows_progress`), so the
    caller writes the same code either way. ``console`` replaces stderr (tests).
    """
    if not shows_progress(console):
        yield no_progress
        return
    from rich import progress as rich
    from rich.console import Console

    columns = (
        rich.SpinnerColumn(),
        rich.TextColumn(f"[bold]{title}[/]"),
        rich.TextColumn("{task.description}"),
        rich.BarColumn(),
        rich.MofNCompleteColumn(),
        rich.TimeElapsedColumn(),
    )
    with rich.Progress(*columns, console=console or Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        yield update
