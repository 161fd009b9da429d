"""One exception tree for everything the core can refuse or fail at."""

from __future__ import annotations


class UnspinError(Exception):
    """Base of every error Unspin reports to a person; str() is one plain sentence."""


class UsageError(UnspinError):
    """The request itself is malformed (bad URL, unreadable file, bad option)."""


class ConfigError(UnspinError):
    """The configuration is invalid; the message names the setting."""


class FetchError(UnspinError):
    """The link could not be fetched."""


class Refused(FetchError):
    """Fetching was refused by policy (private address, scheme, port, host)."""


class Timeout(FetchError):
    """The fetch did not finish within its deadline."""


class TooLarge(FetchError):
    """The response body exceeded the size cap."""


class NotHtml(FetchError):
    """The response is not an HTML or text page (PDF, image, video, ...)."""


class HttpStatusError(FetchError):
    """The server answered with a non-success status."""


class ExtractionError(UnspinError):
    """No readable article text could be found in the page."""
