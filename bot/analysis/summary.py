"""Extractive summary: tldr, key points, reported facts and the author's arguments, all grounded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.analysis.salience import DEFAULT_WEIGHTS, FloatArray, Weights, features
from bot.models import Article, LabelledSentence, Summary, SummaryItem

log = logging.getLogger(__name__)

MIN_POINTS = 3
# Sentences this similar to one already chosen repeat it; a summary has no room for that.
REDUNDANT = 0.5
# A one-sentence tldr this short leaves the reader guessing, so a second sentence joins it.
SHORT_TLDR_WORDS = 12
SIDE_ITEMS = 3

EMPTY = Summary(tldr="", tldr_sentences=(), points=(), reported=(), argued=())


def _pick(
    order: Sequence[int],
    sim: FloatArray,
    enough: Callable[[list[int]], bool],
) -> list[int]:
    """Greedy choice in score order that skips near-duplicates of what is already chosen."""
    chosen: list[int] = []
    for k in order:
        if chosen and float(sim[k, chosen].max()) >= REDUNDANT:
            continue
        chosen.append(k)
        if enough(chosen):
            break
    return chosen


def _ranked(scores: FloatArray, allowed: Sequence[int] | None = None) -> list[int]:
    """Indices by falling score; ties go to the earlier sentence so the result is deterministic."""
    pool = range(len(scores)) if allowed is None else allowed
    return sorted(pool, key=lambda k: (-float(scores[k]), k))


def summarize(
    article: Article,
    labelled: Sequence[LabelledSentence],
    *,
    max_points: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Summary:
    """Choose the tldr, 3-5 points and the key reported and argued sentences of an article."""
    if not labelled:
        return EMPTY
    texts = [ls.sentence.text for ls in labelled]
    feats = features(texts, [ls.sentence.quoted for ls in labelled], article.title, weights)
    scores, sim = feats.score(weights), feats.similarity
    words = [len(t.split()) for t in texts]
    limit = max(1, min(max_points, len(labelled)))
    floor = min(MIN_POINTS, limit)

    def points_done(chosen: list[int]) -> bool:
        if len(chosen) >= limit:
            return True
        return len(chosen) >= floor and sum(words[k] for k in chosen) >= weights.point_words

    ranked = _ranked(scores)
    point_ids = _pick(ranked, sim, points_done)
    if len(point_ids) < floor:
        # Redundancy skipping left too few; fill with the best remaining sentences.
        point_ids += [k for k in ranked if k not in point_ids][: floor - len(point_ids)]
    point_ids.sort()

    top = _ranked(feats.score(weights, weights.tldr_centrality))[0]
    tldr_ids = [top]
    if words[top] < SHORT_TLDR_WORDS and len(ranked) > 1:
        second = next((k for k in ranked if k != top and float(sim[top, k]) < REDUNDANT), None)
        if second is not None:
            tldr_ids = sorted([top, second])

    def side(label_ok: Callable[[LabelledSentence], bool]) -> tuple[SummaryItem, ...]:
        allowed = [k for k, ls in enumerate(labelled) if label_ok(ls)]
        chosen = _pick(_ranked(scores, allowed), sim, lambda c: len(c) >= SIDE_ITEMS)
        return tuple(_item(labelled[k]) for k in sorted(chosen))

    return Summary(
        tldr=" ".join(texts[k] for k in tldr_ids),
        tldr_sentences=tuple(labelled[k].sentence.i for k in tldr_ids),
        points=tuple(_item(labelled[k]) for k in point_ids),
        reported=side(lambda ls: ls.label == "reported"),
        argued=side(lambda ls: ls.label in ("opinion", "prediction")),
    )


def _item(ls: LabelledSentence) -> SummaryItem:
    return SummaryItem(i=ls.sentence.i, text=ls.sentence.text)


__all__ = ["EMPTY", "Weights", "summarize"]
