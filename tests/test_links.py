"""Tests for finding, normalising and filtering links in chat messages."""

from __future__ import annotations

import pytest

from bot.links import domain_matches, find_links, link_key, looks_like_article, normalise, scan


def test_find_links_unwraps_slack_and_markdown_forms() -> None:
    """Slack's <url|label>, Discord's <url> and Markdown links all yield the bare URL, in order."""
    text = (
        "see <https://a.example/x?y=1|the story> and [b](https://b.example/p) "
        "plus <https://c.example/q> and https://d.example/r."
    )
    assert find_links(text) == [
        "https://a.example/x?y=1",
        "https://b.example/p",
        "https://c.example/q",
        "https://d.example/r",
    ]


def test_find_links_strips_sentence_punctuation_but_keeps_balanced_parens() -> None:
    """Trailing punctuation and an unbalanced closing paren are not part of the link."""
    text = "(read https://en.example.org/wiki/Foo_(bar)), then https://x.example/a!"
    assert find_links(text) == ["https://en.example.org/wiki/Foo_(bar)", "https://x.example/a"]


def test_find_links_decodes_slack_escaped_ampersands() -> None:
    """Slack sends & as &amp; inside links; the link itself uses a plain ampersand."""
    assert find_links("<https://a.example/p?x=1&amp;y=2>") == ["https://a.example/p?x=1&y=2"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://News.Example.COM:443/a/b#frag", "https://news.example.com/a/b"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        (
            "https://e.example/a?utm_source=tw&id=7&fbclid=XYZ&gclid=1&UTM_Medium=m",
            "https://e.example/a?id=7",
        ),
        ("https://e.example/a?utm_campaign=x", "https://e.example/a"),
        ("https://e.example/a?b=2&a=1", "https://e.example/a?b=2&a=1"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    """Scheme/host case, default ports, fragments and tracking parameters are normalised away."""
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "raw", ["ftp://e.example/x", "https://user:pw@e.example/", "https:///nohost", "http://[::1"]
)
def test_normalise_rejects_unusable_links(raw: str) -> None:
    """Non-http schemes, credentials in the URL, missing hosts and malformed URLs give None."""
    assert normalise(raw) is None


def test_variants_of_one_link_normalise_to_one_key() -> None:
    """Two spellings of the same article share one normal form and one key."""
    a = normalise("https://WWW.example.com/story?utm_source=x#top")
    b = normalise("https://www.example.com:443/story")
    assert a == b
    assert a is not None and link_key(a) == link_key(b or "")
    assert len(link_key(a)) == 16


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/photo.JPG",
        "https://e.example/clip.mp4",
        "https://www.youtube.com/watch?v=abc",
        "https://youtu.be/abc",
        "https://x.com/someone/status/1",
        "https://media.tenor.com/x",
    ],
)
def test_non_articles_are_recognised(url: str) -> None:
    """Media files and social/video hosts are not articles."""
    assert not looks_like_article(url)


def test_ordinary_news_links_look_like_articles() -> None:
    """A news path, with or without an .html suffix, looks like an article."""
    assert looks_like_article("https://news.example.com/2024/05/story.html")
    assert looks_like_article("https://example.org/politics/some-story")


def test_scan_dedupes_caps_and_reports_skipped_and_ignored() -> None:
    """Duplicates collapse, non-articles are ignored, and links past the cap are skipped."""
    text = (
        "https://a.example/1 https://a.example/1#x https://b.example/2?utm_source=z "
        "https://img.example/p.png https://c.example/3 https://d.example/4"
    )
    result = scan(text, max_links=3)
    assert result.articles == ("https://a.example/1", "https://b.example/2", "https://c.example/3")
    assert result.skipped == ("https://d.example/4",)
    assert result.ignored == ("https://img.example/p.png",)


def test_scan_of_text_without_links_is_empty() -> None:
    """Plain text yields no links at all."""
    assert scan("no links here, just www dot example") == scan("")


def test_domain_matches_subdomains_not_lookalikes() -> None:
    """A listed domain covers its subdomains but not a different domain that ends the same."""
    assert domain_matches("news.example.com", ["example.com"])
    assert domain_matches("example.com", [".Example.com"])
    assert not domain_matches("badexample.com", ["example.com"])
