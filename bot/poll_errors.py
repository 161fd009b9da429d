"""Errors the poll rules and the store report to a person, each one plain sentence."""

from __future__ import annotations

from bot.errors import UnspinError


class PollError(UnspinError):
    """A poll action could not be done."""


class PollClosed(PollError):
    """The poll is closed: votes and a second close are refused."""

    def __init__(self, message: str = "This poll is closed.") -> None:
        super().__init__(message)


class PollNotFound(PollError):
    """No poll has that id (deleted, or never created)."""

    def __init__(self, message: str = "This poll no longer exists.") -> None:
        super().__init__(message)


class InvalidOption(PollError):
    """The chosen answer is not one of the poll's answers."""

    def __init__(self, message: str = "That is not one of this poll's answers.") -> None:
        super().__init__(message)


class NotAllowed(PollError):
    """The person may not do this (closing someone else's poll without being a channel admin)."""

    def __init__(
        self,
        message: str = "Only the person who started this poll or a channel admin can close it.",
    ) -> None:
        super().__init__(message)


class StorageError(UnspinError):
    """The database could not be reached or refused the operation."""
