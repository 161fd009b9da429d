"""Per-person opt-out: no automatic answers to their links, explicit requests still work."""

from __future__ import annotations

from pathlib import Path

from core_support import article_text, message, wired_core

from bot.core import Core
from bot.tasks import Supervisor
from bot.testing import CueAnalyzer, RecordingConversation, extract_plain

A = "https://news.example/a"
B = "https://news.example/b"


async def test_opted_out_links_are_ignored_until_opting_back_in(tmp_path: Path) -> None:
    """After /optout a person's pasted links get no answer and no fetch, while their /summarize
    and other people's links are answered; the choice survives a restart; /optin undoes it."""
    pages = {A: article_text(1), B: article_text(2)}
    async with wired_core(tmp_path, pages) as (core, fetcher, store):
        conv = RecordingConversation()
        await core.opt_out(message("", user="carol", trigger="command"), True, conv, "/optin")
        assert "won't answer links you paste" in conv.posted[-1].text
        assert "run /optin to opt back in" in conv.posted[-1].text
        assert await core.handle_message(message(A, user="carol"), conv) == []
        assert fetcher.calls == []
        await core.summarize(message(A, user="carol", trigger="command"), conv)
        await core.handle_message(message(B, user="dave"), conv)
        assert conv.kinds == ["notice", "card", "card"] and fetcher.calls == [A, B]
        restarted = Core(
            store=store,
            fetcher=fetcher,
            analyzer=CueAnalyzer(),
            extract=extract_plain,
            supervisor=Supervisor(),
        )
        later = RecordingConversation()
        assert await restarted.handle_message(message(B, user="carol", channel="C2"), later) == []
        await restarted.opt_out(message("", user="carol", trigger="command"), False, later)
        await restarted.handle_message(message(B, user="carol", channel="C2"), later)
        assert later.kinds == ["notice", "card"]
        await restarted.supervisor.drain(1)
