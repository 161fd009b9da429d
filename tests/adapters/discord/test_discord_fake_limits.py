"""The fake Discord refuses bodies over the documented limits, so the limit tests can fail."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from fakes import discord_payloads as p
from fakes.discord_fake import FakeDiscord


def poll(answers: int = 2, answer_len: int = 10, question_len: int = 10) -> dict[str, Any]:
    """A poll create request with the given sizes."""
    return {
        "question": {"text": "q" * question_len},
        "answers": [{"poll_media": {"text": "a" * answer_len}} for _ in range(answers)],
        "duration": 24,
    }


OVER_LIMIT: list[tuple[str, dict[str, Any]]] = [
    ("content", {"content": "x" * (p.CONTENT + 1)}),
    ("embed title", {"embeds": [{"title": "t" * (p.EMBED_TITLE + 1)}]}),
    ("embed description", {"embeds": [{"description": "d" * (p.EMBED_DESCRIPTION + 1)}]}),
    ("25 fields", {"embeds": [{"fields": [{"name": "n", "value": "v"}] * (p.EMBED_FIELDS + 1)}]}),
    (
        "6000 in total",
        {"embeds": [{"title": "t", "description": "d" * 4000}, {"description": "d" * 2001}]},
    ),
    ("poll question", {"poll": poll(question_len=p.POLL_QUESTION + 1)}),
    ("poll answer", {"poll": poll(answer_len=p.POLL_ANSWER + 1)}),
    ("poll answers", {"poll": poll(answers=p.POLL_ANSWERS + 1)}),
    (
        "custom_id",
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "x", "custom_id": "c" * (p.CUSTOM_ID + 1)}
                    ],
                }
            ]
        },
    ),
]


@pytest.mark.parametrize(("what", "body"), OVER_LIMIT, ids=[w for w, _ in OVER_LIMIT])
async def test_over_limit_bodies_get_400(
    fake: FakeDiscord, what: str, body: dict[str, Any]
) -> None:
    """Each documented limit broken by one: 400 Invalid Form Body (50035); nothing stored."""
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        assert resp.status == 400, what
        assert (await resp.json())["code"] == 50035
    assert fake.messages == {}


async def test_bodies_at_the_limits_are_accepted(fake: FakeDiscord) -> None:
    """The same limits met exactly are accepted (the fake is not simply refusing everything)."""
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    at_limits = [
        {"content": "x" * p.CONTENT},
        {
            "embeds": [
                {"title": "t" * p.EMBED_TITLE, "description": "d" * p.EMBED_DESCRIPTION},
                {"description": "d" * (p.EMBED_TOTAL - p.EMBED_TITLE - p.EMBED_DESCRIPTION)},
            ]
        },
        {"poll": poll(p.POLL_ANSWERS, p.POLL_ANSWER, p.POLL_QUESTION)},
    ]
    async with aiohttp.ClientSession() as http:
        for body in at_limits:
            async with http.post(url, json=body) as resp:
                assert resp.status == 200, body
    assert len(fake.messages) == 3
