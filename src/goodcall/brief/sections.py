"""The briefs laid out as sections of sentences, in each customer's language and register.

The wording lives in the language templates (``templates/fr.j2``, ``templates/en.j2``), one macro
per kind of sentence; this module only decides which sentences a brief has and in what order, the
same for every language — for a whole batch at once, each sentence worded once per distinct input
(:mod:`goodcall.brief.words`).
"""

from __future__ import annotations

import polars as pl

from goodcall.brief.docframe import Batch, col, section
from goodcall.brief.document import Module
from goodcall.brief.words import Macro, typeset


def _address(b: Batch) -> pl.Expr:
    a = col("address").struct
    start, end = a.field("preferred_start"), a.field("preferred_end")
    b.add(_start=b.fmt("time", start), _end=b.fmt("time", end))
    title = a.field("title")
    return section(
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
                slots={"start": col("_start"), "end": col("_end")},
                when=start.is_not_null() | end.is_not_null(),
            )
        ),
    )


def _opened(kind: str) -> pl.Expr:
    """When the open cases of one kind were opened."""
    element = pl.element().struct
    cases = col("knowledge").struct.field("open_cases")
    return cases.list.eval(element.field("opened_at").filter(element.field("kind") == kind))


def _opening(b: Batch) -> pl.Expr:
    a, o, k = col("address").struct, col("opening").struct, col("knowledge").struct
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
    return section(
        b.one(b.say("no_silence")),
        b.one(greet, "say"),
        b.one(
            b.say("ack_complaint", slots={"date": col("_complaint_date")}, when=complaint), "say"
        ),
        b.one(b.say("ack_repair", slots={"date": col("_repair_date")}, when=repair), "say"),
        b.one(b.say("why", {"text": o.field("why")}), "say"),
        b.one(b.say("ask_time"), "say"),
    )


def _device(b: Batch) -> pl.Expr:
    """The one line of a single-line account, as one sentence."""
    k = col("knowledge").struct
    line = k.field("lines").list.first().struct
    bought, financing = line.field("device_purchase_date"), line.field("financing_end_date")
    b.add(
        _today=b.local("date", col("at")),
        _bought=b.fmt("month", bought),
        _financing=b.fmt("month", financing),
    )
    args = {"financing_done": (financing <= col("_today")).fill_null(False)}
    slots = {
        "model": line.field("device_model"),
        "make": line.field("device_make"),
        "os": line.field("device_os"),
        "bought": col("_bought"),
        "financing": col("_financing"),
    }
    return b.say("device", args, slots, k.field("lines").list.len() == 1)


def _line_items(b: Batch) -> pl.Expr:
    lines = col("knowledge").struct.field("lines")

    def word(flat: pl.DataFrame) -> pl.Series:
        line = col("_v").struct
        usage = b.fmt_on("number", line.field("data_usage_gb"), flat)
        args = {"n": col("_n"), "primary": line.field("is_primary")}
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


def _plan(b: Batch) -> pl.Expr:
    k = col("knowledge").struct
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
        "price": col("_price"),
        "usage": col("_usage"),
        "allowance": col("_allowance"),
        "percent": col("_percent"),
    }
    return b.say("plan", args, slots, k.field("plan").is_not_null())


def _events(b: Batch, which: str) -> pl.Expr:
    """The redeemed or seen promotions, each event worded on its own (its date formatted in the
    customer's time zone), then listed in one sentence."""
    events = col("knowledge").struct.field(which)

    def word(flat: pl.DataFrame) -> pl.Series:
        ev = col("_v").struct
        args = {"name": ev.field("name"), "promotion_id": ev.field("promotion_id")}
        slots = {"date": pl.lit(b.moment_on("date", ev.field("at"), flat))}
        return b.words.say("event", args | {"place": ev.field("place")}, slots=slots, frame=flat)

    return b.say(which, slots={"events": b.each(events, word)})


