"""The exploration draws hash each key's common part once: the same numbers as hashing every key."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from goodcall.hashing import fnv1a64, fnv1a64_extend
from goodcall.models.explore import beta_draw, thompson_draws

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(st.lists(TEXT, min_size=1, max_size=20), TEXT, TEXT)
def test_a_prefix_hashed_once_gives_the_whole_keys_hash(
    keys: list[str], middle: str, suffix: str
) -> None:
    prefixes = pl.Series(keys, dtype=pl.String)
    middles = pl.Series([middle + k for k in keys], dtype=pl.String)
    whole = pl.Series([k + middle + k + suffix for k in keys], dtype=pl.String)
    continued = fnv1a64_extend(fnv1a64(middles, start=fnv1a64(prefixes)), suffix)
    assert continued.tolist() == fnv1a64(whole).tolist()


def test_thompson_draws_are_those_of_the_whole_keys() -> None:
    """Pinned to the formula before the common part was shared: ``campaign:customer:offer:
    channel:t`` (and ``:c``, ``:a``), each hashed whole."""
    n = 500
    rng = np.random.default_rng(3)
    frame = pl.DataFrame(
        {
            "customer_id": [f"C{i:06d}é" for i in range(n)],
            "offer_id": [f"OFFER_{i % 7}" for i in range(n)],
            "channel": [("phone", "sms", "email")[i % 3] for i in range(n)],
            **{name: rng.uniform(0.5, 30.0, n) for name in ("alpha_t", "beta_t", "alpha_c")},
            **{name: rng.uniform(0.5, 30.0, n) for name in ("beta_c", "alpha_a", "beta_a")},
        }
    )
    uplift, annoy = thompson_draws(frame, "CAMP-1")

    def whole(letter: str) -> pl.Series:
        keys = frame.select(
            pl.concat_str(
                pl.lit("CAMP-1"), "customer_id", "offer_id", "channel", pl.lit(letter),
                separator=":",
            )
        )  # fmt: skip
        return keys.to_series()

    def draw(letter: str, alpha: str, beta: str) -> np.ndarray:
        return beta_draw(whole(letter), frame[alpha].to_numpy(), frame[beta].to_numpy())

    assert np.array_equal(uplift, draw("t", "alpha_t", "beta_t") - draw("c", "alpha_c", "beta_c"))
    assert np.array_equal(annoy, draw("a", "alpha_a", "beta_a"))
