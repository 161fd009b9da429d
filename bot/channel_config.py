"""Pure per-channel settings: effective values from global defaults, and the settings command."""

from __future__ import annotations

import dataclasses

from bot.errors import UsageError
from bot.storage.records import CHANNEL_MODES, REPLY_STYLES, ChannelConfig

SETTINGS_HELP = (
    "Settings: show | mode auto|reaction|command|off | reply thread|inline | "
    "languages en,de|any | allow example.com,...|none | deny example.com,...|none | "
    "poll-hours N|default"
)
_MODE_MEANING = {
    "auto": "I answer every article link shared here",
    "reaction": "I answer when someone reacts with 📰",
    "command": "I answer only when asked with /summarize",
    "off": "I stay silent here",
}


def effective(
    stored: ChannelConfig | None,
    *,
    platform: str,
    channel_id: str,
    default: ChannelConfig,
) -> ChannelConfig:
    """The channel's settings: its own when an admin set them, else the global defaults.

    The global deny list always applies; a channel can add to it but not lift it.
    """
    if stored is None:
        return dataclasses.replace(default, platform=platform, channel_id=channel_id)
    deny = tuple(dict.fromkeys((*default.deny_domains, *stored.deny_domains)))
    return dataclasses.replace(stored, deny_domains=deny)


def _list(value: str) -> tuple[str, ...]:
    if value.lower() in ("any", "none", "-", ""):
        return ()
    return tuple(dict.fromkeys(p.strip().lower() for p in value.replace(" ", ",").split(",") if p))


def apply_command(config: ChannelConfig, args: str, *, user_id: str) -> ChannelConfig:
    """The config after one settings command ("mode reaction", "deny a.com,b.org", ...)."""
    name, _, value = args.strip().partition(" ")
    name, value = name.lower().replace("_", "-"), value.strip()
    if not value:
        raise UsageError(SETTINGS_HELP)
    if name == "mode":
        if value.lower() not in CHANNEL_MODES:
            raise UsageError("The mode must be one of auto, reaction, command or off.")
        changed = dataclasses.replace(config, mode=value.lower())  # type: ignore[arg-type]
    elif name == "reply":
        if value.lower() not in REPLY_STYLES:
            raise UsageError("Replies go either in a thread or inline.")
        changed = dataclasses.replace(config, reply=value.lower())  # type: ignore[arg-type]
    elif name in ("languages", "language"):
        changed = dataclasses.replace(config, languages=_list(value))
    elif name == "allow":
        changed = dataclasses.replace(config, allow_domains=_list(value))
    elif name == "deny":
        changed = dataclasses.replace(config, deny_domains=_list(value))
    elif name in ("poll-hours", "poll-duration"):
        if value.lower() == "default":
            changed = dataclasses.replace(config, poll_duration_h=None)
        else:
            try:
                hours = float(value)
            except ValueError:
                raise UsageError("Poll hours must be a number, e.g. poll-hours 48.") from None
            if not 1 <= hours <= 32 * 24:
                raise UsageError("Polls can last from 1 hour to 32 days (768 hours).")
            changed = dataclasses.replace(config, poll_duration_h=hours)
    else:
        raise UsageError(SETTINGS_HELP)
    return dataclasses.replace(changed, updated_by=user_id)


def describe(config: ChannelConfig) -> str:
    """The channel's settings in one or two plain sentences."""
    parts = [
        f"Mode {config.mode}: {_MODE_MEANING[config.mode]}.",
        f"Replies go {'in a thread' if config.reply == 'thread' else 'inline'}.",
    ]
    if config.languages:
        parts.append(f"Languages: {', '.join(config.languages)}.")
    if config.allow_domains:
        parts.append(f"Only these sites: {', '.join(config.allow_domains)}.")
    if config.deny_domains:
        parts.append(f"Never these sites: {', '.join(config.deny_domains)}.")
    if config.poll_duration_h is not None:
        parts.append(f"Polls last {config.poll_duration_h:g} hours.")
    return " ".join(parts)
