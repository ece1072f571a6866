"""One brief's document worded on Python values: the row path of :mod:`goodcall.brief.sections`.

The batch path words a whole campaign's documents as Polars columns, each sentence once per
distinct shape; for one brief that costs a hundred small Polars queries of fixed cost each. Here
the same sections are read from the :class:`~goodcall.brief.model.Brief` itself and each macro of
the language module is called with its values, exactly as the batch's small-batch path calls it
(:meth:`goodcall.brief.words.Words._say_small`): same macros, same order of texts, same shape
string, so the same :class:`~goodcall.brief.document.Document`. The sections' order and
conditions are those of :mod:`goodcall.brief.sections`, and ``tests/brief/test_rows.py`` holds
every document of generated customers equal to the batch's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from goodcall.brief.document import (
    KIND_CODES,
    SECTION_KEYS,
    Document,
    ItemKind,
    Module,
    shape_plan,
)
from goodcall.brief.formats import formats_for, zone
from goodcall.brief.model import Brief, Knowledge, Line
from goodcall.brief.words import french_spaces

Texts = list[str | None]


class _Doc:
    """The texts of one document as they are registered, and its customer's locale."""

    def __init__(self, brief: Brief, module: Module) -> None:
        a = brief.address
        self.lang, self.language, self.tz = a.lang, a.language, a.time_zone
        self.currency = brief.currency
        self.module = module(a.lang, a.formality == "formal")
        self.texts: list[Any] = []

    def text(self, value: Any) -> int:
        self.texts.append(value)
        return len(self.texts) - 1

    def one(self, text: str | None, kind: ItemKind = "note", children: Texts | None = None) -> str:
        """:meth:`goodcall.brief.docframe.Batch.one`: the item's token, or "" when absent."""
        at = self.text(text)
        kids = -1 if children is None else self.text(children)
        return "" if text is None else f"{KIND_CODES[kind]}{at}.{kids}"

    def many(self, texts: Texts, kind: ItemKind) -> str:
        """:meth:`goodcall.brief.docframe.Batch.many`."""
        at = self.text(texts)
        return f"{KIND_CODES[kind]}*{at}.{len(texts)}" if texts else ""

    def say(self, macro: str, when: bool = True, **values: Any) -> str | None:
        """The macro's sentence (None where ``when`` is false), French typography applied."""
        if not when:
            return None
        text = str(getattr(self.module, macro)(**values))
        return french_spaces(text) if self.lang == "fr" else text

    def fmt(self, kind: str, value: Any) -> str | None:
        """:func:`goodcall.brief.docframe.formatted` of one value (``month``: its month's start)."""
        if value is None:
            return None
        if kind == "month":
            value = value.replace(day=1)
        currency = self.currency if kind == "money" else "XXX"
        return str(getattr(formats_for(self.language, self.lang, "UTC", currency), kind)(value))

    def local(self, kind: str, value: dt.datetime | None) -> Any:
        """A UTC timestamp's local date, or clock time to the minute, in the customer's zone."""
        if value is None:
            return None
        if value.tzinfo is None:  # the frame reads a naive timestamp as UTC
            value = value.replace(tzinfo=dt.UTC)
        moment = value.astimezone(zone(self.tz))
        if kind == "date":
            return moment.date()
        return moment.time().replace(second=0, microsecond=0, tzinfo=None)

    def moment(self, kind: str, value: dt.datetime | None) -> str | None:
        return self.fmt(kind, self.local(kind, value))


def _section(*tokens: str) -> str:
    return ",".join(t for t in tokens if t)


def _opened(k: Knowledge, kind: str) -> list[dt.datetime]:
    return [c.opened_at for c in k.open_cases if c.kind == kind]


def _address(d: _Doc, b: Brief, _: dict[str, Any]) -> str:
    a = b.address
    start, end = d.fmt("time", a.preferred_start), d.fmt("time", a.preferred_end)
    titled = a.title is not None and a.title != ""
    return _section(
        d.one(d.say("register", source=a.register_source)),
        d.one(d.say("name_to_use", titled=titled, name=a.spoken_name)),
        d.one(
            d.say(
                "hours",
                a.preferred_start is not None or a.preferred_end is not None,
                start=start,
                end=end,
            )
        ),
    )


def _opening(d: _Doc, b: Brief, _: dict[str, Any]) -> str:
    a, o, k = b.address, b.opening, b.knowledge
    complaints = _opened(k, "complaint")
    candidates = [
        t for t in (max(complaints, default=None), k.recent_complaint_at) if t is not None
    ]
    complaint_at = max(candidates, default=None)
    repair_at = min(_opened(k, "repair"), default=None)
    complaint = "complaint" in o.acknowledge and complaint_at is not None
    date, repair_date = d.moment("date", complaint_at), d.moment("date", repair_at)
    greet = d.say("greet", agent=o.agent_name, company=o.company, name=a.spoken_name)
    return _section(
        d.one(d.say("no_silence")),
        d.one(greet, "say"),
        d.one(d.say("ack_complaint", complaint, date=date), "say"),
        d.one(d.say("ack_repair", "repair" in o.acknowledge, date=repair_date), "say"),
        d.one(d.say("why", text=o.why), "say"),
        d.one(d.say("ask_time"), "say"),
    )


