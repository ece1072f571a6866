"""Sentences for a whole batch, each worded once per distinct shape by the language modules.

A sentence is one macro of a language template (``templates/fr.j2``, ``templates/en.j2``) called
with flat, already formatted values. Most values only decide the shape of a sentence (a register,
an outcome, whether a title is on file); some are only ever printed as they are — a name, a
formatted date or amount. Those are *slots*: the macro runs once per distinct shape with a marker
in each slot, and the values are then written into the markers in Polars, for every brief at
once. A slot may be tested for truth in a template (``{% if label %}``, ``is none``) — whether it
is empty is part of the shape — but never transformed; ``tests/brief`` holds every template to
that.

The French typography (non-breaking spaces before colons and inside guillemets) is applied to the
finished sentences, customer data included, as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

from goodcall.brief.distinct import SMALL, VALUE, distinct_table

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

NUL = "\x00"


class Sentence(NamedTuple):
    """A macro call prepared for a frame: the columns it reads (values that shape it, slots,
    and whether it is said at all), named so that many can be read in one pass."""

    macro: str
    names: list[str]
    slots: list[str]
    shapes: list[str]
    holes: list[str]
    when: str | None
    columns: list[pl.Expr]


class Macro(NamedTuple):
    """A macro, the values that shape its sentence and the slots it prints as they are."""

    name: str
    args: Mapping[str, pl.Expr] = {}
    slots: Mapping[str, pl.Expr] = {}


def french_spaces(text: str) -> str:
    """Non-breaking spaces before a colon and inside guillemets (Canadian French typography)."""
    if " :" in text or "«" in text:
        return text.replace(" :", "\u00a0:").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return text


FRENCH_SPACES = {" :": "\u00a0:", "« ": "«\u00a0", " »": "\u00a0»"}


def typeset(lang: pl.Expr, text: pl.Expr) -> pl.Expr:
    """:func:`french_spaces` on French rows, for a whole column (one pass to look, one to
    replace; the same result as the three replacements in turn, tested on every pairing)."""
    needed = (lang == "fr") & text.str.contains_any([" :", "«"])
    spaced = text.str.replace_many(list(FRENCH_SPACES), list(FRENCH_SPACES.values()))
    return pl.when(needed).then(spaced).otherwise(text)


def marker(slot: int, index: int | None = None) -> str:
    return f"{NUL}{slot}{NUL}" if index is None else f"{NUL}{slot}.{index}{NUL}"


def _emptiness(text: pl.Expr) -> pl.Expr:
    """0 for null, 1 for an empty string, 2 for text: what a template may test of a slot."""
    return pl.when(text.is_null()).then(0).when(text == "").then(1).otherwise(2).cast(pl.Int8)


def has_nul(frame: pl.DataFrame) -> bool:
    """Whether any text of a frame, however nested, holds a NUL (the slot markers' character)."""
    if frame.height <= SMALL:
        return any(_holds_nul(value) for row in frame.iter_rows() for value in row)
    checks = [_has_nul(pl.col(name), dtype) for name, dtype in frame.schema.items()]
    return bool(frame.select(pl.any_horizontal([pl.lit(False), *checks]).any()).item())


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_nul(v) for v in value.values())
    return False


def _has_nul(expr: pl.Expr, dtype: PolarsDataType) -> pl.Expr:
    """Whether a value (of any nesting) holds a NUL, which could be mistaken for a marker."""
    if dtype == pl.String():
        return expr.str.contains(NUL, literal=True).fill_null(False)
    if isinstance(dtype, pl.List):
        inner = _has_nul(pl.element(), dtype.inner)
        return expr.list.eval(inner).list.any().fill_null(False)
    if isinstance(dtype, pl.Struct):
        fields = [_has_nul(expr.struct.field(f.name), f.dtype) for f in dtype.fields]
        return pl.any_horizontal(fields) if fields else pl.lit(False)
    return pl.lit(False)


def _filled(emptiness: int, mark: str) -> str | None:
    """What a macro is given for a slot: the marker, or the empty value itself."""
    return mark if emptiness == 2 else (None if emptiness == 0 else "")


