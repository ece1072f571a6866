"""The briefs laid out as sections of sentences, in each customer's language and register.

The wording lives in the language templates (``templates/fr.j2``, ``templates/en.j2``), one macro
per kind of sentence; this module only decides which sentences a brief has and in what order, the
same for every language — for a whole batch at once, each sentence worded once per distinct input
(:mod:`goodcall.brief.words`). Text, HTML and JSON are then three views of one
:class:`Document`, and the layout templates carry no words of their own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import polars as pl

from goodcall.brief.distinct import per_distinct, regroup
from goodcall.brief.formats import formats_for, zone
from goodcall.brief.words import Macro, Sentence, Words, has_nul, typeset

ItemKind = Literal["note", "say", "warn"]
SECTION_KEYS = ("address", "opening", "knowledge", "offer", "avoid", "closing")
Module = Callable[[str, bool], Any]


class Item(NamedTuple):
    """One bullet: a note for the agent, words the agent may say, or a warning."""

    text: str
    kind: ItemKind = "note"
    children: tuple[str, ...] = ()


class Section(NamedTuple):
    key: str
    number: int
    title: str
    items: tuple[Item, ...]


ItemPlan = tuple[int, int, ItemKind, int]
"""Where an item's text is in :attr:`Document.texts` (``texts[at]``, or ``texts[at][k]`` when
``k`` is not negative), its kind, and where its children are (``texts[-1]`` is always empty)."""
SectionPlan = tuple[str, int, str, tuple[ItemPlan, ...]]
"""A section's key, number, title and items."""
Plan = tuple[SectionPlan, ...]


class Document(NamedTuple):
    """A brief's words: ``texts`` (title, meta line and preface first, then sentences and lists
    of sentences, and always an empty list last) and the ``plan`` that lays them out in
    sections — the same plan object for every brief of the same shape, so the documents of a
    campaign are handed to the layouts without building an object per sentence.
    """

    lang: str
    language: str
    texts: Sequence[Any]
    plan: Plan

    @property
    def title(self) -> str:
        return str(self.texts[0])

    @property
    def meta(self) -> str:
        return str(self.texts[1])

    @property
    def preface(self) -> str:
        return str(self.texts[2])

    @property
    def sections(self) -> tuple[Section, ...]:
        t = self.texts
        return tuple(
            Section(
                key,
                number,
                title,
                tuple(
                    Item(t[at] if k < 0 else t[at][k], kind, tuple(t[c]))
                    for at, k, kind, c in items
                ),
            )
            for key, number, title, items in self.plan
        )

    @classmethod
    def of(
        cls,
        lang: str,
        language: str,
        title: str,
        meta: str,
        preface: str,
        sections: Sequence[Section],
    ) -> Document:
        """A document from its sections (the inverse of :attr:`sections`)."""
        texts: list[Any] = [title, meta, preface]
        plan: list[SectionPlan] = []
        for s in sections:
            items: list[ItemPlan] = []
            for item in s.items:
                texts.append(item.text)
                if item.children:
                    texts.append(list(item.children))
                    items.append((len(texts) - 2, -1, item.kind, len(texts) - 1))
                else:
                    items.append((len(texts) - 1, -1, item.kind, -1))
            plan.append((s.key, s.number, s.title, tuple(items)))
        return cls(lang, language, (*texts, ()), tuple(plan))


def document_dict(d: Document) -> dict[str, Any]:
    """The document as JSON-ready data: sections, items and children in order."""
    return {
        "lang": d.lang,
        "language": d.language,
        "title": d.title,
        "meta": d.meta,
        "preface": d.preface,
        "sections": [
            {
                "key": s.key,
                "number": s.number,
                "title": s.title,
                "items": [
                    {"text": i.text, "kind": i.kind, "children": list(i.children)} for i in s.items
                ],
            }
            for s in d.sections
        ],
    }


_TEXTS = pl.List(pl.String())
_NONE = pl.lit([], dtype=_TEXTS)
KIND_CODES: dict[ItemKind, str] = {"note": "n", "say": "s", "warn": "w"}
KINDS: dict[str, ItemKind] = {code: kind for kind, code in KIND_CODES.items()}
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


def _section(*tokens: pl.Expr) -> pl.Expr:
    """A section's shape: its items' tokens (see :meth:`_Batch.one` and :meth:`_Batch.many`)."""
    return pl.concat_str(list(tokens), separator=",", ignore_nulls=True)


def _col(name: str) -> pl.Expr:
    return pl.col(name)


