"""The horizon a forecast names ("by 2030", "next year", "within six months") as a date."""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, timedelta

from bot.analysis.cues import HORIZON

log = logging.getLogger(__name__)

_NUMBERS = "one two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORDS = {w: n for n, w in enumerate(_NUMBERS.split(), start=1)}
_NUMBER_WORDS["a"] = 1
_NUMBER_WORDS["an"] = 1


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def resolve_by(text: str, published: str | None) -> str | None:
    """The horizon a forecast names: an ISO date when computable, else the phrase itself."""
    m = HORIZON.search(text.lower())
    if not m:
        return None
    phrase = m.group(0)
    low = phrase.lower()
    year = re.search(r"20\d\d", low)
    if year and ("by" in low or "in " in low or "until" in low):
        return f"{year.group(0)}-12-31"
    start = _published_date(published)
    if start is None:
        return phrase
    amount = re.search(r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(\w+)", low)
    if amount and low.startswith(("within", "in ")) and "coming" not in low:
        count = (
            int(amount.group(1))
            if amount.group(1).isdigit()
            else _NUMBER_WORDS.get(amount.group(1), 1)
        )
        unit = amount.group(2)
        if unit.startswith("day"):
            return (start + timedelta(days=count)).isoformat()
        if unit.startswith("week"):
            return (start + timedelta(weeks=count)).isoformat()
        if unit.startswith("month"):
            return _add_months(start, count).isoformat()
        if unit.startswith("year"):
            return _add_months(start, 12 * count).isoformat()
    if low.endswith("next year"):
        return f"{start.year + 1}-12-31"
    if low.endswith(("this year", "later this year", "the end of the year")):
        return f"{start.year}-12-31"
    if low.endswith("next month"):
        nxt = _add_months(start.replace(day=1), 1)
        return nxt.replace(day=calendar.monthrange(nxt.year, nxt.month)[1]).isoformat()
    if low.endswith("next week"):
        return (start + timedelta(days=13 - start.weekday())).isoformat()
    return phrase
