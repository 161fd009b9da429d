"""Turn trafilatura's XML body (<p>, <head>, <quote>, <list>, <table>) into Blocks, in order."""

from __future__ import annotations

import re

from lxml.etree import _Element

from bot.models import Block, BlockKind

_WS = re.compile(r"\s+")
# A line break inside a <p> ends a paragraph only after text that ends like a sentence;
# otherwise it is a wrapped line (poems and addresses aside, which read fine joined).
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’')\]…]$")
_OPENING_QUOTES = "\"“‘'«„"
# An inline <q> that covers this much of its paragraph makes the paragraph a quotation.
_QUOTED_SHARE = 0.8
_CONTAINERS = {"p", "list", "head", "quote", "table"}


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


class _Collector:
    """Accumulates blocks while walking the tree (iteratively, so deep trees cannot recurse)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, text: str, kind: BlockKind, quoted: bool) -> None:
        text = _norm(text)
        if text:
            self.blocks.append(Block(text=text, quoted=quoted, kind=kind))

    def inline(self, el: _Element, kind: BlockKind, quoted: bool) -> None:
        """A paragraph-like element: its text, split on sentence-ending line breaks."""
        lines: list[list[str]] = [[el.text or ""]]
        inline_quote = 0
        stack: list[tuple[_Element, bool]] = [(child, False) for child in reversed(el)]
        while stack:
            node, done = stack.pop()
            if done:
                lines[-1].append(node.tail or "")
                continue
            stack.append((node, True))
            if node.tag == "lb":
                lines.append([])
            elif node.tag == "quote":
                said = _norm("".join(node.itertext()))
                inline_quote += len(said)
                if said and said[0] not in _OPENING_QUOTES:
                    said = f"“{said}”"
                lines[-1].append(said)
            else:
                lines[-1].append(node.text or "")
                stack.extend((child, False) for child in reversed(node))
        pieces: list[str] = []
        for line in lines:
            text = _norm("".join(line))
            if not text:
                continue
            if pieces and not _ENDS_SENTENCE.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {text}"
            else:
                pieces.append(text)
        total = sum(len(p) for p in pieces)
        if total and inline_quote >= _QUOTED_SHARE * total:
            quoted = True
            kind = "quote" if kind == "paragraph" else kind
        for piece in pieces:
            self.add(piece, kind, quoted)

    def item(self, el: _Element, quoted: bool) -> list[_Element]:
        """A list item: its own text as one block; nested lists are returned to walk next."""
        nested = [child for child in el if child.tag == "list"]
        if not nested:
            self.inline(el, "list_item", quoted)
            return []
        parts = [el.text or ""]
        for child in el:
            if child.tag == "list":
                break
            parts.extend([*child.itertext(), child.tail or ""])
        self.add("".join(parts), "list_item", quoted)
        return nested

    def table(self, el: _Element, quoted: bool) -> None:
        for row in el.iter("row"):
            cells = [_norm("".join(cell.itertext())) for cell in row if cell.tag == "cell"]
            self.add(" | ".join(c for c in cells if c), "paragraph", quoted)


def body_blocks(body: _Element) -> list[Block]:
    """Blocks of an extracted body; text inside <quote> (blockquote, q) is marked quoted."""
    out = _Collector()
    out.add(body.text or "", "paragraph", False)
    # (element, quoted, is_tail_marker): tails are block-level text between elements.
    stack: list[tuple[_Element, bool, bool]] = [(c, False, False) for c in reversed(body)]
    while stack:
        el, quoted, tail = stack.pop()
        if tail:
            out.add(el.tail or "", "quote" if quoted else "paragraph", quoted)
            continue
        stack.append((el, quoted, True))
        tag = el.tag
        children: list[_Element] = []
        inner_quoted = quoted
        if tag == "p":
            out.inline(el, "quote" if quoted else "paragraph", quoted)
        elif tag == "head":
            out.inline(el, "heading", quoted)
        elif tag == "quote":
            if any(child.tag in _CONTAINERS for child in el):
                out.add(el.text or "", "quote", True)
                children, inner_quoted = list(el), True
            else:
                out.inline(el, "quote", True)
        elif tag == "list":
            out.add(el.text or "", "list_item", quoted)
            children = [child for child in el if child.tag == "item"]
        elif tag == "item":
            children = out.item(el, quoted)
        elif tag == "table":
            out.table(el, quoted)
        elif tag in {"div", "section", "body", "article", "main"}:
            out.add(el.text or "", "paragraph", quoted)
            children = list(el)
        elif tag not in {"graphic", "lb"}:
            out.inline(el, "quote" if quoted else "paragraph", quoted)
        stack.extend((child, inner_quoted, False) for child in reversed(children))
    return out.blocks