class _Batch:
    """The working frame of one batch of documents and the words of its customers."""

    LOCALE = ("_row", "lang", "_formal", "_language", "_tz", "_currency")

    def __init__(self, briefs: pl.DataFrame, module: Module) -> None:
        a = _col("address").struct
        self.frame = briefs.with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
            a.field("lang").alias("lang"),
            (a.field("formality") == "formal").alias("_formal"),
            a.field("language").alias("_language"),
            a.field("time_zone").alias("_tz"),
            _col("currency").alias("_currency"),
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
        return Later(kind, _col(local))

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
        return _col(name)

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
            .filter(_col("_v").is_not_null())
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
        return _col(name)


def _address(b: _Batch) -> pl.Expr:
    a = _col("address").struct
    start, end = a.field("preferred_start"), a.field("preferred_end")
    b.add(_start=b.fmt("time", start), _end=b.fmt("time", end))
    title = a.field("title")
    return _section(
        b.one(b.say("register", {"source": a.field("register_source")})),
        b.one(
            b.say(
                "name_to_use",
                {"titled": title.is_not_null() & (title != "")},
                {"name": a.field("spoken_name")},
            )
        ),
        b.one(
            b.say(
                "hours",
                slots={"start": _col("_start"), "end": _col("_end")},
                when=start.is_not_null() | end.is_not_null(),
            )
        ),
    )


def _opened(kind: str) -> pl.Expr:
    """When the open cases of one kind were opened."""
    element = pl.element().struct
    cases = _col("knowledge").struct.field("open_cases")
    return cases.list.eval(element.field("opened_at").filter(element.field("kind") == kind))


def _opening(b: _Batch) -> pl.Expr:
    a, o, k = _col("address").struct, _col("opening").struct, _col("knowledge").struct
    complaint_at = pl.max_horizontal(
        _opened("complaint").list.max(), k.field("recent_complaint_at")
    )
    acknowledge = o.field("acknowledge")
    b.add(
        _complaint_date=b.moment("date", complaint_at),
        _repair_date=b.moment("date", _opened("repair").list.min()),
    )
    greet = b.say(
        "greet",
        {"agent": o.field("agent_name"), "company": o.field("company")},
        {"name": a.field("spoken_name")},
    )
    complaint = acknowledge.list.contains("complaint") & complaint_at.is_not_null()
    repair = acknowledge.list.contains("repair")
    return _section(
        b.one(b.say("no_silence")),
        b.one(greet, "say"),
        b.one(
            b.say("ack_complaint", slots={"date": _col("_complaint_date")}, when=complaint), "say"
        ),
        b.one(b.say("ack_repair", slots={"date": _col("_repair_date")}, when=repair), "say"),
        b.one(b.say("why", {"text": o.field("why")}), "say"),
        b.one(b.say("ask_time"), "say"),
    )


def _device(b: _Batch) -> pl.Expr:
    """The one line of a single-line account, as one sentence."""
    k = _col("knowledge").struct
    line = k.field("lines").list.first().struct
    bought, financing = line.field("device_purchase_date"), line.field("financing_end_date")
    b.add(
        _today=b.local("date", _col("at")),
        _bought=b.fmt("month", bought),
        _financing=b.fmt("month", financing),
    )
    args = {"financing_done": (financing <= _col("_today")).fill_null(False)}
    slots = {
        "model": line.field("device_model"),
        "make": line.field("device_make"),
        "os": line.field("device_os"),
        "bought": _col("_bought"),
        "financing": _col("_financing"),
    }
    return b.say("device", args, slots, k.field("lines").list.len() == 1)


def _line_items(b: _Batch) -> pl.Expr:
    lines = _col("knowledge").struct.field("lines")

    def word(flat: pl.DataFrame) -> pl.Series:
        line = _col("_v").struct
        usage = b.fmt_on("number", line.field("data_usage_gb"), flat)
        args = {"n": _col("_n"), "primary": line.field("is_primary")}
        slots = {
            "label": line.field("user_label"),
            "model": line.field("device_model"),
            "make": line.field("device_make"),
            "os": line.field("device_os"),
            "plan_name": line.field("plan_name"),
            "usage": pl.lit(usage),
        }
        return b.words.say("line_item", args, slots=slots, frame=flat)

    return b.each(pl.when(lines.list.len() > 1).then(lines), word)


