"""Unspin: summarise news links, keep reported facts apart from the author's opinion."""

from __future__ import annotations

__version__ = "0.1.0"
