"""Sentence salience for extractive summaries: position, centrality, quality, similarity."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.models import Article, Sentence

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_CLOSING = "\"'\u201d\u2019\u00bb)"
_OPENING_QUOTES = ('"', "'", "\u201c", "\u2018", "\u00ab", "\u201e")

# "Correction: ...", "Best guess: ...", "Strictly business: ...": a cue label or a caption.
_CUE = re.compile(r"^[\"'\u201c\u2018]?[A-Z][\w\u2019' ]{0,25}:\s")
CUE_FACTOR = 0.5
# Quoted speech is someone else's words: worth reporting, rarely the gist in a few lines.
QUOTED_FACTOR = 0.4

# A compact English stop list: function words carry no topic, so they must not drive centrality.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just
    let's like made make many may me might more most much must mustn't my myself no nor not now of
    off on once one only or other ought our ours ourselves out over own per put quite rather really
    said same say says see seen shan't she she'd she'll she's should shouldn't since so some still
    such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those though through thus to too two under until up upon us very
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's whether
    which while who who's whom whose why why's will with within without won't would wouldn't yet
    you you'd you'll you're you've your yours yourself yourselves mr mrs ms dr
    """.split()  # noqa: SIM905
)

_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stem, so 'confirmed' and 'confirms' count as one term."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if suffix == "s" and base.endswith(("s", "u", "i")):
                return word
            return base
    return word


def _words(text: str) -> list[str]:
    """Lower-cased words; curly apostrophes count as straight ones ("Iran’s" is "iran's")."""
    return _WORD.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    """The stem of a content word, or "" for a stop word or a single letter."""
    if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
        return ""
    return stem(word)


def content_terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words of a text (stop words and single letters dropped)."""
    terms = (_term(w) for w in _words(text))
    return [t for t in terms if t]


@dataclass(frozen=True, slots=True)
class Weights:
    """How the salience features combine.

    Four numbers, picked from a small grid by evaluation/summaries.py --cv on the FRANK
    CNN/DM and XSum articles; the script reports the cross-validated scores of that choice.
    """

    # Centrality's weight next to the position prior (which is 1 for the first sentence).
    centrality: float = 0.3
    # How fast the position prior falls: 1 / (1 + decay * rank).
    decay: float = 0.05
    # Sentences longer than this many words are demoted in proportion.
    long_words: int = 40
    # The tldr weighs centrality this much instead: it stands for the whole article.
    tldr_centrality: float = 2.0


DEFAULT_WEIGHTS = Weights()


def quality(text: str, *, heading: bool = False, long_words: int = 40) -> float:
    """A multiplier in (0, 1] that demotes poor summary material: quotes, questions, fragments.

    Block quotes and cue labels are kept apart (Features.quoted, Features.cue) because whether
    they count against a sentence depends on the list being filled.
    """
    words = text.split()
    n = len(words)
    # A headline restates the title in telegraphic style; the body says it better.
    factor = 0.2 if heading else 1.0
    stripped = text.strip()
    if n < 6:
        factor *= 0.2
    elif n < 9:
        factor *= 0.6
    if n > long_words:
        factor *= max(0.4, long_words / n)
    if stripped.rstrip(_CLOSING).endswith("?"):
        factor *= 0.3
    if stripped.endswith(":"):
        factor *= 0.3
    if stripped.startswith(_OPENING_QUOTES):
        factor *= QUOTED_FACTOR
    if stripped.upper() == stripped != stripped.lower():
        factor *= 0.2  # all capitals: a label or a shouted caption
    if stripped and stripped[-1] not in ".!?" + _CLOSING:
        factor *= 0.6
    return factor


@dataclass(frozen=True, slots=True)
class Terms:
    """Log-scaled term counts of an article's sentences.

    Only terms that two or more sentences share get a column: the others can never make two
    sentences alike, so they enter only through each row's norm (`solo`). That keeps the
    matrix small on long pages whose vocabulary is mostly one-off words.
    """

    shared: FloatArray
    solo: FloatArray

    @property
    def norms(self) -> FloatArray:
        """Euclidean length of each sentence's full term vector."""
        return np.asarray(np.sqrt((self.shared**2).sum(axis=1) + self.solo), dtype=np.float64)


