"""A discrete-event simulation (SimPy) of an outbound call centre working a call list.

Agents come and go with their shifts; the dialler places calls from the list when they are
open in one of three modes; a call is dialled at a moment ``earliest ≤ t < latest``, never
outside (a preview agent takes a call only if it can read the brief and dial before ``latest``):

* **preview**: a free agent takes the next call in one of their languages, reads the brief
  (``Settings.preview_seconds``), then dials and waits through the rings. The agent is on the
  line before the customer's hello: no call can be abandoned.
* **progressive** and **predictive**: the dialler keeps the number of lines in flight that the
  pacer asks for (:class:`goodcall.timing.pacing.Pacer`): a pacer at one line per free agent is
  progressive dialling; more is predictive. A person's hello goes to a free agent speaking the
  call's language; when none is free the customer hears silence, and the call is abandoned if
  no agent comes within ``abandon_seconds`` (the dialler then plays its message and hangs up,
  or with ``drop_at_limit=False`` the customer waits until their patience runs out).

Each call's draws (who answers, ring time, patience, handle time) come from its own random
stream, seeded by the day's seed and the call's position in the list: two pacers run on the
same seed meet the same customers with the same answers (common random numbers), so their
difference is the pacing's, not luck's.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import simpy

from goodcall.timing.calls import (
    Agent,
    AnswerModel,
    CallRecord,
    CallToDial,
    Conversation,
    DayResult,
    Retry,
    Settings,
)
from goodcall.timing.pacing import Pacer, PoolState, ProgressivePacer


@dataclass(eq=False)
class _AgentState:
    agent: Agent
    on_shift: bool = False
    free: bool = False
    serving: str | None = None
    """The language of the call the agent is on (None: free)."""
    busy_seconds: float = 0.0
    left_at: float | None = None


@dataclass(eq=False)
class _Waiting:
    record: CallRecord
    call: CallToDial
    rng: random.Random
    granted: simpy.Event


class _Centre:
    def __init__(
        self,
        env: simpy.Environment,
        agents: Sequence[Agent],
        calls: Sequence[CallToDial],
        answers: AnswerModel,
        talk: Conversation,
        settings: Settings,
        pacer: Pacer,
        seed: int,
        retry: Retry | None = None,
    ) -> None:
        self.env, self.answers, self.talk, self.settings, self.pacer = (
            env,
            answers,
            talk,
            settings,
            pacer,
        )
        self.seed, self.retry, self.retries = seed, retry, 0
        self.missed_calls: list[tuple[CallToDial, CallRecord]] = []
        self.lead = settings.preview_seconds if settings.mode == "preview" else 0.0
        """How long after a call is taken it is dialled: it must be taken that long before
        its ``latest``."""
        self.agents = [_AgentState(a) for a in agents]
        self.queues: dict[str, list[tuple[float, int, int]]] = {}
        for i, call in enumerate(calls):
            self.queues.setdefault(call.language, []).append((call.earliest, call.attempt, i))
        for queue in self.queues.values():
            heapq.heapify(queue)
        self.calls = list(calls)
        self.removed: set[str] = set()
        self.in_flight: set[str] = set()
        self.ringing: dict[str, int] = {}
        self.waiting: list[_Waiting] = []
        self.records: list[CallRecord] = []
        self.undialled: dict[str, int] = {}
        self.poke = env.event()
        self.levels: list[float] = []

    # The call list ------------------------------------------------------------------------

    def _head(self, language: str) -> tuple[float, int, int] | None:
        """The first open call in ``language``, left in its queue (expired or removed calls are
        dropped on the way; a customer already on the line waits for the next look)."""
        queue, now, aside, found = self.queues.get(language, []), self.env.now, [], None
        while queue and queue[0][0] <= now:
            item = queue[0]
            call = self.calls[item[2]]
            if call.customer_id in self.removed:
                self.undialled["removed"] = self.undialled.get("removed", 0) + 1
            elif call.latest <= now + self.lead:
                self.undialled["expired"] = self.undialled.get("expired", 0) + 1
            elif call.customer_id in self.in_flight:
                aside.append(item)
            else:
                found = item
                break
            heapq.heappop(queue)
        for item in aside:
            heapq.heappush(queue, item)
        return found

    def next_call(self, languages: frozenset[str]) -> tuple[int, CallToDial] | None:
        """The first open call of the list in one of ``languages``, taken off the list."""
        heads = [(h, lang) for lang in sorted(languages) if (h := self._head(lang)) is not None]
        if not heads:
            return None
        item, language = min(heads)
        heapq.heappop(self.queues[language])
        return item[2], self.calls[item[2]]

    def remove_customer(self, customer_id: str) -> None:
        self.removed.add(customer_id)

    def missed(self, call: CallToDial, record: CallRecord) -> None:
        """Nobody or a machine answered: the call waits for the next retry planning."""
        if self.retry is not None:
            self.missed_calls.append((call, record))

    def plan_retries(self, retry: Retry) -> simpy.events.ProcessGenerator:
        """Every ``retry_seconds``, the rule's attempts for the calls missed since the last look
        (customers removed meanwhile are left out) go on the list, each drawing from its own
        stream after every listed call's."""
        while self.env.now < self.settings.day_seconds:
            yield self.env.timeout(self.settings.retry_seconds)
            missed = [m for m in self.missed_calls if m[0].customer_id not in self.removed]
            self.missed_calls = []
            for later in retry(missed, self.env.now) if missed else []:
                self.calls.append(later)
                self.retries += 1
                heapq.heappush(
                    self.queues.setdefault(later.language, []),
                    (later.earliest, later.attempt, len(self.calls) - 1),
                )

    # Agents ----------------------------------------------------------------------------------

    def shift(self, state: _AgentState) -> simpy.events.ProcessGenerator:
        closing = min(state.agent.end, self.settings.day_seconds)
        if state.agent.start >= closing:  # a shift outside the simulated day
            return
        yield self.env.timeout(max(0.0, state.agent.start))
        state.on_shift = True
        self.agent_free(state)
        yield self.env.timeout(max(0.0, closing - self.env.now))
        state.on_shift = False
        if state.free:
            state.free = False
            state.left_at = self.env.now

    def agent_free(self, state: _AgentState) -> None:
        """An agent became free: take a customer waiting in silence, else wait for the dialler."""
        if not state.on_shift:
            state.left_at = self.env.now
            return
        for index, waiting in enumerate(self.waiting):
            if waiting.call.language in state.agent.languages:
                del self.waiting[index]
                state.free = False
                waiting.granted.succeed(state)
                return
        state.free = True
        if self.settings.mode == "preview":
            self.env.process(self.preview(state))
        else:
            self.wake()

    def wake(self) -> None:
        if not self.poke.triggered:
            self.poke.succeed()

    def converse(
        self, state: _AgentState, record: CallRecord, call: CallToDial, rng: random.Random
    ) -> simpy.events.ProcessGenerator:
        talk = self.talk(call, self.env.now, record.right_party, rng)
        record.handle_seconds = talk.handle_seconds + self.settings.wrap_seconds
        record.result, record.do_not_call = talk.result, talk.do_not_call
        record.outcome = "talked" if record.right_party else "wrong_party"
        if talk.do_not_call or (record.right_party and self.settings.stop_after_contact):
            self.remove_customer(call.customer_id)
        self.pacer.handled(self.env.now, record.handle_seconds)
        state.busy_seconds += record.handle_seconds
        state.serving = call.language
        yield self.env.timeout(record.handle_seconds)
        state.serving = None
        self.in_flight.discard(call.customer_id)
        self.agent_free(state)

    # Lines -----------------------------------------------------------------------------------

    def _rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def ring(
        self, record: CallRecord, call: CallToDial, rng: random.Random
    ) -> simpy.events.ProcessGenerator:
        """The line from dialling to a hello, a machine or no answer; True if a person answered."""
        chances = self.answers(call, self.env.now)
        draw, ring = rng.random(), rng.uniform(*self.settings.ring_seconds)
        rng_right = rng.random()
        if draw < chances.live:
            yield self.env.timeout(ring)
            record.answered_at = self.env.now
            record.right_party = rng_right < chances.right_party
            return True
        if draw < chances.live + chances.machine:
            yield self.env.timeout(ring + self.settings.machine_detect_seconds)
            record.machine, record.outcome = True, "machine"
        else:
            yield self.env.timeout(self.settings.no_answer_seconds)
        return False

    def preview(self, state: _AgentState) -> simpy.events.ProcessGenerator:
        found = self.next_call(state.agent.languages)
        if found is None:  # nothing to call now: look again at the next tick
            yield self.env.timeout(self.settings.tick_seconds)
            if state.free and state.on_shift:
                state.free = False
                self.agent_free(state)
            return
        index, call = found
        state.free = False
        self.in_flight.add(call.customer_id)
        rng = self._rng(index)
        yield self.env.timeout(self.settings.preview_seconds)
        record = CallRecord(call.customer_id, call.attempt, call.language, self.env.now)
        record.agent_id = state.agent.agent_id
        self.records.append(record)
        answered = yield from self.ring(record, call, rng)
        if answered:
            record.silence = 0.0
            yield from self.converse(state, record, call, rng)
            return
        self.in_flight.discard(call.customer_id)
        self.missed(call, record)
        self.agent_free(state)

    def line(self, index: int, call: CallToDial) -> simpy.events.ProcessGenerator:
        rng = self._rng(index)
        record = CallRecord(call.customer_id, call.attempt, call.language, self.env.now)
        self.records.append(record)
        answered = yield from self.ring(record, call, rng)
        self.ringing[call.language] -= 1
        self.pacer.resolved(self.env.now, answered, self.env.now - record.dialled_at)
        if not answered:
            self.in_flight.discard(call.customer_id)
            self.missed(call, record)
            self.wake()
            return
        patience = rng.expovariate(1.0 / self.settings.patience_seconds)
        state = self._free_agent(call.language)
        if state is None:
            yield from self._wait(record, call, rng, patience)
            return
        state.free = False
        record.silence = self.settings.connect_seconds
        self._connected(state, record, call, rng)

    def _connected(
        self, state: _AgentState, record: CallRecord, call: CallToDial, rng: random.Random
    ) -> None:
        record.agent_id = state.agent.agent_id
        self.pacer.connected(self.env.now, record.silence or 0.0)
        self.env.process(self.converse(state, record, call, rng))

    def _wait(
        self, record: CallRecord, call: CallToDial, rng: random.Random, patience: float
    ) -> simpy.events.ProcessGenerator:
        waiting = _Waiting(record, call, rng, self.env.event())
        self.waiting.append(waiting)
        # The agent's voice comes ``connect_seconds`` after the agent is given the call.
        limit = self.settings.abandon_seconds - self.settings.connect_seconds
        if not self.settings.drop_at_limit:
            limit = math.inf
        gives_up = self.env.timeout(min(patience, limit))
        yield waiting.granted | gives_up
        if waiting.granted.triggered:
            state = cast(_AgentState, waiting.granted.value)
            record.silence = (
                self.env.now - (record.answered_at or 0.0) + self.settings.connect_seconds
            )
            record.abandoned = record.silence > self.settings.abandon_seconds
            self._connected(state, record, call, rng)
            return
        self.waiting.remove(waiting)
        # Silence until the customer hung up, or until the dialler's message at the limit.
        hung_up = patience < limit
        record.silence = patience if hung_up else self.settings.abandon_seconds
        record.abandoned, record.outcome = True, "abandoned"
        self.in_flight.discard(call.customer_id)
        self.pacer.abandoned(self.env.now)

    def _free_agent(self, language: str) -> _AgentState | None:
        """A free agent speaking ``language``, the one with the fewest languages first (so the
        bilingual stay free for the calls only they can take)."""
        best: _AgentState | None = None
        for state in self.agents:
            if (
                state.free
                and state.on_shift
                and language in state.agent.languages
                and (best is None or len(state.agent.languages) < len(best.agent.languages))
            ):
                best = state
        return best

    # The dialler -----------------------------------------------------------------------------

    def _staying(self, state: _AgentState) -> bool:
        """On shift long enough to take a line dialled now (the dialler stops dialling for an
        agent a no-answer's time before their shift ends, so no hello finds them gone)."""
        closing = min(state.agent.end, self.settings.day_seconds)
        return state.on_shift and closing - self.env.now > self.settings.no_answer_seconds

    def pools(self) -> dict[str, PoolState]:
        """The dialler's view per language pool. Each agent counts in one pool: a busy agent in
        the language of their call, a free one in their only language or, speaking several,
        first where lines already ring for more agents than that pool counts, then in the one
        with an open call and the fewest free agents (so no two pools dial for the same agent,
        and no pool dials for an agent who cannot take its calls)."""
        free: dict[str, int] = {lang: 0 for lang in self.queues}
        busy: dict[str, int] = {lang: 0 for lang in self.queues}
        open_now = {lang for lang in self.queues if self._head(lang) is not None}
        flexible: list[_AgentState] = []
        for s in self.agents:
            if not self._staying(s):
                continue
            if not s.free:
                if s.serving is not None:
                    busy[s.serving] = busy.get(s.serving, 0) + 1
            elif len(s.agent.languages) == 1:
                (language,) = s.agent.languages
                free[language] = free.get(language, 0) + 1
            else:
                flexible.append(s)
        waiting: dict[str, int] = {}
        for w in self.waiting:
            waiting[w.call.language] = waiting.get(w.call.language, 0) + 1

        def need(language: str) -> int:
            """Calls ringing or waiting in ``language`` beyond its free agents so far."""
            committed = self.ringing.get(language, 0) + waiting.get(language, 0)
            return committed - free.get(language, 0)

        for s in flexible:
            # First where lines already ring for more agents than are counted there (so a line
            # dialled for this agent keeps its agent), then where calls wait and agents are few.
            choices = sorted(s.agent.languages & open_now) or sorted(s.agent.languages)
            language = min(
                sorted(s.agent.languages),
                key=lambda lang: (-max(0, need(lang)), lang not in choices, free.get(lang, 0)),
            )
            free[language] = free.get(language, 0) + 1
        return {
            lang: PoolState(
                self.env.now,
                free.get(lang, 0),
                busy.get(lang, 0),
                self.ringing.get(lang, 0),
                waiting.get(lang, 0),
            )
            for lang in sorted(set(free) | set(busy))
        }

    def dialler(self) -> simpy.events.ProcessGenerator:
        while self.env.now < self.settings.day_seconds:
            for language, state in self.pools().items():
                if not (state.free or state.busy):
                    continue
                wanted = self.pacer.lines(state)
                if state.free:
                    self.levels.append(max(wanted, state.ringing) / state.free)
                for _ in range(wanted - state.ringing):
                    if not self._dial_one(language):
                        break
            self.poke = self.env.event()
            yield self.poke | self.env.timeout(self.settings.tick_seconds)

    def _dial_one(self, language: str) -> bool:
        found = self.next_call(frozenset({language}))
        if found is None:
            return False
        index, call = found
        self.in_flight.add(call.customer_id)
        self.ringing[call.language] = self.ringing.get(call.language, 0) + 1
        self.pacer.dialled(self.env.now)
        self.env.process(self.line(index, call))
        return True


