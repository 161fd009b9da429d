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
SCORER_FILE = "scorer.json"

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


class EncoderModel:
    """Fine-tuned sentence encoder with a logit head, run by ONNX Runtime on int8 weights."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_tokens: int, batch: int = 4):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # One thread: the bot labels many articles at once and the speed bar is per core.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # Small batches and no arena: peak memory grows with batch size, speed hardly does.
        options.enable_cpu_mem_arena = False
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_tokens)
        self._batch = batch

    def logits(self, texts: Sequence[str]) -> FloatArray:
        """Raw logits; batches are length-sorted so little time goes to padding."""
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.zeros(len(texts), dtype=np.float32)
        for start in range(0, len(order), self._batch):
            idx = order[start : start + self._batch]
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            (logit,) = self._session.run(["logit"], {"input_ids": ids, "attention_mask": mask})
            out[idx] = np.asarray(logit, dtype=np.float32).reshape(-1)
        return out


@dataclass(frozen=True, slots=True)
class EnsembleScorer:
    """A SubjectivityScorer: weighted sum of component logits, then Platt calibration."""

    encoder: EncoderModel | None
    lexical: LexicalModel | None
    weights: tuple[float, float]
    calibration: Calibration
    decision_threshold: float
    label_scale: tuple[float, float] = (1.0, 0.0)

    @property
    def threshold(self) -> float:
        """Decision threshold on P(SUBJ) chosen for macro-F1 on dev."""
        return self.decision_threshold

    @property
    def confidence_scale(self) -> tuple[float, float]:
        """(a, b) of a lone sentence's label confidence: sigmoid(a * |margin| + b)."""
        return self.label_scale

    def logits(self, texts: Sequence[str]) -> FloatArray:
        """The combined, uncalibrated logit of each sentence."""
        total = np.zeros(len(texts), dtype=np.float32)
        if self.encoder is not None:
            total += self.weights[0] * self.encoder.logits(texts)
        if self.lexical is not None:
            total += self.weights[1] * self.lexical.logits(texts)
        return total

    def subjectivity(self, texts: Sequence[str]) -> list[float]:
        """Calibrated P(SUBJ) for each sentence, scored on its own."""
        if not texts:
            return []
        return [float(p) for p in self.calibration(self.logits(texts))]


def load_scorer(model_dir: Path = MODEL_DIR) -> EnsembleScorer:
    """Load the scorer described by scorer.json (components, weights, calibration, threshold)."""
    config = json.loads((model_dir / SCORER_FILE).read_text(encoding="utf-8"))
    weights = config["weights"]
    encoder = None
    if weights.get("encoder", 0.0):
        encoder = EncoderModel(
            model_dir / "encoder.onnx", model_dir / "tokenizer.json", int(config["max_tokens"])
        )
    lexical = None
    if weights.get("lexical", 0.0):
        data = json.loads((model_dir / LEXICAL_FILE).read_text(encoding="utf-8"))
        lexical = LexicalModel.from_json(data)
    cal = config["calibration"]
    scale = config.get("confidence", {"a": 1.0, "b": 0.0})
    return EnsembleScorer(
        encoder=encoder,
        lexical=lexical,
        weights=(float(weights.get("encoder", 0.0)), float(weights.get("lexical", 0.0))),
        calibration=Calibration(a=float(cal["a"]), b=float(cal["b"])),
        decision_threshold=float(config["threshold"]),
        label_scale=(float(scale["a"]), float(scale["b"])),
    )


def load_lexical_scorer(model_dir: Path = MODEL_DIR) -> EnsembleScorer:
    """The lexical model alone, with its own calibration and threshold (the light fallback)."""
    data = json.loads((model_dir / LEXICAL_FILE).read_text(encoding="utf-8"))
    cal = data["calibration"]
    return EnsembleScorer(
        encoder=None,
        lexical=LexicalModel.from_json(data),
        weights=(0.0, 1.0),
        calibration=Calibration(a=float(cal["a"]), b=float(cal["b"])),
        decision_threshold=float(data["threshold"]),
    )


@lru_cache(maxsize=1)
def load_default_scorer() -> SubjectivityScorer:
    """The scorer `unspin label` and `unspin analyze` use, loaded once per process."""
    scorer = load_scorer() if (MODEL_DIR / SCORER_FILE).is_file() else load_lexical_scorer()
    log.debug("loaded subjectivity scorer from %s", MODEL_DIR)
    return scorer
