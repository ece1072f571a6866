"""The batch funnel reads the policy engine's fast matrix path; its reasons say exactly what the
reasons path says failed — one reason per failing check, naming the channels it blocked."""

from __future__ import annotations

import polars as pl

from goodcall.decide.candidates import channel_view, policy_reasons
from goodcall.policy.engine import evaluate_channels
from goodcall.policy.resolve import compile_policies
from tests.decide.world import AT, World

c = pl.col
CHANNELS = ("phone", "sms", "email")


def test_matrix_reasons_match_the_reasons_path(world: World) -> None:
    profiles = world.profiles.lazy()
    compiled = compile_policies(world.policies)
    matrix = channel_view(profiles, compiled, AT, CHANNELS)
    full = evaluate_channels(profiles, compiled, AT).filter(c("channel").is_in(CHANNELS)).collect()
    joined = matrix.join(full, on=["customer_id", "channel"])
    assert joined.height == world.profiles.height * len(CHANNELS)
    assert (joined["contactable"] == joined["contactable_right"]).all()
    assert joined["next_window_start"].equals(joined["next_window_start_right"])
    expected = (
        full.explode("reasons")
        .unnest("reasons")
        .filter(~c("ok"))
        .group_by("customer_id", "code", "rule")
        .agg(c("channel").unique().sort().alias("channels"))
    )
    decoded = (
        policy_reasons(matrix, compiled)
        .explode("policy_reasons")
        .unnest("policy_reasons")
        .select(
            "customer_id",
            "code",
            "rule",
            c("evidence")
            .str.strip_prefix("channels=")
            .str.split("|")
            .list.sort()
            .alias("channels"),
        )
    )
    keys = ["customer_id", "code", "rule"]
    assert decoded.sort(keys).rows() == expected.select(decoded.columns).sort(keys).rows()
    assert decoded.height > world.profiles.height  # most customers are blocked somewhere


def test_fewer_channels_give_the_same_rows(world: World) -> None:
    """The matrix path for some channels is the full one filtered to them, row for row, and
    the same whatever order the channels are asked in; none asked is no row."""
    from goodcall.policy.engine import evaluate_channels_matrix

    profiles = world.profiles.head(300).lazy()
    compiled = compile_policies(world.policies)
    full = evaluate_channels_matrix(profiles, compiled, AT).collect()
    for some in (("phone",), ("email", "sms"), ("app", "phone", "sms")):
        part = evaluate_channels_matrix(profiles, compiled, AT, channels=some).collect()
        assert part.equals(full.filter(c("channel").is_in(some))), some
    assert channel_view(profiles, compiled, AT, ()).height == 0
