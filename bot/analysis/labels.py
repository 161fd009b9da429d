"""Label sentences reported / opinion / prediction from model scores, rules and article context."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.analysis.attribution import find_attribution
from bot.analysis.cues import SPEECH_VERBS
from bot.analysis.sentences import inside_quotes
from bot.analysis.signals import Signals, read_signals
from bot.models import Article, Label, LabelledSentence, Sentence

log = logging.getLogger(__name__)

# Rule weights on the logit scale, where 0 is the model's tuned decision threshold.
W_ATTRIBUTED = -3.5
W_CONTINUED = -2.5
W_CUE = 4.0
W_FIRST_PERSON = 1.5
# "we", "us", "our" often speak for a country, a team or people at large, not the author.
W_FIRST_PERSON_PLURAL = 0.6
_PLURAL_FIRST = ("we", "us", "our", "ours", "ourselves")  # "let's" addresses the reader
W_EVALUATIVE = 1.2
W_MILD = 0.4
W_HEDGE = 1.0
W_DEONTIC = 1.2
W_QUESTION = 2.0
W_COUNTERFACTUAL = 1.5
W_FUTURE = 0.8
W_AUTHOR_RUN = 1.5
W_PAST_FACT = -0.8
W_SCHEDULED = -1.0
MAX_PRIOR = 0.8
# Above this share of sentences the model finds subjective, a piece reads as argued: the cut that
# best separates news from editorials for the shipped model (`python -m training.genre_share`).
GENRE_SUBJECTIVE = 0.20
GENRE_MIN_SENTENCES = 5  # below this, one sentence moves the share too far to tell a genre


Scale = tuple[float, float]
UNSCALED: Scale = (1.0, 0.0)


@dataclass(slots=True)
class _Context:
    """What the labeller remembers while it reads the article in order."""

    known: list[str]
    in_article: bool = True
    """False for a sentence labelled alone: rules about the article's genre then stay silent."""
    speaker: str | None = None
    speaker_paragraph: int = -1
    speaker_left: int = 0
    author_paragraph: int = -1
    last_label: Label | None = None
    last_paragraph: int = -1


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def confidence(margin: float, scale: Scale = UNSCALED) -> float:
    """A label's confidence from its margin on the logit scale: sigmoid(a * |margin| + b).

    The scale is fitted so that confidence matches accuracy (training/calibrate_labels.py).
    """
    a, b = scale
    return round(min(0.99, max(0.5, 1 / (1 + math.exp(-(a * abs(margin) + b))))), 3)


def _author_score(sig: Signals) -> tuple[float, list[str]]:
    """Sum the rule weights for the author's own voice, with reasons, strongest first."""
    parts: list[tuple[float, str]] = []
    if sig.prediction_cue:
        parts.append((W_CUE, f"cue label '{sig.prediction_cue.rstrip(' ,—-')}'"))
    if sig.opinion_cue:
        parts.append((W_CUE, f"cue label '{sig.opinion_cue.rstrip(' ,—-')}'"))
    if sig.attribution is not None and sig.attribution.first_person:
        parts.append((W_FIRST_PERSON + 1.0, f"first-person view '{sig.attribution.evidence}'"))
    elif sig.first_person:
        plural = sig.first_person.lower().startswith(_PLURAL_FIRST)
        weight = W_FIRST_PERSON_PLURAL if plural else W_FIRST_PERSON
        parts.append((weight, f"first person '{sig.first_person}'"))
    if sig.evaluative:
        weight = W_EVALUATIVE * min(len(sig.evaluative), 2)
        parts.append((weight, f"evaluative language '{sig.evaluative[0]}'"))
    elif sig.mild:
        parts.append((W_MILD * min(len(sig.mild), 2), f"evaluative language '{sig.mild[0]}'"))
    if sig.question:
        parts.append((W_QUESTION, "rhetorical question"))
    if sig.counterfactual:
        parts.append((W_COUNTERFACTUAL, "counterfactual speculation"))
    if sig.deontic:
        parts.append((W_DEONTIC, f"recommendation '{sig.deontic}'"))
    if sig.hedge:
        parts.append((W_HEDGE, f"hedge '{sig.hedge}'"))
    if sig.future and not sig.counterfactual:
        parts.append((W_FUTURE, f"future reference '{sig.future}'"))
    parts.sort(key=lambda part: -part[0])
    return sum(w for w, _ in parts), [why for _, why in parts]


def _article_prior(
    signals: Sequence[Signals], quoted: Sequence[bool], scores: Sequence[float], threshold: float
) -> float:
    """Shift towards `reported` in straight news and towards the author in opinion pieces.

    The genre shows in the share of the author's own sentences with a marker of their voice,
    or, for columns argued in a plain register, in the share the model finds subjective.
    """
    own = [(s, p) for s, p, q in zip(signals, scores, quoted, strict=True) if not q]
    if not own:
        return 0.0
    voice = sum(1 for s, _ in own if s.author_voice) / len(own)
    subjective = sum(1 for _, p in own if p > threshold) / len(own)
    attributed = sum(1 for s, _ in own if s.attributed) / len(own)
    genre = (voice - 0.25) * 4
    if len(own) >= GENRE_MIN_SENTENCES and subjective > GENRE_SUBJECTIVE:
        # A column argued in a plain register; the share never argues for news.
        genre = max(genre, (subjective - GENRE_SUBJECTIVE) * 4)
    prior = genre - max(0.0, attributed - 0.3) * 2
    return max(-MAX_PRIOR, min(MAX_PRIOR, prior))


