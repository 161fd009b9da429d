"""Protocols the core depends on and adapters or models implement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class SubjectivityScorer(Protocol):
    """Scores sentences, each on its own, by the probability that it is the author's view."""

    @property
    def threshold(self) -> float:
        """Decision threshold on P(subjective) that maximises macro-F1 on the dev set."""
        ...

    def subjectivity(self, texts: Sequence[str]) -> list[float]:
        """Return P(subjective) in [0, 1] for each text, calibrated on CheckThat! dev."""
        ...
