"""The one decision core: profiles in, one decision per customer out, every reason as data.

Everything outside this package decides through what it exports here — the campaign run, explain,
the brief, evaluation and the benchmarks — never through its private modules: :func:`decide`
(the decision), its settings (:class:`CampaignConfig`) and result (:class:`Decisions`,
:data:`DECISION_SCHEMA`, :class:`PlanSummary`), and what the surfaces and the evaluation read
besides (:mod:`goodcall.decide.public`: the candidate table, its scores, the arbitration at other
values, the reason that decided, the expected value in parts).
"""

from goodcall.decide.batch import decide
from goodcall.decide.config import AgentPool, CampaignConfig
from goodcall.decide.core import DECISION_SCHEMA, ITEM_KEYS, Decisions
from goodcall.decide.economics import Economics
from goodcall.decide.plan import PlanSummary
from goodcall.decide.public import (
    SCORES,
    Candidates,
    arbitrate_values,
    candidate_table,
    deciding_reason,
    score_candidates,
    value_parts,
)

__all__ = [
    "DECISION_SCHEMA",
    "ITEM_KEYS",
    "SCORES",
    "AgentPool",
    "CampaignConfig",
    "Candidates",
    "Decisions",
    "Economics",
    "PlanSummary",
    "arbitrate_values",
    "candidate_table",
    "decide",
    "deciding_reason",
    "score_candidates",
    "value_parts",
]
