"""Articles in languages the analysis cannot read yet are answered with one plain sentence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from core_support import article_text, message, wired_core

from bot.models import Article
from bot.ports import FetchedPageLike
from bot.testing import RecordingConversation, extract_plain

A = "https://zeitung.example/a"


def german(page: FetchedPageLike) -> Article:
    """Extraction that reads the page as German (as the extractor's language guess would)."""
    return dataclasses.replace(extract_plain(page), language="de-DE")


async def test_a_shared_german_article_gets_a_plain_not_supported_sentence(
    tmp_path: Path,
) -> None:
    """A pasted link to a German article: no analysis and no card, one sentence saying so."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, fetcher, _):
        core.articles.extract = german
        conv = RecordingConversation()
        outcomes = await core.handle_message(message(A), conv)
        assert [o.kind for o in outcomes] == ["error"]
        assert conv.said == [
            "That article is in German; I can only summarise English articles so far."
        ]
        assert core.articles.analyzer.calls == 0  # type: ignore[attr-defined]
        assert fetcher.calls == [A]


async def test_an_english_article_is_still_summarised(tmp_path: Path) -> None:
    """The language check lets English articles (with a region tag) through to a card."""
    async with wired_core(tmp_path, {A: article_text(1)}) as (core, _, _):
        core.articles.extract = lambda page: dataclasses.replace(
            extract_plain(page), language="en-GB"
        )
        conv = RecordingConversation()
        await core.handle_message(message(A), conv)
        assert conv.kinds == ["card"]
