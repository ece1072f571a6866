"""Words for audit findings: a sentence per finding and a title per kind, for the summary.

Catalog and policy findings reuse the sentences of :mod:`goodcall.catalog.texts` and
:mod:`goodcall.policy.texts`, so the audit says exactly what ``explain`` and the agent brief say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import polars as pl

from goodcall.audit.findings import FINDINGS_SCHEMA, in_list_order
from goodcall.brief.memo import ReasonMemo
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.texts import CHANNEL_NAMES, parse_evidence, reason_text
from goodcall.policy.manytexts import policy_reason_texts
from goodcall.policy.texts import policy_reason_text

Lang = Literal["fr", "en"]

TITLES: dict[str, str] = {
    "audit.unknown_customer": "customer not in the store",
    "audit.unknown_offer": "offer not in the catalog",
    "audit.unknown_line": "line not on the customer's account",
    "audit.planned_at": "local time that cannot be placed",
    "audit.past": "planned time already past",
    "audit.language": "wrong language",
    "audit.register": "wrong register (tu/vous)",
    "catalog.applicability.device_os": "offer for another device OS",
    "catalog.applicability.already_owns": "customer already has it",
    "catalog.applicability.not_an_upgrade": "plan 'upgrade' that is not one",
    "catalog.applicability.promotion_redeemed": "promotion already redeemed",
    "catalog.applicability.refusal_cooldown": "offer (or its family) declined, cool-down not over",
    "catalog.notice.promotion_seen": "promotion already seen, presented as news",
    "catalog.validity.not_started": "offer not yet valid",
    "catalog.validity.expired": "offer expired",
    "catalog.validity.channel": "channel not allowed for the offer",
    "catalog.validity.brand": "offer of another brand",
    "policy.dnc_internal": "internal do-not-call list",
    "policy.dnc_national": "national do-not-call list",
    "policy.no_consent": "no consent for the channel",
    "policy.channel_not_accepted": "channel refused by the customer",
    "policy.only_on_request": "contact only on request",
    "policy.legal_window": "outside legal hours (customer's local time)",
    "policy.holiday": "public holiday",
    "policy.preferred_hours": "outside the customer's preferred hours",
    "policy.frequency_cap": "over a frequency cap",
    "policy.cooldown_refusal": "inside a cool-down after a refusal",
    "policy.complaint_suppression": "suppressed after a complaint",
    "policy.attempts": "too many attempts",
}


def title(code: str) -> str:
    """A short title for a finding's code (offer rules: 'offer rule <id> (<tier>)')."""
    if code in TITLES:
        return TITLES[code]
    parts = code.split(".")
    if len(parts) == 3 and parts[0] == "catalog":
        return f"offer rule {parts[2]} ({parts[1]})"
    return code


def summary(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per finding kind: ``code``, ``title``, ``severity``, ``findings``, ``rows``."""
    return (
        findings.group_by(pl.col("code").cast(pl.String), pl.col("severity").cast(pl.String))
        .agg(pl.len().alias("findings"), pl.col("row").n_unique().alias("rows"))
        .with_columns(pl.col("code").map_elements(title, return_dtype=pl.String).alias("title"))
        .sort(["severity", "findings", "code"], descending=[False, True, False])
        .select("code", "title", "severity", "findings", "rows")
    )


COMPACT = ("customer_id", "offer_id", "channel", "code", "severity", "rule", "evidence", "message")
"""Text columns of worded findings kept as categoricals: a million-row list gives millions of
findings that repeat a few thousand ids, codes and rules."""


def worded_findings(
    chunks: Iterable[tuple[pl.DataFrame, pl.DataFrame]],
    catalog: CompiledCatalog,
    lang: Lang,
) -> pl.DataFrame:
    """The findings of :func:`goodcall.audit.findings.audit_chunks` with their sentences, in the
    list's order: each chunk is worded (with its own customers' profiles) and compacted before
    the next one is computed, so memory holds one chunk's texts, not the whole list's. One
    :class:`ReasonMemo` serves every chunk: what an offer rule's sentence reads is learnt once."""
    memo = ReasonMemo(reason_text, catalog.catalog, _as_is)
    parts = []
    for found, customers in chunks:
        worded = with_messages(found, customers, catalog, lang, memo)
        parts.append(worded.with_columns(pl.col(c).cast(pl.Categorical) for c in COMPACT))
    schema = pl.Schema({**FINDINGS_SCHEMA, "message": pl.String()})
    return in_list_order(parts, schema)


def with_messages(
    findings: pl.DataFrame,
    customers: pl.DataFrame,
    catalog: CompiledCatalog,
    lang: Lang,
    memo: ReasonMemo | None = None,
) -> pl.DataFrame:
    """``findings`` plus a ``message`` column: the sentence of each finding, as :func:`message`
    says it with the customer's profile (a row of ``customers``; none for a customer not there).

    Python words each distinct input once. A policy or audit sentence depends on the code, rule,
    evidence and channel only (and a catalog one on the offer). An offer rule's sentence also
    reads the profile: :class:`ReasonMemo` learns which values it reads (the plan's name, the
    device, one field of one line) and words it once per distinct set of those values, not once
    per customer."""
    memo = memo if memo is not None else ReasonMemo(reason_text, catalog.catalog, _as_is)
    numbered = findings.with_row_index("__i").join(
        customers.select("customer_id").with_row_index("_p"),
        on="customer_id",
        how="left",
        maintain_order="left",
    )
    code = pl.col("code")
    profiled = (
        code.str.starts_with("catalog.")
        & (code != "catalog.validity.channel")
        & pl.col("offer_id").is_in(list(catalog.offer_ids))
        & pl.col("_p").is_not_null()
    )
    by_profile = numbered.filter(profiled)
    rest = numbered.filter(~profiled)
    worded = [_without_profile(rest, catalog, lang)]
    if by_profile.height:
        reasons = by_profile.select(
            "offer_id",
            pl.lit(lang).alias("lang"),
            "code",
            pl.lit(False).alias("ok"),
            "rule",
            "evidence",
            pl.col("_p").cast(pl.Int64),
        )
        texts = memo.texts(reasons, customers)
        worded.append(by_profile.select("__i", texts.alias("message")))
    messages = pl.concat(worded).sort("__i").get_column("message")
    return findings.with_columns(messages)


