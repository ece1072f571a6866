"""Read-only views of a profile and a reason that note every value a function reads.

Used by :mod:`goodcall.brief.memo`: whatever a wording function reads through these views (one
field of one line, the length of a list) is an *observation*, and every observation is also a
Polars expression, so the same value can be read for every row of a batch at once. Anything the
views cannot follow is refused (:class:`Untracked`), never answered silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NoReturn

import polars as pl

Step = str | int
Observation = tuple[str, tuple[Step, ...]]
"""``(kind, (source, field, steps…))``: kind ``value``, ``length`` or ``whole``; source
``reason`` or ``profile``."""
Notes = dict[Observation, None]
_LEAVES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, dt.time})


class Untracked(Exception):
    """The wording used a value in a way the views cannot observe."""


def _untracked(*_: Any, **__: Any) -> NoReturn:
    raise Untracked


def view(value: Any, path: tuple[Step, ...], notes: Notes) -> Any:
    if type(value) in _LEAVES:
        notes[("value", path)] = None
        return value
    if isinstance(value, Mapping):
        return MappingView(value, path, notes)
    if isinstance(value, list | tuple | _Lines):
        return ListView(value, path, notes)
    notes[("value", path)] = None
    return value


class _Opaque:
    """Whatever a view cannot observe is refused, never answered silently."""

    __slots__ = ()
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _untracked
    __hash__ = None  # type: ignore[assignment]
    __repr__ = __str__ = __format__ = __reduce__ = __reduce_ex__ = _untracked  # type: ignore[assignment, unused-ignore]


class MappingView(_Opaque, Mapping[str, Any]):
    """A reason or a struct. Its keys are its frame's columns (the same on every row)."""

    __slots__ = ("_notes", "_path", "_values")

    def __init__(self, values: Mapping[str, Any], path: tuple[Step, ...], notes: Notes) -> None:
        self._values, self._path, self._notes = values, path, notes

    def __getitem__(self, key: str) -> Any:
        return view(self._values[key], (*self._path, key), self._notes)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._values else default

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class ListView(_Opaque, Sequence[Any]):
    """A list: its length is observed whenever it matters (iteration, indexing, truth)."""

    __slots__ = ("_notes", "_path", "_values")

    def __init__(self, values: Sequence[Any], path: tuple[Step, ...], notes: Notes) -> None:
        self._values, self._path, self._notes = values, path, notes

    def __len__(self) -> int:
        self._notes[("length", self._path)] = None
        return len(self._values)

    def __getitem__(self, index: Any) -> Any:
        size = len(self)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(size))]
        position = index + size if index < 0 else index
        return view(self._values[index], (*self._path, position), self._notes)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield view(self._values[i], (*self._path, i), self._notes)

    def __contains__(self, item: object) -> bool:
        raise Untracked


