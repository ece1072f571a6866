"""The ``staffing`` block of a campaign settings file: agents instead of typed capacities.

Per language pool, the agents on shift (by local hour of the call centre, or as a list of
shifts) and their mean handle time; with the campaign's dialling mode (``dialling_mode``, else
the policy's ``dialling.default_mode``) and the policy's abandonment limit,
:func:`goodcall.timing.capacity.calls_per_hour` gives each hour's calls, and the pool's
:class:`~goodcall.decide.AgentPool` is filled: ``calls_per_day`` the sum over the day's hours;
with the call centre's ``time_zone``, each local hour capped by its own team's calls
(``calls_by_local_hour``; an hour nobody staffs takes no call); without it, every clock hour
capped by the thinnest staffed hour's (``calls_per_hour``: no hour is planned beyond what its
team can dial, whatever the hour). A pool is staffed here or given explicit
capacities under ``agent_pools``, never both.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from goodcall.decide import POOL_KEYS, AgentPool, DiallingMode
from goodcall.policy.model import Dialling as DiallingRules
from goodcall.timing.calls import Settings
from goodcall.timing.capacity import Dialling, calls_per_hour
from goodcall.zones import is_known_zone

HOURS = range(24)


class Shift(BaseModel):
    """``agents`` agents on shift from local hour ``start`` to ``end`` (whole hours, 0–24)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(ge=0, le=23)
    end: int = Field(ge=1, le=24)
    agents: int = Field(ge=0, le=10_000)

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.end <= self.start:
            raise ValueError(f"a shift ends after it starts (start {self.start}, end {self.end})")
        return self


class StaffedPool(BaseModel):
    """One language's team: who is on shift when, and how long a conversation lasts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    handle_seconds: float = Field(gt=0, le=7200, description="mean talk time of a conversation")
    preview_seconds: float = Field(default=Settings().preview_seconds, ge=0, le=600)
    agents_by_hour: dict[int, int] | None = Field(
        default=None, description="agents on shift by local hour (0–23); an hour left out: none"
    )
    shifts: list[Shift] | None = None

    @field_validator("agents_by_hour")
    @classmethod
    def _hours(cls, value: dict[int, int] | None) -> dict[int, int] | None:
        for hour, agents in (value or {}).items():
            if hour not in HOURS:
                raise ValueError(f"hour {hour} is not a local hour 0–23")
            if not 0 <= agents <= 10_000:
                raise ValueError(f"agents at {hour}h must be from 0 to 10000, got {agents}")
        return value

    @model_validator(mode="after")
    def _one_schedule(self) -> StaffedPool:
        if (self.agents_by_hour is None) == (self.shifts is None):
            raise ValueError("give the agents either by hour (agents_by_hour) or as shifts")
        return self

    def agents_at(self, hour: int) -> int:
        """Agents on shift during local hour ``hour``."""
        if self.agents_by_hour is not None:
            return self.agents_by_hour.get(hour, 0)
        return sum(s.agents for s in self.shifts or [] if s.start <= hour < s.end)


class Staffing(BaseModel):
    """The whole ``staffing`` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_zone: str | None = Field(
        default=None, description="the call centre's IANA zone: caps each hour by its own team"
    )
    answer_rate: float = Field(default=0.25, gt=0, le=1, description="share answered by a person")
    patience_seconds: float = Field(default=5.0, gt=0, le=600)
    pools: dict[str, StaffedPool] = Field(min_length=1)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not is_known_zone(value):
            raise ValueError(f"unknown time zone {value!r} (an IANA name, e.g. America/Toronto)")
        return value

    @field_validator("pools")
    @classmethod
    def _languages(cls, value: dict[str, StaffedPool]) -> dict[str, StaffedPool]:
        from goodcall.catalog.parse import suggest

        for key in value:
            if key not in POOL_KEYS:
                raise ValueError(
                    f"pool {key!r} is not a language{suggest(key, POOL_KEYS)}; "
                    f"use one of {', '.join(POOL_KEYS)}"
                )
        return value


class StaffingBlock(BaseModel):
    """The block under its key, so that errors carry the file's path (``staffing.pools…``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    staffing: Staffing


def hourly_calls(
    pool: StaffedPool, staffing: Staffing, mode: DiallingMode, rules: DiallingRules
) -> list[int]:
    """Calls the pool's team can dial in each local hour 0–23."""
    dialling = Dialling(
        mode=mode,
        handle_seconds=pool.handle_seconds,
        answer_rate=staffing.answer_rate,
        preview_seconds=pool.preview_seconds,
        patience_seconds=staffing.patience_seconds,
        limit=rules.abandonment_limit,
        agent_within_seconds=rules.agent_within_seconds,
    )
    return [calls_per_hour(pool.agents_at(hour), dialling) for hour in HOURS]


def staffed_pools(
    staffing: Staffing, mode: DiallingMode, rules: DiallingRules
) -> dict[str, AgentPool]:
    """Each staffed language's capacities (see the module docstring)."""
    pools = {}
    for language, pool in staffing.pools.items():
        calls = hourly_calls(pool, staffing, mode, rules)
        staffed = [c for hour, c in zip(HOURS, calls, strict=True) if pool.agents_at(hour) > 0]
        if staffing.time_zone is not None:
            table = {hour: n for hour, n in zip(HOURS, calls, strict=True) if n > 0}
            pools[language] = AgentPool(
                calls_per_day=sum(calls), calls_by_local_hour=table, time_zone=staffing.time_zone
            )
            continue
        thinnest = min(staffed, default=0)
        pools[language] = AgentPool(calls_per_day=sum(calls), calls_per_hour=thinnest)
    return pools
