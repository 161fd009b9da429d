"""Tests of the extractive summary: grounding, counts, order, labels, duplicates, edge cases."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from bot.analysis import Analyzer
from bot.analysis.salience import content_terms, quality, stem
from bot.analysis.subjectivity import load_default_scorer
from bot.analysis.summary import EMPTY, MAX_SENTENCES, summarize
from bot.extract import article_from_text
from bot.models import Article, Block, Label, LabelledSentence, Sentence, Summary
from bot.settings import AnalysisSettings

# A small news story written for these tests: (paragraph, label, text).
STORY: list[tuple[int, Label, str]] = [
    (
        0,
        "reported",
        "The city council of Riverton voted on Tuesday to close the old harbour bridge.",
    ),
    (
        0,
        "reported",
        "The bridge carried about 12,000 cars a day before engineers found cracks in May.",
    ),
    (1, "reported", "Mayor Ana Ruiz said the closure would last at least two years."),
    (
        1,
        "reported",
        "“We cannot risk a collapse,” Ruiz told reporters outside the council chamber.",
    ),
    (2, "opinion", "Closing the bridge is the right call, but the council waited far too long."),
    (2, "opinion", "Who decided that cracks in a bridge could wait until spring?"),
    (
        3,
        "reported",
        "Engineers estimate that repairing the harbour bridge will cost 40 million dollars.",
    ),
    (
        3,
        "reported",
        "The council plans to fund the bridge repairs with a regional transport grant.",
    ),
    (4, "prediction", "Traffic on the ring road will double within a month of the bridge closure."),
    (4, "opinion", "Commuters deserve a clear plan, and so far the council has not offered one."),
    (
        5,
        "reported",
        "Ferries will run every 20 minutes during the closure, the harbour office said.",
    ),
    (5, "reported", "Gallery."),
]


def make(
    rows: list[tuple[int, Label, str]], title: str = "", quoted: frozenset[int] = frozenset()
) -> tuple[Article, list[LabelledSentence]]:
    """An Article and its labelled sentences built from (paragraph, label, text) rows."""
    paragraphs = sorted({p for p, _, _ in rows})
    blocks = tuple(
        Block(" ".join(t for p, _, t in rows if p == q), quoted=q in quoted) for q in paragraphs
    )
    labelled = [
        LabelledSentence(Sentence(i, text, p, p in quoted), label, 0.8, "test")
        for i, (p, label, text) in enumerate(rows)
    ]
    return Article(title=title, blocks=blocks), labelled


def check_grounded(summary: Summary, labelled: list[LabelledSentence]) -> None:
    """Every item's text is exactly the article sentence its index points to."""
    by_i = {ls.sentence.i: ls.sentence.text for ls in labelled}
    for item in (*summary.points, *summary.reported, *summary.argued):
        assert by_i[item.i] == item.text
    assert summary.tldr == " ".join(by_i[i] for i in summary.tldr_sentences)


def test_points_are_three_to_five_in_article_order() -> None:
    """A normal article yields 3-5 distinct points, listed in article order."""
    article, labelled = make(STORY, title="Riverton closes harbour bridge")
    summary = summarize(article, labelled)
    ids = [p.i for p in summary.points]
    assert 3 <= len(ids) <= 5
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    check_grounded(summary, labelled)


def test_tldr_is_one_or_two_grounded_sentences() -> None:
    """The tldr is one or two article sentences, and tldr_sentences says which."""
    article, labelled = make(STORY)
    summary = summarize(article, labelled)
    assert 1 <= len(summary.tldr_sentences) <= 2
    assert summary.tldr
    check_grounded(summary, labelled)


def test_reported_only_from_reported_sentences() -> None:
    """Every reported item is a sentence labelled reported, and some are found."""
    article, labelled = make(STORY)
    labels = {ls.sentence.i: ls.label for ls in labelled}
    summary = summarize(article, labelled)
    assert summary.reported
    assert all(labels[item.i] == "reported" for item in summary.reported)


def test_argued_only_from_opinion_or_prediction() -> None:
    """Every argued item is an opinion or prediction sentence, and some are found."""
    article, labelled = make(STORY)
    labels = {ls.sentence.i: ls.label for ls in labelled}
    summary = summarize(article, labelled)
    assert summary.argued
    assert all(labels[item.i] in ("opinion", "prediction") for item in summary.argued)


