"""``TerminalChat``: chat with the bot from a terminal, through the emulator.

This is the front end of ``attune demo`` for people without a Telegram token. It plays
one user at a time: lines typed become that user's messages, ``b N`` taps a button,
``p N`` votes in a poll, and every new or edited bot message is printed readably, with
what the app would show besides: a quiz's outcome after the vote, a button's toast, and
files and pictures saved to a folder so they can be opened. Given seats (the people of a
demo team and their group), ``as NAME`` switches who is typing and ``in group`` opens
the group chat. Streams are injectable so tests can feed lines and read the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.emulator.errors import EmulatorError
from bot.emulator.models import StoredMessage
from bot.emulator.terminal_render import (
    file_id_of,
    file_name,
    flat_buttons,
    looks,
    quiz_outcome,
    render,
    save,
    toast,
)
from bot.emulator.terminal_seats import Seat, find, listing, prompt

if TYPE_CHECKING:
    from bot.emulator.client import EmulatorClient
    from bot.emulator.emulator import BotApiEmulator

HELP = """\
Type a message or a /command to send it to the bot.
  b N      press button N of the latest message with buttons (b M.N: message #M)
  p N      answer the earliest unanswered poll with option N (p 1,3 for several)
  ff       fast-forward time to the next lesson (ff 1d, ff 7d: a day, a week)
  history  show the last messages of this chat again (history 20: more)
  help     show this help
  quit     leave (Ctrl-D works too)"""
SEATS_HELP = """\
  as NAME  become that person (their chat with the bot is shown from then on)
  as       list the people and who you are now
  in group type in the group chat (as group works too); as NAME returns"""
TYPING_AFTER = 0.3
WATCH_WINDOW = 30.0
HISTORY = 8  # messages shown when entering a chat, or after a long fast-forward


async def resolve(value: Any) -> Any:
    """Await ``value`` if needed: the emulator answers reads directly, the client async."""
    if inspect.isawaitable(value):
        return await value
    return value


class TerminalChat:
    """One user's side of a private chat with the bot, in a terminal."""

    def __init__(
        self,
        backend: BotApiEmulator | EmulatorClient,
        user_id: int,
        on_fast_forward: Callable[[str], Awaitable[str]] | None = None,
        on_quit: Callable[[], Awaitable[None]] | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        reply_wait: float = 3.0,
        settle: Callable[[], Awaitable[None]] | None = None,
        files: Path | None = None,
        seats: Sequence[Seat] = (),
    ) -> None:
        """``settle`` waits until the bot has handled what was sent. Only a bot in this
        process can tell (``attune demo`` joins its update queue); without it the chat
        waits until the emulator has delivered the input, and replies that come later
        are shown as they arrive. ``files`` is the folder the bot's files and pictures
        are saved to (without it they are only named). ``on_fast_forward`` gets what
        followed ``ff`` (``""``, ``"1d"``, ...) and says what time it is now."""
        self.backend = backend
        self.user_id = user_id
        self.on_fast_forward = on_fast_forward
        self.on_quit = on_quit
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.reply_wait = reply_wait
        self.settle = settle or self._delivered
        self.files = files
        self.seats = list(seats)
        self.chat_id = user_id
        self._shown: dict[tuple[int, int], str] = {}

    @property
    def prompt(self) -> str:
        return prompt(self.seats, self.user_id, self.chat_id)

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def run(self, shown: int = HISTORY) -> None:
        """Show the chat so far (its last ``shown`` messages), then read commands until
        ``quit`` or end of input."""
        self.say("Chatting with the bot. Type 'help' for commands.")
        await self.show_new(shown)
        while True:
            print(self.prompt, end="", file=self.out, flush=True)
            line = await self._read_line()
            if not line:
                self.say()
                break
            if not self.stdin.isatty():
                self.say(line.rstrip("\n"))  # a terminal echoes typing; a script does not
            if not await self.handle(line.strip()):
                break
        if self.on_quit is not None:
            await self.on_quit()

    async def _read_line(self) -> str:
        """Read a line in a thread, showing bot messages that arrive meanwhile."""
        watcher = asyncio.ensure_future(self._watch())
        try:
            return await asyncio.to_thread(self.stdin.readline)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self) -> None:
        """Print messages the bot sends on its own (scheduled lessons) while we wait."""
        while True:
            try:
                seen = len(await self._messages())
                await resolve(
                    self.backend.wait_for_bot_messages(self.chat_id, seen + 1, WATCH_WINDOW)
                )
            except TimeoutError:
                continue
            except Exception:  # the emulator went away: stop watching, keep the prompt
                return
            self.say()
            await self.show_new()
            print(self.prompt, end="", file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Act on one input line; False means the user wants to leave."""
        command, _, rest = line.partition(" ")
        try:
            if line in ("quit", "exit"):
                return False
            if line == "help":
                self.say(HELP + ("\n" + SEATS_HELP if self.seats else ""))
            elif command == "ff":
                await self._fast_forward(rest.strip())
            elif command == "history":
                await self._history(rest.strip())
            elif command in ("as", "in") and (self.seats or command == "as"):
                await self._switch(command, rest.strip())
            elif command == "b" and rest:
                await self._press(rest.strip())
            elif command == "p" and rest:
                await self._vote(rest.strip())
            elif line:
                await resolve(self.backend.send_message(self.user_id, line, self._group()))
                await self.wait_for_replies()
            else:
                await self.show_new()
        except EmulatorError as exc:
            self.say(f"(!) {exc}")
        return True

    # -- actions ------------------------------------------------------------------------
    async def _fast_forward(self, how_far: str) -> None:
        if self.on_fast_forward is None:
            self.say("(fast-forward is not available here)")
            return
        self.say(f"(fast-forward) {await self.on_fast_forward(how_far)}")
        await self.wait_for_replies(limit=HISTORY)

    async def _history(self, count: str) -> None:
        if count and not count.isdigit():
            raise EmulatorError("use history or history N")
        for message in (await self._messages())[-int(count or HISTORY) :]:
            for line in render(message):
                self.say(line)

    def _group(self) -> int | None:
        """The group typed in, if not the private chat."""
        return self.chat_id if self.chat_id != self.user_id else None

    async def _switch(self, command: str, name: str) -> None:
        """``as`` lists, ``as NAME`` takes that person's seat, ``in group`` (or ``as
        group``) moves into the group chat as whoever is typing."""
        if not name:
            lines = listing(self.seats, self.user_id, self.chat_id) if self.seats else []
            self.say("\n".join(lines) or "(nobody else here: try attune demo --team)")
            return
        seat = find(self.seats, name)
        if seat is None:
            raise EmulatorError(f"nobody called {name!r} here; 'as' lists who is")
        if seat.is_group:
            self.chat_id = seat.chat_id
            self.say(f"(in {seat.name}, typing as {self._name(self.user_id)})")
        elif command == "in":
            raise EmulatorError("'in' opens a group chat; 'as NAME' becomes a person")
        else:
            self.user_id = self.chat_id = seat.chat_id
            self.say(f"(you are now {seat.name}; this is {seat.name}'s chat with the bot)")
        await self.show_new(HISTORY)

    def _name(self, chat_id: int) -> str:
        return next((seat.name for seat in self.seats if seat.chat_id == chat_id), "you")

    async def _press(self, spec: str) -> None:
        message, number = await self._button_target(spec)
        buttons = flat_buttons(message)
        if not 1 <= number <= len(buttons):
            raise EmulatorError(f"message #{message.message_id} has buttons 1..{len(buttons)}")
        button = buttons[number - 1]
        if "callback_data" not in button:
            self.say(f"(that button opens {button.get('url') or 'something outside the chat'})")
            return
        self.say(f"(you pressed: {button.get('text', '')})")
        query_id = await resolve(
            self.backend.press_button(
                self.user_id, message.message_id, button["callback_data"], self._group()
            )
        )
        await self.wait_for_replies(query_id)

    async def _button_target(self, spec: str) -> tuple[StoredMessage, int]:
        """``N`` means the latest message with buttons, ``M.N`` message #M."""
        with_buttons = [m for m in await self._messages() if m.buttons and not m.deleted]
        if not with_buttons:
            raise EmulatorError("no message with buttons")
        try:
            if "." in spec:
                wanted, number = (int(part) for part in spec.split(".", 1))
                matches = [m for m in with_buttons if m.message_id == wanted]
                if not matches:
                    raise EmulatorError(f"message #{wanted} has no buttons")
                return matches[0], number
            number = int(spec)
        except ValueError as exc:
            raise EmulatorError("use b N or b M.N with numbers") from exc
        latest, newest = with_buttons[-1], (await self._messages())[-1]
        if len(with_buttons) > 1 and latest.message_id != newest.message_id:
            # Messages came after the buttons: say which message the tap goes to.
            self.say(f"(button on message #{latest.message_id}; use b M.N for an older one)")
        return latest, number

    async def _open_polls(self) -> list[StoredMessage]:
        """Polls in this chat still open that the one typing has not voted in."""
        found = []
        for message in await self._messages():
            if message.poll and message.poll_id and not message.poll.get("is_closed"):
                state = await resolve(self.backend.poll(message.poll_id))
                if not state.votes.get(self.user_id):
                    found.append(message)
        return found

    async def _vote(self, spec: str) -> None:
        open_polls = await self._open_polls()
        if not open_polls:
            raise EmulatorError("no open poll to answer")
        message = open_polls[0]  # in reading order: a lesson's first question comes first
        assert message.poll is not None and message.poll_id is not None
        try:
            choices = [int(part) - 1 for part in spec.replace(" ", "").split(",")]
        except ValueError as exc:
            raise EmulatorError("use p N (or p N,M) with option numbers") from exc
        await resolve(self.backend.answer_poll(self.user_id, message.poll_id, choices))
        texts = [message.poll["options"][i]["text"] for i in choices]
        self.say(f"(you answered: {', '.join(texts)})")
        for line in quiz_outcome(message.poll, choices):
            self.say(line)
        await self.wait_for_replies()

    # -- showing the bot's side ---------------------------------------------------------
    async def _messages(self) -> list[StoredMessage]:
        found: list[StoredMessage] = await resolve(self.backend.bot_messages(self.chat_id))
        return found

    async def wait_for_replies(
        self, query_id: str | None = None, limit: int | None = None
    ) -> None:
        """Wait until the bot has handled the input (showing a typing hint), then show
        what it did: the toast of the button pressed (``query_id``), then new messages
        (the last ``limit`` of them, if given)."""
        waiting = asyncio.ensure_future(self._settle())
        done, _ = await asyncio.wait({waiting}, timeout=TYPING_AFTER)
        if not done:
            self.say("(bot is typing...)")
        if not await waiting:
            self.say("(no answer from the bot yet)")
        if query_id is not None:
            await self._show_toast(query_id)
        await self.show_new(limit)

    async def _show_toast(self, query_id: str) -> None:
        for answer in await resolve(self.backend.callback_answers()):
            shown = toast(answer) if answer.callback_query_id == query_id else None
            if shown:
                self.say(shown)

    async def _settle(self) -> bool:
        try:
            async with asyncio.timeout(self.reply_wait):
                await self.settle()
        except TimeoutError:
            return False
        return True

    async def _delivered(self) -> None:
        await resolve(self.backend.wait_until_delivered(timeout=self.reply_wait))

    async def show_new(self, limit: int | None = None) -> None:
        """Print bot messages not shown yet, and ones edited since they were shown; with
        ``limit``, only the last ones of many (saying how many were passed over)."""
        changed = []
        for message in await self._messages():
            key, state = (message.chat_id, message.message_id), looks(message)
            previous = self._shown.get(key)
            if previous != state:
                self._shown[key] = state
                changed.append((message, previous is not None))
        if limit is not None and len(changed) > limit:
            self.say(f"({len(changed) - limit} earlier messages; 'history 30' shows them)")
            changed = changed[-limit:]
        for message, edited in changed:
            saved = await self._save_file(message) if not edited else None
            for line in render(message, edited=edited, saved=saved):
                self.say(line)

    async def _save_file(self, message: StoredMessage) -> Path | None:
        """Save the message's file or picture, as the app's download would; where to."""
        file_id = file_id_of(message)
        if self.files is None or file_id is None:
            return None
        try:
            download = await resolve(self.backend.download(file_id))
        except EmulatorError:
            return None
        return save(self.files, file_name(message, download), download.data)
