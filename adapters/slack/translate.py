"""Pure translation between Slack payloads and the neutral models, as validated Block Kit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock as SlackActions,
)
from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from adapters.text import cut
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

PLATFORM = "slack"
NEWS_REACTION = "newspaper"
SHORTCUT_ID = "unspin_this"
SETTINGS_COMMAND = "/unspin-settings"
OPT_OUT_COMMAND = "/unspin-optout"
OPT_IN_COMMAND = "/unspin-optin"
# The person's choice each command records: True = no automatic answers to their links.
_OPT_CHOICES = {OPT_OUT_COMMAND: True, OPT_IN_COMMAND: False}

# Documented Block Kit limits (docs.slack.dev/reference/block-kit).
SECTION_TEXT, CONTEXT_TEXT, BUTTON_TEXT, BLOCKS, ACTIONS = 3000, 3000, 75, 50, 25
_KINDS: tuple[ActionKind, ...] = ("start_poll", "details", "vote", "close_poll")
ACTION_ID = re.compile(r"^unspin:(?P<kind>start_poll|details|vote|close_poll):\d+$")
_SCHEME = re.compile(r"(?i)\b(https?)://")
_BROADCAST = re.compile(r"(?i)@(channel|here|everyone)\b")
# Ordinary messages and the two subtypes that are still someone posting text.
_PLAIN_SUBTYPES = (None, "thread_broadcast", "file_share")


def capabilities() -> Capabilities:
    """What a Slack Block Kit card holds; polls are button polls (no native polls)."""
    return Capabilities(
        message_chars=SECTION_TEXT,
        block_chars=SECTION_TEXT,
        poll_question_chars=300,
        poll_answer_chars=BUTTON_TEXT,
        poll_max_answers=10,
        poll_max_days=32,
        native_polls=False,
        threads=True,
        ephemeral=True,
        buttons=True,
        max_buttons=ACTIONS,
    )


# Outbound ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text made inert for mrkdwn: no <!channel>/<@U…>/<url|…> markup, no broadcasts, no links."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BROADCAST.sub(lambda m: "@\u200b" + m.group(1), text)
    # A zero-width space after the scheme stops Slack from auto-linking a foreign address.
    return _SCHEME.sub(lambda m: m.group(1) + "\u200b://", text)


def _md(text: str, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    # verbatim: Slack then does not auto-link URLs or channel names, nor parse mentions.
    return MarkdownTextObject(text=cut(text, limit), verbatim=True)


def _button(action: Action, n: int, label: str | None = None) -> ButtonElement:
    style = {"primary": "primary", "danger": "danger"}.get(action.style)
    return ButtonElement(
        text=cut(label or action.label, BUTTON_TEXT),
        action_id=f"unspin:{action.kind}:{n}",
        value=action.ref,
        style=style,
    )


def _link(url: str | None, title: str) -> str:
    shown = escape(title)
    if url and url.lower().startswith(("https://", "http://")) and not re.search(r"[\s<>|]", url):
        return f"*<{url.replace('&', '&amp;')}|{shown}>*"
    return f"*{shown}*"


def to_blocks(reply: Reply) -> list[dict[str, Any]]:
    """The Reply as Block Kit dicts; every block and element validated by slack_sdk."""
    blocks: list[Block] = []
    n = 0
    for block in reply.blocks:
        if isinstance(block, TitleBlock):
            blocks.append(SectionBlock(text=_md(_link(block.link, cut(block.title, 300)))))
        elif isinstance(block, TextBlock):
            if block.style in ("byline", "composition", "note"):
                mark = "⚠ " if block.style == "note" else ""
                blocks.append(ContextBlock(elements=[_md(mark + escape(block.text))]))
            else:
                prefix = {"tldr": "*TL;DR* ", "pointer": "↪ "}.get(block.style, "")
                blocks.append(SectionBlock(text=_md(prefix + escape(block.text))))
        elif isinstance(block, BulletsBlock):
            items = "\n".join("• " + escape(i) for i in block.items)
            blocks.append(SectionBlock(text=_md(f"*{escape(block.title)}*\n{items}")))
        elif isinstance(block, PredictionBlock):
            n += 1
            due = f" (resolve by {escape(block.resolve_by)})" if block.resolve_by else ""
            text = f"*Prediction* ({escape(block.by)}): {escape(block.question)}{due}"
            blocks.append(SectionBlock(text=_md(text), accessory=_button(block.action, n)))
        elif isinstance(block, PollBlock):
            n = _poll_blocks(block, blocks, n)
        elif isinstance(block, ActionsBlock):
            elements: list[ButtonElement] = []
            for action in block.actions[:ACTIONS]:
                n += 1
                elements.append(_button(action, n))
            blocks.append(SlackActions(elements=elements))
    return [b.to_dict() for b in blocks[:BLOCKS]]


def _poll_blocks(block: PollBlock, blocks: list[Block], n: int) -> int:
    lines = [f"*Poll #{block.poll_id}:* {escape(block.question)}"]
    for choice in block.choices:
        count = "" if choice.votes is None else f": {choice.votes}"
        lines.append(f"{choice.index + 1}. {escape(choice.text)}{count}")
    blocks.append(SectionBlock(text=_md("\n".join(lines))))
    blocks.append(ContextBlock(elements=[_md(escape(block.summary), CONTEXT_TEXT)]))
    if block.is_open:
        elements: list[ButtonElement] = []
        for action in [c.action for c in block.choices] + [block.close_action]:
            if action is not None and len(elements) < ACTIONS:
                n += 1
                elements.append(_button(action, n))
        blocks.append(SlackActions(elements=elements))
    return n


def fallback(reply: Reply) -> str:
    """The notification text (also mrkdwn, so escaped the same way)."""
    return cut(escape(reply.fallback), SECTION_TEXT)


# Inbound -------------------------------------------------------------------------------


def is_plain_message(event: Mapping[str, Any]) -> bool:
    """A person posting text (not an edit, a deletion, a join, nor a bot)."""
    return event.get("subtype") in _PLAIN_SUBTYPES and not event.get("bot_id")


def mentions(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """True when the message mentions the bot (the app_mention event then answers it)."""
    return bool(bot_user_id) and f"<@{bot_user_id}>" in str(event.get("text") or "")


def incoming_from_event(
    body: Mapping[str, Any], *, trigger: Trigger, text: str | None = None
) -> IncomingMessage:
    """A `message` or `app_mention` event callback as an IncomingMessage."""
    event = body["event"]
    user_id = str(event.get("user") or event.get("bot_id") or "")
    return IncomingMessage(
        platform=PLATFORM,
        event_id=str(body.get("event_id") or f"{event['channel']}:{event['ts']}"),
        channel_id=str(event["channel"]),
        message_id=str(event["ts"]),
        author=User(user_id, user_id, is_bot=bool(event.get("bot_id"))),
        text=str(event.get("text") if text is None else text),
        trigger=trigger,
        thread_id=str(event["thread_ts"]) if event.get("thread_ts") else None,
        guild_id=str(body.get("team_id") or "") or None,
    )


def incoming_from_command(body: Mapping[str, Any], *, is_admin: bool = False) -> IncomingMessage:
    """A slash command (form body) as an IncomingMessage; its text is the URL or the setting."""
    user = str(body["user_id"])
    return IncomingMessage(
        platform=PLATFORM,
        event_id=f"command:{body['trigger_id']}",
        channel_id=str(body["channel_id"]),
        message_id=str(body["trigger_id"]),
        author=User(user, str(body.get("user_name") or user), is_admin=is_admin),
        text=str(body.get("text") or ""),
        trigger="command",
        guild_id=str(body.get("team_id") or "") or None,
    )


def opt_out_choice(body: Mapping[str, Any]) -> bool | None:
    """True for `/unspin-optout`, False for `/unspin-optin`, None for any other command."""
    return _OPT_CHOICES.get(str(body.get("command") or "").strip().lower())


def incoming_from_shortcut(body: Mapping[str, Any]) -> IncomingMessage:
    """The "Unspin this" message shortcut (message_action payload) as an IncomingMessage."""
    message = body["message"]
    user = body["user"]
    return IncomingMessage(
        platform=PLATFORM,
        event_id=f"shortcut:{body['trigger_id']}",
        channel_id=str(body["channel"]["id"]),
        message_id=str(message["ts"]),
        author=User(str(user["id"]), str(user.get("name") or user.get("username") or user["id"])),
        text=str(message.get("text") or ""),
        trigger="context_menu",
        thread_id=str(message["thread_ts"]) if message.get("thread_ts") else None,
        guild_id=str((body.get("team") or {}).get("id") or "") or None,
    )


def reaction_target(event: Mapping[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message that got a :newspaper: reaction, else None."""
    item = event.get("item") or {}
    if event.get("reaction") != NEWS_REACTION or item.get("type") != "message":
        return None
    return str(item["channel"]), str(item["ts"])