def test_unsure_labels_give_way_on_the_side_lists() -> None:
    """An opinion the labeller is barely sure of yields its argued slot to confident ones."""
    article, labelled = make(STORY)
    assert 4 in {item.i for item in summarize(article, labelled).argued}
    unsure = [replace(ls, confidence=0.05) if ls.sentence.i == 4 else ls for ls in labelled]
    assert 4 not in {item.i for item in summarize(article, unsure).argued}


def test_cue_labelled_claim_is_argued_but_not_a_point() -> None:
    """An early "Prediction: ..." sentence is one of the author's claims but not a point."""
    cue = "Prediction: the harbour bridge will stay closed until 2030 at the earliest."
    rows = [STORY[0], (0, "prediction", cue), *STORY[1:]]
    article, labelled = make(rows)
    summary = summarize(article, labelled)
    assert 1 in {item.i for item in summary.argued}
    assert 1 not in {item.i for item in summary.points}


def test_argued_is_empty_without_opinions() -> None:
    """An article with only reported sentences has nothing under argued."""
    rows: list[tuple[int, Label, str]] = [(p, "reported", t) for p, _, t in STORY]
    article, labelled = make(rows)
    assert summarize(article, labelled).argued == ()


def test_no_duplicates_within_a_list_even_when_text_repeats() -> None:
    """A sentence repeated in the article (say a caption) never appears twice in one list."""
    rows = [*STORY[:3], STORY[0], *STORY[3:], STORY[0], STORY[6]]
    article, labelled = make(rows)
    summary = summarize(article, labelled)
    for items in (summary.points, summary.reported, summary.argued):
        assert len({i.i for i in items}) == len(items)
        assert len({i.text for i in items}) == len(items)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_short_article_uses_what_there_is(size: int) -> None:
    """An article of 1-3 sentences gets that many points and a grounded tldr."""
    article, labelled = make(STORY[:size])
    summary = summarize(article, labelled)
    assert len(summary.points) == size
    assert len(summary.tldr_sentences) >= 1
    check_grounded(summary, labelled)


def test_empty_article() -> None:
    """An article without sentences gives the empty summary rather than failing."""
    article = Article(title="Nothing here", blocks=())
    assert summarize(article, []) == EMPTY


def test_blank_sentences_are_ignored() -> None:
    """Whitespace-only sentences never become summary items."""
    article, labelled = make([(0, "reported", "   "), *STORY[:2]])
    summary = summarize(article, labelled)
    assert [p.i for p in summary.points] == [1, 2]
    assert 0 not in summary.tldr_sentences


def test_deterministic() -> None:
    """The same input always gives the same summary."""
    article, labelled = make(STORY, title="Riverton closes harbour bridge")
    assert summarize(article, labelled) == summarize(article, list(labelled))


def test_questions_quotes_and_fragments_are_not_points() -> None:
    """With enough plain statements around, questions, quoted speech and fragments are skipped."""
    article, labelled = make(STORY)
    points = {p.i for p in summarize(article, labelled).points}
    assert points.isdisjoint({3, 5, 11})


def test_blockquote_paragraph_is_demoted() -> None:
    """Sentences of a blockquote (quoted block) are not chosen over the author's own text."""
    article, labelled = make(STORY, quoted=frozenset({0}))
    points = {p.i for p in summarize(article, labelled).points}
    assert points.isdisjoint({0, 1})


def test_blockquote_still_counts_as_reported_fact() -> None:
    """Marking a paragraph as a block quote changes the points but not the reported facts."""
    plain_article, plain = make(STORY)
    quoted_article, quoted = make(STORY, quoted=frozenset({0}))
    assert summarize(quoted_article, quoted).reported == summarize(plain_article, plain).reported
    assert {0, 1} & {item.i for item in summarize(quoted_article, quoted).reported}


def test_near_duplicates_are_not_both_points() -> None:
    """A sentence that restates another almost word for word is not a second point."""
    rows = [
        STORY[0],
        (
            0,
            "reported",
            "The city council of Riverton voted Tuesday to close the old harbour bridge.",
        ),
        *STORY[1:],
    ]
    article, labelled = make(rows)
    points = {p.i for p in summarize(article, labelled).points}
    assert not {0, 1} <= points


