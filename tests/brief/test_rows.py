"""Property: one contact's brief on Python values (:mod:`goodcall.brief.rowbrief`, the facts;
:mod:`goodcall.brief.rowdoc`, the document) is exactly the batch's — the validated brief, and
its text, HTML and JSON — for generated customers (:mod:`tests.brief.varied`) pushed to the
edges the facts read: no title or a blank one, the other register, no preferred name or
language, lines none of which is primary (a per-line offer is then judged on every line), a
call about a line that is not the primary one (or not on the account), an internal
do-not-call flag, a missing time zone; contacts with and without a called line interleaved, so
the reason memo kept between briefs sees both kinds of profile. A contact the brief
refuses raises the batch's message; one whose "do not" list is judged line by line takes the
batch of one and says so (``row_brief`` gives None).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.brief.batch import facts_frame
from goodcall.brief.build import build_brief
from goodcall.brief.facts import BriefError
from goodcall.brief.inputs import Inputs
from goodcall.brief.render import FORMATS, render, render_frame
from goodcall.brief.rowbrief import row_brief
from goodcall.brief.schema import briefs_of
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from tests.brief.batches import rounds
from tests.brief.conftest import tables_from_rows
from tests.brief.varied import AT, populations


@st.composite
def _changed(draw: st.DrawFn, row: dict[str, Any]) -> dict[str, Any]:
    """One profile row with some of what the facts read changed."""
    out = dict(row)
    if draw(st.booleans()):
        out["title"] = draw(st.sampled_from([None, "", "  ", "dr", "Mme", "Prof."]))
    if draw(st.booleans()):
        out["register"] = draw(st.sampled_from(["formal", "informal"]))
        out["preferred_name"] = draw(st.sampled_from([None, "", out["first_name"], "Zed"]))
    if draw(st.booleans()):
        out["language"] = draw(st.sampled_from([None, "", out["lang"] + "-CA"]))
    if draw(st.booleans()) and out["lines"]:
        flag = draw(st.sampled_from([None, False]))
        out["lines"] = [dict(line, is_primary=flag) for line in out["lines"]]
    if draw(st.integers(0, 9)) == 0:
        out["internal_dnc"] = True
    if draw(st.integers(0, 9)) == 0:
        out["time_zone"] = draw(st.sampled_from([None, " ", "Nowhere/X"]))
    return out


def _line_for(row: dict[str, Any], engine_line: str | None, pick: int) -> str | None:
    """The line a contact is about: the engine's, another line of the account, or none."""
    ids = [line["line_id"] for line in row["lines"] or []]
    choices = [engine_line, None, "L-NOT-ON-ACCOUNT", *ids]
    return choices[pick % len(choices)]


def _same_as_batch(
    contacts: pl.DataFrame, profiles: pl.DataFrame, evaluated: pl.DataFrame, catalog: Catalog
) -> int:
    """Each contact's one-customer brief against the batch's; how many took the row path."""
    by_id = {p["customer_id"]: p for p in profiles.iter_rows(named=True)}
    try:
        frame = facts_frame(contacts, profiles, evaluated, catalog, AT)
    except BriefError as error:  # the batch names the first contact that fails
        row = int(str(error).split(":")[0].removeprefix("contact row "))
        cid, offer, channel, line = contacts.row(row)
        with pytest.raises(BriefError) as single:
            build_brief(
                by_id[cid], offer, channel, catalog, _rows(evaluated, cid), AT, line_id=line
            )
        assert f"contact row {row}: {single.value}" == str(error)
        return 0
    rendered = {fmt: render_frame(frame, fmt) for fmt in FORMATS}
    on_rows = 0
    for i, (expected, (cid, offer, channel, line)) in enumerate(
        zip(briefs_of(frame), contacts.iter_rows(), strict=True)
    ):
        rows = _rows(evaluated, cid)
        made = row_brief(by_id[cid], offer, channel, rows, Inputs(catalog, AT), line)
        on_rows += made is not None
        single = build_brief(by_id[cid], offer, channel, catalog, rows, AT, line_id=line)
        assert single.model_dump() == expected.model_dump()
        assert made in (None, expected)
        for fmt in FORMATS:
            assert render(single, fmt) == rendered[fmt][i], (cid, fmt)
    return on_rows


def _rows(evaluated: pl.DataFrame, cid: str) -> list[dict[str, Any]]:
    return evaluated.filter(pl.col("customer_id") == cid).to_dicts()


def _check(data: st.DataObject, population: dict[str, Any], catalog: Catalog, compiled: Any) -> int:
    profiles = build_profiles(tables_from_rows(population), AT).collect()
    rows = [data.draw(_changed(row)) for row in profiles.iter_rows(named=True)]
    profiles = pl.DataFrame(rows, schema=profiles.schema)
    evaluated = evaluate_offers(profiles.lazy(), compiled, AT).collect()
    engine_lines = evaluated.select("customer_id", "offer_id", "line_id").unique(
        ["customer_id", "offer_id"], keep="first", maintain_order=True
    )
    by_id = {p["customer_id"]: p for p in rows}
    on_rows = 0
    for contacts in rounds(evaluated, catalog):
        keyed = contacts.join(
            engine_lines, on=["customer_id", "offer_id"], how="left", maintain_order="left"
        )
        picks = data.draw(st.lists(st.integers(0, 6), min_size=keyed.height, max_size=keyed.height))
        lines = [
            _line_for(by_id[cid], line, pick)
            for (cid, _, _, line), pick in zip(keyed.iter_rows(), picks, strict=True)
        ]
        keyed = keyed.with_columns(pl.Series("line_id", lines, dtype=pl.String))
        on_rows += _same_as_batch(keyed, profiles, evaluated, catalog)
    return on_rows


def _property(examples: int) -> Any:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(population=populations(), data=st.data())
    def check(
        population: dict[str, Any],
        data: st.DataObject,
        catalog: Catalog,
        compiled: CompiledCatalog,
    ) -> None:
        _check(data, population, catalog, compiled)

    return check


test_one_brief_on_rows_is_the_batch_brief = _property(3)
test_one_brief_on_rows_is_the_batch_brief_slow = pytest.mark.slow(_property(25))


def test_the_row_path_is_taken(catalog: Catalog, compiled: CompiledCatalog) -> None:
    """Guard against the property passing on the batch of one alone: a fixed draw of varied
    customers is briefed on rows, and an account-level offer on a multi-line account is not."""
    from hypothesis import find

    population = find(populations(max_size=6), lambda p: len(p["customers"]) == 6)
    profiles = build_profiles(tables_from_rows(population), AT).collect()
    evaluated = evaluate_offers(profiles.lazy(), compiled, AT).collect()
    contacts = rounds(evaluated, catalog)[0].with_columns(pl.lit(None, pl.String).alias("line_id"))
    assert _same_as_batch(contacts, profiles, evaluated, catalog) >= 3
    kinds = {o.id: o.kind for o in catalog.offers}
    for cid, offer, channel, _ in contacts.iter_rows():
        profile = profiles.filter(pl.col("customer_id") == cid).row(0, named=True)
        made = row_brief(profile, offer, channel, _rows(evaluated, cid), Inputs(catalog, AT))
        by_line = len(profile["lines"]) >= 2 and kinds[offer] not in ("handset", "plan")
        assert (made is None) == by_line
