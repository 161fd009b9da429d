"""Pure rendering of an Analysis as the plain-text card a terminal shows."""

from __future__ import annotations

import textwrap

from bot.models import LABELS, Analysis, SummaryItem

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
