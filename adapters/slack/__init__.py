"""Slack adapter (extra `slack`): slack-bolt AsyncApp translating to and from the core."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter, create, required_settings

__all__ = ["SlackAdapter", "create", "required_settings"]
