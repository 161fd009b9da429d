"""Article analysis: sentences, labels, predictions and summary (pure CPU, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis.labels import label_alone, label_margin, label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.sentences import inside_quotes, segment
from bot.analysis.summary import summarize
from bot.models import LABELS, Analysis, Article, Label
from bot.ports import SubjectivityScorer
from bot.settings import AnalysisSettings


@dataclass(frozen=True, slots=True)
class Analyzer:
    """Runs the whole analysis of one article with a given subjectivity model."""

    scorer: SubjectivityScorer
    settings: AnalysisSettings

    def analyze(self, article: Article) -> Analysis:
        """Split, label, find predictions and summarise one article."""
        sentences = segment(article)
        scores = self._scores([s.text for s in sentences], [s.quoted for s in sentences])
        # In an article the context margins are calibrated as they are (python -m
        # evaluation.articles prints the table); the scorer's scale is for sentences alone.
        labelled = label_sentences(article, sentences, scores, self.scorer.threshold)
        predictions = find_predictions(article, labelled)[: self.settings.max_predictions]
        summary = summarize(article, labelled, max_points=self.settings.max_points)
        total = len(labelled) or 1
        composition: dict[Label, float] = {
            label: round(sum(1 for s in labelled if s.label == label) / total, 3)
            for label in LABELS
        }
        return Analysis(
            article=article,
            sentences=tuple(labelled),
            summary=summary,
            predictions=tuple(predictions),
            composition=composition,
        )

    def _scores(self, texts: Sequence[str], quoted: Sequence[bool]) -> list[float]:
        """P(SUBJ) of each sentence; quoted ones skip the model (quotation alone decides them)."""
        own = [i for i, q in enumerate(quoted) if not q]
        scores = [self.scorer.threshold] * len(texts)
        for i, score in zip(own, self.scorer.subjectivity([texts[i] for i in own]), strict=True):
            scores[i] = score
        return scores

    def label(self, texts: Sequence[str]) -> list[tuple[Label, float]]:
        """Label sentences each on its own, without article context."""
        scores = self._lone_scores(texts)
        threshold, scale = self.scorer.threshold, self.scorer.confidence_scale
        return [
            label_alone(text, score, threshold, scale)
            for text, score in zip(texts, scores, strict=True)
        ]

    def label_margins(self, texts: Sequence[str]) -> list[tuple[Label, float]]:
        """Each sentence's label alone and its decision value (what the confidence is fitted on)."""
        scores = self._lone_scores(texts)
        threshold = self.scorer.threshold
        return [
            label_margin(text, score, threshold) for text, score in zip(texts, scores, strict=True)
        ]

    def _lone_scores(self, texts: Sequence[str]) -> list[float]:
        return self._scores(texts, [inside_quotes(text) for text in texts])