def _device(d: _Doc, b: Brief) -> str | None:
    lines = b.knowledge.lines
    if len(lines) != 1:
        return None
    line = lines[0]
    financing = line.financing_end_date
    today = d.local("date", b.at)
    return d.say(
        "device",
        financing_done=financing is not None and financing <= today,
        model=line.device_model,
        make=line.device_make,
        os=line.device_os,
        bought=d.fmt("month", line.device_purchase_date),
        financing=d.fmt("month", financing),
    )


def _line_items(d: _Doc, lines: list[Line]) -> Texts:
    if len(lines) <= 1:
        return []
    return [
        d.say(
            "line_item",
            n=n,
            primary=line.is_primary,
            label=line.user_label,
            model=line.device_model,
            make=line.device_make,
            os=line.device_os,
            plan_name=line.plan_name,
            usage=d.fmt("number", line.data_usage_gb),
        )
        for n, line in enumerate(lines, start=1)
    ]


def _plan(d: _Doc, k: Knowledge, kept: dict[str, Any]) -> str | None:
    p = k.plan
    kept["usage"] = d.fmt("number", p.data_usage_gb) if p else None
    kept["allowance"] = d.fmt("number", p.plan_data_gb) if p else None
    kept["percent"] = d.fmt("percent", p.data_usage_ratio) if p else None
    if p is None:
        return None
    return d.say(
        "plan",
        multi=len(k.lines) > 1,
        top=p.plan_is_top,
        level=p.usage_level,
        name=p.plan_name,
        price=d.fmt("money", p.plan_price),
        usage=kept["usage"],
        allowance=kept["allowance"],
        percent=kept["percent"],
    )


def _events(d: _Doc, k: Knowledge, which: str) -> str | None:
    events = k.redeemed if which == "redeemed" else k.seen
    texts = [
        d.say(
            "event",
            name=ev.name,
            promotion_id=ev.promotion_id,
            place=ev.place,
            date=d.moment("date", ev.at),
        )
        for ev in events
    ]
    return d.say(which, events=texts)


def _knowledge(d: _Doc, b: Brief, kept: dict[str, Any]) -> str:
    k = b.knowledge
    n_lines = len(k.lines)
    recent, refusal = k.recent_complaint_at, k.last_refusal_at
    kept["refusal_date"] = d.moment("date", refusal)
    closed = recent is not None and not _opened(k, "complaint")
    logins, purchases = k.app_logins_90d, k.online_purchases_12m
    contacts = [
        d.say(
            "contact",
            channel=c.channel,
            offer_name=c.offer_name,
            outcome=c.outcome,
            date=d.moment("date", c.at),
        )
        for c in k.last_contacts
    ]
    cases = [
        d.say("case", kind=c.kind, date=d.moment("date", c.opened_at), summary=c.summary)
        for c in k.open_cases
    ]
    return _section(
        d.one(_device(d, b)),
        d.one(d.say("lines_heading", n_lines > 1, n=n_lines), children=_line_items(d, k.lines)),
        d.one(_plan(d, k, kept)),
        d.one(_events(d, k, "redeemed")),
        d.one(_events(d, k, "seen")),
        d.one(d.say("tenure", months=k.tenure_months)),
        d.one(d.say("contacts_heading", count=len(k.last_contacts)), children=contacts),
        d.one(d.say("cases_heading", count=len(k.open_cases)), children=cases),
        d.one(d.say("complaint_closed", closed, date=d.moment("date", recent))),
        d.one(d.say("refusal", refusal is not None, date=kept["refusal_date"])),
        d.one(
            d.say(
                "self_service",
                logins != 0 or purchases != 0,
                logins=logins,
                purchases=purchases,
            )
        ),
    )


