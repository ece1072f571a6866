"""The one decision core: profiles in, one decision per customer out, every reason as data.

Everything outside this package decides through what it exports here — the campaign run, explain,
the brief, evaluation and the benchmarks — never through its private modules: :func:`decide`
(the decision), its settings (:class:`CampaignConfig`) and result (:class:`Decisions`,
:data:`DECISION_SCHEMA`, :class:`PlanSummary`), the same decision for one customer at a
plan's prices with everything prepared once (:class:`PreparedDecider`), and what the surfaces
and the evaluation read besides (:mod:`goodcall.decide.public`: the candidate table, its
scores, the arbitration at other values, the reason that decided, the expected value in parts),
and the two passes an engine runs over chunks of a large base (:mod:`goodcall.decide.passes`,
:func:`decide_chunks`), and the next attempt after a missed call at a given moment
(:func:`next_attempts`, what ``simulate day`` retries with).
"""

from goodcall.decide.batch import CHUNK_CUSTOMERS, decide, decide_chunks
from goodcall.decide.config import POOL_KEYS, AgentPool, CampaignConfig, DiallingMode, pool_of
from goodcall.decide.core import DECISION_SCHEMA, ITEM_COLUMNS, ITEM_KEYS, Decisions
from goodcall.decide.economics import Economics
from goodcall.decide.passes import (
    ChunkCandidates,
    MemorySides,
    Prepared,
    Side,
    SideKeeper,
    assign_chunk,
    find_prices,
    first_pass,
)
from goodcall.decide.plan import PlanSummary
from goodcall.decide.prepared import PreparedDecider
from goodcall.decide.public import (
    SCORES,
    Candidates,
    arbitrate_values,
    candidate_table,
    deciding_reason,
    score_candidates,
    value_parts,
)
from goodcall.decide.retry import next_attempts

__all__ = [
    "CHUNK_CUSTOMERS",
    "DECISION_SCHEMA",
    "ITEM_COLUMNS",
    "ITEM_KEYS",
    "POOL_KEYS",
    "SCORES",
    "AgentPool",
    "CampaignConfig",
    "Candidates",
    "ChunkCandidates",
    "Decisions",
    "DiallingMode",
    "Economics",
    "MemorySides",
    "PlanSummary",
    "Prepared",
    "PreparedDecider",
    "Side",
    "SideKeeper",
    "arbitrate_values",
    "assign_chunk",
    "candidate_table",
    "decide",
    "decide_chunks",
    "deciding_reason",
    "find_prices",
    "first_pass",
    "next_attempts",
    "pool_of",
    "score_candidates",
    "value_parts",
]