def _plan(b: _Batch) -> pl.Expr:
    k = _col("knowledge").struct
    p = k.field("plan").struct
    b.add(
        _price=b.fmt("money", p.field("plan_price")),
        _usage=b.fmt("number", p.field("data_usage_gb")),
        _allowance=b.fmt("number", p.field("plan_data_gb")),
        _percent=b.fmt("percent", p.field("data_usage_ratio")),
    )
    args = {
        "multi": k.field("lines").list.len() > 1,
        "top": p.field("plan_is_top"),
        "level": p.field("usage_level"),
    }
    slots = {
        "name": p.field("plan_name"),
        "price": _col("_price"),
        "usage": _col("_usage"),
        "allowance": _col("_allowance"),
        "percent": _col("_percent"),
    }
    return b.say("plan", args, slots, k.field("plan").is_not_null())


def _events(b: _Batch, which: str) -> pl.Expr:
    """The redeemed or seen promotions, each event worded on its own (its date formatted in the
    customer's time zone), then listed in one sentence."""
    events = _col("knowledge").struct.field(which)

    def word(flat: pl.DataFrame) -> pl.Series:
        ev = _col("_v").struct
        args = {"name": ev.field("name"), "promotion_id": ev.field("promotion_id")}
        slots = {"date": pl.lit(b.moment_on("date", ev.field("at"), flat))}
        return b.words.say("event", args | {"place": ev.field("place")}, slots=slots, frame=flat)

    return b.say(which, slots={"events": b.each(events, word)})


def _contacts(b: _Batch) -> pl.Expr:
    def word(flat: pl.DataFrame) -> pl.Series:
        c = _col("_v").struct
        args = {
            "channel": c.field("channel"),
            "offer_name": c.field("offer_name"),
            "outcome": c.field("outcome"),
        }
        slots = {"date": pl.lit(b.moment_on("date", c.field("at"), flat))}
        return b.words.say("contact", args, slots=slots, frame=flat)

    return b.each(_col("knowledge").struct.field("last_contacts"), word)


def _cases(b: _Batch) -> pl.Expr:
    def word(flat: pl.DataFrame) -> pl.Series:
        c = _col("_v").struct
        slots = {
            "date": pl.lit(b.moment_on("date", c.field("opened_at"), flat)),
            "summary": c.field("summary"),
        }
        return b.words.say("case", {"kind": c.field("kind")}, slots=slots, frame=flat)

    return b.each(_col("knowledge").struct.field("open_cases"), word)


def _knowledge(b: _Batch) -> pl.Expr:
    k = _col("knowledge").struct
    n_lines = k.field("lines").list.len()
    contacts, cases = k.field("last_contacts"), k.field("open_cases")
    recent, refusal = k.field("recent_complaint_at"), k.field("last_refusal_at")
    logins, purchases = k.field("app_logins_90d"), k.field("online_purchases_12m")
    b.add(_recent_date=b.moment("date", recent), _refusal_date=b.moment("date", refusal))
    closed = recent.is_not_null() & (_opened("complaint").list.len() == 0)
    return _section(
        b.one(_device(b)),
        b.one(b.say("lines_heading", {"n": n_lines}, when=n_lines > 1), children=_line_items(b)),
        b.one(_plan(b)),
        b.one(_events(b, "redeemed")),
        b.one(_events(b, "seen")),
        b.one(b.say("tenure", {"months": k.field("tenure_months")})),
        b.one(b.say("contacts_heading", {"count": contacts.list.len()}), children=_contacts(b)),
        b.one(b.say("cases_heading", {"count": cases.list.len()}), children=_cases(b)),
        b.one(b.say("complaint_closed", slots={"date": _col("_recent_date")}, when=closed)),
        b.one(b.say("refusal", slots={"date": _col("_refusal_date")}, when=refusal.is_not_null())),
        b.one(
            b.say(
                "self_service",
                {"logins": logins, "purchases": purchases},
                when=(logins != 0) | (purchases != 0),
            )
        ),
    )


