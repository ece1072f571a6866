"""The facts of every brief of a batch, as one frame; ``build_brief`` for one decided contact.

Pure: the profiles, the catalog, the engine's rows and the decision time come in as arguments;
nothing is read from a store or the clock. It refuses to brief what must not happen — an offer
the rules excluded, a phone call to someone on the internal do-not-call list — so a bug upstream
cannot become a blunder on the phone.

One brief: :func:`build_brief` reads the same facts on the profile row's own values
(:mod:`goodcall.brief.rowbrief`, held equal to :func:`brief_frame` by ``tests/brief/test_rows.py``);
a contact that has no row path (a "do not" list judged line by line) is a batch of one, the
profile row and the engine's rows in one-row frames run through the same :func:`brief_frame` as a
campaign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from goodcall.brief import donot, donotline, facts, pitch
from goodcall.brief.checks import first_failure
from goodcall.brief.distinct import RowError, per_distinct, regroup
from goodcall.brief.facts import BriefError, col
from goodcall.brief.inputs import (
    BRIEF_FIELDS,
    EVAL_COLUMNS,
    EVAL_SCHEMA,
    Index,
    Inputs,
    OfferRows,
)
from goodcall.brief.memo import ReasonText
from goodcall.brief.model import (
    OUTCOMES,
    Avoid,
    Brief,
    Closing,
    Contact,
    Opening,
    Pitch,
)
from goodcall.brief.rowbrief import row_brief
from goodcall.brief.schema import BRIEF_SCHEMA, briefs_of, model_struct, struct_of
from goodcall.catalog.model import Bilingual, Catalog
from goodcall.catalog.wording import CALLED_LINE
from goodcall.profiles.fields import PROFILE_SCHEMA
from goodcall.profiles.lines import profiles_on_lines


def _working_frame(
    contacts: pl.DataFrame, profiles: pl.DataFrame, offer_eval: pl.DataFrame, index: Index
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per contact (``_row`` = its position): contact, profile, catalog and engine
    columns; and every excluded offer of the contacted customers (``_row, offer_id`` and
    ``_e``, the engine row's position in ``offer_eval``)."""
    keyed = contacts.lazy().select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
        "customer_id",
        col("offer_id").alias("_offer"),
        col("channel").alias("_channel"),
        (col("line_id") if "line_id" in contacts.columns else pl.lit(None, pl.String)).alias(
            "_line"
        ),
    )
    offers = index.frame.lazy().rename({"offer_id": "_offer"})
    evaluated = offer_eval.lazy().select(EVAL_COLUMNS)
    pairs = keyed.select("customer_id", col("_offer").alias("offer_id"))
    own = (
        evaluated.join(pairs, on=["customer_id", "offer_id"], how="semi")
        .filter(pl.struct("customer_id", "offer_id").is_first_distinct())
        .select(
            "customer_id",
            col("offer_id").alias("_offer"),
            pl.lit(True).alias("_has_row"),
            col("eligible").alias("_eligible"),
            col("reasons").alias("_reasons"),
            col("notices").alias("_notices"),
        )
    )
    known = profiles.lazy().with_columns(pl.lit(True).alias("_known"))
    frame = (
        keyed.join(known, on="customer_id", how="left", maintain_order="left")
        .join(offers, on="_offer", how="left", maintain_order="left")
        .join(own, on=["customer_id", "_offer"], how="left", maintain_order="left")
        .sort("_row")
    )
    excluded = (
        evaluated.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("_e"),
            "customer_id",
            "offer_id",
            "eligible",
        )
        .filter(~col("eligible").fill_null(False))
        .join(keyed.select("customer_id", "_row"), on="customer_id")
        .select("_row", "offer_id", "_e")
    )
    frame_, excluded_ = pl.collect_all([frame, excluded])
    return frame_, excluded_


def _names(mapping: Mapping[str, Mapping[str, str]], key: pl.Expr) -> pl.Expr:
    """The name of ``key`` in the row's language, from ``{id: {"fr": …, "en": …}}``; else null."""
    return facts.by_lang(
        {
            lang: key.replace_strict(
                {k: v[lang] for k, v in mapping.items()}, default=None, return_dtype=pl.String
            )
            for lang in ("fr", "en")
        }
    )