def _is_prediction(sig: Signals, previous: Label | None) -> bool:
    if sig.prediction_cue:
        return True
    if sig.counterfactual or sig.question:
        return False
    if sig.future:
        return True
    if sig.horizon and sig.weak_future:
        return True
    return previous == "prediction" and (sig.consequence or sig.fragment)


def _decide(
    sentence: Sentence, sig: Signals, score: float, threshold: float, prior: float, ctx: _Context
) -> tuple[LabelledSentence, float]:
    """Label one sentence and update the running context; also return its decision value."""
    same_paragraph = sentence.paragraph == ctx.last_paragraph
    attribution = sig.attribution if sig.attributed else None
    source = attribution.source if attribution else None
    z = _logit(score) - _logit(threshold) + prior
    author, reasons = _author_score(sig)
    label: Label
    if attribution and attribution.source:
        ctx.speaker = attribution.source
        speech = attribution.evidence.split()[0] in SPEECH_VERBS or attribution.pronoun
        ctx.speaker_paragraph, ctx.speaker_left = sentence.paragraph, (2 if speech else 0)
        if attribution.source not in ctx.known:
            ctx.known.append(attribution.source)
    if sentence.quoted:
        label, why, z = "reported", "quoted text", -4.0 + min(z, 0.0)
        if attribution:
            why = f"quoted; attributed: '{attribution.evidence}'"
        elif ctx.speaker and same_paragraph:
            source = ctx.speaker
    elif attribution:
        # First person inside a credited sentence is the source speaking ("We know," she said).
        z += W_ATTRIBUTED + (W_CUE if sig.opinion_cue or sig.prediction_cue else 0.0)
        label, why = "reported", f"attributed: '{attribution.evidence}'"
        if z > 0:
            label, why = "opinion", reasons[0] if reasons else "model: the author's view"
    else:
        continuing = (
            ctx.speaker is not None
            and ctx.speaker_paragraph == sentence.paragraph
            and ctx.speaker_left > 0
            and author < W_EVALUATIVE
        )
        if continuing:
            z += W_CONTINUED
            source = ctx.speaker
            ctx.speaker_left -= 1
        if ctx.author_paragraph == sentence.paragraph and (sig.future or sig.fragment):
            author += W_AUTHOR_RUN
            reasons.append("continues the author's argument")
        if same_paragraph and sig.fragment and ctx.last_label in ("opinion", "prediction"):
            author += W_AUTHOR_RUN
            reasons.append("continues the author's argument")
        if ctx.in_article and sig.past_fact and not sig.author_voice and prior < MAX_PRIOR / 2:
            z += W_PAST_FACT  # narration in an argued piece is not evidence of news
        if sig.future and sig.dated and not sig.author_voice:
            z += W_SCHEDULED  # "the vote will be held on Friday" reports a schedule
        z += author
        if z > 0:
            is_pred = _is_prediction(sig, ctx.last_label if same_paragraph else None)
            label = "prediction" if is_pred else "opinion"
            future_why = [r for r in reasons if r.startswith(("cue", "future"))]
            why = (future_why or reasons or [f"model: the author's view (p={score:.2f})"])[0]
            if label == "prediction" and not future_why and sig.consequence:
                why = "consequence of the author's forecast"
            source = None
        elif continuing:
            label, why = "reported", f"continues {ctx.speaker}'s reported words"
        else:
            label = "reported"
            why = (
                "news report of a past event"
                if sig.past_fact
                else f"model: factual statement (p={score:.2f})"
            )
    if label != "reported" and (sig.opinion_cue or sig.prediction_cue):
        ctx.author_paragraph = sentence.paragraph
        ctx.speaker = None
    if label != "reported":
        source = None
    ctx.last_label, ctx.last_paragraph = label, sentence.paragraph
    return LabelledSentence(sentence, label, confidence(z), why, source), z


def label_sentences(
    article: Article,
    sentences: Sequence[Sentence],
    scores: Sequence[float],
    threshold: float,
) -> list[LabelledSentence]:
    """Label every sentence of an article, using quotation, attribution and the author's runs."""
    ctx = _Context(known=[])
    if article.author:
        log.debug("labelling article by %s", article.author)
    signals = [read_signals(s.text) for s in sentences]
    prior = _article_prior(signals, [s.quoted for s in sentences], scores, threshold)
    out: list[LabelledSentence] = []
    for sentence, score, sig in zip(sentences, scores, signals, strict=True):
        if sig.attribution is not None and (sig.attribution.pronoun or ctx.known):
            # Resolve pronouns and surnames against the sources named so far.
            sig = replace(sig, attribution=find_attribution(sentence.text, ctx.known))
        out.append(_decide(sentence, sig, score, threshold, prior, ctx)[0])
    return out


def label_alone(
    text: str, score: float, threshold: float, scale: Scale = UNSCALED
) -> tuple[Label, float]:
    """Label one sentence with no article context; return the label and its confidence."""
    label, margin = label_margin(text, score, threshold)
    return label, confidence(margin, scale)


def label_margin(text: str, score: float, threshold: float) -> tuple[Label, float]:
    """Label one sentence alone; return the label and its decision value (for calibration)."""
    sentence = Sentence(0, text, 0, quoted=inside_quotes(text))
    alone = _Context(known=[], in_article=False)
    labelled, margin = _decide(sentence, read_signals(text), score, threshold, 0.0, alone)
    return labelled.label, margin