def action_from_block_action(body: Mapping[str, Any]) -> ActionEvent | None:
    """A click on one of our buttons (block_actions) as an ActionEvent, else None."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    found = ACTION_ID.match(str(action.get("action_id", "")))
    if found is None or not action.get("value"):
        return None
    kind = next(k for k in _KINDS if k == found["kind"])
    user = body["user"]
    channel = (body.get("channel") or body.get("container") or {}).get("id") or (
        body.get("container") or {}
    ).get("channel_id")
    message = body.get("message") or {}
    container = body.get("container") or {}
    return ActionEvent(
        platform=PLATFORM,
        # Each click has its own action_ts, so a double click is two events (the store upserts).
        event_id=f"{action.get('action_ts', '')}:{user['id']}",
        channel_id=str(channel),
        user=User(str(user["id"]), str(user.get("name") or user.get("username") or user["id"])),
        kind=kind,
        ref=str(action["value"]),
        message_id=str(message.get("ts") or container.get("message_ts") or "") or None,
        thread_id=str(message["thread_ts"]) if message.get("thread_ts") else None,
    )


def incoming_from_link_shared(body: Mapping[str, Any]) -> list[IncomingMessage]:
    """The links of a `link_shared` event worth unfurling, one IncomingMessage each.

    Only posted messages in channels the bot is not a member of: where it is a member the
    `message` event already answers in the thread, and composer previews are drafts.
    """
    event = body["event"]
    if event.get("source") == "composer" or event.get("is_bot_user_member"):
        return []
    user = str(event.get("user") or "")
    found: list[IncomingMessage] = []
    for n, link in enumerate(event.get("links") or []):
        url = str(link.get("url") or "")
        if not url.startswith(("https://", "http://")):
            continue
        found.append(
            IncomingMessage(
                platform=PLATFORM,
                event_id=f"{body.get('event_id') or event['message_ts']}:{n}",
                channel_id=str(event["channel"]),
                message_id=str(event["message_ts"]),
                author=User(user, user),
                text=url,
                trigger="link",
                thread_id=str(event["thread_ts"]) if event.get("thread_ts") else None,
                guild_id=str(body.get("team_id") or "") or None,
            )
        )
    return found
