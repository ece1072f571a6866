"""The same-volume baselines of ``goodcall evaluate synthetic``: as many contacts per channel as
the policy under test, one per customer, best-scored first."""

from __future__ import annotations

import polars as pl

from goodcall.evaluate.synthetic import same_volume_policy


def test_same_volume_policy_matches_the_channel_mix_one_contact_per_customer() -> None:
    scored = pl.DataFrame(
        {
            "customer_id": ["A", "A", "B", "B", "C", "C", "D"],
            "offer_id": ["O1", "O2", "O1", "O2", "O1", "O2", "O1"],
            "channel": ["phone", "sms", "phone", "sms", "sms", "email", "email"],
            "score": [0.9, 0.95, 0.5, 0.8, 0.7, 0.1, 0.6],
        }
    )
    picked = same_volume_policy(scored, {"phone": 1, "sms": 1, "email": 1}, "score")
    rows = {(r["customer_id"], r["channel"]) for r in picked.iter_rows(named=True)}
    # A is called (best phone score); B's SMS (0.8) beats C's (0.7) once A is taken; D's e-mail.
    assert rows == {("A", "phone"), ("B", "sms"), ("D", "email")}
    assert picked["customer_id"].n_unique() == picked.height
    assert same_volume_policy(scored, {}, "score").height == 0