def _fit_macros(b: _Batch) -> tuple[dict[str, Macro], tuple[str, ...]]:
    """Each fit code's macro and the facts it names (those of the other codes stay out of its
    key), and the columns those facts are read from."""
    k = _col("knowledge").struct
    line = k.field("lines").list.first().struct
    facts = {
        "_fit_os": line.field("device_os"),
        "_fit_model": line.field("device_model"),
        "_fit_age": k.field("device_age_months"),
        "_fit_left": k.field("financing_months_left"),
        "_fit_plan": k.field("plan").struct.field("plan_name"),
        "_fit_lines": k.field("lines").list.len(),
        "_fit_tenure": k.field("tenure_months"),
        "_fit_purchases": k.field("online_purchases_12m"),
        "_fit_logins": k.field("app_logins_90d"),
    }
    b.add(
        _fit_bought=b.fmt("month", line.field("device_purchase_date")),
        _fit_financing=b.fmt("month", line.field("financing_end_date")),
        **b.frame.select(**facts).to_dict(),
    )
    usage = {"usage": _col("_usage"), "allowance": _col("_allowance")}
    model = {"model": _col("_fit_model")}
    macros = {
        "same_os": Macro("fit_same_os", {}, {"os": _col("_fit_os")} | model),
        "device_age": Macro(
            "fit_device_age", {"age": _col("_fit_age")}, model | {"bought": _col("_fit_bought")}
        ),
        "financing_done": Macro("fit_financing_done", {}, {"month": _col("_fit_financing")}),
        "financing_left": Macro("fit_financing_left", {"months": _col("_fit_left")}),
        "usage_over": Macro("fit_usage_over", {}, usage),
        "usage_high": Macro("fit_usage_high", {}, usage | {"percent": _col("_percent")}),
        "usage_low": Macro("fit_usage_low", {}, usage),
        "top_plan": Macro("fit_top_plan", {}, {"name": _col("_fit_plan")}),
        "lines": Macro("fit_lines", {"count": _col("_fit_lines")}),
        "tenure": Macro("fit_tenure", {"months": _col("_fit_tenure")}),
        "self_service": Macro(
            "fit_self_service",
            {"purchases": _col("_fit_purchases"), "logins": _col("_fit_logins")},
        ),
    }
    columns = (*facts, "_fit_bought", "_fit_financing", "_usage", "_allowance", "_percent")
    return macros, columns


def _offer(b: _Batch) -> pl.Expr:
    o = _col("offer").struct
    macros, columns = _fit_macros(b)

    def fit(flat: pl.DataFrame) -> pl.Series:
        return b.words.say_each(macros, _col("_v"), frame=flat)

    seen = o.field("promotion_seen").struct
    b.add(_seen_date=b.moment("date", seen.field("at")))
    objection, answer = o.field("objection"), o.field("answer")
    spoken = objection.is_not_null() & (objection != "") & answer.is_not_null() & (answer != "")
    fits = o.field("fit")
    points = o.field("talking_points")
    return _section(
        b.one(b.say("offer_name", {"name": o.field("name")})),
        b.one(b.say("fit_heading", when=fits.list.len() > 0), children=b.each(fits, fit, columns)),
        b.one(
            b.say(
                "promotion_seen",
                {"place": seen.field("place")},
                {"date": _col("_seen_date")},
                o.field("promotion_seen").is_not_null(),
            ),
            "warn",
        ),
        b.one(b.say("points_heading"), children=_typeset_all(points)),
        b.one(b.say("objection", {"text": objection}, when=spoken)),
        b.one(b.say("answer", {"text": answer}, when=spoken), "say"),
    )


def _typeset_all(texts: pl.Expr) -> pl.Expr:
    """French typography on a list of catalog sentences (on French rows only)."""
    french = texts.list.eval(typeset(pl.lit("fr"), pl.element()))
    return pl.when(_col("lang") == "fr").then(french).otherwise(texts)


def _avoid(b: _Batch) -> pl.Expr:
    av, k = _col("avoid").struct, _col("knowledge").struct
    plan = k.field("plan").struct
    b.add(
        **b.frame.select(
            plan.field("plan_name").alias("_topic_plan"),
            plan.field("plan_is_top").alias("_topic_top"),
        ).to_dict()
    )
    topics = {
        "complaint_first": Macro("topic_complaint_first"),
        "repair_open": Macro("topic_repair_open"),
        "recent_refusal": Macro("topic_recent_refusal", {}, {"date": _col("_refusal_date")}),
        "basic_plan": Macro(
            "topic_basic_plan", {"top": _col("_topic_top")}, {"name": _col("_topic_plan")}
        ),
        "no_pressure": Macro("topic_no_pressure"),
    }

    def offers(flat: pl.DataFrame) -> pl.Series:
        d = _col("_v").struct
        args = {"names": d.field("names"), "more": d.field("more")}
        return b.words.say("do_not_offer", args, slots={"reason": d.field("reason")}, frame=flat)

    def topic(flat: pl.DataFrame) -> pl.Series:
        return b.words.say_each(topics, _col("_v"), frame=flat)

    return _section(
        b.many(b.each(av.field("offers"), offers), "warn"),
        b.many(
            b.each(av.field("topics"), topic, ("_topic_plan", "_topic_top", "_refusal_date")),
            "warn",
        ),
    )


