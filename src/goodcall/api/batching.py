"""Micro-batches: requests that arrive together are answered by one call.

The core's cost for a decision is almost all fixed per call (``docs/decisions.md``, "One
customer fast"): deciding 50 customers in one call costs a few times deciding one. A worker's
concurrent ``POST /v1/decisions`` are therefore gathered and decided together.

No thread of its own: the first request to find the batcher idle *leads* — it waits up to
``window`` seconds (or until ``size`` requests are waiting), takes the waiting requests, runs the
batch function on them and hands each its answer. Requests arriving meanwhile wait; when the
batch is done the oldest of them leads the next batch at once (they have waited already). One
batch runs at a time per batcher, so under load batches grow by themselves, and a lone request
pays at most ``window`` more than it would alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class _Slot(Generic[In, Out]):
    item: In
    ready: threading.Event = field(default_factory=threading.Event)
    answer: Out | BaseException | None = None
    answered: bool = False
    lead: bool = False  # woken to lead the next batch, not with an answer


class Batcher(Generic[In, Out]):
    """Answers ``submit(item)`` with ``run(items)[k]``, ``items`` gathered from concurrent
    callers (see the module docstring). ``run`` returns one answer or exception per item."""

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
        self._lock = threading.Condition()
        self._waiting: list[_Slot[In, Out]] = []
        self._leading = False
        self.batches = 0  # how many batches were run, and how many items in all (metrics)
        self.items = 0

    def submit(self, item: In) -> Out:
        """``item``'s answer (its exception raised), decided with whatever arrived with it."""
        slot: _Slot[In, Out] = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            lead = not self._leading
            self._leading = True
            self._lock.notify_all()
        if lead:
            self._gather()
            self._lead()
        while not slot.answered:
            slot.ready.wait()
            slot.ready.clear()
            if slot.lead and not slot.answered:
                slot.lead = False
                self._lead()
        if isinstance(slot.answer, BaseException):
            raise slot.answer
        return slot.answer  # type: ignore[return-value]

    def _gather(self) -> None:
        """Wait up to the window for more requests (not beyond ``size`` of them)."""
        deadline = time.monotonic() + self.window
        with self._lock:
            while len(self._waiting) < self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)

    def _lead(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting[: self.size], self._waiting[self.size :]
        try:
            try:
                answers = list(self._run([s.item for s in batch]))
                if len(answers) != len(batch):
                    raise RuntimeError(f"a batch of {len(batch)} got {len(answers)} answers")
            except Exception as err:  # every request of the batch hears why
                answers = [err] * len(batch)
            for slot, answer in zip(batch, answers, strict=True):
                slot.answer, slot.answered = answer, True
                slot.ready.set()
        finally:  # even when interrupted: no request waits for a leader that is gone
            for slot in batch:
                if not slot.answered:
                    slot.answer = RuntimeError("the batch was interrupted")
                    slot.answered = True
                    slot.ready.set()
            self._hand_over(len(batch))

    def _hand_over(self, decided: int) -> None:
        """The oldest waiting request leads the next batch; none: the batcher is idle."""
        with self._lock:
            self.batches += 1
            self.items += decided
            if self._waiting:
                nxt = self._waiting[0]
                nxt.lead = True
                nxt.ready.set()
            else:
                self._leading = False
