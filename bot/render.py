"""Pure rendering: the terminal card, and neutral chat Replies budgeted to Capabilities."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date

from bot.models import (
    LABELS,
    Action,
    ActionsBlock,
    Analysis,
    BulletsBlock,
    Capabilities,
    PollBlock,
    PollChoice,
    PredictionBlock,
    Reply,
    ReplyBlock,
    SummaryItem,
    TextBlock,
    TitleBlock,
)
from bot.poll_models import PollState
from bot.polls import visible_tally

WIDTH = 100
_TAGS = {"reported": "REPORTED", "opinion": "OPINION", "prediction": "PREDICT"}


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [first or indent]


def _bullets(title: str, items: tuple[SummaryItem, ...]) -> list[str]:
    if not items:
        return []
    lines = [title]
    for item in items:
        lines += _wrap(f"{item.text} [{item.i}]", "    ", "  • ")
    return [*lines, ""]


def _byline(analysis: Analysis) -> str:
    article = analysis.article
    parts = [p for p in (article.site, article.author and f"by {article.author}") if p]
    if article.published:
        parts.append(article.published)
    parts.append(f"{article.words} words")
    return " · ".join(parts)


def card_text(analysis: Analysis, *, details: bool = True) -> str:
    """Return the card: header, composition, TL;DR, reported/argued, predictions, sentences."""
    article = analysis.article
    comp = analysis.composition
    lines = [article.title or article.url or "(untitled)", _byline(analysis)]
    lines.append(
        "Composition: " + " · ".join(f"{round(100 * comp.get(k, 0.0))}% {k}" for k in LABELS)
    )
    lines += [f"! {w}" for w in article.warnings]
    lines.append("")
    if analysis.summary.tldr:
        lines += [*_wrap(analysis.summary.tldr, "        ", "TL;DR:  "), ""]
    lines += _bullets("Reported", analysis.summary.reported)
    lines += _bullets("Argued", analysis.summary.argued)
    if analysis.predictions:
        lines.append("Predictions (poll questions)")
        for n, p in enumerate(analysis.predictions, 1):
            who = "the author" if p.by == "author" else p.by
            lines += _wrap(f"{p.question}  ({who}) [{p.i}]", "     ", f"  {n}. ")
            if p.condition:
                lines += _wrap(f"if: {p.condition}", "       ", "     ")
            if p.resolve_by:
                lines.append(f"     resolve by: {p.resolve_by}")
        lines.append("")
    if details:
        lines.append("Sentences")
        for s in analysis.sentences:
            tag = f"{_TAGS[s.label]:<8} {s.confidence:.2f}"
            quote = "“" if s.sentence.quoted else " "
            lines += _wrap(s.sentence.text, " " * 22, f"  [{s.sentence.i:>3}] {tag}{quote}")
            why = s.why + (f" (source: {s.attribution})" if s.attribution else "")
            lines += _wrap(why, " " * 24, " " * 22 + "→ ")
    return "\n".join(lines).rstrip() + "\n"


# --- Neutral replies for chat (adapters translate these; the console prints reply_text) ------

SUMMARY_MIN_REDUCTION = 0.5
SHORT_ARTICLE_WORDS = 250
MAX_BULLETS = 3
MAX_CARD_PREDICTIONS = 3
_ELLIPSIS = "…"
_NAMES = {"reported": "reported", "opinion": "opinion", "prediction": "prediction"}


def _fit(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + _ELLIPSIS


def byline(analysis: Analysis) -> str:
    """Site, author, date and length in one line."""
    return _byline(analysis)


def composition_line(analysis: Analysis) -> str:
    """ "Composition: 60% reported · 30% opinion · 10% prediction"."""
    comp = analysis.composition
    return "Composition: " + " · ".join(
        f"{round(100 * comp.get(k, 0.0))}% {_NAMES[k]}" for k in LABELS
    )


def card_warnings(analysis: Analysis) -> list[str]:
    """Honest notes on what the card was built from: extraction warnings, a short text."""
    article = analysis.article
    notes = list(article.warnings)
    words = article.words
    if words < SHORT_ARTICLE_WORDS and not any("word" in w for w in notes):
        notes.append(f"Short text: based on {words} words; it may be truncated or paywalled.")
    return notes


def _shown_items(analysis: Analysis, max_bullets: int) -> dict[str, tuple[SummaryItem, ...]]:
    """The bullets a card shows: up to `max_bullets` each, minus what the TL;DR already says."""
    summary = analysis.summary
    in_tldr = set(summary.tldr_sentences)
    shown: dict[str, tuple[SummaryItem, ...]] = {}
    for title, items in (("Reported", summary.reported), ("Argued", summary.argued)):
        fresh = tuple(i for i in items if i.i not in in_tldr and i.text not in summary.tldr)
        if fresh[:max_bullets]:
            shown[title] = fresh[:max_bullets]
    return shown


def summary_worth_it(analysis: Analysis, max_bullets: int = MAX_BULLETS) -> bool:
    """True when the card's summary is much shorter than the article (else read the article)."""
    summary = analysis.summary
    body = len(analysis.article.text)
    if body == 0 or not summary.tldr:
        return False
    items = _shown_items(analysis, max_bullets).values()
    size = len(summary.tldr) + sum(len(i.text) for group in items for i in group)
    return size <= (1 - SUMMARY_MIN_REDUCTION) * body


