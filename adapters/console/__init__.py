"""The console adapter: a local channel in the terminal (`unspin chat`), no tokens, no network."""

from __future__ import annotations

import sys
from typing import TextIO

from adapters.console.repl import ConsoleAdapter
from bot.core import Core
from bot.settings import Settings

__all__ = ["ConsoleAdapter", "create", "required_settings"]


def required_settings(settings: Settings) -> list[str]:
    """The console needs no credentials."""
    return []


def create(
    core: Core,
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> ConsoleAdapter:
    """A console adapter on the given streams (default: the process's stdin and stdout)."""
    console = settings.console
    return ConsoleAdapter(
        core,
        stdin=stdin or sys.stdin,
        stdout=stdout or sys.stdout,
        channel=console.channel,
        user=console.user,
        concurrent=console.concurrent,
    )
