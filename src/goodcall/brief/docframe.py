"""The working frame of a batch of documents: sentences and formatted values asked for by the
section builders (:mod:`goodcall.brief.sections`), worked out together.

Formatted values (dates in the customer's time zone, amounts, numbers) are worked out once per
distinct value and locale; sentences once per distinct shape (:mod:`goodcall.brief.words`). Both
are asked for first and computed in as few passes over the batch as their dependencies allow:
local times, then formats, then sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import polars as pl

from goodcall.brief.distinct import per_distinct, regroup
from goodcall.brief.document import KIND_CODES, ItemKind, Module
from goodcall.brief.formats import formats_for, zone
from goodcall.brief.words import Sentence, Words, has_nul

_TEXTS = pl.List(pl.String())
_NONE = pl.lit([], dtype=_TEXTS)
HEADER = 3
"""Title, meta line and preface: the first three texts of every document."""


class Later(NamedTuple):
    """A value to format (``kind``: a :class:`~goodcall.brief.formats.Formats` method, or
    ``local date`` / ``local time`` of a timestamp) once the frame's others are known."""

    kind: str
    value: pl.Expr


def _reads(kind: str) -> tuple[pl.Expr, ...]:
    """What a kind of formatting reads besides the value: the time zone for a local time,
    else the locale (and the currency for money)."""
    if kind.startswith("local"):
        return (pl.col("_tz"),)
    money = (pl.col("_currency"),) if kind == "money" else ()
    return (pl.col("_language"), pl.col("lang"), *money)


def formatted(kind: str, keys: pl.DataFrame) -> pl.Series:
    """Each row's value (first column of ``keys``; the others as :func:`_reads` says)
    formatted, once per distinct value and locale: ``month`` of a date, ``date`` of a day,
    ``time`` of a clock time, ``number``, ``percent``, ``money``; or the ``local date`` /
    ``local time`` (to the minute) of a UTC timestamp in the row's time zone."""
    if kind.startswith("local"):
        part = kind.split()[1]

        def local(v: Any, tz: str) -> Any:
            if v is None:
                return None
            moment = v.astimezone(zone(tz))
            if part == "date":
                return moment.date()
            return moment.time().replace(second=0, microsecond=0, tzinfo=None)

        return per_distinct(keys, local, pl.Date() if part == "date" else pl.Time())

    def one(v: Any, language: str, lang: str, currency: str = "XXX") -> str | None:
        if v is None:
            return None
        return str(getattr(formats_for(language, lang, "UTC", currency), kind)(v))

    return per_distinct(keys, one, pl.String())


def section(*tokens: pl.Expr) -> pl.Expr:
    """A section's shape: its items' tokens (see :meth:`Batch.one` and :meth:`Batch.many`)."""
    return pl.concat_str(list(tokens), separator=",", ignore_nulls=True)


def col(name: str) -> pl.Expr:
    return pl.col(name)


