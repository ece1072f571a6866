"""The catalog's reason sentences, worded once per distinct input across a whole campaign.

A reason sentence depends on the offer, the language and whatever the wording function reads in
the reason and in the profile — which this module observes instead of assuming. Both are handed
over behind read-only views that note every value read, down to one field of one line
(``lines[0].plan_name_fr``), and how long each list was found to be. Two calls that agree on
everything the first one observed give the same sentence, since a pure function that reads the
same values takes the same path. The observations become Polars expressions, so the key of every
row is computed at once and the function runs only for keys not seen before.

A use the views cannot follow (printing a whole list, comparing a whole line) stops the
observation; that reason then falls back to keying on whole top-level fields. The first call
that reads a given set of values is also checked against a plain call on plain dicts, so a
function that behaves differently behind a view (an ``isinstance`` test, say) falls back the same
way instead of giving a wrong sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

import polars as pl

from goodcall.brief.distinct import SMALL
from goodcall.catalog.model import Catalog

ReasonText = Callable[[Mapping[str, Any], Mapping[str, Any], Catalog, str, Any], str]
HEAD = ("offer_id", "lang", "code", "ok")
"""What a sentence is about besides the values it reads: one memo per distinct head."""
REASON = ("code", "ok", "rule", "evidence")
COLUMNS = ("offer_id", "lang", *REASON)
"""The columns of the rows to word, besides ``_p`` (the row of the profile frame)."""

Step = str | int
Observation = tuple[str, tuple[Step, ...]]
"""``(kind, (source, field, steps…))``: kind ``value``, ``length`` or ``whole``; source
``reason`` or ``profile``."""
Head = tuple[Any, ...]
Notes = dict[Observation, None]
_LEAVES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, dt.time})


class Untracked(Exception):
    """The wording used a value in a way the views cannot observe."""


def _untracked(*_: Any, **__: Any) -> NoReturn:
    raise Untracked


def _view(value: Any, path: tuple[Step, ...], notes: Notes) -> Any:
    if type(value) in _LEAVES:
        notes[("value", path)] = None
        return value
    if isinstance(value, Mapping):
        return _MappingView(value, path, notes)
    if isinstance(value, list | tuple | _Lines):
        return _ListView(value, path, notes)
    notes[("value", path)] = None
    return value


class _Opaque:
    """Whatever a view cannot observe is refused, never answered silently."""

    __slots__ = ()
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _untracked
    __hash__ = None  # type: ignore[assignment]
    __repr__ = __str__ = __format__ = __reduce__ = __reduce_ex__ = _untracked  # type: ignore[assignment]


class _MappingView(_Opaque, Mapping[str, Any]):
    """A reason or a struct. Its keys are its frame's columns (the same on every row)."""

    __slots__ = ("_notes", "_path", "_values")

    def __init__(self, values: Mapping[str, Any], path: tuple[Step, ...], notes: Notes) -> None:
        self._values, self._path, self._notes = values, path, notes

    def __getitem__(self, key: str) -> Any:
        return _view(self._values[key], (*self._path, key), self._notes)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._values else default

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class _ListView(_Opaque, Sequence[Any]):
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
        return _view(self._values[index], (*self._path, position), self._notes)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield _view(self._values[i], (*self._path, i), self._notes)

    def __contains__(self, item: object) -> bool:
        raise Untracked


class _Columns:
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

    def __init__(self, columns: _Columns, name: str, p: int, length: int) -> None:
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

    def __init__(self, columns: _Columns, name: str, p: int, i: int) -> None:
        self._columns, self._name, self._p, self._i = columns, name, p, i

    def __getitem__(self, field: str) -> Any:
        if field not in self._columns.field_names(self._name):
            raise KeyError(field)
        return self._columns.field(self._name, field, self._p, self._i)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.field_names(self._name))

    def __len__(self) -> int:
        return len(self._columns.field_names(self._name))


class _Row(_Opaque, Mapping[str, Any]):
    """One profile row, read field by field (never converted whole); observed when ``notes``
    is given, plain otherwise."""

    __slots__ = ("_columns", "_notes", "_p")

    def __init__(self, columns: _Columns, p: int, notes: Notes | None = None) -> None:
        self._columns, self._p, self._notes = columns, p, notes

    def __getitem__(self, key: str) -> Any:
        value = self._columns.value(key, self._p)
        if self._notes is None:
            return value
        return _view(value, ("profile", key), self._notes)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._columns.known else default

    def __contains__(self, key: object) -> bool:
        return key in self._columns.known

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns.names)

    def __len__(self) -> int:
        return len(self._columns.names)

    def plain(self) -> dict[str, Any]:
        """The row as the plain dict a wording gets without a memo."""
        return self._columns.frame.row(self._p, named=True)

    def plain_value(self, key: str) -> Any:
        """One field as the plain value a wording gets without a memo."""
        return self._columns.plain(key, self._p)


