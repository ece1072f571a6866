"""Training metadata saved with every uplift model (``metadata.json``).

It answers, months later, what a model is: which learner, on which rows (treatment share,
outcome rates), with which settings and library versions, how each candidate learner scored on
held-out rows when ``auto`` chose, and which feature schema scoring data must follow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_FORMAT = 1
ModelKind = Literal["lightgbm_meta_learner", "two_model_linear"]


class CandidateScore(BaseModel):
    """One learner tried while fitting, scored on the held-out validation rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str
    effect_leaves: int | None = None
    label: str
    qini_coefficient: float | None
    auuc: float | None
    qini_gain_se: float | None = Field(
        default=None, description="bootstrap SE of its Qini minus the preferred learner's"
    )
    fit_seconds: float = Field(ge=0)
    chosen: bool = False


class ComponentFile(BaseModel):
    """A model file of the directory, its checksum and what it holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    trees: int | None = None


class GroupSummary(BaseModel):
    """Rows and mean outcome of the treated and control groups used for training."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: int = Field(ge=0)
    rows_train: int = Field(ge=0)
    rows_validation: int = Field(ge=0)
    treated_rows: int = Field(ge=0)
    control_rows: int = Field(ge=0)
    treatment_share: float = Field(ge=0, le=1)
    outcome_mean_treated: float
    outcome_mean_control: float


class TrainingMetadata(BaseModel):
    """Everything recorded about one trained uplift model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = MODEL_FORMAT
    kind: ModelKind
    method: str
    effect_leaves: int | None = None
    requested_method: str
    outcome_kind: Literal["binary", "continuous"]
    params: dict[str, Any]
    seed: int
    data: GroupSummary
    search_rows: int | None = Field(
        default=None, description="rows the candidates were compared on, if a subsample"
    )
    refitted_on_all_rows: bool = False
    propensity: Literal["share", "fixed", "model"]
    propensity_value: float | None = Field(default=None, gt=0, lt=1)
    candidates: list[CandidateScore] = Field(default_factory=list)
    components: list[ComponentFile] = Field(default_factory=list)
    features: dict[str, Any]
    versions: dict[str, str]
    created_at: dt.datetime

    def component(self, name: str) -> ComponentFile:
        for item in self.components:
            if item.name == name:
                return item
        raise KeyError(name)