class Batch:
    """The working frame of one batch of documents and the words of its customers."""

    LOCALE = ("_row", "lang", "_formal", "_language", "_tz", "_currency")

    def __init__(self, briefs: pl.DataFrame, module: Module) -> None:
        a = col("address").struct
        self.frame = briefs.with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
            a.field("lang").alias("lang"),
            (a.field("formality") == "formal").alias("_formal"),
            a.field("language").alias("_language"),
            a.field("time_zone").alias("_tz"),
            col("currency").alias("_currency"),
        )
        self.words = Words(self.frame, module, exact=has_nul(briefs))
        self.texts: list[pl.Expr] = []
        self.pending: list[tuple[str, Sentence]] = []
        self.later: list[tuple[str, Later]] = []
        self.count = 0

    def fresh(self) -> str:
        """A new column name for a sentence."""
        self.count += 1
        return f"_s{self.count}"

    def text(self, expr: pl.Expr) -> int:
        """Register a column of the documents' texts; its position in every ``texts``."""
        self.texts.append(expr.alias(f"_t{len(self.texts)}"))
        return len(self.texts) - 1

    def one(
        self, text: pl.Expr, kind: ItemKind = "note", children: pl.Expr | None = None
    ) -> pl.Expr:
        """One item, present where ``text`` is not null: token ``n4.5`` is a note whose text is
        ``texts[4]`` and children ``texts[5]`` (``.-1``: none)."""
        at = self.text(text)
        kids = -1 if children is None else self.text(children.fill_null(_NONE))
        return pl.when(text.is_not_null()).then(pl.lit(f"{KIND_CODES[kind]}{at}.{kids}"))

    def many(self, texts: pl.Expr, kind: ItemKind) -> pl.Expr:
        """One item per sentence of a list: token ``w*7.3`` is three warnings in ``texts[7]``."""
        at = self.text(texts.fill_null(_NONE))
        count = texts.list.len().fill_null(0)
        token = pl.concat_str(pl.lit(f"{KIND_CODES[kind]}*{at}."), count.cast(pl.String))
        return pl.when(count > 0).then(token)

    def add(self, **columns: pl.Series | Later) -> None:
        """New columns: values now, or formatted values to work out with the others later."""
        now = {name: c for name, c in columns.items() if isinstance(c, pl.Series)}
        for name, later in columns.items():
            if isinstance(later, Later):
                self.later.append((name, later))
        if now:
            self.frame = self.frame.hstack([s.alias(name) for name, s in now.items()])
            self.words.frame = self.frame

    def fmt(self, kind: str, value: pl.Expr) -> Later:
        """``value`` formatted for each row's locale (see :func:`formatted`), worked out with
        the other formatted values of the frame by :meth:`flush_values`."""
        return Later(kind, value.dt.month_start() if kind == "month" else value)

    def moment(self, kind: str, value: pl.Expr) -> Later:
        """A UTC timestamp's ``date`` or ``time`` in each row's time zone, formatted (later)."""
        local = self.fresh()
        self.later.append((local, self.local(kind, value)))
        return Later(kind, col(local))

    def local(self, kind: str, value: pl.Expr) -> Later:
        """A UTC timestamp's ``date`` or clock ``time`` in each row's time zone (later)."""
        return Later(f"local {kind}", value)

    def fmt_on(self, kind: str, value: pl.Expr, frame: pl.DataFrame) -> pl.Series:
        """:meth:`fmt`, now, on another frame (the elements of a list)."""
        wanted = self.fmt(kind, value)
        return formatted(kind, frame.select(wanted.value.alias("_v"), *_reads(kind)))

    def moment_on(self, kind: str, value: pl.Expr, frame: pl.DataFrame) -> pl.Series:
        """:meth:`moment`, now, on another frame (the elements of a list)."""
        local = f"local {kind}"
        moments = formatted(local, frame.select(value.alias("_v"), *_reads(local)))
        return self.fmt_on(kind, pl.lit(moments), frame)

    def flush_values(self) -> None:
        """Work out the formatted values asked for so far: local times first, then formats;
        each step reads all its inputs in one pass."""
        for local in (True, False):
            wanted = [(n, v) for n, v in self.later if v.kind.startswith("local") == local]
            if not wanted:
                continue
            self.later = [(n, v) for n, v in self.later if v.kind.startswith("local") != local]
            columns = {f"{n}:v": v.value for n, v in wanted}
            locale = ["_tz", "_language", "lang", "_currency"]
            values = self.frame.select(*[e.alias(c) for c, e in columns.items()], *locale)
            done = {}
            for n, v in wanted:
                keys = [values.get_column(f"{n}:v").alias("_v")]
                keys += [values.get_column(e.meta.output_name()) for e in _reads(v.kind)]
                done[n] = formatted(v.kind, pl.DataFrame(keys))
            self.add(**done)

    def say(
        self,
        macro: str,
        args: dict[str, pl.Expr] | None = None,
        slots: dict[str, pl.Expr] | None = None,
        when: pl.Expr | None = None,
    ) -> pl.Expr:
        """The macro's sentence on every row, as a column of the working frame (worded with
        the others of the frame by :meth:`flush`)."""
        name = self.fresh()
        self.pending.append((name, self.words.prepare(macro, args, slots, when, f"{name}:")))
        return col(name)

    def flush(self) -> None:
        """Word every sentence asked for so far, their values read in one pass."""
        self.flush_values()
        names = [name for name, _ in self.pending]
        texts = self.words.say_all([sentence for _, sentence in self.pending], self.frame)
        self.pending = []
        self.add(**dict(zip(names, texts, strict=True)))

    def flat(self, values: pl.Expr, extra: tuple[str, ...] = ()) -> pl.DataFrame:
        """One row per element of a list column (``_v``), with its row's locale and ``extra``
        columns; ``_n`` counts the elements of a row from 1."""
        return (
            self.frame.lazy()
            .select(
                *self.LOCALE,
                *extra,
                values.alias("_v"),
                pl.int_ranges(1, values.list.len() + 1).alias("_n"),
            )
            .explode("_v", "_n")
            .filter(col("_v").is_not_null())
            .collect()
        )

    def each(
        self,
        values: pl.Expr,
        word: Callable[[pl.DataFrame], pl.Series],
        extra: tuple[str, ...] = (),
    ) -> pl.Expr:
        """Per row, the sentences ``word`` gives for the elements of a list (``_v`` in ``flat``)."""
        self.flush_values()
        flat = self.flat(values, extra)
        texts = word(flat) if flat.height else pl.Series([], dtype=pl.String())
        name = self.fresh()
        listed = regroup(flat["_row"], texts, self.frame["_row"], pl.String())
        self.add(**{name: listed})
        return col(name)
