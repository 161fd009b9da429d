"""Paywall evidence: JSON-LD section selectors, and whether extracted text holds the section."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from bot.extract_paywall import is_prompt, section_missing, section_paragraphs, selector_xpath

PAGE = lxml_html.fromstring(
    "<html><body><article class='story'>"
    "<div class='lede'><p>The free opening paragraph of the story, shown to every reader.</p></div>"
    "<div class='body paywall' id='rest'>"
    "<p>First paid paragraph with enough words to count as prose here.</p>"
    "<div class='paywall'><p>A nested paid paragraph that is counted once, not twice.</p></div>"
    "<p>Advertisement</p><script>var paywall = 'script text is never prose at all';</script>"
    "</div>"
    "<aside class='paywall-bar'><p>You have three free articles left this month.</p></aside>"
    "</article></body></html>"
)
PAID = [
    "First paid paragraph with enough words to count as prose here.",
    "A nested paid paragraph that is counted once, not twice.",
]


@pytest.mark.parametrize(
    "selector",
    [".paywall", "div.paywall", "#rest", ".body.paywall", "article .paywall", ".story > .body"],
)
def test_simple_selectors_find_the_section_once_without_lookalikes(selector: str) -> None:
    """Class, id, tag, compound, descendant and child selectors name the section, not lookalikes."""
    assert section_paragraphs(PAGE, [selector]) == PAID


@pytest.mark.parametrize("selector", ["[id=rest]", "div.body:not(.lede)", ".lede ~ div.body"])
def test_attribute_pseudo_class_and_sibling_selectors_work_too(selector: str) -> None:
    """Richer CSS (attributes, :not, siblings) names the section as well: cssselect reads it."""
    assert section_paragraphs(PAGE, [selector]) == PAID


@pytest.mark.parametrize("selector", ["div >", "> div", ".a >> .b", "", "p::first-line", "a["])
def test_broken_selectors_are_not_guessed(selector: str) -> None:
    """Malformed selectors and pseudo-elements give None, so nothing is checked."""
    assert selector_xpath(selector) is None
    assert section_paragraphs(PAGE, [selector]) is None


def test_selector_list_unions_its_parts() -> None:
    """A comma-separated list finds the elements of each part."""
    found = section_paragraphs(PAGE, [".lede, #rest"])
    assert found is not None and found[0].startswith("The free opening") and found[1:] == PAID


def test_selector_matching_nothing_is_none_and_never_missing() -> None:
    """No element for the selector is no evidence: None, and section_missing says False."""
    assert section_paragraphs(PAGE, [".metered-content"]) is None
    assert section_missing(None, "any text") is False


def test_empty_or_prompt_only_section_is_missing() -> None:
    """A section with no prose, or only a subscribe prompt, counts as missing."""
    empty = lxml_html.fromstring("<div><div class='paywall'> </div></div>")
    prompt = lxml_html.fromstring(
        "<div><div class='paywall'><p>Subscribe now to keep reading this story.</p></div></div>"
    )
    for tree in (empty, prompt):
        paragraphs = section_paragraphs(tree, [".paywall"])
        assert paragraphs == []
        assert section_missing(paragraphs, "Some extracted text of a few words.") is True


def test_section_cut_off_in_the_extracted_text_is_missing() -> None:
    """Text holding the whole section is not missing; text holding only its first part is."""
    paragraphs = [
        "The board met on Monday and voted to delay the new library by a full year.",
        "Builders had found old foundations under the site that must be surveyed first.",
        "Parents said the children's room in the old building is already far too small.",
        "A temporary reading room will open in the town hall from September onwards.",
    ]
    assert section_missing(paragraphs, " ".join(paragraphs)) is False
    assert section_missing(paragraphs, "Intro. " + " ".join(paragraphs[:3])) is False
    assert section_missing(paragraphs, "Intro. " + paragraphs[0]) is True


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("Subscribe to continue reading.", True),
        ("Already a subscriber? Log in.", True),
        ("You've reached your limit of free articles.", True),
        ("The council said residents could subscribe to updates by email.", False),
        ("Subscribe to continue reading. " + "More words of the article go here. " * 8, False),
    ],
)
def test_prompt_is_short_and_specific(text: str, prompt: bool) -> None:
    """Only short, specific paywall wording is a prompt; long blocks mentioning it are text."""
    assert is_prompt(text) is prompt
