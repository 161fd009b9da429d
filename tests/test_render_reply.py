"""Tests for the neutral chat replies: card budget, details, poll cards, outbound safety."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.models import (
    Article,
    Block,
    BulletsBlock,
    Capabilities,
    PollBlock,
    PredictionBlock,
    TextBlock,
    TitleBlock,
)
from bot.poll_models import PollOption, PollState, Tally
from bot.render import card, card_text, details, poll_card, reply_text
from bot.sanitize import LINK_REMOVED, allowed_links, clean_text, sanitize_reply
from bot.testing import CueAnalyzer

FILLER = (
    "The council met on Tuesday in the old town hall to discuss the budget for the coming year. "
    "Officials said the figures were published on the city website and in the local paper. "
)


def _article(paragraphs: list[str], title: str = "Budget vote") -> Article:
    return Article(
        title=title,
        blocks=tuple(Block(p) for p in paragraphs),
        url="https://news.example/budget",
        site="news.example",
        author="A. Writer",
    )


def _long_article() -> Article:
    paras = [FILLER * 3 for _ in range(6)]
    paras.append("The mayor should resign. Critics think the plan is wrong.")
    paras.append("The tram line will open by 2027. Fares will rise next year. Taxes will fall.")
    paras.append("Rents will double. " + FILLER)
    return _article(paras)


def test_card_has_header_tldr_bullets_predictions_and_details() -> None:
    """A long article's card shows title, byline, composition, TL;DR, bullets, 3 polls, Details."""
    analysis = CueAnalyzer().analyze(_long_article())
    reply = card(analysis, Capabilities(), key="k1")
    kinds = [type(b).__name__ for b in reply.blocks]
    assert kinds[0] == "TitleBlock" and reply.blocks[0] == TitleBlock(
        "Budget vote", "https://news.example/budget"
    )
    styles = [b.style for b in reply.blocks if isinstance(b, TextBlock)]
    assert {"byline", "composition", "tldr"} <= set(styles)
    bullets = {b.title: b.items for b in reply.blocks if isinstance(b, BulletsBlock)}
    assert set(bullets) == {"Reported", "Argued"}
    assert all(len(items) <= 3 for items in bullets.values())
    preds = [b for b in reply.blocks if isinstance(b, PredictionBlock)]
    assert len(preds) == 3 and len(analysis.predictions) > 3
    assert preds[0].action.kind == "start_poll"
    assert preds[0].action.ref == f"k1:{analysis.predictions[0].i}"
    text = reply_text(reply)
    assert "[Details]" in text and "Composition:" in text


def test_card_skips_the_summary_of_a_short_article_and_says_so() -> None:
    """When the summary would not be much shorter than the article, the card says so instead."""
    analysis = CueAnalyzer().analyze(_article(["Prices rose. Shops said so. Tax will rise."]))
    reply = card(analysis, Capabilities(), key="k")
    assert not any(isinstance(b, BulletsBlock) for b in reply.blocks)
    notes = [b.text for b in reply.blocks if isinstance(b, TextBlock) and b.style == "note"]
    assert any("not be much shorter" in n for n in notes)
    assert any("based on" in n and "words" in n for n in notes)


def test_extraction_warnings_are_shown_on_the_card() -> None:
    """A paywall warning from extraction appears as a note."""
    art = dataclasses.replace(_long_article(), warnings=("looks paywalled: based on 180 words",))
    reply = card(CueAnalyzer().analyze(art), Capabilities(), key="k")
    assert "! looks paywalled: based on 180 words" in reply_text(reply)


def test_card_fits_a_small_message_budget() -> None:
    """With a tiny message size the card sheds bullets and predictions until it fits."""
    analysis = CueAnalyzer().analyze(_long_article())
    caps = Capabilities(message_chars=600, block_chars=200)
    full = reply_text(card(analysis, Capabilities(), key="k"))
    small = reply_text(card(analysis, caps, key="k"))
    assert len(full) > 600 >= len(small)
    assert "[Details]" in small


