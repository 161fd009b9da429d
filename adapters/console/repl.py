"""The console adapter: reads lines (typed or piped), turns them into core calls as named users."""

from __future__ import annotations

import asyncio
import itertools
import logging
import shlex
import threading
from pathlib import Path
from typing import TextIO

from adapters.console.conversation import ActionBook, ConsoleConversation
from bot.core import Core
from bot.errors import UnspinError
from bot.models import ActionEvent, ActionKind, IncomingMessage, Trigger, User
from bot.render import poll_card, reply_text
from bot.sources import read_file

log = logging.getLogger(__name__)

HELP = """\
Paste text with article links, or the path of an .html/.txt file, and press Enter.
  /as NAME [admin]       speak as NAME from now on (admin: may change settings, close any poll)
  /poll N                start a poll on prediction N of the cards above
  /vote POLL ANSWER      vote in poll #POLL for answer number ANSWER (votes can be changed)
  /close POLL            close poll #POLL and reveal the tally (its starter or an admin)
  /polls                 list the open polls in this channel
  /details N             every sentence of card N with its label and reason
  /summarize TEXT        ask explicitly (answers even in command-only channels)
  /react TEXT            react with 📰 to a message with TEXT
  /settings [ARGS]       show or change this channel's settings (try /settings help)
  /optout, /optin        stop (or restart) automatic answers to the links you paste
  /help, /quit"""


class ConsoleAdapter:
    """A local channel in the terminal, using the real core, store and poll rules."""

    def __init__(
        self,
        core: Core,
        *,
        stdin: TextIO,
        stdout: TextIO,
        channel: str = "console",
        user: str = "you",
        concurrent: bool = False,
    ) -> None:
        self.core = core
        self._in = stdin
        self._out = stdout
        self._channel = channel
        self._user = User(user, user)
        self._concurrent = concurrent
        self._book = ActionBook()
        self._ids = itertools.count(1)
        self._connected = False
        self._interactive = stdin.isatty()

    @property
    def name(self) -> str:
        return "console"

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def polls_settled(self) -> bool:
        return True  # the terminal is always there to announce a close

    def conversation(self, channel_id: str, thread_id: str | None = None) -> ConsoleConversation:
        return ConsoleConversation(
            self._out, self._book, channel_id=channel_id, user=lambda: self._user.name
        )

    def _print(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def run(self, stop: asyncio.Event) -> None:
        """Handle lines until end of input, /quit, or `stop`."""
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def reader() -> None:
            # A daemon thread: a read blocked on a terminal must not hold up shutdown.
            for line in self._in:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=reader, name="console-stdin", daemon=True).start()
        self._connected = True
        if self._interactive:
            self._print("Unspin console. Type /help for commands, /quit to leave.")
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if self._interactive:
                    self._out.write(f"{self._user.name}> ")
                    self._out.flush()
                getter = asyncio.ensure_future(lines.get())
                await asyncio.wait({getter, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    break
                line = getter.result()
                if line is None:
                    break
                line = line.strip()
                if not line:
                    continue
                if not self._interactive:
                    self._print(f"{self._user.name}> {line}")
                if not await self._handle(line):
                    break
        finally:
            stopping.cancel()
            self._connected = False

    async def _handle(self, line: str) -> bool:
        """Handle one line; False means quit."""
        conv = self.conversation(self._channel)
        path = _file_path(line)
        if path is not None:
            await self._file(path, conv)
            return True
        if not line.startswith("/"):
            if self._concurrent:
                self.core.supervisor.spawn(self.core.handle_message(self._message(line), conv))
            else:
                await self.core.handle_message(self._message(line), conv)
            return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        try:
            return await self._command(command.lower(), rest, conv)
        except UnspinError as error:
            await conv.say(str(error))
        except (ValueError, IndexError):
            await conv.say("I did not understand that; type /help for the commands.")
        return True

    async def _command(self, command: str, rest: str, conv: ConsoleConversation) -> bool:
        core = self.core
        if command in ("/quit", "/exit"):
            return False
        if command == "/help":
            self._print(HELP)
        elif command == "/as":
            words = shlex.split(rest)
            self._user = User(words[0], words[0], is_admin="admin" in words[1:])
            role = " (channel admin)" if self._user.is_admin else ""
            self._print(f"(now speaking as {self._user.name}{role})")
        elif command == "/poll":
            await self._act("start_poll", self._book.predictions[int(rest) - 1], conv)
        elif command == "/vote":
            poll, answer = rest.split()
            await self._act("vote", f"{int(poll)}:{int(answer) - 1}", conv)
        elif command == "/close":
            await self._act("close_poll", str(int(rest.lstrip("#"))), conv)
        elif command == "/details":
            n = int(rest) if rest else len(self._book.cards)
            await self._act("details", self._book.cards[n - 1], conv)
        elif command == "/polls":
            await self._list_polls()
        elif command == "/summarize":
            await core.summarize(self._message(rest, "command"), conv)
        elif command == "/react":
            await core.handle_message(self._message(rest, "reaction"), conv)
        elif command == "/settings":
            await core.configure(self._message(""), rest, conv)
        elif command in ("/optout", "/optin"):
            await core.opt_out(self._message("", "command"), command == "/optout", conv, "/optin")
        else:
            self._print(f"Unknown command {command}; type /help.")
        return True

    def _message(self, text: str, trigger: Trigger = "link") -> IncomingMessage:
        n = next(self._ids)
        return IncomingMessage(
            platform="console",
            event_id=f"console-{id(self)}-{n}",
            channel_id=self._channel,
            message_id=f"in{n}",
            author=self._user,
            text=text,
            trigger=trigger,
        )

    async def _act(self, kind: ActionKind, ref: str, conv: ConsoleConversation) -> None:
        n = next(self._ids)
        event = ActionEvent(
            platform="console",
            event_id=f"console-{id(self)}-{n}",
            channel_id=self._channel,
            user=self._user,
            kind=kind,
            ref=ref,
        )
        await self.core.handle_action(event, conv)

    async def _file(self, path: Path, conv: ConsoleConversation) -> None:
        try:
            article = await asyncio.to_thread(read_file, str(path))
        except UnspinError as error:
            await conv.say(str(error))
            return
        source = path.as_uri()
        await self.core.summarize_article(self._message(str(path)), conv, source, article)

    async def _list_polls(self) -> None:
        polls = await self.core.polls.open_polls("console", self._channel)
        if not polls:
            self._print("(no open polls in this channel)")
            return
        caps = self.conversation(self._channel).capabilities
        for state in polls:
            self._print(reply_text(poll_card(state, caps), self._book.hint) + "\n")


def _file_path(line: str) -> Path | None:
    """The file a line names, resolved, or None when the line is a message."""
    if " " in line.strip() or "://" in line:
        return None
    path = Path(line).expanduser().resolve()
    return path if path.is_file() else None
