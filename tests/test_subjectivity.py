"""Tests for the shipped sentence subjectivity scorer."""

from __future__ import annotations

import csv
import json
import socket
from pathlib import Path

import numpy as np
import pytest

from bot.analysis.subjectivity import (
    MODEL_DIR,
    SCORER_FILE,
    lexical_terms,
    load_default_scorer,
    load_lexical_scorer,
    load_scorer,
)
from bot.ports import SubjectivityScorer

# Written for these tests: the author's own judgement vs plainly reported, attributed content.
SUBJECTIVE = [
    "This is a shameful, cowardly decision and the minister should resign.",
    "Frankly, the whole plan is a spectacular waste of everyone's time.",
    "I cannot think of a more arrogant way to treat voters.",
    "It is absurd to pretend that these tax cuts will help ordinary families.",
    "The council's new parking policy is nothing short of a disaster.",
]
REPORTED = [
    "The company reported revenue of $4.2 billion for the third quarter.",
    "The bridge was closed to traffic on Tuesday after inspectors found a crack.",
    "The mayor said the budget would be published next week.",
    "According to the census office, the population grew by 1.3 percent in 2022.",
    "The court adjourned the hearing until March 14.",
]

# Committed floor for dev macro-F1 of the shipped scorer at its own threshold.
DEV_FLOOR = 0.70


@pytest.fixture(scope="module")
def scorer() -> SubjectivityScorer:
    """The default scorer, loaded once for the module."""
    return load_default_scorer()


def test_loads_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading and scoring open no socket: the model ships inside the package."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = load_scorer() if (MODEL_DIR / SCORER_FILE).is_file() else load_lexical_scorer()
    assert len(fresh.subjectivity(["The report was published on Monday."])) == 1


def test_probabilities_are_in_unit_interval(scorer: SubjectivityScorer) -> None:
    """Every score is a finite probability and the threshold lies strictly inside (0, 1)."""
    scores = scorer.subjectivity(SUBJECTIVE + REPORTED + ["", "!!!", "a " * 400])
    assert len(scores) == len(SUBJECTIVE) + len(REPORTED) + 3
    assert all(0.0 <= s <= 1.0 and np.isfinite(s) for s in scores)
    assert 0.0 < scorer.threshold < 1.0


def test_empty_input_gives_empty_output(scorer: SubjectivityScorer) -> None:
    """Scoring no sentences returns an empty list rather than failing."""
    assert scorer.subjectivity([]) == []


def test_subjective_sentences_score_above_reported_ones(scorer: SubjectivityScorer) -> None:
    """Opinionated sentences land above the threshold and reported ones below it."""
    subj = scorer.subjectivity(SUBJECTIVE)
    rep = scorer.subjectivity(REPORTED)
    assert sum(s >= scorer.threshold for s in subj) >= len(SUBJECTIVE) - 1
    assert sum(s < scorer.threshold for s in rep) >= len(REPORTED) - 1
    assert min(subj) > float(np.median(rep))


def test_scores_are_deterministic(scorer: SubjectivityScorer) -> None:
    """The same sentences get the same scores on repeated calls."""
    texts = SUBJECTIVE + REPORTED
    assert scorer.subjectivity(texts) == scorer.subjectivity(texts)


def test_score_barely_depends_on_batch_companions(scorer: SubjectivityScorer) -> None:
    """A sentence scored alone and inside a batch gets (almost) the same probability."""
    texts = SUBJECTIVE + REPORTED
    batch = scorer.subjectivity(texts)
    alone = [scorer.subjectivity([t])[0] for t in texts]
    assert max(abs(a - b) for a, b in zip(alone, batch, strict=True)) < 0.05


def test_lexical_terms_normalise_case_and_apostrophes() -> None:
    """Curly and straight apostrophes and letter case give the same lexical features."""
    assert lexical_terms("It\u2019s BAD") == lexical_terms("it's bad")
    terms = lexical_terms("Very bad!")
    assert {"very", "bad", "!", "very bad", "bad !"} <= set(terms)


def test_dev_macro_f1_reaches_floor(scorer: SubjectivityScorer, shared_data: Path) -> None:
    """On CheckThat! dev the scorer at its own threshold reaches the committed macro-F1 floor."""
    with (shared_data / "checkthat-en" / "dev_en.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    head = rows[0]
    texts = [r[head.index("sentence")] for r in rows[1:]]
    y = np.array([r[head.index("label")] == "SUBJ" for r in rows[1:]])
    pred = np.array(scorer.subjectivity(texts)) >= scorer.threshold
    f1s = []
    for cls in (True, False):
        tp = int(np.sum((pred == cls) & (y == cls)))
        f1s.append(2 * tp / (int(np.sum(pred == cls)) + int(np.sum(y == cls))))
    f1 = float(np.mean(f1s))
    assert f1 >= DEV_FLOOR
    recorded = json.loads((MODEL_DIR / SCORER_FILE).read_text(encoding="utf-8")).get("dev_macro_f1")
    if recorded is not None:
        assert f1 >= float(recorded) - 0.01, (
            "the shipped model no longer matches its recorded score"
        )


def test_shipped_scorer_carries_a_fitted_confidence_scale() -> None:
    """scorer.json's "confidence" (a, b) reaches the scorer; a flatter-than-logit fit, a < 1."""
    a, b = load_scorer().confidence_scale
    assert 0.0 < a < 1.0 and b > 0.0