def test_long_article_gets_more_points_within_max() -> None:
    """A long article earns more than three points, never more than max_points."""
    rng = random.Random(7)
    words = [t for _, _, text in STORY for t in text.rstrip(".").split()]
    rows: list[tuple[int, Label, str]] = [
        (k // 4, "reported", " ".join(rng.choice(words) for _ in range(20)).capitalize() + ".")
        for k in range(120)
    ]
    article, labelled = make(rows)
    assert len(summarize(article, labelled).points) > 3
    assert len(summarize(article, labelled, max_points=3).points) == 3


def test_huge_article_stays_fast_and_grounded() -> None:
    """A page of thousands of sentences is summarised quickly from its first part."""
    rng = random.Random(3)
    vocab = [t.strip(".,“”?") for _, _, text in STORY for t in text.split()]
    rows: list[tuple[int, Label, str]] = [
        (k // 5, "reported", " ".join(rng.choice(vocab) for _ in range(18)).capitalize() + ".")
        for k in range(5000)
    ]
    article, labelled = make(rows)
    start = time.perf_counter()
    summary = summarize(article, labelled)
    assert time.perf_counter() - start < 2.0
    assert all(item.i < MAX_SENTENCES for item in (*summary.points, *summary.reported))
    check_grounded(summary, labelled)


def test_invariants_on_generated_articles() -> None:
    """On many generated articles every list stays grounded, ordered, distinct and well labelled."""
    rng = random.Random(1)
    labels: list[Label] = ["reported", "opinion", "prediction"]
    vocab = [t.strip(".,“”?") for _, _, text in STORY for t in text.split()]
    for _ in range(40):
        rows: list[tuple[int, Label, str]] = [
            (
                k // 3,
                rng.choice(labels),
                " ".join(rng.choice(vocab) for _ in range(rng.randint(2, 30))) + rng.choice(".?:"),
            )
            for k in range(rng.randint(0, 25))
        ]
        article, labelled = make(rows)
        summary = summarize(article, labelled)
        check_grounded(summary, labelled)
        assert len(summary.points) == min(3, len(rows))
        for items in (summary.points, summary.reported, summary.argued):
            ids = [i.i for i in items]
            assert ids == sorted(set(ids))
        assert all(labelled[i.i].label == "reported" for i in summary.reported)
        assert all(labelled[i.i].label != "reported" for i in summary.argued)
        assert len(summary.tldr_sentences) <= 2
        assert bool(summary.tldr_sentences) == bool(rows)


def test_stem_and_content_terms() -> None:
    """Inflections share a stem and function words are dropped."""
    assert stem("confirmed") == stem("confirms") == stem("confirming")
    assert content_terms("The mayor said that bridges were closed") == ["mayor", "bridg", "clos"]


def test_quality_ranks_statements_above_poor_material() -> None:
    """A plain statement outscores a question, a quote, a fragment and a heading of similar size."""
    plain = quality("The council voted on Tuesday to close the old harbour bridge.")
    assert plain == 1.0
    assert quality("Did the council vote on Tuesday to close the old harbour bridge?") < plain
    assert quality("“The council voted on Tuesday to close the old bridge,” he said.") < plain
    assert quality("Scroll down for video") < plain
    assert quality("Council votes to close the old harbour bridge", heading=True) < plain


def test_whole_pipeline_on_plain_text() -> None:
    """Through extraction, splitting and labelling, the summary keeps every grounding rule."""
    text = "Riverton closes its harbour bridge\n\n" + "\n\n".join(
        " ".join(t for p, _, t in STORY if p == q) for q in range(6)
    )
    analysis = Analyzer(load_default_scorer(), AnalysisSettings()).analyze(article_from_text(text))
    summary, labelled = analysis.summary, list(analysis.sentences)
    labels = {ls.sentence.i: ls.label for ls in labelled}
    check_grounded(summary, labelled)
    assert 3 <= len(summary.points) <= 5
    assert all(labels[item.i] == "reported" for item in summary.reported)
    assert all(labels[item.i] != "reported" for item in summary.argued)
