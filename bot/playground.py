"""``incident-bot playground``: the emulator, the local Slack and the bot, driven by hand.

The stack is the demo's (``bot.local.local_stack``: the same composition root and HTTP endpoint
as production); a person types what a Slack user would do, and sees each Slack message as the
demo renders it, numbered so that its buttons can be pressed and reactions added.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.local import LocalStack, local_stack
from bot.numbers import BadNumber, whole_number
from bot.playground_forms import Forms, Values
from emulator.slack import Call, Delivery
from emulator.slack.text import render_call

SECRET = "playground-signing-secret"
PEOPLE = ("dana", "alice", "bob", "carol")  # alice, bob and carol are the seed's contacts
DURATION = re.compile(r"^(\S+?)([smhd]?)$")
UNITS = {"": (1, "seconds"), "s": (1, "seconds"), "m": (60, "minutes"), "h": (3600, "hours")}
UNITS["d"] = (86400, "days")
LONGEST_ADVANCE = timedelta(days=366)  # one :advance
FURTHEST_AHEAD = timedelta(days=3660)  # the emulator's clock stays within ten years of today
LONGEST_NAME = 80  # a Slack display name's most characters
LONGEST_MESSAGE = (
    40_000  # chat.postMessage truncates text beyond (api.slack.com/methods/chat.postMessage)
)
TIME_SCALE = 6.0  # real seconds per plan minute: a 5-minute stage lasts 30 s
SETTLE_SECONDS = 0.3  # no new Slack call for this long: what an action caused is on screen
BUSY_POLL_SECONDS = 0.05  # how often settle looks again while the bot is still at work
HELP = """\
  /incident …            run the slash command as the current user in the current channel
  any other text         say it in the current channel (a message you can react to)
  :as NAME               act as NAME (dana, alice, bob, carol; a new name joins the workspace)
  :in CHANNEL            act in #CHANNEL (a new incident's channel is entered for you)
  :press N [B]           press button B (default 1) of message N
  :react N EMOJI         add a reaction to message N (:react 4 pushpin)
  :home                  open the app's Home tab
  :advance 5m            move the emulator's clock (s, m, h, d; a year at most)
  Enter                  show what happened since (escalation stages run on their own)
  :help, :quit"""

Reader = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class Shown:
    """A message put on screen: where it is (``ts`` None for an ephemeral) and its buttons."""

    channel: str
    ts: str | None
    buttons: list[dict[str, Any]]


@dataclass
class Playground:
    stack: LocalStack
    read: Reader
    out: Callable[[str], Any]
    user: str = ""
    channel: str = ""
    seen: int = 0
    shown: list[Shown] = field(default_factory=list)
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    forms: Forms = field(init=False)

    def __post_init__(self) -> None:
        self.forms = Forms(self.fake, self.read, self.out, self.submit)

    @property
    def fake(self) -> Any:
        return self.stack.slack.fake

    def name(self, user_id: str) -> str:
        return self.fake.users[user_id]["name"]

    # -- what Slack shows ---------------------------------------------------
    async def settle(self, limit: float = 15.0) -> None:
        """Wait until the bot has nothing under way (no Slack call, paced or sent, and no
        listener running) and has called Slack no more for a while, then print what it did."""
        deadline = time.monotonic() + limit
        count = -1
        while time.monotonic() < deadline:
            if self.stack.bot.services.busy:
                count = -1
                await asyncio.sleep(BUSY_POLL_SECONDS)
            elif count == len(self.fake.calls):
                break
            else:
                count = len(self.fake.calls)
                await asyncio.sleep(SETTLE_SECONDS)
        self.show()

    def show(self) -> None:
        for call in self.fake.calls[self.seen :]:
            line = render_call(self.fake, call)
            if line is None:
                continue
            if (number := self.number(call)) is not None:
                head, _, rest = line.partition("\n")
                line = f"#{number} {head}\n{rest}" if rest else f"#{number} {head}"
                buttons = self.shown[number - 1].buttons
                if buttons:
                    labels = (f"{i}) {b['text']['text']}" for i, b in enumerate(buttons, 1))
                    line += f"\n    buttons: {'  '.join(labels)}"
            self.out(line)
            if call.method == "conversations.create" and call.response.get("ok"):
                self.channel = call.response["channel"]["id"]
                self.out(f"  (you are now in #{call.response['channel']['name']})")
        self.seen = len(self.fake.calls)

    def number(self, call: Call) -> int | None:
        """The message's number, the same for its updates; None for what is not a message."""
        if not call.response.get("ok"):
            return None
        args = call.args
        if call.method in ("chat.postMessage", "chat.update"):
            key = (call.response["channel"], call.response["ts"])
            message = self.fake.message(*key)
            shown = Shown(key[0], key[1], _buttons(message.get("blocks") or []))
            if key in self.numbers:
                self.shown[self.numbers[key] - 1] = shown
                return self.numbers[key]
            self.numbers[key] = len(self.shown) + 1
        elif call.method in ("chat.postEphemeral", "response_url"):
            channel = args.get("channel") or self.channel
            shown = Shown(channel, None, _buttons(args.get("blocks") or []))
        else:
            return None
        self.shown.append(shown)
        return len(self.shown)

    # -- what a person does -------------------------------------------------
    async def command(self, line: str) -> bool:
        """Carry out one line; False when the person is done."""
        sender, line = self.stack.sender, line.strip()
        word, _, rest = line.partition(" ")
        if not line:
            self.show()
        elif line.startswith("/"):
            await self.answered(sender.slash_command(word, rest, self.user, self.channel))
            await self.forms.fill_opened()
        elif word in (":quit", ":q", ":exit"):
            return False
        elif word == ":help":
            self.out(HELP)
        elif word == ":as":
            self.act_as(rest.strip().lstrip("@"))
        elif word == ":in":
            self.enter(rest.strip().lstrip("#"))
        elif word == ":press":
            await self.press(rest.split())
        elif word == ":react":
            number, _, emoji = rest.partition(" ")
            shown = self.message(number)
            if shown is not None and shown.ts is not None:
                reaction = emoji.strip().strip(":") or "pushpin"
                await self.answered(
                    sender.reaction_added(self.user, shown.channel, shown.ts, reaction)
                )
            elif shown is not None:
                self.out("  only messages in a channel take reactions, not ephemeral ones")
        elif word == ":home":
            await self.answered(sender.home_opened(self.user))
        elif word == ":advance":
            self.advance(rest.strip())
        elif word.startswith(":"):
            self.out(f"  unknown command {word}; :help lists them")
        else:
            self.say(line)
        return True

    def say(self, text: str) -> None:
        """Post ``text`` as the current user; the message is numbered so it can be reacted to."""
        if len(text) > LONGEST_MESSAGE:
            self.out(f"  a message is {LONGEST_MESSAGE:,} characters at most; nothing was said")
            return
        ts = self.fake.user_posts(self.channel, self.user, text)
        self.shown.append(Shown(self.channel, ts, []))
        self.out(f"#{len(self.shown)} #{self.here()}  @{self.name(self.user)}:\n    {text}")

    def here(self) -> str:
        return self.fake.channel(self.channel).name

    def act_as(self, name: str) -> None:
        found = next((uid for uid, u in self.fake.users.items() if u["name"] == name), None)
        if not name or len(name) > LONGEST_NAME or not name.isprintable() or " " in name:
            self.out(f"  :as NAME (one word, {LONGEST_NAME} characters at most)")
            return
        self.user = found or self.fake.add_user(name, email=f"{name}@example.com")
        self.fake.channel(self.channel).members.add(self.user)
        self.out(f"  you are @{name}")

    def enter(self, name: str) -> None:
        channel = self.fake.channel_by_name(name)
        if channel is None:
            self.out(f"  no channel #{name}; the channels are " + self.channels())
            return
        self.channel = channel.id
        channel.members.add(self.user)
        self.out(f"  you are in #{name}")

    def channels(self) -> str:
        return ", ".join(f"#{c.name}" for c in self.fake.channels.values() if not c.is_im)

    def message(self, number: str) -> Shown | None:
        if not self.shown:
            self.out("  no message is shown yet")
            return None
        try:
            return self.shown[whole_number(number, 1, len(self.shown)) - 1]
        except BadNumber as wrong:
            self.out(f"  no such message: {wrong.message} (the number shown before it)")
            return None

    async def press(self, words: list[str]) -> None:
        shown = self.message(words[0] if words else "")
        if shown is None:
            return
        if not shown.buttons:
            self.out("  that message has no button")
            return
        try:
            choice = whole_number(words[1], 1, len(shown.buttons)) if len(words) > 1 else 1
        except BadNumber as wrong:
            self.out(f"  no such button: {wrong.message}")
            return
        button = shown.buttons[choice - 1]
        await self.answered(
            self.stack.sender.block_action(
                self.user,
                button["action_id"],
                button.get("value"),
                channel_id=shown.channel,
                message_ts=shown.ts,
                block_id=button["block_id"],
            )
        )
        await self.forms.fill_opened()

    def advance(self, text: str) -> None:
        """Move the emulator's clock by a whole number of s, m, h or d: a year at a time, and
        never past ten years from today (beyond, AWS's dates stop making sense)."""
        match = DURATION.match(text)
        if match is None:
            self.out("  :advance 90s, 5m, 2h or 1d")
            return
        unit, name = UNITS[match[2]]
        ahead = self.stack.aws.clock.offset_seconds
        most = min(LONGEST_ADVANCE.total_seconds(), FURTHEST_AHEAD.total_seconds() - ahead)
        try:
            count = whole_number(match[1], 0, int(most // unit), name)
        except BadNumber as wrong:
            self.out(f"  the clock did not move: {wrong.message}")
            return
        self.stack.aws.advance(count * unit)
        self.out(f"  the emulator's clock is now {self.stack.aws.clock.now():%Y-%m-%d %H:%M:%S}")

    async def submit(self, view_id: str, values: Values) -> Delivery:
        return await self.answered(self.stack.sender.view_submission(self.user, view_id, values))

    async def answered(self, request: Awaitable[Delivery]) -> Delivery:
        delivery = await request
        if delivery.status != 200:
            self.out(f"  (the bot answered HTTP {delivery.status})")
        await self.settle()
        return delivery

    # -- the session ------------------------------------------------------------
    async def session(self, first_user: str) -> None:
        fake = self.fake
        people = [fake.add_user(name, email=f"{name}@example.com") for name in PEOPLE]
        self.channel = fake.add_channel("ops", members=people)
        self.out(
            f"incident-bot playground: the bot on {self.stack.bot.events_url}, the emulator "
            f"on {self.stack.aws.url}, a local Slack on {self.stack.slack.url}.\n"
            f"People: {', '.join('@' + p for p in PEOPLE)}; channel #ops. :help for help."
        )
        self.act_as(first_user)
        while True:
            line = await self.read(f"@{self.name(self.user)} in #{self.here()}> ")
            if line is None:
                return
            try:
                if not await self.command(line):
                    return
            except Exception as exc:  # a slip at the keyboard must not end the session
                self.out(f"  that did not work ({type(exc).__name__}: {exc}); :help lists commands")


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button of a message (action blocks' and section accessories'), with its block."""
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("type") == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        for element in elements:
            if element.get("type") == "button":
                found.append({**element, "block_id": block.get("block_id", "actions")})
    return found


async def read_line(prompt: str) -> str | None:
    """A line typed at the terminal, or read from a script (then echoed); None at its end."""
    try:
        line = await asyncio.to_thread(input, prompt)
    except EOFError:
        return None
    if not sys.stdin.isatty():
        print(line)
    return line


async def run_playground(
    user: str = "dana",
    time_scale: float = TIME_SCALE,
    read: Reader = read_line,
    out: Callable[[str], Any] = print,
) -> None:
    async with local_stack(
        SECRET,
        default_response_plan="critical-service",
        time_scale=time_scale,
        mirror_interval_seconds=3600,
    ) as stack:
        await Playground(stack, read, out).session(user)
