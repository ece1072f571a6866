"""The micro-batcher: concurrent callers answered by one call, each with its own answer.

Tried: eight callers at once (one batch), more callers than a batch holds (batches of at most
``size``), an error for one item (raised in its caller only), a batch function that fails
(every caller of the batch hears it), an interrupted batch (the batcher is free again), a
lone caller (answered after the window), bad settings.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from goodcall.api.batching import Batcher


def _callers(batcher: Batcher[int, int], items: Sequence[int]) -> dict[int, int | str]:
    """Each item submitted from its own thread, all released together."""
    start = threading.Barrier(len(items))
    answers: dict[int, int | str] = {}

    def call(item: int) -> None:
        start.wait()
        try:
            answers[item] = batcher.submit(item)
        except ValueError as err:
            answers[item] = str(err)

    threads = [threading.Thread(target=call, args=(i,)) for i in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_concurrent_callers_share_one_batch() -> None:
    seen: list[list[int]] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        seen.append(list(items))
        return [10 * i for i in items]

    batcher = Batcher(run, window=5.0, size=8)  # closes as soon as eight are waiting
    assert _callers(batcher, range(8)) == {i: 10 * i for i in range(8)}
    assert len(seen) == 1 and sorted(seen[0]) == list(range(8))
    assert (batcher.batches, batcher.items) == (1, 8)


def test_batches_hold_at_most_size_items() -> None:
    sizes: list[int] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        sizes.append(len(items))
        return [i + 1 for i in items]

    batcher = Batcher(run, window=0.05, size=3)
    assert _callers(batcher, range(20)) == {i: i + 1 for i in range(20)}
    assert max(sizes) <= 3 and sum(sizes) == 20


def test_an_error_is_raised_in_its_own_caller_only() -> None:
    def run(items: Sequence[int]) -> list[int | Exception]:
        return [ValueError(f"no {i}") if i % 3 == 0 else i for i in items]

    answers = _callers(Batcher(run, window=0.05, size=4), range(9))
    assert answers == {i: f"no {i}" if i % 3 == 0 else i for i in range(9)}


def test_a_failing_batch_fails_each_of_its_callers() -> None:
    def run(items: Sequence[int]) -> list[int | Exception]:
        raise ValueError("store down")

    answers = _callers(Batcher(run, window=0.05, size=4), range(6))
    assert answers == dict.fromkeys(range(6), "store down")


def test_a_wrong_number_of_answers_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="a batch of 1 got 0 answers"):
        Batcher(lambda items: [], window=0.0).submit(1)


def test_a_lone_caller_and_bad_settings() -> None:
    batcher = Batcher(lambda items: [i * 2 for i in items], window=0.001)
    assert [batcher.submit(i) for i in range(3)] == [0, 2, 4]
    assert batcher.batches == 3
    with pytest.raises(ValueError, match="window must be ≥ 0 and size ≥ 1"):
        Batcher(lambda items: list(items), window=-1)
    with pytest.raises(ValueError, match="window must be ≥ 0 and size ≥ 1"):
        Batcher(lambda items: list(items), size=0)


class _Stop(BaseException):
    """Not an Exception: what an interrupted leader would raise."""


def test_an_interrupted_batch_leaves_no_caller_waiting() -> None:
    calls: list[int] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        calls.append(len(items))
        if len(calls) == 1:
            raise _Stop
        return list(items)

    batcher = Batcher(run, window=0.0, size=4)
    with pytest.raises(_Stop):
        batcher.submit(1)
    assert batcher.submit(2) == 2  # the batcher is idle again, not held by a gone leader
