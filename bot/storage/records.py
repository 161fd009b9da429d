"""Frozen records the store reads and writes besides polls: shares and channel settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ChannelMode = Literal["auto", "reaction", "command", "off"]
ReplyStyle = Literal["thread", "inline"]
CHANNEL_MODES: tuple[ChannelMode, ...] = ("auto", "reaction", "command", "off")
REPLY_STYLES: tuple[ReplyStyle, ...] = ("thread", "inline")


@dataclass(frozen=True, slots=True)
class Share:
    """Where a link was answered, so a repeat can point back to the earlier card."""

    platform: str
    channel_id: str
    url: str
    shared_at: datetime
    message_id: str | None = None
    thread_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """A channel's own settings, changed by its admins; None fields fall back to global ones."""

    platform: str
    channel_id: str
    mode: ChannelMode = "auto"
    reply: ReplyStyle = "thread"
    languages: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()
    poll_duration_h: float | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.mode not in CHANNEL_MODES:
            raise ValueError(f"unknown channel mode {self.mode!r}")
        if self.reply not in REPLY_STYLES:
            raise ValueError(f"unknown reply style {self.reply!r}")
