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

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from goodcall.brief.distinct import SMALL
from goodcall.brief.views import (
    Columns,
    MappingView,
    Notes,
    Observation,
    Row,
    TopLevel,
    frozen,
    observation_expr,
    walk,
)
from goodcall.catalog.model import Catalog

ReasonText = Callable[[Mapping[str, Any], Mapping[str, Any], Catalog, str, Any], str]
HEAD = ("offer_id", "lang", "code", "ok")
"""What a sentence is about besides the values it reads: one memo per distinct head."""
REASON = ("code", "ok", "rule", "evidence")
COLUMNS = ("offer_id", "lang", *REASON)
"""The columns of the rows to word, besides ``_p`` (the row of the profile frame)."""

Head = tuple[Any, ...]


def _plain(profile: Row | dict[str, Any]) -> dict[str, Any]:
    """The profile as the plain dict a wording gets without a memo."""
    return profile.plain() if isinstance(profile, Row) else dict(profile)


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
        columns = Columns(profiles)
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
        self, head: Head, reason: dict[str, Any], profile: Row | dict[str, Any]
    ) -> tuple[str, Notes]:
        """The sentence and what it observed (see the module docstring for the checks)."""
        offer_id, lang = head[0], head[1]
        self.calls += 1
        if head not in self._fallback:
            notes: Notes = {}
            viewed: Mapping[str, Any] = (
                profile.observed(notes)
                if isinstance(profile, Row)
                else MappingView(profile, ("profile",), notes)
            )
            try:
                text: str | None = self.wording(
                    MappingView(reason, ("reason",), notes), viewed, self.catalog, offer_id, lang
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
        tops = (TopLevel(reason, "reason", notes), TopLevel(whole, "profile", notes))
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

    def _texts_small(self, rows: pl.DataFrame, columns: Columns) -> pl.Series:
        """:meth:`texts` for a few rows: the same memo, keys read in Python from whole rows."""
        wanted = rows.get_column("_p").unique().to_list()
        dicts = dict(zip(wanted, columns.frame[wanted].rows(named=True), strict=True))
        texts: list[str] = []
        for offer_id, lang, code, ok, rule, evidence, p in rows.select(*COLUMNS, "_p").iter_rows():
            reason = {"code": code, "ok": ok, "rule": rule, "evidence": evidence}
            texts.append(self.text_of(offer_id, lang, reason, dicts[p]))
        return pl.Series("_text", texts, dtype=pl.String)

    def text_of(
        self, offer_id: Any, lang: Any, reason: dict[str, Any], profile: dict[str, Any]
    ) -> str:
        """The sentence of one reason (``code, ok, rule, evidence``) about one profile row (a
        plain dict): the memo's sentence when the values it observed are the same, else one
        call. The small batch's path, and the one-customer brief's."""
        head: Head = (offer_id, lang, reason["code"], reason["ok"])
        sources = {"reason": reason, "profile": profile}
        found = self._lookup(head, {o: walk(sources, o) for o in self._union.get(head, ())})
        if found is None:
            found, notes = self._call(head, reason, profile)
            seen = tuple(notes)
            self._union[head] = tuple(dict.fromkeys(self._union.get(head, ()) + seen))
            self._store(head, seen, tuple([walk(sources, o) for o in seen]), found)
        return found

    def _round(self, pending: pl.DataFrame, columns: Columns) -> pl.DataFrame:
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
            text, notes = self._call(head, reason, Row(columns, p))
            seen = tuple(notes)
            self._union[head] = seen
            sources = {"reason": reason, "profile": Row(columns, p)}
            self._store(head, seen, tuple([walk(sources, o) for o in seen]), text)
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
        self, rows: pl.DataFrame, columns: Columns, observed: tuple[Observation, ...]
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
                values = tuple([frozen(v) for v in values])
            table = exact.get(head)
            found = table.get(values) if table is not None else None
            if found is None:
                reason = {
                    "code": head[2],
                    "ok": head[3],
                    "rule": row[width],
                    "evidence": row[width + 1],
                }
                found = self._resolve(head, observed, values, reason, Row(columns, row[-1]))
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
        profile: Row,
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
