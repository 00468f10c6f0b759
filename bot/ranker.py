"""The learned answer ranker: a linear model over `bot.candidates.FEATURES`, and a
calibrated probability that its best sentence answers.

Weights live in `bot/data/ranker.json` (written by `python -m bench.train_ranker`, read
here; JSON, never pickle). Ranking: the standardised features dotted with the weights.
Abstention: a logistic calibration of the best score and its margin over the second,
fitted on held-out folds, gives P(the best sentence answers); two thresholds on it, chosen
from the curve in docs/answer.md, split answers, hedged answers and "the story doesn't say".
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from bot.candidates import FEATURES

Confidence = Literal["answer", "hedge", "none"]
_NEAR_MISSING = 2 / 3  # share of the question's content-word weight the story may lack


# What the calibration reads: the best candidate's score, its lead over the second, and
# two question-level features (how much of the question the story covers at all).
CALIBRATION_INPUTS = ("top", "margin", "story_cover", "content_missing")


class Calibration(BaseModel):
    """Logistic weights over `CALIBRATION_INPUTS`, in that order."""

    weights: list[float] = Field(min_length=len(CALIBRATION_INPUTS),
                                 max_length=len(CALIBRATION_INPUTS))
    bias: float

    def inputs(self, top: float, second: float | None, row: list[float]) -> list[float]:
        margin = top - second if second is not None else 0.0
        named = dict(zip(FEATURES, row))
        return [top, margin, *(named[name] for name in CALIBRATION_INPUTS[2:])]


class RankerWeights(BaseModel):
    """The weight file."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    calibration: Calibration
    answer_at: float = Field(ge=0, le=1, description="P at or above which the reply answers")
    hedge_at: float = Field(ge=0, le=1, description="P at or above which it hedges")
    trained_on: list[str] = Field(default_factory=list, description="Story ids")

    @model_validator(mode="after")
    def _consistent(self) -> RankerWeights:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.weights) == n):
            raise ValueError("features, mean, scale and weights must have the same length")
        if self.hedge_at > self.answer_at:
            raise ValueError("hedge_at must not exceed answer_at")
        return self

    def score(self, row: list[float]) -> float:
        return sum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale))

    def probability(self, top: float, second: float | None, row: list[float]) -> float:
        """P(the best candidate answers), from its score, its margin over the next, and
        its feature `row`."""
        c = self.calibration
        return _sigmoid(sum(w * x for w, x in zip(c.weights, c.inputs(top, second, row))) + c.bias)

    def confidence(self, p: float, row: list[float] | None = None) -> Confidence:
        """The reply's tier. A hedge needs the story to hold most of what the question asks
        about: with over two thirds of its content words missing from the story, nothing is
        near (on the pool's held-out hedges: 17 unanswerable questions fewer, 3 right
        passages lost)."""
        if p >= self.answer_at:
            return "answer"
        near = row is None or dict(zip(self.features, row))["content_missing"] <= _NEAR_MISSING
        return "hedge" if p >= self.hedge_at and near else "none"


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


@lru_cache(maxsize=1)
def shipped() -> RankerWeights:
    """The weights shipped in the package; they must name today's features, in order."""
    text = resources.files("bot").joinpath("data", "ranker.json").read_text(encoding="utf-8")
    weights = RankerWeights.model_validate_json(text)
    if tuple(weights.features) != FEATURES:
        raise ValueError("bot/data/ranker.json was trained on other features: "
                         "retrain with `python -m bench.train_ranker`")
    return weights
