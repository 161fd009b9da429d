"""Structured logs: JSON lines when stderr is not a terminal, secrets masked in every record."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.engine import make_url

from bot.settings import Settings

MASK = "***"


def secret_values(settings: Settings) -> list[str]:
    """Every secret in the settings (tokens, signing secret, database password) as plain text."""
    values: list[str] = []
    for section in (settings.discord, settings.slack):
        for name in type(section).model_fields:
            value = getattr(section, name)
            if hasattr(value, "get_secret_value"):
                values.append(value.get_secret_value())
    try:
        password = make_url(settings.storage.url).password
    except Exception:
        password = None
    if password:
        values.append(str(password))
    return [v for v in values if v and len(v) >= 4]


class RedactingFilter(logging.Filter):
    """Replaces secret values wherever they would appear in a log record's text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted(set(secrets), key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            text = record.getMessage()
            for secret in self.secrets:
                text = text.replace(secret, MASK)
            record.msg, record.args = text, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the exception if any."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted(set(secrets), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        text = json.dumps(entry, ensure_ascii=False)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def configure_logging(settings: Settings, stream: object = None) -> None:
    """Set up the root logger for the service from service.log_format and service.log_level."""
    out = stream if stream is not None else sys.stderr
    secrets = secret_values(settings)
    fmt = settings.service.log_format
    use_json = fmt == "json" or (fmt == "auto" and not getattr(out, "isatty", lambda: False)())
    handler = logging.StreamHandler(out)  # type: ignore[arg-type]
    handler.addFilter(RedactingFilter(secrets))
    if use_json:
        handler.setFormatter(JsonFormatter(secrets))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.service.log_level.upper())