def _closing(b: _Batch) -> pl.Expr:
    company = _col("opening").struct.field("company")
    outcomes = _col("closing").struct.field("outcomes")
    return _section(
        b.one(b.say("outcomes", {"codes": outcomes})),
        b.one(b.say("callback_note")),
        b.one(b.say("voicemail_note", {"company": company})),
        b.one(b.say("dnc_heading"), children=pl.concat_list(b.say("dnc_say"), b.say("dnc_do"))),
    )


_SECTIONS = (_address, _opening, _knowledge, _offer, _avoid, _closing)


def document_frame(briefs: pl.DataFrame, module: Module) -> pl.DataFrame:
    """Per brief (a brief frame, see :mod:`goodcall.brief.schema`): the words of its document.

    Columns ``lang``, ``language``, ``shape`` and the texts ``_t0, _t1, …`` (title, meta line,
    preface, then sentences and lists of sentences). ``shape`` says which of them each section
    shows and how (``n4.5,s6.-1|w*7.3|…``, see :meth:`_Batch.one` and :meth:`_Batch.many`).
    """
    b = _Batch(briefs, module)
    a, o = _col("address").struct, _col("offer").struct
    b.add(_at_date=b.moment("date", _col("at")), _at_time=b.moment("time", _col("at")))
    b.text(
        b.say(
            "doc_title",
            slots={"first_name": a.field("first_name"), "last_name": a.field("last_name")},
        )
    )
    b.text(
        b.say(
            "doc_meta",
            {"channel": _col("channel")},
            {
                "customer_id": _col("customer_id"),
                "offer_name": o.field("name"),
                "date": _col("_at_date"),
                "time": _col("_at_time"),
            },
        )
    )
    b.text(b.say("not_a_script"))
    sections = [build(b) for build in _SECTIONS]
    b.flush()
    return b.frame.select(
        _col("lang"),
        _col("_language").alias("language"),
        pl.concat_str(sections, separator="|").alias("shape"),
        *b.texts,
    )


@lru_cache(maxsize=4096)
def _shape_plan(shape: str, titles: tuple[str, ...]) -> Plan:
    """``n4.5,s6.-1|w*7.3|…`` → the plan of every document of that shape (worked out once)."""
    sections: list[SectionPlan] = []
    parts = zip(SECTION_KEYS, titles, shape.split("|"), strict=True)
    for number, (key, title, part) in enumerate(parts, start=1):
        items: list[ItemPlan] = []
        for token in part.split(","):
            if not token:
                continue
            kind, rest = KINDS[token[0]], token[1:]
            if rest.startswith("*"):
                at, count = rest[1:].split(".")
                items += [(int(at), k, kind, -1) for k in range(int(count))]
            else:
                at, children = rest.split(".")
                items.append((int(at), -1, kind, int(children)))
        sections.append((key, number, title, tuple(items)))
    return tuple(sections)


def clear_plans() -> None:
    """Forget the plans worked out so far (see :func:`_shape_plan`)."""
    _shape_plan.cache_clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    A campaign's documents are thousands of tuples and lists that hold only strings; letting
    the collector walk every live object again and again while they are made would cost more
    than making them. The collector's previous state is restored, whatever happens.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def documents(frame: pl.DataFrame, titles: Callable[[str], dict[str, str]]) -> list[Document]:
    """The :class:`Document` of every row of a :func:`document_frame`."""
    with collector_paused():
        return _documents(frame, titles)


def _documents(frame: pl.DataFrame, titles: Callable[[str], dict[str, str]]) -> list[Document]:
    by_lang: dict[str, tuple[str, ...]] = {}
    texts = [frame[name].to_list() for name in frame.columns if name.startswith("_t")]
    heads = (frame[name].to_list() for name in ("lang", "language", "shape"))
    out: list[Document] = []
    empty = ((),)
    for (lang, language, shape), row in zip(
        zip(*heads, strict=True), zip(*texts, strict=True), strict=True
    ):
        names = by_lang.get(lang)
        if names is None:
            names = by_lang[lang] = tuple(titles(lang)[key] for key in SECTION_KEYS)
        out.append(Document(lang, language, row + empty, _shape_plan(shape, names)))
    return out