class _TopLevel(_Opaque, Mapping[str, Any]):
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


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a key value (whole lists of structs become tuples)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def _walk(sources: Mapping[str, Mapping[str, Any]], observation: Observation) -> Any:
    """What an observation gives on one row, as :func:`observation_expr` would, hashable."""
    kind, path = observation
    source = sources[str(path[0])]
    if kind == "whole" and isinstance(source, _Row):
        return _frozen(source.plain_value(str(path[1])))
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
    return _frozen(value)


def _plain(profile: _Row | dict[str, Any]) -> dict[str, Any]:
    """The profile as the plain dict a wording gets without a memo."""
    return profile.plain() if isinstance(profile, _Row) else dict(profile)


class ReasonMemo:
    """``wording(reason, profile, catalog, offer_id, lang)`` per distinct observed input.

    One memo serves one batch; ``calls`` counts the calls whose sentence was used.
    """

    def __init__(self, wording: ReasonText, catalog: Catalog, finish: Callable[[str], str]) -> None:
        self.wording = wording
        self.catalog = catalog
        self.finish = finish
        self.calls = 0
        self._union: dict[Head, tuple[Observation, ...]] = {}
        self._tables: dict[Head, dict[tuple[Observation, ...], dict[Any, str]]] = {}
        self._fallback: set[Head] = set()
        self._trusted: set[tuple[Head, tuple[Observation, ...]]] = set()

    def texts(self, rows: pl.DataFrame, profiles: pl.DataFrame) -> pl.Series:
        """The sentence of every row of ``rows`` (:data:`COLUMNS` and ``_p``, the row of
        ``profiles`` the reason is about), as a String series aligned with ``rows``."""
        columns = _Columns(profiles)
        if rows.height <= SMALL:
            return self._texts_small(rows, columns)
        pending = rows.select(*COLUMNS, "_p").with_row_index("_k")
        found: list[pl.DataFrame] = []
        while pending.height:
            done = self._round(pending, columns)
            resolved = done.filter(pl.col("_text").is_not_null())
            found.append(resolved)
            if resolved.height == done.height:
                break
            pending = pending.join(resolved, on="_k", how="anti")
        return pl.concat(found).sort("_k")["_text"]

    def _call(
        self, head: Head, reason: dict[str, Any], profile: _Row | dict[str, Any]
    ) -> tuple[str, Notes]:
        """The sentence and what it observed (see the module docstring for the checks)."""
        offer_id, lang = head[0], head[1]
        self.calls += 1
        if head not in self._fallback:
            notes: Notes = {}
            viewed: Mapping[str, Any] = (
                _Row(profile._columns, profile._p, notes)
                if isinstance(profile, _Row)
                else _MappingView(profile, ("profile",), notes)
            )
            try:
                text: str | None = self.wording(
                    _MappingView(reason, ("reason",), notes), viewed, self.catalog, offer_id, lang
                )
            except Exception:
                text = None
            if text is not None and (head, tuple(notes)) in self._trusted:
                return self.finish(text), notes
            plain = self.wording(dict(reason), _plain(profile), self.catalog, offer_id, lang)
            if text == plain:
                self._trusted.add((head, tuple(notes)))
                return self.finish(plain), notes
            self._fallback.add(head)
            self._union.pop(head, None)
            self._tables.pop(head, None)
        whole = _plain(profile)
        plain = self.wording(dict(reason), whole, self.catalog, offer_id, lang)
        notes = {}
        tops = (_TopLevel(reason, "reason", notes), _TopLevel(whole, "profile", notes))
        try:
            same = self.wording(*tops, self.catalog, offer_id, lang) == plain
        except Exception:
            same = False
        if not same:  # every field is part of the key
            notes = {
                ("whole", (source, name)): None
                for source in ("reason", "profile")
                for name in (reason if source == "reason" else whole)
            }
        return self.finish(plain), notes

    def _store(self, head: Head, seen: tuple[Observation, ...], values: Any, text: str) -> None:
        self._tables.setdefault(head, {}).setdefault(seen, {})[values] = text

    def _lookup(self, head: Head, observed: Mapping[Observation, Any]) -> str | None:
        """A sentence already worded for a call that observed these values."""
        for subset, table in self._tables.get(head, {}).items():
            found = table.get(tuple([observed[o] for o in subset]))
            if found is not None:
                return found
        return None

    def _texts_small(self, rows: pl.DataFrame, columns: _Columns) -> pl.Series:
        """:meth:`texts` for a few rows: the same memo, keys read in Python from whole rows."""
        wanted = rows.get_column("_p").unique().to_list()
        dicts = dict(zip(wanted, columns.frame[wanted].rows(named=True), strict=True))
        texts: list[str] = []
        for offer_id, lang, code, ok, rule, evidence, p in rows.select(*COLUMNS, "_p").iter_rows():
            reason = {"code": code, "ok": ok, "rule": rule, "evidence": evidence}
            head: Head = (offer_id, lang, code, ok)
            sources = {"reason": reason, "profile": dicts[p]}
            found = self._lookup(head, {o: _walk(sources, o) for o in self._union.get(head, ())})
            if found is None:
                found, notes = self._call(head, reason, dicts[p])
                seen = tuple(notes)
                self._union[head] = tuple(dict.fromkeys(self._union.get(head, ()) + seen))
                self._store(head, seen, tuple([_walk(sources, o) for o in seen]), found)
            texts.append(found)
        return pl.Series("_text", texts, dtype=pl.String)

    def _round(self, pending: pl.DataFrame, columns: _Columns) -> pl.DataFrame:
        """Texts for every pending row whose key is known or computable from what is observed;
        heads never seen first get one call, to learn what they read."""
        firsts = pending.unique(subset=list(HEAD), keep="first", maintain_order=True)
        for offer_id, lang, code, ok, rule, evidence, p in firsts.select(
            *COLUMNS, "_p"
        ).iter_rows():
            head = (offer_id, lang, code, ok)
            if head in self._union:
                continue
            reason = {"code": code, "ok": ok, "rule": rule, "evidence": evidence}
            text, notes = self._call(head, reason, _Row(columns, p))
            seen = tuple(notes)
            self._union[head] = seen
            sources = {"reason": reason, "profile": _Row(columns, p)}
            self._store(head, seen, tuple([_walk(sources, o) for o in seen]), text)
        heads = pending.select(HEAD).unique(maintain_order=True)
        classes: dict[tuple[Observation, ...], int] = {}
        numbers = [
            classes.setdefault(self._union[tuple(head)], len(classes)) for head in heads.iter_rows()
        ]
        observed_of = {n: observed for observed, n in classes.items()}
        marked = pending.join(
            heads.with_columns(pl.Series("_class", numbers, dtype=pl.Int64)),
            on=list(HEAD),
            how="left",
            nulls_equal=True,
        )
        parts = [
            self._round_class(part.drop("_class"), columns, observed_of[int(number)])
            for (number,), part in marked.partition_by("_class", as_dict=True).items()
        ]
        return pl.concat(parts)

    def _round_class(
        self, rows: pl.DataFrame, columns: _Columns, observed: tuple[Observation, ...]
    ) -> pl.DataFrame:
        names = [f"_o{i}" for i in range(len(observed))]
        parts = [rows]
        for source in ("reason", "profile"):
            exprs = [
                observation_expr(o).alias(n)
                for o, n in zip(observed, names, strict=True)
                if o[1][0] == source
            ]
            if exprs:
                frame = rows if source == "reason" else columns.frame
                part = frame.select(exprs)
                parts.append(part if source == "reason" else part[rows["_p"]])
        keyed = pl.concat(parts, how="horizontal").select("_k", *COLUMNS, "_p", *names)
        key_columns = [*HEAD, *names]
        distinct = keyed.unique(subset=key_columns, keep="first", maintain_order=True)
        exact = {head: tables.get(observed) for head, tables in self._tables.items()}
        width = len(HEAD) + len(names)
        nested = any(isinstance(keyed.schema[n], pl.List | pl.Struct) for n in names)
        texts: list[str | None] = []
        for row in distinct.select(*key_columns, "rule", "evidence", "_p").iter_rows():
            head: Head = row[: len(HEAD)]
            values = row[len(HEAD) : width]
            if nested:
                values = tuple([_frozen(v) for v in values])
            table = exact.get(head)
            found = table.get(values) if table is not None else None
            if found is None:
                reason = {
                    "code": head[2],
                    "ok": head[3],
                    "rule": row[width],
                    "evidence": row[width + 1],
                }
                found = self._resolve(head, observed, values, reason, _Row(columns, row[-1]))
            texts.append(found)
        table_frame = distinct.select(key_columns).with_columns(
            pl.Series("_text", texts, pl.String)
        )
        return keyed.join(
            table_frame, on=key_columns, how="left", nulls_equal=True, maintain_order="left"
        ).select("_k", "_text")

    def _resolve(
        self,
        head: Head,
        observed: tuple[Observation, ...],
        values: tuple[Any, ...],
        reason: dict[str, Any],
        profile: _Row,
    ) -> str | None:
        """The known sentence for these values, else one call; None when more must be observed."""
        if self._union.get(head) != observed:
            return None  # the head fell back or grew in this round: next round
        tables = self._tables.get(head, {})
        if len(tables) > 1:  # a branch read less: its sentence may apply
            found = self._lookup(head, dict(zip(observed, values, strict=True)))
            if found is not None:
                return found
        text, notes = self._call(head, reason, profile)
        seen = tuple(notes)
        if seen == observed:  # the usual case: read what every call of this head reads
            self._store(head, seen, values, text)
            return text
        if head in self._fallback and head not in self._union:
            self._union[head] = seen
            return None
        known = dict(zip(observed, values, strict=True))
        if not notes.keys() <= known.keys():
            self._union[head] = observed + tuple(o for o in seen if o not in known)
            return None
        self._store(head, seen, tuple([known[o] for o in seen]), text)
        return text