def _as_is(text: str) -> str:
    return text


def _without_profile(rows: pl.DataFrame, catalog: CompiledCatalog, lang: Lang) -> pl.DataFrame:
    """``__i`` and ``message`` of findings whose sentence reads no profile: policy findings
    (:func:`policy_reason_texts`), audit findings, the channel of an offer and an offer rule of a
    customer not in the store (once per distinct input)."""
    policy = pl.col("code").str.starts_with("policy.")
    ruled = rows.filter(policy)
    by_policy = ruled.select(
        "__i",
        policy_reason_texts(
            ruled.select("code", pl.lit(False).alias("ok"), "rule", "evidence", "channel"), lang
        ),
    )
    keys = ["__offer", "channel", "code", "rule", "evidence"]
    keyed = rows.filter(~policy).select(
        "__i",
        pl.when(pl.col("code").str.starts_with("catalog."))
        .then(pl.col("offer_id"))
        .alias("__offer"),
        *keys[1:],
    )
    distinct = keyed.select(keys).unique(maintain_order=True)
    messages = [
        message(
            {"offer_id": offer, "channel": channel, "code": code, "rule": rule, "evidence": ev},
            {},
            catalog,
            lang,
        )
        for offer, channel, code, rule, ev in distinct.iter_rows()
    ]
    texts = distinct.with_columns(pl.Series("message", messages, dtype=pl.String))
    others = keyed.join(texts, on=keys, how="left", nulls_equal=True).select("__i", "message")
    return pl.concat([by_policy, others])


def message(
    finding: Mapping[str, Any],
    profile: Mapping[str, Any],
    catalog: CompiledCatalog,
    lang: Lang,
) -> str:
    code = str(finding["code"])
    reason = {"code": code, "ok": False, "rule": finding["rule"], "evidence": finding["evidence"]}
    if code.startswith("policy."):
        return policy_reason_text(reason, str(finding["channel"]), lang)
    if code.startswith("catalog.") and str(finding["offer_id"]) in catalog.offer_ids:
        if code == "catalog.validity.channel":
            return _channel(finding, lang)
        return reason_text(reason, profile, catalog.catalog, str(finding["offer_id"]), lang)
    return _audit_text(code, parse_evidence(str(finding["evidence"] or "")), lang)


def _channel(finding: Mapping[str, Any], lang: Lang) -> str:
    ev = parse_evidence(str(finding["evidence"]))
    names = [
        CHANNEL_NAMES.get(c, {"fr": c, "en": c})[lang]
        for c in ev.get("offer_channels", "").split("|")
    ]
    planned = CHANNEL_NAMES.get(ev.get("channel", ""), {"fr": "?", "en": "?"})[lang]
    if lang == "fr":
        return f"l'offre n'est pas proposée par {planned} (seulement : {', '.join(names)})"
    return f"the offer is not made by {planned} (only: {', '.join(names)})"


_LANGUAGE_NAMES = {"fr": ("français", "French"), "en": ("anglais", "English")}


def _language(tag: str | None, lang: Lang) -> str:
    primary = (tag or "?").split("-")[0].lower()
    names = _LANGUAGE_NAMES.get(primary)
    name = (names[0] if lang == "fr" else names[1]) if names else primary
    return f"{name} ({tag})"


def _audit_text(code: str, ev: dict[str, str], lang: Lang) -> str:
    fr = lang == "fr"
    if code == "audit.language":
        listed = _language(ev.get("list_language"), lang)
        customer = _language(ev.get("customer_language"), lang)
        if fr:
            return f"appel prévu en {listed}; le client est servi en {customer}"
        return f"call planned in {listed}; the customer is served in {customer}"
    if code == "audit.register":
        if ev.get("list_register") == "informal":
            if fr:
                return "tutoiement prévu : le client n'a pas choisi le tu (vouvoiement)"
            return "informal (tu) planned: the customer has not chosen it (use formal)"
        if fr:
            return "vouvoiement prévu : le client a choisi le tu"
        return "formal planned: the customer chose the informal register"
    if code == "audit.unknown_customer":
        return "client introuvable" if fr else "no such customer in the store"
    if code == "audit.unknown_offer":
        detail = ev.get("offer_id", "")
        return f"offre inconnue : {detail}" if fr else f"unknown offer: {detail}"
    if code == "audit.unknown_line":
        detail = ev.get("line_id", "")
        return (
            f"ligne inconnue au compte : {detail}" if fr else f"line not on the account: {detail}"
        )
    if code == "audit.past":
        planned = ev.get("planned_at", "?").replace("T", " ").removesuffix(":00Z") + " UTC"
        audited = ev.get("audit_at", "?").replace("T", " ").removesuffix(":00Z") + " UTC"
        if fr:
            return f"appel prévu le {planned}, déjà passé à l'heure de l'audit ({audited})"
        return f"call planned for {planned}, already past at the time of the audit ({audited})"
    if code == "audit.planned_at":
        zone = ev.get("time_zone", "none")
        if fr:
            return f"heure locale impossible à situer (fuseau : {zone})"
        return f"local time cannot be placed (time zone: {zone})"
    return code