def simulate_day(
    agents: Sequence[Agent],
    calls: Sequence[CallToDial],
    answers: AnswerModel,
    talk: Conversation,
    settings: Settings | None = None,
    pacer: Pacer | None = None,
    seed: int = 0,
    retry: Retry | None = None,
) -> DayResult:
    """Run one day: every call dialled (or why not), the agents' logged-in and busy time.

    ``pacer`` sets the lines in flight in progressive and predictive modes (progressive: one
    line per free agent whatever the pacer); preview ignores it. ``retry`` may put later
    attempts on the list for the calls nobody (or a machine) answered, every
    ``settings.retry_seconds``."""
    settings = settings or Settings()
    if settings.mode == "progressive" or pacer is None:
        pacer = ProgressivePacer()
    env = simpy.Environment()
    centre = _Centre(env, agents, calls, answers, talk, settings, pacer, seed, retry)
    for state in centre.agents:
        env.process(centre.shift(state))
    if settings.mode != "preview":
        env.process(centre.dialler())
    if retry is not None:
        env.process(centre.plan_retries(retry))
    env.run()
    removed = centre.removed
    left = sum(
        1
        for queue in centre.queues.values()
        for item in queue
        if centre.calls[item[2]].customer_id not in removed
    )
    if left:
        centre.undialled["end_of_day"] = left
    logged = 0.0
    for state in centre.agents:
        start = max(0.0, state.agent.start)
        end = max(min(state.agent.end, settings.day_seconds), state.left_at or 0.0)
        logged += max(0.0, end - start)
    busy = sum(s.busy_seconds for s in centre.agents)
    level = sum(centre.levels) / len(centre.levels) if centre.levels else 0.0
    return DayResult(centre.records, logged, busy, centre.undialled, level, centre.retries)
