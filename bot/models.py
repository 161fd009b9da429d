"""Neutral, frozen data that flows through the core (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Label = Literal["reported", "opinion", "prediction"]
LABELS: tuple[Label, ...] = ("reported", "opinion", "prediction")
BlockKind = Literal["paragraph", "heading", "list_item", "quote"]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like piece of article text, in reading order."""

    text: str
    quoted: bool = False
    kind: BlockKind = "paragraph"


@dataclass(frozen=True, slots=True)
class Article:
    """The readable body of a page plus its metadata, as extracted."""

    title: str
    blocks: tuple[Block, ...]
    url: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    language: str = "en"
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def words(self) -> int:
        """Number of whitespace-separated words in the body."""
        return sum(len(b.text.split()) for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article body; `paragraph` indexes Article.blocks."""

    i: int
    text: str
    paragraph: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    """A sentence with its label, a calibrated confidence and the reason."""

    sentence: Sentence
    label: Label
    confidence: float
    why: str
    attribution: str | None = None


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """A summary entry grounded in one article sentence."""

    i: int
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    """What the article says in brief, split into reported facts and arguments."""

    tldr: str
    tldr_sentences: tuple[int, ...]
    points: tuple[SummaryItem, ...]
    reported: tuple[SummaryItem, ...]
    argued: tuple[SummaryItem, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A forecast found in the article, rewritten as a neutral yes/no question."""

    i: int
    by: str
    claim: str
    question: str
    condition: str | None = None
    resolve_by: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything Unspin knows about one article."""

    article: Article
    sentences: tuple[LabelledSentence, ...]
    summary: Summary
    predictions: tuple[Prediction, ...]
    composition: dict[Label, float] = field(default_factory=dict)
