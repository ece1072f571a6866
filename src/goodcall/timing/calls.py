"""What the call-centre simulation takes and gives: agents, calls to dial, the world's answers,
and one record per dialled call.

Times are seconds from the start of the simulated day (``0``); the caller maps them to clock
times (``goodcall.evaluate.day`` maps them to UTC and to each customer's local hour). The world —
who answers at what hour, how long a conversation lasts, who asks not to be called again — is
given by the caller as functions (:data:`AnswerModel`, :data:`Conversation`): the simulation
never knows where they come from, so the synthetic truth stays in the evaluate layer.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["preview", "progressive", "predictive"]
MODES: tuple[Mode, ...] = ("preview", "progressive", "predictive")
Outcome = Literal["no_answer", "machine", "wrong_party", "abandoned", "talked"]

ABANDON_SECONDS = 2.0
"""A call answered by a person with no live agent within this many seconds of the hello is
abandoned (CRTC and FTC rules); the policy file can say otherwise (``goodcall.policy``)."""


@dataclass(frozen=True)
class Agent:
    """An agent on shift from ``start`` to ``end`` (seconds of the day) speaking ``languages``."""

    agent_id: str
    languages: frozenset[str]
    start: float = 0.0
    end: float = math.inf

    def __post_init__(self) -> None:
        if not self.languages:
            raise ValueError(f"agent {self.agent_id!r} speaks no language")
        if not self.start < self.end:
            raise ValueError(f"agent {self.agent_id!r}: shift end must follow its start")


@dataclass(frozen=True)
class CallToDial:
    """One attempt of the call list: dialled no earlier than ``earliest`` and before ``latest``."""

    customer_id: str
    language: str
    earliest: float = 0.0
    latest: float = math.inf
    attempt: int = 1


@dataclass(frozen=True)
class Chances:
    """What happens when a call rings at a given moment: a person answers (``live``), a machine
    answers (``machine``), nobody answers (the rest); a person is the customer with probability
    ``right_party``."""

    live: float
    machine: float = 0.0
    right_party: float = 1.0

    def __post_init__(self) -> None:
        if min(self.live, self.machine) < 0 or self.live + self.machine > 1 + 1e-12:
            raise ValueError(f"answer chances must be ≥ 0 and sum to ≤ 1: {self}")
        if not 0 <= self.right_party <= 1:
            raise ValueError(f"right-party chance must be in [0, 1]: {self.right_party}")


AnswerModel = Callable[[CallToDial, float], Chances]
"""The chances of a call dialled at a moment of the day (seconds from the day's start)."""


@dataclass(frozen=True)
class Talk:
    """A conversation: how long the agent is busy, what came of it."""

    handle_seconds: float
    result: str = "talked"
    """Free text recorded with the call (``accepted``, ``declined``…)."""
    do_not_call: bool = False
    """The customer asked not to be called again: every later attempt is removed."""


Conversation = Callable[[CallToDial, float, bool, random.Random], Talk]
"""The conversation of a call connected at a moment, to the right party (``True``) or not."""


def hourly_answers(
    live_by_hour: Sequence[float], machine: float = 0.15, right_party: float = 0.9
) -> AnswerModel:
    """An :data:`AnswerModel` from a table of live-answer rates, one per hour of the day (hour
    ``i`` covers seconds ``3600 i`` to ``3600 (i + 1)``; the last rate holds after the table)."""
    table = [Chances(live, min(machine, 1 - live), right_party) for live in live_by_hour]
    if not table:
        raise ValueError("the answer-rate table needs at least one hour")

    def chances(_call: CallToDial, at: float) -> Chances:
        return table[min(max(int(at // 3600), 0), len(table) - 1)]

    return chances


WRONG_PARTY_SECONDS = 20.0
"""A conversation with somebody other than the customer (before the wrap-up)."""


def lognormal_talks(
    mean_seconds: float, sigma: float = 0.6, wrong_party_seconds: float = WRONG_PARTY_SECONDS
) -> Conversation:
    """Handle times drawn from a lognormal of mean ``mean_seconds`` (``sigma`` its log's spread);
    a wrong party takes ``wrong_party_seconds``. Nobody asks to be removed."""
    if not mean_seconds > 0:
        raise ValueError(f"mean handle time must be positive, got {mean_seconds}")
    mu = math.log(mean_seconds) - sigma * sigma / 2

    def talk(_call: CallToDial, _at: float, right_party: bool, rng: random.Random) -> Talk:
        if not right_party:
            return Talk(wrong_party_seconds, "wrong_party")
        return Talk(rng.lognormvariate(mu, sigma))

    return talk


@dataclass(frozen=True)
class Settings:
    """The dialler's and the line's timings (seconds)."""

    mode: Mode = "predictive"
    day_seconds: float = 8 * 3600.0
    ring_seconds: tuple[float, float] = (4.0, 16.0)
    """A person answers after a ring time drawn uniformly in this range."""
    no_answer_seconds: float = 25.0
    """The dialler gives up after this long (the FTC asks for ≥ 15 s or 4 rings)."""
    machine_detect_seconds: float = 3.0
    """An answering machine is recognised this long after it picks up, then the line drops."""
    connect_seconds: float = 0.3
    """From the hello to a free agent's voice when one is free at once."""
    patience_seconds: float = 5.0
    """Mean of the exponential time a person waits in silence before hanging up."""
    abandon_seconds: float = ABANDON_SECONDS
    drop_at_limit: bool = True
    """At ``abandon_seconds`` without an agent the dialler plays its identification message and
    releases the line (compliant); ``False`` keeps the customer in silence until they hang up
    (what the seed's customer heard: ten seconds)."""
    wrap_seconds: float = 10.0
    """After-call work, counted in the agent's handle time."""
    preview_seconds: float = 20.0
    """In preview mode, the agent reads the brief this long before dialling."""
    tick_seconds: float = 5.0
    """The dialler looks again at least this often even when nothing happened."""
    retry_seconds: float = 300.0
    """How often the dialler plans the retries of the calls missed since it last did (with a
    :data:`Retry` rule): one look for many misses."""
    stop_after_contact: bool = True
    """A right-party conversation removes the customer's later attempts of the day."""


@dataclass(slots=True)
class CallRecord:
    """One dialled call: what the dialler and the world did."""

    customer_id: str
    attempt: int
    language: str
    dialled_at: float
    outcome: Outcome = "no_answer"
    answered_at: float | None = None
    """The hello of a person (None: no person answered)."""
    machine: bool = False
    right_party: bool = False
    silence: float | None = None
    """Seconds of silence after a person's hello: until an agent's voice, or until the line
    dropped or the customer hung up when no agent came (``abandoned``). None: no person."""
    abandoned: bool = False
    handle_seconds: float = 0.0
    agent_id: str | None = None
    result: str = ""
    do_not_call: bool = False


@dataclass
class DayResult:
    """A simulated day: every dialled call, the agents' time, the calls never dialled."""

    records: list[CallRecord]
    logged_in_seconds: float
    busy_seconds: float
    undialled: dict[str, int] = field(default_factory=dict)
    """Calls of the list not dialled, by reason (expired, removed, end_of_day)."""
    mean_level: float = 0.0
    """Mean lines in flight per free agent over the dialler's decisions (predictive)."""
    retries: int = 0
    """Attempts added to the list during the day by the :data:`Retry` rule."""


Retry = Callable[[Sequence[tuple[CallToDial, CallRecord]], float], list[CallToDial]]
"""The calls nobody or a machine answered since the last look (each with its record), and the
moment of this look: the attempts to add to the list. The caller decides where and whether
(``goodcall.evaluate.day`` asks the decision core's rule and the policy engine); the simulation
dials each in its span like a listed call."""