class Words:
    """Words for the rows of a frame with ``lang`` and ``_formal`` columns.

    ``module(lang, formal)`` gives the language module whose macros word the sentences.
    ``exact``: no slots, every value goes into the macros — for a batch where some text holds a
    NUL, which could be taken for a slot marker (see :func:`has_nul`).
    """

    def __init__(
        self, frame: pl.DataFrame, module: Callable[[str, bool], Any], exact: bool = False
    ) -> None:
        self.frame = frame
        self.module = module
        self.exact = exact

    def say(
        self,
        macro: str,
        args: Mapping[str, pl.Expr] | None = None,
        *,
        slots: Mapping[str, pl.Expr] | None = None,
        when: pl.Expr | None = None,
        frame: pl.DataFrame | None = None,
    ) -> pl.Series:
        """The macro's sentence on every row (null where ``when`` is false)."""
        frame = self.frame if frame is None else frame
        sentence = self.prepare(macro, args, slots, when, "")
        return self.finish(sentence, frame.select(sentence.columns), _rows(frame))

    def say_all(self, sentences: list[Sentence], frame: pl.DataFrame) -> list[pl.Series]:
        """Several prepared sentences on the rows of one frame, their values read at once."""
        if not sentences:
            return []
        columns = {c.meta.output_name(): c for s in sentences for c in s.columns}
        work = frame.select(list(columns.values()))
        return [self.finish(s, work, _rows(frame)) for s in sentences]

    def prepare(
        self,
        macro: str,
        args: Mapping[str, pl.Expr] | None,
        slots: Mapping[str, pl.Expr] | None,
        when: pl.Expr | None,
        prefix: str,
    ) -> Sentence:
        """A sentence to word: the columns it reads, named with ``prefix``."""
        args, slots = dict(args or {}), dict(slots or {})
        if self.exact:  # some text holds a NUL: every value goes into the macro as it is
            args, slots = args | slots, {}
        shapes = [f"{prefix}a{i}" for i in range(len(args))]
        holes = [f"{prefix}s{i}" for i in range(len(slots))]
        columns = [pl.col("lang"), pl.col("_formal")]
        columns += [e.alias(c) for c, e in zip(shapes, args.values(), strict=True)]
        columns += [e.alias(c) for c, e in zip(holes, slots.values(), strict=True)]
        wanted = None
        if when is not None:
            wanted = f"{prefix}w"
            columns.append(when.fill_null(False).alias(wanted))
        return Sentence(macro, list(args), list(slots), shapes, holes, wanted, columns)

    def finish(self, sentence: Sentence, work: pl.DataFrame, rows: pl.Series | None) -> pl.Series:
        """The prepared sentence on every row of ``work`` (which holds its columns)."""
        own = pl.DataFrame(
            [work.get_column(c) for c in ("lang", "_formal", *sentence.shapes, *sentence.holes)]
            + ([work.get_column(sentence.when)] if sentence.when else [])
        )
        if own.height <= SMALL:
            return self._say_small(own, sentence)
        macro, holes, when = sentence.macro, sentence.holes, sentence.when
        listed = [isinstance(own.schema[c], pl.List) for c in holes]
        empties = [
            (pl.col(c).list.eval(_emptiness(pl.element())) if is_list else _emptiness(pl.col(c)))
            for c, is_list in zip(holes, listed, strict=True)
        ]
        own = own.with_columns([e.alias(f"e{c}") for e, c in zip(empties, holes, strict=True)])
        key_columns = ["lang", "_formal", *([when] if when else []), *sentence.shapes]
        key_columns += [f"e{c}" for c in holes]
        names, slot_names, module = sentence.names, sentence.slots, self.module

        def word(lang: str, formal: bool, *values: Any) -> str | None:
            if when:
                if not values[0]:
                    return None
                values = values[1:]
            kwargs: dict[str, Any] = dict(zip(names, values, strict=False))
            for k, (name, empty) in enumerate(zip(slot_names, values[len(names) :], strict=True)):
                if not listed[k]:
                    kwargs[name] = _filled(empty, marker(k))
                elif empty is None:
                    kwargs[name] = None
                else:
                    kwargs[name] = [_filled(e, marker(k, i)) for i, e in enumerate(empty)]
            return str(getattr(module(lang, formal), macro)(**kwargs))

        keys = pl.DataFrame([own.get_column(c) for c in key_columns])
        table = distinct_table(keys, word, pl.String(), rows=rows)
        text = pl.col(VALUE)
        for k, (c, is_list) in enumerate(zip(holes, listed, strict=True)):
            if not is_list:
                text = text.str.replace_all(marker(k), pl.col(c).fill_null(""), literal=True)
                continue
            longest = own.get_column(c).list.len().max()
            for i in range(longest if isinstance(longest, int) else 0):
                value = pl.col(c).list.get(i, null_on_oob=True).fill_null("")
                text = text.str.replace_all(marker(k, i), value, literal=True)
        return (
            own.lazy()
            .join(table.lazy(), on=key_columns, how="left", nulls_equal=True, maintain_order="left")
            .select("lang", text.alias("_text"))
            .select(typeset(pl.col("lang"), pl.col("_text")).alias("text"))
            .collect()
            .to_series()
        )

    def _say_small(self, own: pl.DataFrame, sentence: Sentence) -> pl.Series:
        """:meth:`finish` for a few rows: the values go into the macro as they are (a slot is
        printed verbatim, so this is what the markers give), typeset in Python."""
        done: dict[Any, str | None] = {}
        texts: list[str | None] = []
        module, names = self.module, [*sentence.names, *sentence.slots]
        for row in own.iter_rows():
            key = _hashable(row)
            if key not in done:
                lang, formal, *values = row
                if sentence.when and not values.pop():
                    done[key] = None
                else:
                    kwargs = dict(zip(names, values, strict=True))
                    text = str(getattr(module(lang, formal), sentence.macro)(**kwargs))
                    done[key] = french_spaces(text) if lang == "fr" else text
            texts.append(done[key])
        return pl.Series("text", texts, dtype=pl.String)

    def say_each(
        self, macros: Mapping[str, Macro], code: pl.Expr, *, frame: pl.DataFrame | None = None
    ) -> pl.Series:
        """One of several macros per row, chosen by ``code`` (each worded on its own rows, so
        the values one macro names stay out of the others' keys)."""
        frame = self.frame if frame is None else frame
        tagged = frame.with_columns(code.alias("_code"), pl.int_range(pl.len()).alias("_i"))
        parts = [
            pl.DataFrame(
                {"_i": pl.Series([], dtype=pl.Int64), "text": pl.Series([], dtype=pl.String)}
            )
        ]
        for (which,), part in tagged.partition_by("_code", as_dict=True).items():
            if which not in macros:
                raise ValueError(f"no sentence for {which!r}; expected one of {sorted(macros)}")
            spec = macros[which]
            texts = self.say(spec.name, spec.args, slots=spec.slots, frame=part)
            parts.append(part.select(pl.col("_i").cast(pl.Int64), texts.alias("text")))
        return pl.concat(parts).sort("_i")["text"]


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def _rows(frame: pl.DataFrame) -> pl.Series | None:
    return frame["_row"] if "_row" in frame.columns else None
