"""Pure translation between Discord payloads and the neutral models, within Discord's limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from adapters.text import cut as cut  # re-exported: conversation.py calls t.cut
from bot.models import (
    Action,
    ActionEvent,
    ActionKind,
    ActionsBlock,
    BulletsBlock,
    Capabilities,
    IncomingMessage,
    PollBlock,
    PredictionBlock,
    Reply,
    TextBlock,
    TitleBlock,
    Trigger,
    User,
)
from bot.poll_models import PollState

PLATFORM = "discord"
NEWS_EMOJI = "📰"
CONTEXT_MENU = "Unspin this"
SETTINGS_COMMAND = "unspin-settings"
OPT_OUT_COMMAND = "unspin-optout"
OPT_IN_COMMAND = "unspin-optin"
# The person's choice each command records: True = no automatic answers to their links.
_OPT_CHOICES = {OPT_OUT_COMMAND: True, OPT_IN_COMMAND: False}

# Documented limits (discord-api-docs message.mdx "Embed Limits", poll.mdx, components).
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE = 256, 4096, 25, 256, 1024
FOOTER, AUTHOR, EMBED_TOTAL, CONTENT = 2048, 256, 6000, 2000
POLL_QUESTION, POLL_ANSWER, POLL_ANSWERS, POLL_HOURS = 300, 55, 10, 32 * 24
CUSTOM_ID, BUTTON_LABEL, ROW, ROWS = 100, 80, 5, 5

_CODES: dict[ActionKind, str] = {"start_poll": "p", "details": "d", "vote": "v", "close_poll": "c"}
_KINDS = {code: kind for kind, code in _CODES.items()}
# The poll id (or card key) travels in the custom_id so a click after a restart still routes.
CUSTOM_ID_TEMPLATE = r"unspin:(?P<kind>[pdvc]):(?P<ref>\S{1,80})"
_CUSTOM_ID = re.compile(CUSTOM_ID_TEMPLATE)
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")
_SCHEME = re.compile(r"(?i)\b(https?)://")
_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_LINE_MARK = re.compile(r"^([>#-])", re.MULTILINE)


def capabilities(*, native_polls: bool, ephemeral: bool) -> Capabilities:
    """What a Discord embed card can hold; `ephemeral` only when answering an interaction."""
    return Capabilities(
        message_chars=DESCRIPTION,
        block_chars=FIELD_VALUE,
        poll_question_chars=POLL_QUESTION,
        poll_answer_chars=POLL_ANSWER,
        poll_max_answers=POLL_ANSWERS,
        poll_max_days=32,
        native_polls=native_polls,
        threads=True,
        ephemeral=ephemeral,
        buttons=True,
        max_buttons=ROW * ROWS,
    )


# Outbound text --------------------------------------------------------------------------


def defuse(text: str) -> str:
    """No pings and no clickable addresses: a zero-width space breaks mentions and autolinks."""
    text = _MENTION.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)
    return _SCHEME.sub(lambda m: m.group(1) + "\u200b://", text)


def safe(text: str) -> str:
    """Plain text made inert for markdown places: no pings, no foreign links, no markup."""
    return defuse(_LINE_MARK.sub(r"\\\1", _MARKDOWN.sub(r"\\\1", text)))


def custom_id(action: Action) -> str:
    """The button custom_id carrying the action kind and its ref (at most 100 characters)."""
    value = f"unspin:{_CODES[action.kind]}:{action.ref}"
    if len(value) > CUSTOM_ID or not _CUSTOM_ID.fullmatch(value):
        raise ValueError(f"action ref cannot be a Discord custom_id: {action.ref!r}")
    return value


def parse_custom_id(value: str) -> tuple[ActionKind, str] | None:
    """The (kind, ref) a custom_id of ours carries, or None for anything else."""
    found = _CUSTOM_ID.fullmatch(value)
    if found is None:
        return None
    return _KINDS[found["kind"]], found["ref"]


@dataclass(frozen=True, slots=True)
class Button:
    """One button to render: custom_id, label and style name (primary/secondary/danger)."""

    custom_id: str
    label: str
    style: str


@dataclass(frozen=True, slots=True)
class Card:
    """A Reply as Discord parts: optional content, optional embed, rows of buttons."""

    content: str | None
    embed: dict[str, Any] | None
    rows: tuple[tuple[Button, ...], ...]


def _button(action: Action, label: str | None = None) -> Button:
    style = {"primary": "primary", "danger": "danger"}.get(action.style, "secondary")
    return Button(custom_id(action), cut(defuse(label or action.label), BUTTON_LABEL), style)


def _bullets(items: tuple[str, ...]) -> str:
    lines: list[str] = []
    size = 0
    for item in items:
        line = cut("• " + safe(item), FIELD_VALUE)
        if size + len(line) + 1 > FIELD_VALUE:
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines) or "—"


def to_card(reply: Reply) -> Card:
    """Translate a Reply: notices as plain content, everything else as an embed with buttons."""
    if reply.kind in ("notice", "pointer"):
        text = "\n".join(safe(b.text) for b in reply.blocks if isinstance(b, TextBlock))
        return Card(cut(text or safe(reply.fallback), CONTENT), None, ())
    embed: dict[str, Any] = {"type": "rich"}
    description: list[str] = []
    fields: list[dict[str, Any]] = []
    buttons: list[Button] = []
    for block in reply.blocks:
        if isinstance(block, TitleBlock):
            embed["title"] = cut(defuse(block.title), TITLE)
            if block.link and block.link.lower().startswith(("https://", "http://")):
                embed["url"] = block.link
        elif isinstance(block, TextBlock):
            if block.style == "byline":
                embed["footer"] = {"text": cut(defuse(block.text), FOOTER)}
            else:
                prefix = {"tldr": "**TL;DR** ", "note": "⚠ ", "pointer": "↪ "}.get(block.style, "")
                description.append(prefix + safe(block.text))
        elif isinstance(block, BulletsBlock):
            name = cut(defuse(block.title), FIELD_NAME)
            fields.append({"name": name, "value": _bullets(block.items)})
        elif isinstance(block, PredictionBlock):
            n = sum(1 for b in buttons if b.custom_id.startswith("unspin:p:")) + 1
            due = f" (resolve by {safe(block.resolve_by)})" if block.resolve_by else ""
            name = cut(defuse(f"Prediction {n} · {block.by}"), FIELD_NAME)
            fields.append({"name": name, "value": cut(safe(block.question) + due, FIELD_VALUE)})
            buttons.append(_button(block.action, f"Start a poll ({n})"))
        elif isinstance(block, PollBlock):
            _poll_embed(block, embed, description, fields, buttons)
        elif isinstance(block, ActionsBlock):
            buttons.extend(_button(a) for a in block.actions)
    if description:
        embed["description"] = cut("\n".join(description), DESCRIPTION)
    embed["fields"] = fields[:FIELDS]
    _fit_total(embed)
    buttons = buttons[: ROW * ROWS]
    rows = tuple(tuple(buttons[i : i + ROW]) for i in range(0, len(buttons), ROW))
    return Card(None, embed, rows)


def _poll_embed(
    block: PollBlock,
    embed: dict[str, Any],
    description: list[str],
    fields: list[dict[str, Any]],
    buttons: list[Button],
) -> None:
    embed["title"] = cut(defuse(f"Poll: {block.question}"), TITLE)
    for choice in block.choices:
        count = "hidden until close" if choice.votes is None else f"{choice.votes} votes"
        name = cut(defuse(choice.text), FIELD_NAME)
        fields.append({"name": name, "value": count, "inline": True})
        if block.is_open:
            buttons.append(_button(choice.action))
    description.append(safe(block.summary))
    if block.close_action is not None:
        buttons.append(_button(block.close_action))


def embed_chars(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts toward the 6,000 total of one embed."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    return total + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def _fit_total(embed: dict[str, Any]) -> None:
    # Drop fields from the end, then shorten the description, until the embed fits.
    while embed_chars(embed) > EMBED_TOTAL and embed["fields"]:
        embed["fields"].pop()
    over = embed_chars(embed) - EMBED_TOTAL
    if over > 0 and "description" in embed:
        embed["description"] = cut(embed["description"], len(embed["description"]) - over)


@dataclass(frozen=True, slots=True)
class NativePoll:
    """A native Discord poll body within the documented limits."""

    question: str
    answers: tuple[str, ...]
    hours: int


def native_poll(state: PollState) -> NativePoll:
    """The poll as a native Discord poll; limits enforced here because discord.py does not."""
    answers = tuple(cut(o.text, POLL_ANSWER) for o in state.options[:POLL_ANSWERS])
    seconds = (state.closes_at - state.created_at).total_seconds()
    hours = min(max(round(seconds / 3600), 1), POLL_HOURS)
    return NativePoll(cut(state.question, POLL_QUESTION), answers, hours)


# Inbound payloads -----------------------------------------------------------------------


def _user(data: Mapping[str, Any], *, admin: bool = False) -> User:
    name = data.get("global_name") or data.get("username") or data["id"]
    return User(str(data["id"]), str(name), bool(data.get("bot", False)), admin)


def _is_admin(member: Mapping[str, Any] | None) -> bool:
    # MANAGE_GUILD (1<<5) or ADMINISTRATOR (1<<3), as resolved for the interaction's channel.
    perms = int((member or {}).get("permissions") or 0)
    return bool(perms & ((1 << 5) | (1 << 3)))


def incoming_from_message(
    data: Mapping[str, Any],
    *,
    trigger: Trigger,
    event_id: str | None = None,
    asker: User | None = None,
    parent_id: str | None = None,
) -> IncomingMessage:
    """A message object (MESSAGE_CREATE, fetched or resolved) as an IncomingMessage.

    `parent_id` is the thread's parent channel when the message was posted in a thread.
    """
    channel = str(data["channel_id"])
    return IncomingMessage(
        platform=PLATFORM,
        event_id=event_id or f"message:{data['id']}",
        channel_id=parent_id or channel,
        message_id=str(data["id"]),
        author=asker or _user(data["author"]),
        text=str(data.get("content") or ""),
        trigger=trigger,
        thread_id=channel if parent_id else None,
        guild_id=str(data["guild_id"]) if data.get("guild_id") else None,
    )


def _invoker(interaction: Mapping[str, Any]) -> User:
    member = interaction.get("member")
    raw = member["user"] if member else interaction["user"]
    return _user(raw, admin=_is_admin(member))


def incoming_from_command(interaction: Mapping[str, Any]) -> IncomingMessage | None:
    """`/summarize url:` or the "Unspin this" message command as an IncomingMessage."""
    data = interaction.get("data") or {}
    channel = str(interaction["channel_id"])
    author = _invoker(interaction)
    guild = str(interaction["guild_id"]) if interaction.get("guild_id") else None
    event_id = f"interaction:{interaction['id']}"
    if data.get("type") == 1:
        options = {o["name"]: o.get("value") for o in data.get("options", [])}
        text = options.get("url") or options.get("setting") or ""
        return IncomingMessage(
            PLATFORM, event_id, channel, str(interaction["id"]), author, str(text), "command",
            guild_id=guild,
        )  # fmt: skip
    if data.get("type") == 3:
        target = data["resolved"]["messages"][str(data["target_id"])]
        return IncomingMessage(
            PLATFORM, event_id, channel, str(target["id"]), author,
            str(target.get("content") or ""), "context_menu", guild_id=guild,
        )  # fmt: skip
    return None


def opt_out_choice(interaction: Mapping[str, Any]) -> bool | None:
    """True for `/unspin-optout`, False for `/unspin-optin`, None for any other interaction."""
    data = interaction.get("data") or {}
    if data.get("type") != 1:
        return None
    return _OPT_CHOICES.get(str(data.get("name")))


def action_from_component(interaction: Mapping[str, Any]) -> ActionEvent | None:
    """A click on one of our buttons as an ActionEvent, or None for foreign components."""
    data = interaction.get("data") or {}
    parsed = parse_custom_id(str(data.get("custom_id", "")))
    if parsed is None:
        return None
    kind, ref = parsed
    message = cast(Mapping[str, Any], interaction.get("message") or {})
    return ActionEvent(
        platform=PLATFORM,
        event_id=f"interaction:{interaction['id']}",
        channel_id=str(interaction["channel_id"]),
        user=_invoker(interaction),
        kind=kind,
        ref=ref,
        message_id=str(message["id"]) if message.get("id") else None,
    )


def is_trigger_reaction(data: Mapping[str, Any], bot_id: str) -> bool:
    """True for a 📰 reaction by someone other than this bot (MESSAGE_REACTION_ADD)."""
    emoji = data.get("emoji") or {}
    return (
        emoji.get("id") is None
        and emoji.get("name") == NEWS_EMOJI
        and (str(data.get("user_id")) != bot_id)
    )


@dataclass(frozen=True, slots=True)
class NativeVote:
    """A vote in a native poll (MESSAGE_POLL_VOTE_ADD): option index counts from 0."""

    channel_id: str
    message_id: str
    user_id: str
    option: int
    event_id: str


def native_vote(data: Mapping[str, Any], occurrence: str = "") -> NativeVote:
    """Translate MESSAGE_POLL_VOTE_ADD/REMOVE; answer ids count from 1 in the answers' order.

    The gateway gives these events no id of their own. Once removals count, the same person
    may add, remove and add the same answer again, so the receiver passes an `occurrence`
    telling those adds apart (a replayed add is a harmless upsert of the same vote).
    """
    key = f"pollvote:{data['message_id']}:{data['user_id']}:{data['answer_id']}"
    return NativeVote(
        channel_id=str(data["channel_id"]),
        message_id=str(data["message_id"]),
        user_id=str(data["user_id"]),
        option=int(data["answer_id"]) - 1,
        event_id=f"{key}:{occurrence}" if occurrence else key,
    )
