"""Extractive summary: tldr, key points, reported facts and the author's arguments, all grounded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from bot.analysis.salience import DEFAULT_WEIGHTS, FloatArray, Weights, features
from bot.models import Article, LabelledSentence, Summary, SummaryItem

log = logging.getLogger(__name__)

MIN_POINTS = 3
# Longer articles earn one more point per this many words, up to max_points: short by default.
WORDS_PER_EXTRA_POINT = 1000
# Sentences this similar to one already chosen repeat it; a summary has no room for that.
REDUNDANT = 0.5
# A one-sentence tldr this short leaves the reader guessing, so a second sentence joins it.
SHORT_TLDR_WORDS = 12
# How many reported facts and how many of the author's claims to show.
SIDE_ITEMS = 3
ARGUED_LABELS = frozenset({"opinion", "prediction"})
# Only this many sentences compete, so time and memory stay bounded on huge pages (the
# similarity matrix is quadratic); with the position prior, later ones would rarely win.
MAX_SENTENCES = 400

EMPTY = Summary(tldr="", tldr_sentences=(), points=(), reported=(), argued=())


def _ranked(scores: FloatArray, pool: Sequence[int]) -> list[int]:
    """Indices by falling score; ties go to the earlier sentence so the result is deterministic."""
    return sorted(pool, key=lambda k: (-float(scores[k]), k))


def _pick(order: Sequence[int], sim: FloatArray, keys: Sequence[str], count: int) -> list[int]:
    """Up to `count` indices in the given order, skipping near-duplicates of ones chosen."""
    chosen: list[int] = []
    seen: set[str] = set()
    for k in order:
        if len(chosen) >= count:
            break
        if keys[k] in seen or (chosen and float(sim[k, chosen].max()) >= REDUNDANT):
            continue
        chosen.append(k)
        seen.add(keys[k])
    return chosen


def point_count(words: int, sentences: int, max_points: int) -> int:
    """How many points an article of this length gets: 3, more when long, fewer when tiny."""
    wanted = MIN_POINTS + words // WORDS_PER_EXTRA_POINT
    return max(0, min(wanted, max(MIN_POINTS, max_points), sentences))


def summarize(
    article: Article,
    labelled: Sequence[LabelledSentence],
    *,
    max_points: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Summary:
    """Choose the tldr, 3-5 points and the key reported and argued sentences of an article."""
    usable = [ls for ls in labelled if ls.sentence.text.strip()]
    if not usable:
        return EMPTY
    if len(usable) > MAX_SENTENCES:
        log.debug("summarising the first %d of %d sentences", MAX_SENTENCES, len(usable))
        usable = usable[:MAX_SENTENCES]
    sentences = [ls.sentence for ls in usable]
    feats = features(article, sentences, weights)
    scores, sim = feats.score(weights), feats.similarity
    keys = [" ".join(s.text.lower().split()) for s in sentences]
    words = [len(s.text.split()) for s in sentences]
    everything = range(len(usable))

    count = point_count(sum(words), len(usable), max_points)
    ranked = _ranked(scores, everything)
    point_ids = _pick(ranked, sim, keys, count)
    if len(point_ids) < count:
        # Redundancy left too few; take the best remaining distinct sentences.
        extra = [
            k for k in ranked if k not in point_ids and keys[k] not in {keys[j] for j in point_ids}
        ]
        point_ids += extra[: count - len(point_ids)]

    # The tldr is the single sentence that best stands for the whole article, so
    # centrality weighs more here than for the points, which follow the news structure.
    tldr_ranked = _ranked(feats.score(weights, weights.tldr_centrality), everything)
    top = tldr_ranked[0]
    tldr_ids = [top]
    if words[top] < SHORT_TLDR_WORDS:
        tldr_ids = sorted(_pick(tldr_ranked, sim, keys, 2))

    def side(
        keep: Callable[[LabelledSentence], bool], ranking: FloatArray
    ) -> tuple[SummaryItem, ...]:
        pool = [k for k in everything if keep(usable[k])]
        # A label the labeller is unsure of makes a weak example of that side.
        sure = ranking * np.array([ls.confidence for ls in usable], dtype=np.float64)
        return _items(usable, _pick(_ranked(sure, pool), sim, keys, SIDE_ITEMS))

    return Summary(
        tldr=" ".join(sentences[k].text.strip() for k in tldr_ids),
        tldr_sentences=tuple(sentences[k].i for k in tldr_ids),
        points=_items(usable, point_ids),
        reported=side(lambda ls: ls.label == "reported", feats.score(weights, quotes=False)),
        argued=side(lambda ls: ls.label in ARGUED_LABELS, feats.score(weights, cues=False)),
    )


def _items(usable: Sequence[LabelledSentence], ids: Sequence[int]) -> tuple[SummaryItem, ...]:
    """Summary items in article order."""
    chosen = sorted(ids, key=lambda k: usable[k].sentence.i)
    return tuple(SummaryItem(i=usable[k].sentence.i, text=usable[k].sentence.text) for k in chosen)