def _who(by: str) -> str:
    return "the author" if by == "author" else by


def card(
    analysis: Analysis,
    caps: Capabilities,
    *,
    key: str,
    max_bullets: int = MAX_BULLETS,
    max_predictions: int = MAX_CARD_PREDICTIONS,
) -> Reply:
    """The short card for one analysed article, budgeted to the platform's message size."""
    article = analysis.article
    item_chars = min(caps.block_chars, 300)
    head: list[ReplyBlock] = [
        TitleBlock(_fit(article.title or article.url or "(untitled)", 250), article.url),
        TextBlock(byline(analysis), "byline"),
        TextBlock(composition_line(analysis), "composition"),
    ]
    notes: list[ReplyBlock] = [TextBlock(w, "note") for w in card_warnings(analysis)]
    body: list[ReplyBlock] = []
    if summary_worth_it(analysis, max_bullets):
        body.append(TextBlock(_fit(analysis.summary.tldr, min(caps.block_chars, 500)), "tldr"))
        for title, items in _shown_items(analysis, max_bullets).items():
            body.append(BulletsBlock(title, tuple(_fit(i.text, item_chars) for i in items)))
    elif analysis.summary.tldr or analysis.sentences:
        notes.append(
            TextBlock(
                f"No summary: at {article.words} words it would not be much shorter than "
                "the article itself.",
                "note",
            )
        )
    preds: list[ReplyBlock] = []
    for p in analysis.predictions[:max_predictions]:
        action = Action("start_poll", "Start a poll", f"{key}:{p.i}", "primary")
        preds.append(
            PredictionBlock(
                _fit(p.question, caps.poll_question_chars), _who(p.by), p.resolve_by, action
            )
        )
    tail: list[ReplyBlock] = [ActionsBlock((Action("details", "Details", key),))]
    blocks = [*head, *notes, *body, *preds, *tail]
    # Over budget: drop bullets from the end, then predictions, until the card fits.
    while len(reply_text(Reply("card", tuple(blocks), ""))) > caps.message_chars:
        if not _shrink(blocks):
            break
    title = head[0].title if isinstance(head[0], TitleBlock) else ""
    return Reply("card", tuple(blocks), _fit(f"Unspin: {title}", 150))


def _shrink(blocks: list[ReplyBlock]) -> bool:
    """Drop the least important piece: a last bullet, then a prediction, then the TL;DR."""
    for n in range(len(blocks) - 1, -1, -1):
        block = blocks[n]
        if isinstance(block, BulletsBlock):
            if len(block.items) > 1:
                blocks[n] = BulletsBlock(block.title, block.items[:-1])
            else:
                del blocks[n]
            return True
    for n in range(len(blocks) - 1, -1, -1):
        block = blocks[n]
        if isinstance(block, PredictionBlock) or (
            isinstance(block, TextBlock) and block.style == "tldr"
        ):
            del blocks[n]
            return True
    return False


def details(analysis: Analysis, caps: Capabilities) -> list[Reply]:
    """Every sentence with its label and reason, split into as many replies as fit."""
    lines: list[str] = []
    for s in analysis.sentences:
        source = f"; source: {s.attribution}" if s.attribution else ""
        text = _fit(s.sentence.text, max(caps.block_chars - 120, 80))
        lines.append(f"[{s.sentence.i}] {s.label.upper()} — {text} ({s.why}{source})")
    title = _fit(analysis.article.title or "Details", 200)
    budget = max(caps.message_chars - len(title) - 40, 200)
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = _fit(line, min(budget, caps.block_chars))
        if chunks[-1] and size + len(line) + 5 > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 5
    replies = []
    for n, chunk in enumerate(chunks, 1):
        heading = title if len(chunks) == 1 else f"{title} ({n}/{len(chunks)})"
        blocks: tuple[ReplyBlock, ...] = (BulletsBlock(heading, tuple(chunk)),)
        replies.append(Reply("details", blocks, heading))
    return replies


