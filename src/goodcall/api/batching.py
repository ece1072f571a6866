"""Micro-batches: requests that arrive together are answered by one call.

The core's cost for a decision is almost all fixed per call (``docs/decisions.md``, "One
customer fast"): deciding 50 customers in one call costs a few times deciding one. A worker's
concurrent ``POST /v1/decisions`` are therefore gathered and decided together.

The batcher lives on the worker's event loop: a request waits for its answer as a future, not
in a thread of its own (a thread per waiting request cost a hop between threads each, and the
thread pool's 40 threads capped how many requests could wait for one batch). The first request
to find the batcher idle starts a *drive* (a task of the loop, so that no request's answer
waits for the batches after its own): wait up to ``window`` seconds (or until ``size``
requests are waiting), take the waiting requests, run the batch function on them in a worker
thread (the core must not hold the event loop) and hand each its answer. Requests arriving
meanwhile wait; when the batch is done the next one gathers the same way: waiting the window
again lets the clients just answered come back and join it, where starting at once would split
a steady load into two halves decided in turn, each paying the core's fixed cost (measured in
``docs/decisions.md``). One batch runs at a time per batcher, so under load batches grow by
themselves, and a request pays at most ``window`` more than it would alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

In = TypeVar("In")
Out = TypeVar("Out")


class Batcher(Generic[In, Out]):
    """Answers ``await submit(item)`` with ``run(items)[k]``, ``items`` gathered from concurrent
    callers on one event loop (see the module docstring). ``run`` returns one answer or
    exception per item."""

    def __init__(
        self,
        run: Callable[[Sequence[In]], Sequence[Out | BaseException]],
        *,
        window: float = 0.002,
        size: int = 64,
    ) -> None:
        if window < 0 or size < 1:
            raise ValueError(f"window must be ≥ 0 and size ≥ 1, got {window} and {size}")
        self._run, self.window, self.size = run, window, size
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._full: asyncio.Event | None = None  # set when ``size`` requests are waiting
        self._drive: asyncio.Task[None] | None = None  # the task running batches, if any
        self.batches = 0  # how many batches were run, and how many items in all (metrics)
        self.items = 0

    async def submit(self, item: In) -> Out:
        """``item``'s answer (its exception raised), decided with whatever arrived with it."""
        loop = asyncio.get_running_loop()
        if self._drive is not None and self._drive.get_loop() is not loop:
            self._forget_loop(loop)
        answer: asyncio.Future[Out] = loop.create_future()
        self._waiting.append((item, answer))
        if len(self._waiting) >= self.size and self._full is not None:
            self._full.set()
        if self._drive is None:
            self._drive = asyncio.ensure_future(self._batches())
            self._drive.add_done_callback(self._driven)
        return await answer

    def _forget_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """A drive of another event loop, which stopped before its end (a test client's loop
        closed): its requests are gone with it, the batcher starts afresh on this loop."""
        self._drive, self._full = None, None
        self._waiting = [w for w in self._waiting if w[1].get_loop() is loop]

    async def _batches(self) -> None:
        """Gather and run batches until no request is waiting."""
        while self._waiting:
            await self._gather()
            batch, self._waiting = self._waiting[: self.size], self._waiting[self.size :]
            try:
                await self._answer(batch)
            finally:
                self.batches += 1
                self.items += len(batch)

    def _driven(self, drive: asyncio.Task[None]) -> None:
        """The drive is over (all answered, or interrupted): the batcher is idle, or a new drive
        takes the requests still waiting."""
        self._drive = None
        if not drive.cancelled():
            drive.exception()  # retrieved: each request of its batch has heard it already
        if self._waiting:
            self._drive = asyncio.ensure_future(self._batches())
            self._drive.add_done_callback(self._driven)

    async def _gather(self) -> None:
        """Wait up to the window for more requests (not beyond ``size`` of them)."""
        if self.window <= 0 or len(self._waiting) >= self.size:
            return
        self._full = asyncio.Event()
        try:
            await asyncio.wait_for(self._full.wait(), self.window)
        except TimeoutError:
            pass
        finally:
            self._full = None

    async def _answer(self, batch: list[tuple[In, asyncio.Future[Out]]]) -> None:
        try:
            try:
                answers = list(await run_in_threadpool(self._run, [item for item, _ in batch]))
                if len(answers) != len(batch):
                    raise RuntimeError(f"a batch of {len(batch)} got {len(answers)} answers")
            except Exception as err:  # every request of the batch hears why
                answers = [err] * len(batch)
            for (_, future), answer in zip(batch, answers, strict=True):
                if future.done():  # its request went away
                    continue
                if isinstance(answer, BaseException):
                    future.set_exception(answer)
                else:
                    future.set_result(answer)
        finally:  # even when interrupted: no request waits for an answer that will not come
            for _, future in batch:
                if not future.done():
                    future.set_exception(RuntimeError("the batch was interrupted"))