class Columns:
    """A profile frame's columns as Python values, each converted the first time it is read.

    A list of structs (the lines of an account) is read field by field: only the fields a
    wording reads are ever converted (:class:`_Lines`).
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.names = frame.columns
        self.known = frozenset(self.names)
        self._lists: dict[str, list[Any]] = {}
        self._fields: dict[str, tuple[str, ...]] = {
            name: tuple(f.name for f in dtype.inner.fields)
            for name, dtype in frame.schema.items()
            if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)
        }

    def value(self, name: str, p: int) -> Any:
        """The value of one cell (a :class:`_Lines` for a list of structs)."""
        if name in self._fields:
            length = self._column(f"{name}|len", name, None)[p]
            return None if length is None else _Lines(self, name, p, length)
        return self.plain(name, p)

    def plain(self, name: str, p: int) -> Any:
        """The value of one cell as Polars gives it (lists and dicts)."""
        if name not in self.known:
            raise KeyError(name)
        return self._column(name, name, "")[p]

    def field(self, name: str, field: str, p: int, i: int) -> Any:
        """One field of the ``i``-th struct of a list cell."""
        return self._column(f"{name}|{field}", name, field)[p][i]

    def field_names(self, name: str) -> tuple[str, ...]:
        return self._fields[name]

    def _column(self, key: str, name: str, field: str | None) -> list[Any]:
        """A column's values (``field``: "" whole, None the lists' lengths, else one field of
        its structs), converted once."""
        found = self._lists.get(key)
        if found is None:
            expr = pl.col(name)
            if field is None:
                expr = expr.list.len()
            elif field:
                expr = expr.list.eval(pl.element().struct.field(field))
            found = self._lists[key] = self.frame.select(expr).to_series().to_list()
        return found


class _Lines(Sequence[Any]):
    """A list of structs in one profile cell, read field by field."""

    __slots__ = ("_columns", "_length", "_name", "_p")

    def __init__(self, columns: Columns, name: str, p: int, length: int) -> None:
        self._columns, self._name, self._p, self._length = columns, name, p, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError(index)
        return _Struct(self._columns, self._name, self._p, position)


class _Struct(Mapping[str, Any]):
    """One struct of a :class:`_Lines`."""

    __slots__ = ("_columns", "_i", "_name", "_p")

    def __init__(self, columns: Columns, name: str, p: int, i: int) -> None:
        self._columns, self._name, self._p, self._i = columns, name, p, i

    def __getitem__(self, field: str) -> Any:
        if field not in self._columns.field_names(self._name):
            raise KeyError(field)
        return self._columns.field(self._name, field, self._p, self._i)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.field_names(self._name))

    def __len__(self) -> int:
        return len(self._columns.field_names(self._name))


class Row(_Opaque, Mapping[str, Any]):
    """One profile row, read field by field (never converted whole); observed when ``notes``
    is given, plain otherwise."""

    __slots__ = ("_columns", "_notes", "_p")

    def __init__(self, columns: Columns, p: int, notes: Notes | None = None) -> None:
        self._columns, self._p, self._notes = columns, p, notes

    def __getitem__(self, key: str) -> Any:
        value = self._columns.value(key, self._p)
        if self._notes is None:
            return value
        return view(value, ("profile", key), self._notes)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._columns.known else default

    def __contains__(self, key: object) -> bool:
        return key in self._columns.known

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.names)

    def __len__(self) -> int:
        return len(self._columns.names)

    def observed(self, notes: Notes) -> Row:
        """The same row, noting what is read into ``notes``."""
        return Row(self._columns, self._p, notes)

    def plain(self) -> dict[str, Any]:
        """The row as the plain dict a wording gets without a memo."""
        return self._columns.frame.row(self._p, named=True)

    def plain_value(self, key: str) -> Any:
        """One field as the plain value a wording gets without a memo."""
        return self._columns.plain(key, self._p)


class TopLevel(_Opaque, Mapping[str, Any]):
    """The fallback: whole top-level fields are noted, values handed over as they are."""

    __slots__ = ("_notes", "_source", "_values")

    def __init__(self, values: Mapping[str, Any], source: str, notes: Notes) -> None:
        self._values, self._source, self._notes = values, source, notes

    def __getitem__(self, key: str) -> Any:
        value = self._values[key]
        self._notes[("whole", (self._source, key))] = None
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._values else default

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def observation_expr(observation: Observation) -> pl.Expr:
    """The Polars expression giving, on every row of its source, what an observation saw."""
    kind, path = observation
    expr = pl.col(str(path[1]))
    for step in path[2:]:
        if isinstance(step, int):
            expr = expr.list.get(step, null_on_oob=True)
        else:
            expr = expr.struct.field(step)
    return expr.list.len() if kind == "length" else expr


def frozen(value: Any) -> Any:
    """A hashable stand-in for a key value (whole lists of structs become tuples)."""
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, frozen(v)) for k, v in value.items())
    return value


def walk(sources: Mapping[str, Mapping[str, Any]], observation: Observation) -> Any:
    """What an observation gives on one row, as :func:`observation_expr` would, hashable."""
    kind, path = observation
    source = sources[str(path[0])]
    if kind == "whole" and isinstance(source, Row):
        return frozen(source.plain_value(str(path[1])))
    value: Any = source.get(str(path[1]))
    for step in path[2:]:
        if value is None:
            return None
        if isinstance(step, int):
            value = value[step] if 0 <= step < len(value) else None
        else:
            value = value.get(step)
    if kind == "length":
        return None if value is None else len(value)
    return frozen(value)