def term_matrix(terms: Sequence[Sequence[str]]) -> Terms:
    """Count the terms of each sentence; see Terms for the shared/solo split."""
    counts = [Counter(sent) for sent in terms]
    spread = Counter(t for c in counts for t in c)
    vocab = {t: k for k, t in enumerate(t for t, df in spread.items() if df > 1)}
    shared = np.zeros((len(terms), len(vocab)), dtype=np.float64)
    solo = np.zeros(len(terms), dtype=np.float64)
    for row, c in enumerate(counts):
        for t, n in c.items():
            weight = math.log1p(n)
            if t in vocab:
                shared[row, vocab[t]] = weight
            else:
                solo[row] += weight * weight
    return Terms(shared, solo)


def _safe_div(num: FloatArray, den: FloatArray) -> FloatArray:
    return np.asarray(np.divide(num, den, out=np.zeros_like(num), where=den > 0))


def similarity(terms: Terms) -> FloatArray:
    """Cosine similarity between sentences over log-scaled term counts."""
    unit = _safe_div(terms.shared, terms.norms[:, None])
    return np.asarray(unit @ unit.T, dtype=np.float64)


def centrality(terms: Terms) -> FloatArray:
    """How well each sentence covers the article's recurring content words, scaled to [0, 1].

    The centroid leaves the sentence itself out, so a long sentence does not score by
    matching its own words.
    """
    shared = terms.shared
    rest = shared.sum(axis=0, keepdims=True) - shared
    # Other sentences' one-off terms lengthen the centroid without matching this sentence.
    rest_norms = np.sqrt((rest**2).sum(axis=1) + (terms.solo.sum() - terms.solo))
    scores = _safe_div((shared * rest).sum(axis=1), terms.norms * rest_norms)
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


def position_prior(count: int, decay: float) -> FloatArray:
    """News puts its key facts first: a prior that falls off with the sentence's rank."""
    ranks = np.arange(count, dtype=np.float64)
    return np.asarray(1.0 / (1.0 + decay * ranks), dtype=np.float64)


def _normal(text: str) -> str:
    return " ".join(_words(text))


def _is_heading(article: Article, sentence: Sentence) -> bool:
    """A heading block, or the title repeated as the first line of the body."""
    blocks = article.blocks
    if 0 <= sentence.paragraph < len(blocks) and blocks[sentence.paragraph].kind == "heading":
        return True
    return bool(article.title) and _normal(sentence.text) == _normal(article.title)


@dataclass(frozen=True, slots=True)
class Features:
    """Per-sentence salience features of one article, and how alike its sentences are."""

    prior: FloatArray
    centrality: FloatArray
    quality: FloatArray
    quoted: FloatArray
    cue: FloatArray
    similarity: FloatArray

    def score(
        self,
        weights: Weights,
        centrality_weight: float | None = None,
        *,
        quotes: bool = True,
        cues: bool = True,
    ) -> FloatArray:
        """Weighted evidence, demoted by quality; centrality's weight can be overridden.

        `quotes=False` stops demoting block quotes: a blog post's quoted news excerpt is a
        poor point in the author's summary but a fine reported fact. `cues=False` stops
        demoting cue labels: "Prediction: ..." is a poor point but the author's own claim.
        """
        c = weights.centrality if centrality_weight is None else centrality_weight
        base = (self.prior + c * self.centrality) * self.quality
        if quotes:
            base = base * np.where(self.quoted > 0, QUOTED_FACTOR, 1.0)
        if cues:
            base = base * np.where(self.cue > 0, CUE_FACTOR, 1.0)
        return np.asarray(base, dtype=np.float64)


def features(
    article: Article, sentences: Sequence[Sentence], weights: Weights = DEFAULT_WEIGHTS
) -> Features:
    """Compute every salience feature of an article's sentences."""
    terms = [content_terms(s.text) for s in sentences]
    matrix = term_matrix(terms)
    factors = [
        quality(
            s.text,
            heading=_is_heading(article, s),
            long_words=weights.long_words,
        )
        for s in sentences
    ]
    return Features(
        prior=position_prior(len(sentences), weights.decay),
        centrality=centrality(matrix),
        quality=np.array(factors, dtype=np.float64),
        quoted=np.array([s.quoted for s in sentences], dtype=np.float64),
        cue=np.array([bool(_CUE.match(s.text.strip())) for s in sentences], dtype=np.float64),
        similarity=similarity(matrix),
    )
