"""Sentence splitting on news prose and segmentation of articles into indexed sentences."""

from __future__ import annotations

import time

import pytest

from bot.analysis.sentences import inside_quotes, segment, split_sentences
from bot.models import Article, Block


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sen. Warren met Gen. Mark Milley and Mr. Smith. They talked.",
            ["Sen. Warren met Gen. Mark Milley and Mr. Smith.", "They talked."],
        ),
        (
            "The U.S. Army left at 5 p.m. Friday. It returned.",
            ["The U.S. Army left at 5 p.m. Friday.", "It returned."],
        ),
        (
            "He moved to the U.S. The rest is history.",
            ["He moved to the U.S.", "The rest is history."],
        ),
        (
            "She ranked No. 5 on Jan. 12 this year. Good.",
            ["She ranked No. 5 on Jan. 12 this year.", "Good."],
        ),
        ("Some fruit, e.g. Apples, keeps. Fine.", ["Some fruit, e.g. Apples, keeps.", "Fine."]),
    ],
)
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    """Titles, months before numbers, "No. 5" and "U.S." only end a sentence before an opener."""
    assert split_sentences(text) == expected


def test_initials_decimals_and_urls_stay_inside() -> None:
    """Initials, decimal numbers and URLs with dots never split a sentence."""
    text = "John F. Kennedy won 49.7 percent. See https://example.com/a.b for more."
    assert split_sentences(text) == [
        "John F. Kennedy won 49.7 percent.",
        "See https://example.com/a.b for more.",
    ]


def test_period_inside_closing_quote_ends_sentence() -> None:
    """A period inside a closing quotation mark ends the sentence before the next capital."""
    text = "He called it “a disgrace.” Others disagreed."
    assert split_sentences(text) == ["He called it “a disgrace.”", "Others disagreed."]


def test_quoted_words_followed_by_comma_continue() -> None:
    """A quoted phrase followed by a comma and lower-case words does not split the sentence."""
    text = "The vote was “non-binding,” albeit “hugely symbolic,” officials said. Then it ended."
    assert len(split_sentences(text)) == 2


def test_exclamation_in_quote_before_attribution_continues() -> None:
    """“Stop!” he shouted is one sentence because the attribution is lower case."""
    assert split_sentences("“Stop!” he shouted at the crowd. Nobody did.")[0].endswith("crowd.")


def test_ellipsis_before_lower_case_continues() -> None:
    """An ellipsis followed by a lower-case word stays inside the sentence."""
    assert split_sentences("Plans go awry, and … this will be no exception. Next.") == [
        "Plans go awry, and … this will be no exception.",
        "Next.",
    ]


def test_cue_label_stays_with_what_follows() -> None:
    """A cue label such as "Prediction:" is one sentence with its text, even across a line break."""
    assert split_sentences("Best guess: a stalemate. It lasts.") == [
        "Best guess: a stalemate.",
        "It lasts.",
    ]
    assert split_sentences("Prediction:\nThe deal will fail.") == [
        "Prediction: The deal will fail."
    ]


def test_headline_line_is_its_own_sentence() -> None:
    """A short line without final punctuation is a headline, while hard-wrapped prose is joined."""
    text = (
        "Storm nears coast\nThe storm moved north overnight and is expected to reach the\n"
        "coast today."
    )
    assert split_sentences(text) == [
        "Storm nears coast",
        "The storm moved north overnight and is expected to reach the coast today.",
    ]


def test_missing_space_after_period_still_splits() -> None:
    """Scraped text that lost the space after a period ("country.The") is still split."""
    assert split_sentences('in the country.The army left. It was "a job."We had fun.') == [
        "in the country.",
        "The army left.",
        'It was "a job."',
        "We had fun.",
    ]
    assert split_sentences("See example.com/Foo and Mr.Smith today.") == [
        "See example.com/Foo and Mr.Smith today."
    ]


def test_closing_quote_without_opening_continues_an_earlier_quote() -> None:
    """A sentence that ends a quotation opened earlier counts as quoted up to the closing mark."""
    assert inside_quotes('We know how to look."')
    assert not inside_quotes('We know how to look," she said.')


def test_question_and_exclamation_split() -> None:
    """Question and exclamation marks end sentences before a capital."""
    assert split_sentences("Is it over? Not yet! We wait.") == [
        "Is it over?",
        "Not yet!",
        "We wait.",
    ]


def test_inside_quotes_detects_whole_quotations() -> None:
    """A sentence wholly inside quotation marks is a quotation; one with a frame is not."""
    assert inside_quotes("“We will not leave.”")
    assert inside_quotes("‘I’m fortunate to be here.’")
    assert not inside_quotes("“We will not leave,” he said.")


def test_segment_marks_blockquotes_and_open_quotes() -> None:
    """Sentences in quoted blocks or inside a multi-sentence quotation are marked quoted."""
    article = Article(
        title="t",
        blocks=(
            Block("Officials met. The talks failed."),
            Block("The deal is dead. Talks are over.", quoted=True),
            Block("“I was there. It was awful,” she said. Rain fell."),
        ),
    )
    sentences = segment(article)
    assert [s.quoted for s in sentences] == [False, False, True, True, True, False, False]
    assert [s.paragraph for s in sentences] == [0, 0, 1, 1, 2, 2, 2]
    assert [s.i for s in sentences] == list(range(7))


def test_segment_joins_lone_cue_block_to_next() -> None:
    """A block that is only a cue label is merged with the first sentence of the next block."""
    article = Article(title="t", blocks=(Block("Prediction:"), Block("The deal will fail. Sadly.")))
    assert segment(article)[0].text == "Prediction: The deal will fail."


def test_splitting_is_fast() -> None:
    """Splitting a 1,000-word article takes well under 50 ms."""
    text = " ".join(
        ["Sen. Smith said the U.S. plan, worth $3.5 billion, will pass. It may not."] * 70
    )
    start = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - start < 0.05


def test_stray_close_quote_marks_only_its_own_sentence() -> None:
    """In text pasted without line breaks, a close with its opener lost quotes one sentence."""
    text = (
        'The judge heard the case.Mr Wright said: "I am sorry." He wept. '
        'I will never forgive myself."The court heard the road was busy.'
    )
    article = Article(title="", blocks=(Block(text),))
    flags = {s.text: s.quoted for s in segment(article)}
    assert flags["The judge heard the case."] is False and flags["He wept."] is False
    assert flags['I will never forgive myself."'] is True
    assert flags["The court heard the road was busy."] is False


def test_paragraph_with_only_a_close_continues_the_quote() -> None:
    """A paragraph whose only mark is a closing quote ends a quotation begun earlier."""
    article = Article(
        title="",
        blocks=(Block("“We will fight on. This is not over."), Block("We have the votes.” Fine.")),
    )
    quoted = [s.quoted for s in segment(article)]
    assert quoted == [True, True, True, False]