def test_details_cover_every_sentence_and_split_to_fit() -> None:
    """Details list every sentence with label and reason, split into messages within budget."""
    analysis = CueAnalyzer().analyze(_long_article())
    caps = Capabilities(message_chars=800, block_chars=400)
    replies = details(analysis, caps)
    assert len(replies) > 1
    items = [i for r in replies for b in r.blocks if isinstance(b, BulletsBlock) for i in b.items]
    assert len(items) == len(analysis.sentences)
    assert all(len(reply_text(r)) <= 800 for r in replies)
    assert items[-1].startswith(f"[{analysis.sentences[-1].sentence.i}] ")
    assert "REPORTED" in items[0] and "cue words" in items[0]


def _poll(status: str, counts: tuple[int, ...], hide: bool = True) -> PollState:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    return PollState(
        id=7,
        platform="test",
        channel_id="C1",
        starter_id="u1",
        question="Will the tram open by 2027?",
        options=(PollOption(0, "Will happen"), PollOption(1, "Won't happen")),
        created_at=t0,
        closes_at=t0 + timedelta(hours=24),
        tally=Tally(counts),
        status="open" if status == "open" else "closed",
        hide_results=hide,
    )


def test_open_poll_card_shows_voters_not_results() -> None:
    """While open with hidden results the card shows how many voted but no per-answer counts."""
    block = poll_card(_poll("open", (2, 1)), Capabilities()).blocks[0]
    assert isinstance(block, PollBlock)
    assert block.voters == 3 and block.is_open
    assert all(c.votes is None for c in block.choices)
    assert block.close_action is not None and block.close_action.ref == "7"
    assert [c.action.ref for c in block.choices] == ["7:0", "7:1"]
    assert "3 voted" in block.summary


def test_closed_poll_card_reveals_the_tally() -> None:
    """A closed poll's card shows each answer's votes and no close action."""
    reply = poll_card(_poll("closed", (2, 1)), Capabilities())
    block = reply.blocks[0]
    assert isinstance(block, PollBlock)
    assert [c.votes for c in block.choices] == [2, 1] and block.close_action is None
    assert "Will happen — 2" in reply_text(reply)


def test_mentions_are_defused() -> None:
    """Mass and user pings on both platforms become inert text."""
    text = "hi @everyone and @here <@123> <@!9> <@&5> <!channel> <!here> <@U123> mail a@here.com"
    out = clean_text(text, frozenset())
    for ping in ("@everyone", "@here ", "<@123>", "<!channel>", "<!here>", "<@U123>", "<@&5>"):
        assert ping not in out
    assert "a@here.com" in out


def test_links_not_in_the_article_are_removed() -> None:
    """A URL the article did not contain is replaced; the article's own links stay."""
    allowed = allowed_links(["https://news.example/budget", "https://city.example/figures"])
    text = "See https://city.example/figures. Leak: https://attacker.example/?d=secret!"
    out = clean_text(text, allowed)
    assert "https://city.example/figures." in out
    assert "attacker" not in out and LINK_REMOVED + "!" in out


def test_sanitize_reply_cleans_every_block_and_drops_foreign_title_links() -> None:
    """Sanitising a card reaches titles, bullets, predictions and the fallback."""
    art = _long_article()
    art = dataclasses.replace(
        art, title="@everyone read https://attacker.example/x", url="https://evil.example/"
    )
    reply = card(CueAnalyzer().analyze(art), Capabilities(), key="k")
    clean = sanitize_reply(reply, allowed_links(["https://news.example/budget"]))
    text = reply_text(clean) + clean.fallback
    assert "attacker.example" not in text and "@everyone" not in text
    title = clean.blocks[0]
    assert isinstance(title, TitleBlock) and title.link is None


def test_terminal_card_text_is_unchanged_in_shape() -> None:
    """The CLI's card_text still renders header, TL;DR and sentence details."""
    analysis = CueAnalyzer().analyze(_long_article())
    text = card_text(analysis)
    assert text.startswith("Budget vote\n") and "TL;DR:" in text and "Sentences" in text
