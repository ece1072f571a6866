"""The micro-batcher: concurrent callers answered by one call, each with its own answer.

Tried: eight callers at once (one batch), more callers than a batch holds (batches of at most
``size``), an error for one item (raised in its caller only), a batch function that fails
(every caller of the batch hears it), an interrupted batch (the batcher is free again), a
caller that goes away (the others are answered), a lone caller (answered after the window),
more callers than the thread pool has threads (still one batch), bad settings.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from goodcall.api.batching import Batcher


async def _submit(batcher: Batcher[int, int], item: int) -> int | str:
    try:
        return await batcher.submit(item)
    except (ValueError, RuntimeError) as err:
        return str(err)


def _callers(batcher: Batcher[int, int], items: Sequence[int]) -> dict[int, int | str]:
    """Every item submitted at once, on one event loop (a batcher that never answers fails the
    test after 30 s)."""

    async def all_of() -> list[int | str]:
        return await asyncio.wait_for(asyncio.gather(*(_submit(batcher, i) for i in items)), 30)

    return dict(zip(items, asyncio.run(all_of()), strict=True))


def test_concurrent_callers_share_one_batch() -> None:
    seen: list[list[int]] = []
    threads: set[str] = set()

    def run(items: Sequence[int]) -> list[int | Exception]:
        seen.append(list(items))
        threads.add(threading.current_thread().name)
        return [10 * i for i in items]

    batcher = Batcher(run, window=5.0, size=8)  # closes as soon as eight are waiting
    assert _callers(batcher, range(8)) == {i: 10 * i for i in range(8)}
    assert len(seen) == 1 and sorted(seen[0]) == list(range(8))
    assert (batcher.batches, batcher.items) == (1, 8)
    assert threading.main_thread().name not in threads  # the core never holds the event loop


def test_more_callers_than_the_thread_pool_has_threads_make_one_batch() -> None:
    sizes: list[int] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        sizes.append(len(items))
        return list(items)

    batcher = Batcher(run, window=5.0, size=100)
    assert _callers(batcher, range(100)) == {i: i for i in range(100)}
    assert sizes == [100]


def test_batches_hold_at_most_size_items() -> None:
    sizes: list[int] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        sizes.append(len(items))
        return [i + 1 for i in items]

    batcher = Batcher(run, window=0.05, size=3)
    assert _callers(batcher, range(20)) == {i: i + 1 for i in range(20)}
    assert max(sizes) == 3 and sum(sizes) == 20


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
    answers = _callers(Batcher(lambda items: [], window=0.0), [1])
    assert answers == {1: "a batch of 1 got 0 answers"}


def test_a_lone_caller_and_bad_settings() -> None:
    batcher: Batcher[int, int] = Batcher(lambda items: [i * 2 for i in items], window=0.001)

    async def one_by_one() -> list[int]:
        return [await batcher.submit(i) for i in range(3)]

    assert asyncio.run(one_by_one()) == [0, 2, 4]
    assert batcher.batches == 3
    with pytest.raises(ValueError, match="window must be ≥ 0 and size ≥ 1"):
        Batcher(lambda items: list(items), window=-1)
    with pytest.raises(ValueError, match="window must be ≥ 0 and size ≥ 1"):
        Batcher(lambda items: list(items), size=0)


class _Stop(BaseException):
    """Not an Exception: what an interrupted batch would raise."""


def test_an_interrupted_batch_leaves_no_caller_waiting() -> None:
    calls: list[int] = []

    def run(items: Sequence[int]) -> list[int | Exception]:
        calls.append(len(items))
        if len(calls) == 1:
            raise _Stop
        return list(items)

    batcher = Batcher(run, window=0.0, size=4)
    assert _callers(batcher, [1]) == {1: "the batch was interrupted"}
    assert _callers(batcher, [2]) == {2: 2}  # the batcher is idle again, not held by a gone drive


def test_a_caller_that_goes_away_leaves_the_others_answered() -> None:
    release = threading.Event()

    def run(items: Sequence[int]) -> list[int | Exception]:
        release.wait(timeout=10)
        return [i * 3 for i in items]

    batcher = Batcher(run, window=0.0, size=8)

    async def one_leaves() -> list[int | str]:
        first = asyncio.ensure_future(_submit(batcher, 1))  # starts the drive, then leaves
        others = [asyncio.ensure_future(_submit(batcher, i)) for i in (2, 3)]
        await asyncio.sleep(0.05)
        first.cancel()
        release.set()
        answers = await asyncio.gather(*others)
        return [*answers, await _submit(batcher, 4)]

    assert asyncio.run(one_leaves()) == [6, 9, 12]


def test_a_drive_left_on_a_closed_loop_does_not_hold_the_next_loop() -> None:
    release = threading.Event()

    def run(items: Sequence[int]) -> list[int | Exception]:
        release.wait(timeout=0.2)
        return list(items)

    batcher = Batcher(run, window=0.0, size=8)
    loop = asyncio.new_event_loop()
    try:  # a request whose loop stops before its batch is answered
        loop.run_until_complete(asyncio.wait([loop.create_task(batcher.submit(1))], timeout=0.01))
    finally:
        loop.close()
    release.set()
    assert _callers(batcher, [2, 3]) == {2: 2, 3: 3}


def test_the_next_batch_waits_for_the_callers_just_answered() -> None:
    """Callers that arrive while a batch runs do not start the next batch alone: it waits the
    window, and the first batch's callers, back at once, join it."""
    sizes: list[list[int]] = []
    first_running = threading.Event()
    release = threading.Event()

    def run(items: Sequence[int]) -> list[int | Exception]:
        sizes.append(sorted(items))
        if len(sizes) == 1:
            first_running.set()
            release.wait(timeout=10)
        return list(items)

    batcher = Batcher(run, window=5.0, size=4)

    async def back_to_back(item: int) -> int:
        await batcher.submit(item)
        return await batcher.submit(item + 10)  # the client's next request

    async def load() -> list[int]:
        clients = [asyncio.ensure_future(back_to_back(i)) for i in (0, 1)]
        once = [asyncio.ensure_future(batcher.submit(i)) for i in (2, 3)]  # a full first batch
        while not first_running.is_set():
            await asyncio.sleep(0.001)
        waiting = [asyncio.ensure_future(batcher.submit(i)) for i in (4, 5)]
        await asyncio.sleep(0.01)
        release.set()
        return await asyncio.wait_for(asyncio.gather(*clients, *once, *waiting), 30)

    assert asyncio.run(load()) == [10, 11, 2, 3, 4, 5]
    assert sizes == [[0, 1, 2, 3], [4, 5, 10, 11]]
