"""Documented Discord payload shapes and limits, for the fake Discord (discord-api-docs)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

JSON = dict[str, Any]

# developers/resources/message.mdx "Embed Limits"; developers/resources/poll.mdx;
# developers/components/reference.mdx.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
CONTENT = 2000
POLL_QUESTION = 300
POLL_ANSWER = 55
POLL_ANSWERS = 10
POLL_HOURS = 32 * 24
CUSTOM_ID = 100
BUTTON_LABEL = 80
ROW_ITEMS = 5
ROWS = 5

EPHEMERAL = 1 << 6
SUPPRESS_EMBEDS = 1 << 2

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> str:
    """A fresh, increasing snowflake-like id."""
    return str(next(_ids))


def now_iso(delta: timedelta = timedelta()) -> str:
    """An ISO 8601 timestamp as Discord sends them."""
    return (datetime.now(UTC) + delta).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> JSON:
    """A user object."""
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def member(user_obj: JSON, *, permissions: str = "0") -> JSON:
    """A guild member object as interactions carry it (with `permissions`)."""
    return {
        "user": user_obj,
        "roles": [],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": permissions,
    }


def text_channel(guild_id: str, channel_id: str, n: int) -> JSON:
    """A guild text channel object (as GUILD_CREATE and GET /channels/{id} carry it)."""
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": f"channel-{n}",
        "position": n,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
    }


def guild(guild_id: str, channel_ids: list[str], bot_user: JSON) -> JSON:
    """A GUILD_CREATE payload with text channels, the @everyone role and the bot as member."""
    channels = [text_channel(guild_id, cid, n) for n, cid in enumerate(channel_ids)]
    everyone = {
        "id": guild_id,
        "name": "@everyone",
        "permissions": str((1 << 11) | (1 << 10) | (1 << 35) | (1 << 38)),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": guild_id,
        "name": "Test guild",
        "icon": None,
        "owner_id": "1",
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "features": [],
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [member(bot_user)],
        "voice_states": [],
        "presences": [],
        "joined_at": now_iso(),
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "system_channel_flags": 0,
    }


def message(
    *,
    message_id: str,
    channel_id: str,
    author: JSON,
    content: str = "",
    guild_id: str | None = None,
    embeds: list[JSON] | None = None,
    components: list[JSON] | None = None,
    mentions: list[JSON] | None = None,
    flags: int = 0,
    poll: JSON | None = None,
    webhook_id: str | None = None,
) -> JSON:
    """A message object (also the MESSAGE_CREATE payload, with `guild_id` and `member`)."""
    data: JSON = {
        "id": message_id,
        "channel_id": channel_id,
        "type": 0,
        "content": content,
        "author": author,
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "mentions": mentions or [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    if poll is not None:
        data["poll"] = poll
    if webhook_id is not None:
        data["webhook_id"] = webhook_id
    return data


def poll_object(create: JSON) -> JSON:
    """The poll object Discord returns for a poll create request (answer ids from 1)."""
    hours = float(create.get("duration", 24))
    return {
        "question": create["question"],
        "answers": [
            {"answer_id": n, "poll_media": a["poll_media"]}
            for n, a in enumerate(create["answers"], start=1)
        ],
        "expiry": now_iso(timedelta(hours=hours)),
        "allow_multiselect": bool(create.get("allow_multiselect", False)),
        "layout_type": create.get("layout_type", 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def _embed_chars(embed: JSON) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        total += len(f.get("name", "")) + len(f.get("value", ""))
    return total


def message_errors(body: JSON) -> list[str]:
    """Every documented limit the message body breaks (empty when Discord would accept it)."""
    errors: list[str] = []
    if len(body.get("content") or "") > CONTENT:
        errors.append(f"content longer than {CONTENT}")
    embeds = body.get("embeds") or []
    for e in embeds:
        if len(e.get("title", "")) > EMBED_TITLE:
            errors.append("embed title too long")
        if len(e.get("description", "")) > EMBED_DESCRIPTION:
            errors.append("embed description too long")
        fields = e.get("fields", [])
        if len(fields) > EMBED_FIELDS:
            errors.append("too many embed fields")
        for f in fields:
            if not f.get("name") or not f.get("value"):
                errors.append("embed field name and value are required")
            if len(f.get("name", "")) > EMBED_FIELD_NAME:
                errors.append("embed field name too long")
            if len(f.get("value", "")) > EMBED_FIELD_VALUE:
                errors.append("embed field value too long")
        if len(e.get("footer", {}).get("text", "")) > EMBED_FOOTER:
            errors.append("embed footer too long")
        if len(e.get("author", {}).get("name", "")) > EMBED_AUTHOR:
            errors.append("embed author name too long")
    if sum(_embed_chars(e) for e in embeds) > EMBED_TOTAL:
        errors.append(f"embeds longer than {EMBED_TOTAL} characters in total")
    errors.extend(_component_errors(body.get("components") or []))
    if body.get("poll") is not None:
        errors.extend(poll_errors(body["poll"]))
    return errors


def _component_errors(rows: list[JSON]) -> list[str]:
    errors: list[str] = []
    if len(rows) > ROWS:
        errors.append("too many action rows")
    seen: set[str] = set()
    for row in rows:
        items = row.get("components", [])
        if len(items) > ROW_ITEMS:
            errors.append("too many components in a row")
        for item in items:
            cid = item.get("custom_id")
            if cid is None:
                if item.get("style") != 5:
                    errors.append("custom_id is required")
                continue
            if not 1 <= len(cid) <= CUSTOM_ID:
                errors.append(f"custom_id must be 1-{CUSTOM_ID} characters")
            if cid in seen:
                errors.append("custom_id must be unique")
            seen.add(cid)
            if len(item.get("label", "")) > BUTTON_LABEL:
                errors.append("button label too long")
    return errors


def poll_errors(poll: JSON) -> list[str]:
    """Every documented poll limit the poll create request breaks."""
    errors: list[str] = []
    if len(poll.get("question", {}).get("text", "")) > POLL_QUESTION:
        errors.append(f"poll question longer than {POLL_QUESTION}")
    answers = poll.get("answers", [])
    if not 1 <= len(answers) <= POLL_ANSWERS:
        errors.append(f"a poll has 1-{POLL_ANSWERS} answers")
    for a in answers:
        if len(a.get("poll_media", {}).get("text", "")) > POLL_ANSWER:
            errors.append(f"poll answer longer than {POLL_ANSWER}")
    if float(poll.get("duration", 24)) > POLL_HOURS:
        errors.append(f"poll duration longer than {POLL_HOURS} hours")
    if poll.get("layout_type", 1) != 1:
        errors.append("poll layout_type must be 1")
    return errors


def invalid_form(errors: list[str]) -> JSON:
    """The 400 body Discord answers for a request that breaks a limit."""
    return {"code": 50035, "message": "Invalid Form Body", "errors": {"_errors": errors}}