def _fit_sayings(d: _Doc, b: Brief, kept: dict[str, Any]) -> dict[str, Callable[[], str | None]]:
    """Each fit code's sentence (:func:`goodcall.brief.sections._fit_macros`)."""
    k, called = b.knowledge, b.offer.line
    line = called if called is not None else (k.lines[0] if k.lines else None)
    os_, model = (line.device_os, line.device_model) if line else (None, None)
    age = b.offer.line_age_months if called is not None else k.device_age_months
    bought = d.fmt("month", line.device_purchase_date if line else None)
    financing = d.fmt("month", line.financing_end_date if line else None)
    usage = {"usage": kept["usage"], "allowance": kept["allowance"]}
    plan = k.plan.plan_name if k.plan else None
    return {
        "same_os": lambda: d.say("fit_same_os", os=os_, model=model),
        "device_age": lambda: d.say("fit_device_age", age=age, model=model, bought=bought),
        "financing_done": lambda: d.say("fit_financing_done", month=financing),
        "financing_left": lambda: d.say("fit_financing_left", months=k.financing_months_left),
        "usage_over": lambda: d.say("fit_usage_over", **usage),
        "usage_high": lambda: d.say("fit_usage_high", **usage, percent=kept["percent"]),
        "usage_low": lambda: d.say("fit_usage_low", **usage),
        "top_plan": lambda: d.say("fit_top_plan", name=plan),
        "lines": lambda: d.say("fit_lines", count=len(k.lines)),
        "tenure": lambda: d.say("fit_tenure", months=k.tenure_months),
        "self_service": lambda: d.say(
            "fit_self_service", purchases=k.online_purchases_12m, logins=k.app_logins_90d
        ),
    }


def _chosen(sayings: dict[str, Callable[[], str | None]], code: str) -> str | None:
    if code not in sayings:
        raise ValueError(f"no sentence for {code!r}; expected one of {sorted(sayings)}")
    return sayings[code]()


def _offer(d: _Doc, b: Brief, kept: dict[str, Any]) -> str:
    o, k = b.offer, b.knowledge
    fits = _fit_sayings(d, b, kept)
    seen = o.promotion_seen
    objection, answer = o.objection, o.answer
    spoken = bool(objection) and bool(answer)
    points = o.talking_points
    if d.lang == "fr":
        points = [french_spaces(p) for p in points]
    device = o.line.device_model if o.line else None
    return _section(
        d.one(d.say("offer_name", name=o.name)),
        d.one(
            d.say(
                "offer_line",
                o.line_id is not None and len(k.lines) > 1,
                line_id=o.line_id,
                device=device,
            )
        ),
        d.one(d.say("fit_heading", len(o.fit) > 0), children=[_chosen(fits, c) for c in o.fit]),
        d.one(
            d.say(
                "promotion_seen",
                seen is not None,
                place=seen.place if seen else None,
                date=d.moment("date", seen.at if seen else None),
            ),
            "warn",
        ),
        d.one(d.say("points_heading"), children=list(points)),
        d.one(d.say("objection", spoken, text=objection)),
        d.one(d.say("answer", spoken, text=answer), "say"),
    )


def _avoid(d: _Doc, b: Brief, kept: dict[str, Any]) -> str:
    plan = b.knowledge.plan
    name, top = (plan.plan_name, plan.plan_is_top) if plan else (None, None)
    topics: dict[str, Callable[[], str | None]] = {
        "complaint_first": lambda: d.say("topic_complaint_first"),
        "repair_open": lambda: d.say("topic_repair_open"),
        "recent_refusal": lambda: d.say("topic_recent_refusal", date=kept["refusal_date"]),
        "basic_plan": lambda: d.say("topic_basic_plan", top=top, name=name),
        "no_pressure": lambda: d.say("topic_no_pressure"),
    }
    offers = [
        d.say(
            "do_not_offer",
            names=x.names,
            more=x.more,
            reason=x.reason,
            line=x.line_id,
            device=x.device,
        )
        for x in b.avoid.offers
    ]
    return _section(
        d.many(offers, "warn"),
        d.many([_chosen(topics, t) for t in b.avoid.topics], "warn"),
    )


def _closing(d: _Doc, b: Brief, _: dict[str, Any]) -> str:
    company = b.opening.company
    return _section(
        d.one(d.say("outcomes", codes=list(b.closing.outcomes))),
        d.one(d.say("callback_note")),
        d.one(d.say("voicemail_note", company=company)),
        d.one(d.say("dnc_heading"), children=[d.say("dnc_say"), d.say("dnc_do")]),
    )


_SECTIONS = (_address, _opening, _knowledge, _offer, _avoid, _closing)


def row_document(brief: Brief, module: Module, titles: Callable[[str], dict[str, str]]) -> Document:
    """The brief's document, as :func:`goodcall.brief.render.frame_documents` gives it."""
    d = _Doc(brief, module)
    a = brief.address
    at_date, at_time = d.moment("date", brief.at), d.moment("time", brief.at)
    d.text(d.say("doc_title", first_name=a.first_name, last_name=a.last_name))
    d.text(
        d.say(
            "doc_meta",
            channel=brief.channel,
            customer_id=brief.customer_id,
            offer_name=brief.offer.name,
            date=at_date,
            time=at_time,
        )
    )
    d.text(d.say("not_a_script"))
    kept: dict[str, Any] = {}
    shape = "|".join(build(d, brief, kept) for build in _SECTIONS)
    names = tuple(titles(a.lang)[key] for key in SECTION_KEYS)
    return Document(a.lang, a.language, (*d.texts, ()), shape_plan(shape, names))