def _contacts(b: Batch) -> pl.Expr:
    def word(flat: pl.DataFrame) -> pl.Series:
        c = col("_v").struct
        args = {
            "channel": c.field("channel"),
            "offer_name": c.field("offer_name"),
            "outcome": c.field("outcome"),
        }
        slots = {"date": pl.lit(b.moment_on("date", c.field("at"), flat))}
        return b.words.say("contact", args, slots=slots, frame=flat)

    return b.each(col("knowledge").struct.field("last_contacts"), word)


def _cases(b: Batch) -> pl.Expr:
    def word(flat: pl.DataFrame) -> pl.Series:
        c = col("_v").struct
        slots = {
            "date": pl.lit(b.moment_on("date", c.field("opened_at"), flat)),
            "summary": c.field("summary"),
        }
        return b.words.say("case", {"kind": c.field("kind")}, slots=slots, frame=flat)

    return b.each(col("knowledge").struct.field("open_cases"), word)


def _knowledge(b: Batch) -> pl.Expr:
    k = col("knowledge").struct
    n_lines = k.field("lines").list.len()
    contacts, cases = k.field("last_contacts"), k.field("open_cases")
    recent, refusal = k.field("recent_complaint_at"), k.field("last_refusal_at")
    logins, purchases = k.field("app_logins_90d"), k.field("online_purchases_12m")
    b.add(_recent_date=b.moment("date", recent), _refusal_date=b.moment("date", refusal))
    closed = recent.is_not_null() & (_opened("complaint").list.len() == 0)
    return section(
        b.one(_device(b)),
        b.one(b.say("lines_heading", {"n": n_lines}, when=n_lines > 1), children=_line_items(b)),
        b.one(_plan(b)),
        b.one(_events(b, "redeemed")),
        b.one(_events(b, "seen")),
        b.one(b.say("tenure", {"months": k.field("tenure_months")})),
        b.one(b.say("contacts_heading", {"count": contacts.list.len()}), children=_contacts(b)),
        b.one(b.say("cases_heading", {"count": cases.list.len()}), children=_cases(b)),
        b.one(b.say("complaint_closed", slots={"date": col("_recent_date")}, when=closed)),
        b.one(b.say("refusal", slots={"date": col("_refusal_date")}, when=refusal.is_not_null())),
        b.one(
            b.say(
                "self_service",
                {"logins": logins, "purchases": purchases},
                when=(logins != 0) | (purchases != 0),
            )
        ),
    )


