"""Buttons that survive a restart: one DynamicItem matching every custom_id Unspin sends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from adapters.discord import translate as t

ActionHandler = Callable[[discord.Interaction], Awaitable[None]]

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "secondary": discord.ButtonStyle.secondary,
}


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=t.CUSTOM_ID_TEMPLATE):
    """Any Unspin button; the poll id or card key lives in the custom_id, not in memory."""

    def __init__(self, spec: t.Button, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=spec.label,
                custom_id=spec.custom_id,
                style=_STYLES.get(spec.style, discord.ButtonStyle.secondary),
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ActionButton:
        """Rebuild the button from a click, even on a message sent before this process."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(t.Button(match.string, label or "", "secondary"))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the click to the client that received it (UnspinClient.on_action_click)."""
        handler: ActionHandler | None = getattr(interaction.client, "on_action_click", None)
        if handler is not None:
            await handler(interaction)


class CardView(discord.ui.View):
    """The card's buttons, never kept in discord.py's view store.

    Clicks reach ActionButton through the dynamic-item registry alone; a stored copy would
    fire a second callback for the same click and pile up in memory, one view per message.
    """

    def is_dispatchable(self) -> bool:
        """False, so sending the view does not store it."""
        return False


def view_for(rows: Sequence[Sequence[t.Button]]) -> discord.ui.View:
    """A view holding the card's buttons, one row per tuple."""
    view = CardView(timeout=None)
    for n, row in enumerate(rows):
        for spec in row:
            view.add_item(ActionButton(spec, row=n))
    return view