def _last_contacts(frame: pl.DataFrame, excluded: pl.DataFrame, inputs: Inputs) -> pl.Series:
    """The last contacts, each naming its offer unless the rules excluded it for the customer."""
    flat = (
        frame.select("_row", "lang", facts.treated_contacts().alias("_c"))
        .explode("_c")
        .filter(col("_c").is_not_null())
        .unnest("_c")
    )
    hidden = excluded.select("_row", "offer_id", pl.lit(True).alias("_hidden")).unique()
    flat = flat.join(hidden, on=["_row", "offer_id"], how="left", maintain_order="left")
    offer_names = {o.id: {"fr": o.name.fr, "en": o.name.en} for o in inputs.catalog.offers}
    in_catalog = col("offer_id").is_in(list(offer_names))
    name = (
        pl.when(col("offer_id").is_null() | (col("offer_id") == ""))
        .then(None)
        .when(in_catalog)
        .then(pl.when(~col("_hidden").fill_null(False)).then(_names(offer_names, col("offer_id"))))
        .otherwise(_names(inputs.promotion_names, col("offer_id")))
    )
    contact = struct_of(
        Contact,
        at=col("at"),
        channel=col("channel"),
        outcome=col("outcome"),
        offer_id=col("offer_id"),
        offer_name=name,
    )
    return regroup(
        flat["_row"], flat.select(contact).to_series(), frame["_row"], model_struct(Contact)
    )


def _spoken_titles(frame: pl.DataFrame) -> pl.Series:
    return per_distinct(frame.select("lang", "title"), facts.spoken_title, pl.String())


def _facts(
    frame: pl.DataFrame,
    excluded: pl.DataFrame,
    reasons: pl.Series,
    profile_columns: list[str],
    inputs: Inputs,
) -> pl.DataFrame:
    """The brief columns (see :data:`~goodcall.brief.schema.BRIEF_SCHEMA`) of checked contacts.

    ``profile_columns``: the profile frame's own columns, handed whole to the reason wording.
    """
    index, at = inputs.index, inputs.at
    profiles = frame.select(profile_columns)
    frame = frame.with_columns(
        _spoken_titles(frame).alias("_title"),
        facts.lines().alias("_lines"),
        _last_contacts(frame, excluded, inputs).alias("_contacts"),
    )
    frame = frame.with_columns(
        facts.address(col("_title")).alias("address"),
        facts.knowledge(col("_lines"), col("_contacts"), inputs.promotion_names, at).alias(
            "knowledge"
        ),
    )
    k = col("knowledge")
    frame = frame.with_columns(
        (col("register") == "formal").alias("_formal"),
        col("address").struct.field("language").alias("_language"),
        pitch.promotion_seen(k).alias("_seen"),
        facts.has_complaint(k).alias("_complaint"),
        facts.has_repair(k).alias("_repair"),
    )
    _check_seen(frame)
    on_line = _on_called_line(frame, at)
    texts = pitch.spoken_texts(on_line, inputs.catalog, index.offers)
    memo = donot.memo_for(inputs.catalog, inputs.reason_text)
    line_profiles = (
        on_line.select(*profile_columns, CALLED_LINE) if CALLED_LINE in on_line.columns else None
    )
    offers = donot.do_not_offers(
        excluded,
        reasons,
        index.frame,
        frame,
        profiles,
        memo,
        line_profiles,
        _line_judging(frame, profiles, inputs),
    )
    called = col("_line").is_not_null()
    frame = frame.with_columns(
        pl.when(called).then(on_line["device_age_months"]).alias("_line_age"),
        pl.when(called).then(on_line["financing_months_left"]).alias("_line_left"),
        _called_line(frame).alias("_line_facts"),
    )
    frame = frame.with_columns(
        texts.alias("_texts"), offers.alias("_offers"), pitch.fit_codes(frame).alias("_fit")
    )
    return frame.select(_brief_columns(inputs))


def _line_judging(
    frame: pl.DataFrame, profiles: pl.DataFrame, inputs: Inputs
) -> donot.LineJudging | None:
    """The per-line offers judged on every line of the multi-line accounts called about the
    account, so section 5 says what not to pitch to whom (:mod:`goodcall.brief.donotline`)."""
    by_line = donotline.account_calls(frame)
    if not by_line.any():
        return None
    rows = donotline.line_rows(frame, profiles, by_line)
    excluded, reasons = donotline.judged_on_lines(rows, inputs.catalog, inputs.at)
    wording = donotline.wording_profiles(rows, inputs.at)
    return donot.LineJudging(rows, excluded, reasons, wording)


