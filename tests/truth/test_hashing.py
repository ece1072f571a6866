"""Hidden traits come from a hash that must never change: pinned values, order independence."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from goodcall.hashing import id_hashes, normals, uniforms

IDS = pl.Series(["C-SEED-0001", "C-00000001", ""])


def test_pinned_hashes() -> None:
    """Changing these changes the truth of every stored carrier: do not, unless on purpose."""
    hashes = id_hashes(IDS, 7)
    assert [int(h) for h in hashes] == [
        7485231879632018613,
        5251885242496085442,
        13309476754707697221,
    ]
    assert uniforms(hashes, "self_direction#1").tolist() == pytest.approx(
        [0.1280678479523762, 0.11294268760400156, 0.3574275815078793], abs=1e-15
    )


def test_a_row_does_not_depend_on_its_neighbours() -> None:
    alone = id_hashes(pl.Series(["C-00000001"]), 7)
    sliced = id_hashes(IDS.slice(1, 1), 7)
    assert alone.tolist() == sliced.tolist() == [id_hashes(IDS, 7)[1]]


def test_seed_and_key_change_the_draws() -> None:
    ids = pl.Series([f"C-{i:08d}" for i in range(20_000)])
    a, b = id_hashes(ids, 1), id_hashes(ids, 2)
    assert (a != b).all()
    u = uniforms(a, "x")
    assert 0.49 < u.mean() < 0.51 and u.min() > 0 and u.max() < 1
    assert abs(np.corrcoef(u, uniforms(a, "y"))[0, 1]) < 0.03
    z = normals(a, "z")
    assert abs(z.mean()) < 0.03 and 0.97 < z.std() < 1.03


def test_null_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be null"):
        id_hashes(pl.Series(["C-1", None]), 1)
