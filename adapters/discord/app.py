"""The Discord client: slash command, message command, mentions, 📰 reactions, buttons, polls."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import Any, TypeVar

import discord
import yarl
from discord import app_commands

from adapters.discord import translate as t
from adapters.discord.buttons import ActionButton
from adapters.discord.conversation import DiscordConversation, Postable
from adapters.discord.reconcile import PollReconciler
from adapters.discord.resilience import SessionGapLog, tolerate_sparse_interactions
from adapters.discord.settings import DiscordAdapterSettings
from adapters.outbound import ChannelPacer
from bot.errors import ConfigError
from bot.models import ActionEvent, IncomingMessage, Trigger, User
from bot.ports import ChatCore

log = logging.getLogger(__name__)

_Event = TypeVar("_Event", IncomingMessage, ActionEvent)

PORTAL_SWITCH = (
    "Discord refused the privileged Message Content intent: switch on 'Message Content Intent' "
    "under Bot > Privileged Gateway Intents in the Discord Developer Portal "
    "(https://discord.com/developers/applications), or set UNSPIN_DISCORD__MESSAGE_CONTENT=false."
)


OPT_OUT_FAILED = "Your choice could not be saved just now; please try the command again."


def point_at(settings: DiscordAdapterSettings) -> None:
    """Send REST and gateway traffic where the settings say (Discord, a proxy, a test double)."""
    discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def intents_for(settings: DiscordAdapterSettings) -> discord.Intents:
    """Only what the flows need; message content only when configured (it is privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    intents.guild_polls = True
    intents.message_content = settings.message_content
    return intents


def describe_flows(settings: DiscordAdapterSettings) -> str:
    """One log line saying which ways of asking work with the configured intents."""
    if settings.message_content:
        return (
            "Discord: message-content intent on: /summarize, 'Unspin this', @mentions, 📰 "
            "reactions and links pasted in channels whose mode is auto all work."
        )
    return (
        "Discord: message-content intent off (UNSPIN_DISCORD__MESSAGE_CONTENT=false): "
        "/summarize, the 'Unspin this' message command and @mentions work; links pasted in "
        "ordinary messages are not watched and 📰 reactions only work on messages that "
        "mention the bot."
    )


class UnspinClient(SessionGapLog, discord.Client):
    """discord.Client wired to the core; one instance per process."""

    def __init__(self, settings: DiscordAdapterSettings, core: ChatCore, **options: Any) -> None:
        options.setdefault("chunk_guilds_at_startup", False)
        super().__init__(intents=intents_for(settings), **options)
        self.settings = settings
        self.core = core
        self.tree = app_commands.CommandTree(self)
        self.pacer = ChannelPacer(
            interval_s=settings.post_interval_s, rest_s=settings.refused_rest_s
        )
        self.reconciler = PollReconciler(self, core)
        self._register_commands()
        tolerate_sparse_interactions(self)

    def _register_commands(self) -> None:
        @self.tree.command(name="summarize", description="Summarise an article: reported vs argued")
        @app_commands.describe(url="The article's address")
        async def summarize(interaction: discord.Interaction, url: str) -> None:
            await self.on_command(interaction)

        @self.tree.command(
            name=t.SETTINGS_COMMAND, description="Show or change Unspin's settings here"
        )
        @app_commands.describe(setting="e.g. 'mode reaction', 'reply inline', 'poll-hours 48'")
        async def settings(interaction: discord.Interaction, setting: str = "") -> None:
            await self.on_settings(interaction, setting)

        @self.tree.command(
            name=t.OPT_OUT_COMMAND,
            description=f"Stop Unspin answering the links you paste (undo: /{t.OPT_IN_COMMAND})",
        )
        async def opt_out(interaction: discord.Interaction) -> None:
            await self.on_opt_out(interaction)

        @self.tree.command(
            name=t.OPT_IN_COMMAND,
            description=f"Let Unspin answer the links you paste again (after /{t.OPT_OUT_COMMAND})",
        )
        async def opt_in(interaction: discord.Interaction) -> None:
            await self.on_opt_out(interaction)

        @self.tree.context_menu(name=t.CONTEXT_MENU)
        async def unspin_this(interaction: discord.Interaction, message: discord.Message) -> None:
            await self.on_command(interaction)

    async def setup_hook(self) -> None:
        """Register the persistent buttons; sync commands to the dev guild when configured."""
        self.add_dynamic_items(ActionButton)
        log.info(describe_flows(self.settings))
        if self.settings.dev_guild is not None:
            guild = discord.Object(self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Discord: %d commands synced to guild %s", len(synced), guild.id)

    async def on_ready(self) -> None:
        """Each new session (the first, or one that could not resume) reconciles native polls."""
        await super().on_ready()
        self.reconciler.start()

    async def on_disconnect(self) -> None:
        """Due polls wait until the session resumes or a new one has read its votes back."""
        await super().on_disconnect()
        self.reconciler.unsettle()

    async def on_resumed(self) -> None:
        """Discord replays what a resumed session missed: polls may close again."""
        await super().on_resumed()
        self.reconciler.resumed()

    async def close(self) -> None:
        """Stop a reconcile round, then close the gateway and the HTTP session."""
        await self.reconciler.stop()
        await super().close()

    # Inbound ------------------------------------------------------------------------------

    def _conversation(
        self,
        channel: Postable,
        *,
        interaction: discord.Interaction | None = None,
        anchor: discord.Message | None = None,
        event_key: str | None = None,
    ) -> DiscordConversation:
        return DiscordConversation(
            channel,
            native_polls=self.settings.native_polls,
            pacer=self.pacer,
            interaction=interaction,
            anchor=anchor,
            event_key=event_key,
        )

    async def on_command(self, interaction: discord.Interaction) -> None:
        """`/summarize` and "Unspin this": defer at once (3-second rule), then answer."""
        await interaction.response.defer(thinking=True)
        incoming = t.incoming_from_command(_interaction_payload(interaction))
        channel = interaction.channel
        if incoming is None or not isinstance(channel, discord.TextChannel | discord.Thread):
            await interaction.followup.send("I can only do that in a server channel.")
            return
        incoming = _in_thread(incoming, channel)
        await self.core.handle_message(
            incoming,
            self._conversation(channel, interaction=interaction, event_key=incoming.event_id),
        )

    async def on_settings(self, interaction: discord.Interaction, setting: str) -> None:
        """The settings command: shown to the asker only; admins (Manage Server) may change."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        incoming = t.incoming_from_command(_interaction_payload(interaction))
        if incoming is None or not isinstance(channel, discord.TextChannel | discord.Thread):
            await interaction.followup.send("Settings are per server channel.", ephemeral=True)
            return
        conversation = self._conversation(
            channel, interaction=interaction, event_key=incoming.event_id
        )
        await self.core.configure(_in_thread(incoming, channel), setting, conversation)

    async def on_opt_out(self, interaction: discord.Interaction) -> None:
        """`/unspin-optout` and `/unspin-optin`: the person's own choice, confirmed to them only.

        It is about the person, not the channel, so it works in DMs with the bot as well.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        payload = _interaction_payload(interaction)
        choice = t.opt_out_choice(payload)
        incoming = t.incoming_from_command(payload)
        channel = _answer_channel(self, interaction)
        if choice is None or incoming is None or channel is None:
            await interaction.followup.send(OPT_OUT_FAILED, ephemeral=True)
            return
        conversation = self._conversation(
            channel, interaction=interaction, event_key=incoming.event_id
        )
        try:
            await self.core.opt_out(incoming, choice, conversation, f"/{t.OPT_IN_COMMAND}")
        except Exception:
            log.exception("Discord: recording the opt-out choice of %s failed", incoming.author.id)
            await interaction.followup.send(OPT_OUT_FAILED, ephemeral=True)

    async def on_message(self, message: discord.Message) -> None:
        """Mentions always; plain links only with the message-content intent configured."""
        if message.author.bot or self.user is None:
            return
        channel = message.channel
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        if self.user in message.mentions:
            trigger: Trigger = "mention"
        elif self.settings.message_content:
            trigger = "link"  # the core answers only in channels whose mode is auto
        else:
            return
        incoming = t.incoming_from_message(_message_payload(message), trigger=trigger,
                                           parent_id=_parent_of(channel))  # fmt: skip
        conversation = self._conversation(channel, event_key=incoming.event_id)
        await self.core.handle_message(incoming, conversation)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A 📰 reaction asks for the reacted message to be summarised."""
        if self.user is None or not t.is_trigger_reaction(
            {"emoji": {"id": payload.emoji.id, "name": payload.emoji.name},
             "user_id": payload.user_id},
            str(self.user.id),
        ):  # fmt: skip
            return
        channel = self.get_channel(payload.channel_id)
        if channel is None:  # threads are cached only once the gateway has told about them
            try:
                channel = await self.fetch_channel(payload.channel_id)
            except discord.HTTPException:
                return
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.HTTPException as exc:
            log.info("Discord: cannot read reacted message %s: %s", payload.message_id, exc.text)
            return
        member = payload.member
        asker = User(str(payload.user_id), member.display_name if member else str(payload.user_id))
        incoming = t.incoming_from_message(
            _message_payload(message),
            trigger="reaction",
            event_id=f"reaction:{payload.message_id}:{payload.user_id}",
            asker=asker,
            parent_id=_parent_of(channel),
        )
        await self.core.handle_message(
            incoming, self._conversation(channel, event_key=incoming.event_id)
        )

    async def on_action_click(self, interaction: discord.Interaction) -> None:
        """A click on an Unspin button: acknowledge within 3 s, then let the core act."""
        event = t.action_from_component(_interaction_payload(interaction))
        channel = interaction.channel
        if event is None:
            return
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            await interaction.response.send_message(
                "Unspin's buttons only work in server channels.", ephemeral=True
            )
            return
        if event.kind == "details":
            await interaction.response.defer(ephemeral=True, thinking=True)
        else:
            await interaction.response.defer()
        event = _in_thread(event, channel)
        conversation = self._conversation(
            channel, interaction=interaction, anchor=interaction.message, event_key=event.event_id
        )
        await self.core.handle_action(event, conversation)

    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        """Votes in native polls come as raw events (the member cache is off): store them."""
        await self.reconciler.hold(payload.message_id)
        vote = t.native_vote(_vote_payload(payload), occurrence=str(time.time_ns()))
        user = User(vote.user_id, vote.user_id)
        await self.core.handle_native_vote(
            t.PLATFORM, vote.message_id, user, vote.option, vote.event_id
        )

    async def on_raw_poll_vote_remove(self, payload: discord.RawPollVoteActionEvent) -> None:
        """A vote taken back in a native poll (also the first half of changing it)."""
        await self.reconciler.hold(payload.message_id)
        vote = t.native_vote(_vote_payload(payload))
        user = User(vote.user_id, vote.user_id)
        await self.core.handle_native_unvote(t.PLATFORM, vote.message_id, user, vote.option)


def _vote_payload(payload: discord.RawPollVoteActionEvent) -> dict[str, Any]:
    return {"channel_id": payload.channel_id, "message_id": payload.message_id,
            "user_id": payload.user_id, "answer_id": payload.answer_id}  # fmt: skip


def _user_payload(user: discord.abc.User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "global_name": user.global_name,
            "bot": user.bot}  # fmt: skip


def _message_payload(message: discord.Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "channel_id": message.channel.id,
        "guild_id": message.guild.id if message.guild else None,
        "content": message.content,
        "author": _user_payload(message.author),
    }


def _interaction_payload(interaction: discord.Interaction) -> dict[str, Any]:
    member = {"user": _user_payload(interaction.user),
              "permissions": str(interaction.permissions.value)}  # fmt: skip
    payload: dict[str, Any] = {
        "id": interaction.id,
        "channel_id": interaction.channel_id,
        "guild_id": interaction.guild_id,
        "data": interaction.data or {},
        "member": member,
    }
    if interaction.message is not None:
        payload["message"] = {"id": interaction.message.id}
    return payload


def _answer_channel(client: discord.Client, interaction: discord.Interaction) -> Postable | None:
    # Private answers go through the interaction; the channel only anchors the conversation,
    # so a DM (or an uncached channel) is as good as a server channel.
    channel = interaction.channel
    if isinstance(channel, discord.TextChannel | discord.Thread):
        return channel
    if interaction.channel_id is None:
        return None
    return client.get_partial_messageable(interaction.channel_id)


def _parent_of(channel: Postable) -> str | None:
    return str(channel.parent_id) if isinstance(channel, discord.Thread) else None


def _in_thread(event: _Event, channel: Postable) -> _Event:
    if isinstance(channel, discord.Thread):
        return dataclasses.replace(
            event, channel_id=str(channel.parent_id), thread_id=str(channel.id)
        )
    return event


async def run_client(client: UnspinClient) -> None:
    """Run until closed; a refused privileged intent becomes a ConfigError naming the switch."""
    try:
        await client.start(client.settings.token.get_secret_value())
    except discord.PrivilegedIntentsRequired:
        log.error(PORTAL_SWITCH)
        raise ConfigError(PORTAL_SWITCH) from None
    except discord.LoginFailure:
        raise ConfigError("Discord rejected the bot token (UNSPIN_DISCORD__TOKEN).") from None


async def wait_ready(client: UnspinClient, runner: asyncio.Task[None], within: float) -> None:
    """Wait until the client is ready, surfacing a start-up failure instead of hanging."""
    async with asyncio.timeout(within):
        while not client.is_ready():
            if runner.done():
                runner.result()
                raise ConfigError("The Discord client stopped before it was ready.")
            await asyncio.sleep(0.02)
