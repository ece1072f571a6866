"""The one decision core: profiles in, one decision per customer out, every reason as data.

Everything outside this package decides through what it exports here — the campaign run, explain,
the brief, evaluation and the benchmarks — never through its private modules.
"""

from goodcall.decide.config import AgentPool, CampaignConfig
from goodcall.decide.core import DECISION_SCHEMA, Decisions, decide

__all__ = ["DECISION_SCHEMA", "AgentPool", "CampaignConfig", "Decisions", "decide"]