def _on_called_line(frame: pl.DataFrame, at: dt.datetime) -> pl.DataFrame:
    """The working frame with the device and plan of the line each call is about (``_line``,
    a per-line offer's line), so the pitch and the "do not" lines speak of that line; what the
    agent knows of the account (section 3) keeps the account holder's line."""
    if "lines" not in frame.columns or frame["_line"].null_count() == frame.height:
        return frame
    wanted = frame.select("customer_id", col("_line").alias("line_id"))
    on_line = profiles_on_lines(frame, wanted, pl.lit(at.astimezone(dt.UTC).date()))
    return on_line.with_columns(col("_line").alias(CALLED_LINE))


def _called_line(frame: pl.DataFrame) -> pl.Series:
    """Per row, the called line's facts (as section 3 lists them), or null."""
    lines = frame.select("_row", "_line", col("_lines").alias("_l")).explode("_l")
    mine = lines.filter(col("_l").struct.field("line_id") == col("_line")).unique(
        "_row", keep="first"
    )
    dtype = frame.schema["_lines"].inner  # type: ignore[attr-defined]
    return (
        frame.select("_row")
        .join(mine.select("_row", "_l"), on="_row", how="left", maintain_order="left")["_l"]
        .cast(dtype)
    )


def _check_seen(frame: pl.DataFrame) -> None:
    """The engine says the customer saw the promotion: the profile must have the event."""
    wrong = frame.filter(
        col("_promotion").is_not_null()
        & col("_seen").is_null()
        & pitch.seen_flagged(col("_notices"))
    )
    if wrong.height:
        row, cid, pid = wrong.select("_row", "customer_id", "_promotion").row(0)
        raise RowError(
            row,
            BriefError(
                f"customer {cid!r}: the engine says promotion {pid!r} was seen, "
                "but the profile has no such event"
            ),
        )


def _brief_columns(inputs: Inputs) -> list[pl.Expr]:
    catalog = inputs.catalog
    k, texts = col("knowledge"), col("_texts").struct
    objection = facts.by_lang({"fr": col("_objection_fr"), "en": col("_objection_en")})
    return [
        col("customer_id").cast(pl.String),
        col("_offer").alias("offer_id"),
        col("_channel").alias("channel"),
        _of_brand(catalog, "currency").alias("currency"),
        facts.moment_literal(inputs.at).cast(BRIEF_SCHEMA["at"]).alias("at"),
        col("address"),
        struct_of(
            Opening,
            agent_name=pl.lit(inputs.agent_name, pl.String),
            company=facts.by_lang(
                {"fr": _of_brand(catalog, "company_fr"), "en": _of_brand(catalog, "company_en")}
            ),
            why=texts.field("why"),
            acknowledge=pl.concat_list(
                pl.when(col("_complaint")).then(pl.lit("complaint")),
                pl.when(col("_repair")).then(pl.lit("repair")),
            ).list.drop_nulls(),
        ).alias("opening"),
        k,
        struct_of(
            Pitch,
            offer_id=col("_offer"),
            name=facts.by_lang({"fr": col("_name_fr"), "en": col("_name_en")}),
            kind=col("_kind"),
            fit=col("_fit"),
            talking_points=texts.field("points"),
            objection=objection,
            answer=texts.field("answer"),
            promotion_id=col("_promotion"),
            promotion_seen=col("_seen"),
            line_id=col("_line"),
            line=col("_line_facts"),
            line_age_months=col("_line_age"),
        ).alias("offer"),
        struct_of(
            Avoid,
            offers=col("_offers"),
            topics=donot.topics(k, col("_complaint"), col("_repair")),
            excluded_total=col("_excluded_total"),
        ).alias("avoid"),
        struct_of(
            Closing,
            outcomes=pl.lit(list(OUTCOMES), pl.List(pl.String)),
            dnc_immediate=pl.lit(True),
        ).alias("closing"),
    ]