def _fit_macros(b: Batch) -> tuple[dict[str, Macro], tuple[str, ...]]:
    """Each fit code's macro and the facts it names (those of the other codes stay out of its
    key), and the columns those facts are read from."""
    k, called = col("knowledge").struct, col("offer").struct.field("line")
    # the line the call is about (a per-line offer's), else the account holder's
    line_struct = (
        pl.when(called.is_not_null()).then(called).otherwise(k.field("lines").list.first())
    )
    line = line_struct.struct
    facts = {
        "_fit_os": line.field("device_os"),
        "_fit_model": line.field("device_model"),
        "_fit_age": pl.when(called.is_not_null())
        .then(col("offer").struct.field("line_age_months"))
        .otherwise(k.field("device_age_months")),
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
    usage = {"usage": col("_usage"), "allowance": col("_allowance")}
    model = {"model": col("_fit_model")}
    macros = {
        "same_os": Macro("fit_same_os", {}, {"os": col("_fit_os")} | model),
        "device_age": Macro(
            "fit_device_age", {"age": col("_fit_age")}, model | {"bought": col("_fit_bought")}
        ),
        "financing_done": Macro("fit_financing_done", {}, {"month": col("_fit_financing")}),
        "financing_left": Macro("fit_financing_left", {"months": col("_fit_left")}),
        "usage_over": Macro("fit_usage_over", {}, usage),
        "usage_high": Macro("fit_usage_high", {}, usage | {"percent": col("_percent")}),
        "usage_low": Macro("fit_usage_low", {}, usage),
        "top_plan": Macro("fit_top_plan", {}, {"name": col("_fit_plan")}),
        "lines": Macro("fit_lines", {"count": col("_fit_lines")}),
        "tenure": Macro("fit_tenure", {"months": col("_fit_tenure")}),
        "self_service": Macro(
            "fit_self_service",
            {"purchases": col("_fit_purchases"), "logins": col("_fit_logins")},
        ),
    }
    columns = (*facts, "_fit_bought", "_fit_financing", "_usage", "_allowance", "_percent")
    return macros, columns


def _offer(b: Batch) -> pl.Expr:
    o = col("offer").struct
    macros, columns = _fit_macros(b)

    def fit(flat: pl.DataFrame) -> pl.Series:
        return b.words.say_each(macros, col("_v"), frame=flat)

    seen = o.field("promotion_seen").struct
    b.add(_seen_date=b.moment("date", seen.field("at")))
    objection, answer = o.field("objection"), o.field("answer")
    spoken = objection.is_not_null() & (objection != "") & answer.is_not_null() & (answer != "")
    fits = o.field("fit")
    points = o.field("talking_points")
    return section(
        b.one(b.say("offer_name", {"name": o.field("name")})),
        b.one(
            b.say(
                "offer_line",
                {
                    "line_id": o.field("line_id"),
                    "device": o.field("line").struct.field("device_model"),
                },
                # a single-line account has no other line to confuse it with
                when=o.field("line_id").is_not_null()
                & (col("knowledge").struct.field("lines").list.len() > 1),
            )
        ),
        b.one(b.say("fit_heading", when=fits.list.len() > 0), children=b.each(fits, fit, columns)),
        b.one(
            b.say(
                "promotion_seen",
                {"place": seen.field("place")},
                {"date": col("_seen_date")},
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
    return pl.when(col("lang") == "fr").then(french).otherwise(texts)


def _avoid(b: Batch) -> pl.Expr:
    av, k = col("avoid").struct, col("knowledge").struct
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
        "recent_refusal": Macro("topic_recent_refusal", {}, {"date": col("_refusal_date")}),
        "basic_plan": Macro(
            "topic_basic_plan", {"top": col("_topic_top")}, {"name": col("_topic_plan")}
        ),
        "no_pressure": Macro("topic_no_pressure"),
    }

    def offers(flat: pl.DataFrame) -> pl.Series:
        d = col("_v").struct
        args = {"names": d.field("names"), "more": d.field("more")}
        slots = {
            "reason": d.field("reason"),
            "line": d.field("line_id"),
            "device": d.field("device"),
        }
        return b.words.say("do_not_offer", args, slots=slots, frame=flat)

    def topic(flat: pl.DataFrame) -> pl.Series:
        return b.words.say_each(topics, col("_v"), frame=flat)

    return section(
        b.many(b.each(av.field("offers"), offers), "warn"),
        b.many(
            b.each(av.field("topics"), topic, ("_topic_plan", "_topic_top", "_refusal_date")),
            "warn",
        ),
    )


def _closing(b: Batch) -> pl.Expr:
    company = col("opening").struct.field("company")
    outcomes = col("closing").struct.field("outcomes")
    return section(
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
    shows and how (``n4.5,s6.-1|w*7.3|…``, see :meth:`Batch.one` and :meth:`Batch.many`).
    """
    b = Batch(briefs, module)
    a, o = col("address").struct, col("offer").struct
    b.add(_at_date=b.moment("date", col("at")), _at_time=b.moment("time", col("at")))
    b.text(
        b.say(
            "doc_title",
            slots={"first_name": a.field("first_name"), "last_name": a.field("last_name")},
        )
    )
    b.text(
        b.say(
            "doc_meta",
            {"channel": col("channel")},
            {
                "customer_id": col("customer_id"),
                "offer_name": o.field("name"),
                "date": col("_at_date"),
                "time": col("_at_time"),
            },
        )
    )
    b.text(b.say("not_a_script"))
    sections = [build(b) for build in _SECTIONS]
    b.flush()
    return b.frame.select(
        col("lang"),
        col("_language").alias("language"),
        pl.concat_str(sections, separator="|").alias("shape"),
        *b.texts,
    )
