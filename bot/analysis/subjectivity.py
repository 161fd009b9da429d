"""Sentence subjectivity scorer: calibrated P(SUBJ) from the model shipped in the package."""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.ports import SubjectivityScorer

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
LEXICAL_FILE = "lexical.json"

_TOKEN = re.compile(r"(?u)\b\w\w+\b|[!?\u201c\u201d\"]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

FloatArray = npt.NDArray[np.float32]


def lexical_terms(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams: the lexical features at training and run time."""
    tokens = _TOKEN.findall(text.translate(_APOSTROPHES).lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class LexicalModel:
    """Sublinear TF-IDF over word n-grams followed by a linear layer: a raw logit per sentence."""

    vocabulary: dict[str, int]
    idf: FloatArray
    coef: FloatArray
    intercept: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LexicalModel:
        """Build the model from the dictionary the training script wrote."""
        terms: list[str] = data["terms"]
        return cls(
            vocabulary={t: i for i, t in enumerate(terms)},
            idf=np.asarray(data["idf"], dtype=np.float32),
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=float(data["intercept"]),
        )

    def logits(self, texts: Sequence[str]) -> FloatArray:
        """Raw decision values; tf-idf rows are L2-normalised as sklearn does."""
        out = np.full(len(texts), self.intercept, dtype=np.float32)
        for row, text in enumerate(texts):
            counts = Counter(t for t in lexical_terms(text) if t in self.vocabulary)
            if not counts:
                continue
            idx = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64)
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32)
            weights = tf * self.idf[idx]
            norm = float(np.linalg.norm(weights)) or 1.0
            out[row] += float(weights @ self.coef[idx]) / norm
        return out


@dataclass(frozen=True, slots=True)
class Calibration:
    """Platt scaling: P(SUBJ) = sigmoid(a * logit + b)."""

    a: float
    b: float

    def __call__(self, logits: FloatArray) -> FloatArray:
        """Map raw logits to calibrated probabilities."""
        return _sigmoid(self.a * logits + self.b)


@dataclass(frozen=True, slots=True)
class LexicalScorer:
    """A SubjectivityScorer backed by the lexical model alone."""

    model: LexicalModel
    calibration: Calibration
    decision_threshold: float

    @property
    def threshold(self) -> float:
        """Decision threshold on P(SUBJ) chosen for macro-F1 on dev."""
        return self.decision_threshold

    def subjectivity(self, texts: Sequence[str]) -> list[float]:
        """Calibrated P(SUBJ) for each sentence, scored on its own."""
        if not texts:
            return []
        return [float(p) for p in self.calibration(self.model.logits(texts))]


def load_lexical_scorer(model_dir: Path = MODEL_DIR) -> LexicalScorer:
    """Load the lexical scorer from its JSON file."""
    data = json.loads((model_dir / LEXICAL_FILE).read_text(encoding="utf-8"))
    cal = data["calibration"]
    return LexicalScorer(
        model=LexicalModel.from_json(data),
        calibration=Calibration(a=float(cal["a"]), b=float(cal["b"])),
        decision_threshold=float(data["threshold"]),
    )


@lru_cache(maxsize=1)
def load_default_scorer() -> SubjectivityScorer:
    """The scorer `unspin label` and `unspin analyze` use, loaded once per process."""
    scorer = load_lexical_scorer()
    log.debug("loaded subjectivity scorer from %s", MODEL_DIR)
    return scorer