def poll_card(state: PollState, caps: Capabilities) -> Reply:
    """A poll as a card: voters while open (results hidden unless set visible), tally at close."""
    shown = visible_tally(state)
    choices = tuple(
        PollChoice(
            o.index,
            _fit(o.text, caps.poll_answer_chars),
            shown.counts[o.index] if shown is not None else None,
            Action("vote", _fit(o.text, 80), f"{state.id}:{o.index}"),
        )
        for o in state.options
    )
    if state.is_open:
        hidden = "results at close" if shown is None else "results visible"
        summary = f"{state.voters} voted · {hidden} · closes {state.closes_at:%Y-%m-%d %H:%M} UTC"
        close: Action | None = Action("close_poll", "Close poll", str(state.id), "danger")
    else:
        counts = ", ".join(f"{c.text} {c.votes}" for c in choices)
        summary = f"Closed · {state.voters} voted: {counts}"
        close = None
    block = PollBlock(
        poll_id=state.id,
        question=_fit(state.question, caps.poll_question_chars),
        choices=choices,
        voters=state.voters,
        is_open=state.is_open,
        closes_at=state.closes_at.isoformat(),
        close_action=close,
        summary=summary,
    )
    return Reply("poll", (block,), _fit(f"Poll: {state.question} ({summary})", 200))


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date) -> str:
    """A date as people write it ("3 March 2027"), the same whatever the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _reminder_tally(state: PollState) -> str:
    shown = visible_tally(state)
    n = state.voters
    voted = "nobody voted" if n == 0 else "1 person voted" if n == 1 else f"{n} people voted"
    counts = ""
    if shown is not None and n:
        counts = ": " + ", ".join(f"{o.text} {shown.counts[o.index]}" for o in state.options)
    if not state.is_open:
        return f"Poll #{state.id} closed; {voted}{counts}."
    hidden = "; results show when it closes" if shown is None and n else ""
    return f"Poll #{state.id} is still open; so far {voted}{counts}{hidden}."


def due_reminder(state: PollState, caps: Capabilities) -> Reply:
    """The one reminder posted when a polled forecast comes due: date, question, who, tally."""
    if state.resolve_by is None:
        raise ValueError("only a poll with a due date gets a due reminder")
    due = f"This forecast was due on {long_date(state.resolve_by)}: did it come true?"
    who = f", predicted by {_who(state.predicted_by)}" if state.predicted_by else ""
    tail = f"”{who}. {_reminder_tally(state)}"
    # The question gives way first, so the tally survives a small block.
    room = min(caps.poll_question_chars, caps.block_chars - len(tail) - 1)
    question = _fit(state.question, max(room, 40))
    detail = _fit(f"“{question}{tail}", caps.block_chars)
    return Reply("notice", (TextBlock(due), TextBlock(detail)), _fit(f"{due} {question}", 200))


def notice(text: str) -> Reply:
    """One plain sentence as a reply (errors, refusals, confirmations)."""
    return Reply("notice", (TextBlock(text),), text)


def pointer(text: str) -> Reply:
    """A short pointer to an earlier answer instead of a second card."""
    return Reply("pointer", (TextBlock(text, "pointer"),), text)


def _action_text(action: Action) -> str:
    return f"[{action.label}]"


def reply_text(reply: Reply, action_hint: Callable[[Action], str] = _action_text) -> str:
    """A plain-text rendering of a Reply for terminals and logs; actions via `action_hint`."""
    lines: list[str] = []
    previous: ReplyBlock | None = None
    for block in reply.blocks:
        if isinstance(block, PredictionBlock) and not isinstance(previous, PredictionBlock):
            lines.append("Predictions")
        previous = block
        if isinstance(block, TitleBlock):
            lines.append(block.title + (f"\n{block.link}" if block.link else ""))
        elif isinstance(block, TextBlock):
            prefix = {"tldr": "TL;DR: ", "note": "! ", "pointer": "↪ "}.get(block.style, "")
            lines.append(prefix + block.text)
        elif isinstance(block, BulletsBlock):
            lines.append(block.title)
            lines += [f"  • {item}" for item in block.items]
        elif isinstance(block, PredictionBlock):
            due = f", resolve by {block.resolve_by}" if block.resolve_by else ""
            lines.append(f"  ? {block.question} ({block.by}{due}) {action_hint(block.action)}")
        elif isinstance(block, PollBlock):
            lines.append(f"Poll #{block.poll_id}: {block.question}")
            for choice in block.choices:
                count = "" if choice.votes is None else f" — {choice.votes}"
                hint = f" {action_hint(choice.action)}" if block.is_open else ""
                lines.append(f"  {choice.index + 1}. {choice.text}{count}{hint}")
            lines.append(block.summary)
            if block.close_action is not None:
                lines.append(action_hint(block.close_action))
        else:
            lines.append(" ".join(action_hint(a) for a in block.actions))
    return "\n".join(lines)