def _of_brand(catalog: Catalog, what: str) -> pl.Expr:
    """Per row, the currency or company name of the brand of the briefed offer (the customer's:
    the engine lets no offer cross brands)."""
    values: dict[str, str] = {}
    for offer in catalog.offers:
        brand = catalog.brand_info(catalog.offer_brand(offer))
        values[offer.id] = {
            "currency": brand.currency,
            "company_fr": brand.company.fr,
            "company_en": brand.company.en,
        }[what]
    return col("_offer").replace_strict(values, return_dtype=pl.String)


def brief_frame(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    inputs: Inputs,
) -> pl.DataFrame:
    """The facts of every contact's brief, one row per contact in order (:data:`BRIEF_SCHEMA`).

    A contact that must not be briefed raises :class:`~goodcall.brief.distinct.RowError` for the
    first such contact (``row`` is its position in ``contacts``).
    """
    frame, excluded = _working_frame(contacts, profiles, offer_eval, inputs.index)
    # Another brand's offers are none of this call's business: not counted, never named.
    crossed = donot.other_brand(offer_eval.get_column("reasons").gather(excluded["_e"]))
    excluded = excluded.filter(~crossed)
    failure = first_failure(frame)
    try:
        if failure is not None:
            raise RowError(*failure)
        counts = excluded.group_by("_row").agg(pl.len().cast(pl.Int64).alias("_excluded_total"))
        frame = frame.join(counts, on="_row", how="left", maintain_order="left").with_columns(
            col("_excluded_total").fill_null(0)
        )
        reasons = offer_eval.get_column("reasons")
        return _facts(frame, excluded, reasons, profiles.columns, inputs)
    except RowError as error:
        if error.row > 0:  # an earlier contact may fail a later check: report the first contact
            brief_frame(contacts.head(error.row), profiles, offer_eval, inputs)
        raise


def _profile_frame(profile: Mapping[str, Any]) -> pl.DataFrame:
    """One profile row as a one-row frame, typed like the profile frame."""
    row = {name: profile.get(name) for name in BRIEF_FIELDS} | dict(profile)
    schema = {name: PROFILE_SCHEMA[name] for name in row if name in PROFILE_SCHEMA}
    return pl.DataFrame([row], schema_overrides=schema, infer_schema_length=1)


def _eval_frame(rows: OfferRows, customer_id: Any) -> pl.DataFrame:
    """A customer's engine rows (a frame or row dicts) as an engine frame for that customer."""
    if isinstance(rows, pl.DataFrame):
        frame = rows.select(EVAL_COLUMNS)
    else:
        frame = pl.DataFrame(
            [{name: r.get(name) for name in EVAL_COLUMNS} for r in rows], schema=EVAL_SCHEMA
        )
    return frame.with_columns(pl.lit(customer_id, pl.String).alias("customer_id"))


def build_brief(
    profile: Mapping[str, Any],
    offer_id: str,
    channel: str,
    catalog: Catalog,
    offer_rows: OfferRows,
    at: dt.datetime,
    agent_name: str | None = None,
    *,
    promotion_names: Mapping[str, Bilingual] | None = None,
    reason_text: ReasonText | None = None,
    line_id: str | None = None,
) -> Brief:
    """The brief for one decided contact (``line_id``: the line a per-line offer is for, named
    in the brief; ``offer_rows`` should then be judged on that line).

    ``profile`` is one row of the profile frame (``row(i, named=True)``); ``offer_rows`` are this
    customer's rows of ``evaluate_offers`` (a frame or a list of row dicts); ``promotion_names``
    overrides or completes the catalog's promotion names (an unnamed promotion shows its id).
    """
    inputs = Inputs(catalog, at, promotion_names, reason_text, agent_name)
    made = row_brief(profile, offer_id, channel, offer_rows, inputs, line_id)
    if made is not None:  # the same facts on Python values (held equal by tests/brief/test_rows.py)
        return made
    cid = profile.get("customer_id")
    contacts = pl.DataFrame(
        {"customer_id": [cid], "offer_id": [offer_id], "channel": [channel], "line_id": [line_id]},
        schema={
            "customer_id": pl.String(),
            "offer_id": pl.String(),
            "channel": pl.String(),
            "line_id": pl.String(),
        },
    )
    try:
        frame = brief_frame(contacts, _profile_frame(profile), _eval_frame(offer_rows, cid), inputs)
    except RowError as error:
        raise error.error from None
    return briefs_of(frame)[0]
