"""Pure outbound safety: no mass or user pings, no links the article did not contain."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from bot.links import normalise
from bot.models import (
    Action,
    ActionsBlock,
    BulletsBlock,
    PollBlock,
    PollChoice,
    PredictionBlock,
    Reply,
    ReplyBlock,
    TextBlock,
    TitleBlock,
)

LINK_REMOVED = "[link removed]"
_ZWSP = "\u200b"

# Discord <@123> <@!123> <@&123> <#123>, Slack <@U123> <!here> <!channel> <!subteam^S1|@x> <#C1|x>.
_ANGLE_MENTION = re.compile(r"<([@#!][^<>\s]{0,100})>")
# @everyone / @here typed bare (Discord pings on them); the lookbehind spares e-mail addresses.
_BARE_MASS = re.compile(r"(?<![\w.])@(everyone|here|channel|all)\b", re.I)
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_TRAILING = ".,;:!?)'\"]"


def defuse_mentions(text: str) -> str:
    """Make every mention-like sequence inert text, keeping it readable."""
    text = _ANGLE_MENTION.sub(lambda m: "‹" + m.group(1).replace("@", "@" + _ZWSP) + "›", text)
    return _BARE_MASS.sub(lambda m: "@" + _ZWSP + m.group(1), text)


def allowed_links(urls: Iterable[str | None]) -> frozenset[str]:
    """The normalised set of links a reply may contain (the article's own and those in its text)."""
    allowed: set[str] = set()
    for url in urls:
        if url:
            norm = normalise(url)
            if norm:
                allowed.add(norm)
    return frozenset(allowed)


def links_in(text: str) -> list[str]:
    """Every http(s) link written in `text`."""
    return [m.group(0).rstrip(_TRAILING) for m in _URL.finditer(text)]


def strip_foreign_links(text: str, allowed: frozenset[str]) -> str:
    """Replace each link that is not in `allowed` (compared normalised) with a marker."""

    def swap(match: re.Match[str]) -> str:
        raw = match.group(0)
        url = raw.rstrip(_TRAILING)
        tail = raw[len(url) :]
        norm = normalise(url)
        return raw if norm is not None and norm in allowed else LINK_REMOVED + tail

    return _URL.sub(swap, text)


def clean_text(text: str, allowed: frozenset[str]) -> str:
    """Both outbound rules on one piece of text."""
    return defuse_mentions(strip_foreign_links(text, allowed))


def _action(action: Action, allowed: frozenset[str]) -> Action:
    return dataclasses.replace(action, label=clean_text(action.label, allowed))


def _block(block: ReplyBlock, allowed: frozenset[str]) -> ReplyBlock:
    def c(text: str) -> str:
        return clean_text(text, allowed)

    if isinstance(block, TitleBlock):
        link = block.link
        if link is not None and normalise(link) not in allowed:
            link = None
        return TitleBlock(title=c(block.title), link=link)
    if isinstance(block, TextBlock):
        return dataclasses.replace(block, text=c(block.text))
    if isinstance(block, BulletsBlock):
        return BulletsBlock(title=c(block.title), items=tuple(c(i) for i in block.items))
    if isinstance(block, PredictionBlock):
        return dataclasses.replace(
            block,
            question=c(block.question),
            by=c(block.by),
            resolve_by=c(block.resolve_by) if block.resolve_by else None,
            action=_action(block.action, allowed),
        )
    if isinstance(block, PollBlock):
        choices = tuple(
            PollChoice(ch.index, c(ch.text), ch.votes, _action(ch.action, allowed))
            for ch in block.choices
        )
        return dataclasses.replace(
            block, question=c(block.question), choices=choices, summary=c(block.summary)
        )
    return ActionsBlock(tuple(_action(a, allowed) for a in block.actions))


def sanitize_reply(reply: Reply, allowed: frozenset[str]) -> Reply:
    """The reply with mentions defused and foreign links removed from every text it carries."""
    return Reply(
        kind=reply.kind,
        blocks=tuple(_block(b, allowed) for b in reply.blocks),
        fallback=clean_text(reply.fallback, allowed),
    )
