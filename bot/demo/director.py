"""The team demo's director: moves time on and lets the colleagues live in between.

Time moves from one moment to the next at which something can happen (someone's lesson
is due, a colleague means to act, the evening digest, a scheduled announcement), never
past one, so the colleagues' answers, the digests and the boards interleave as they
would in a real week. Between ``ff``s a heartbeat does the same once a second.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.demo.cast import TEAM, Person
from bot.demo.colleagues import Event, Plan, Simulated
from bot.demo.hands import Hands
from bot.emulator import EmulatorError
from bot.learning.schedule import zone_info
from bot.services.challenges import DIGEST_AT
from bot.telegram import texts

logger = logging.getLogger(__name__)

HOW_FAR = re.compile(r"^(?P<amount>\d{1,3})(?P<unit>[dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
HEARTBEAT = 1.0  # seconds between the heartbeat's pulses
WIDTH = 88  # columns of the account of the days


class Director:
    """Ticks the bot and runs the colleagues' plans, one pulse at a time."""

    def __init__(
        self,
        hands: Hands,
        facilitator: Person,
        colleagues: list[Simulated],
        join_link: tuple[str, str],
        at_keyboard: Callable[[], int],
    ) -> None:
        """``join_link`` is the deep-link payload and the track title a late joiner
        needs; ``at_keyboard`` says who the person at the terminal is now (that person
        is not on autopilot)."""
        self.hands = hands
        self.stage = hands.stage
        self.facilitator = facilitator
        self.colleagues = colleagues
        self.join_link = join_link
        self.at_keyboard = at_keyboard
        self.events: list[Event] = []
        self.lock = asyncio.Lock()

    async def pulse(self) -> None:
        """Deliver what is due, then let each colleague notice and act."""
        await self.stage.tick()
        for sim in self.colleagues:
            if sim.who.user_id == self.at_keyboard():
                continue
            await self._live(sim)

    async def _live(self, sim: Simulated) -> None:
        if sim.joined:
            self.events.extend(sim.notice(self.hands.emulator.bot_messages(sim.who.user_id)))
        for plan in sim.due(self.stage.clock.now()):
            try:
                event = await self._carry_out(sim, plan)
            except (EmulatorError, TimeoutError) as error:
                # The bot answered differently than a colleague expects (its words
                # changed?): they give up on this one thing, the demo goes on.
                logger.warning("%s could not %s: %s", sim.who.name, plan.kind, error)
                continue
            if event is not None:
                self.events.append(event)

    async def _carry_out(self, sim: Simulated, plan: Plan) -> Event | None:
        if plan.kind == "join":
            return await sim.join(self.hands, *self.join_link)
        if plan.kind == "react":
            emoji = sim.who.habit.reaction or "👍"
            await self.hands.react(sim.who.user_id, plan.message_id, emoji)
            return sim.event(plan.at, f"reacted {emoji} to the announcement")
        return await sim.answer(self.hands, plan)

    async def heartbeat(self) -> None:
        """Between fast-forwards time runs as on a wall clock: pulse once a second."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            async with self.lock:
                try:
                    await self.pulse()
                except TimeoutError as error:  # a slow moment; the next beat tries again
                    logger.warning("heartbeat: %s", error)

    # -- fast-forward -----------------------------------------------------------------
    async def fast_forward(self, how_far: str) -> str:
        """``ff`` (the next lesson of whoever is at the terminal), ``ff 1d``, ``ff 3h``."""
        async with self.lock:
            until = self._until(how_far)
            if isinstance(until, str):
                return until
            before = len(self.events)
            await self.forward(until)
            zone = self.facilitator.zone
            now = f"It is now {texts.when(self.stage.clock.now(), zone)} ({zone})."
            return "\n".join([now, *account(self.events[before:])])

    def _until(self, how_far: str) -> datetime | str:
        """Where ``ff`` goes, or why it cannot."""
        now = self.stage.clock.now()
        match = HOW_FAR.match(how_far)
        if match:
            return now + timedelta(**{UNITS[match["unit"]]: int(match["amount"])})
        if how_far:
            return "Say ff, ff 1d, ff 7d or ff 3h."
        profile = self.stage.services.learners.get(self.at_keyboard())
        if profile is None or profile.next_due_at is None:
            return "No lesson is scheduled for you yet: finish setting up first (send /start)."
        return max(profile.next_due_at, now)

    async def forward(self, until: datetime) -> None:
        """Step from moment to moment up to ``until``, pulsing at each (and first now,
        so what arrived since the last pulse is noticed before time moves)."""
        await self.pulse()
        while True:
            now = self.stage.clock.now()
            moment = min([m for m in self._moments(now) if m > now] + [until])
            self.stage.clock.jump_to(moment)
            await self.pulse()
            if moment >= until:
                return

    def _moments(self, now: datetime) -> list[datetime]:
        """When something may happen next: lessons due, plans, the digest, announcements."""
        people = [self.facilitator.user_id, *(s.who.user_id for s in self.colleagues if s.joined)]
        moments = [self._next_digest(now)]
        for user_id in people:
            profile = self.stage.services.learners.get(user_id)
            if profile is not None and profile.next_due_at is not None:
                moments.append(profile.next_due_at)
        moments.extend(at for sim in self.colleagues if (at := sim.next_at()) is not None)
        for view in self.stage.services.announcements.listing(self.facilitator.user_id):
            if view.state == "scheduled" and view.scheduled_at is not None:
                moments.append(view.scheduled_at)
        return moments

    def _next_digest(self, now: datetime) -> datetime:
        """Just after the evening digest time in the team's (the facilitator's) zone."""
        local = now.astimezone(zone_info(self.facilitator.zone))
        evening = datetime.combine(local.date(), DIGEST_AT, local.tzinfo) + timedelta(minutes=1)
        return evening if evening > local else evening + timedelta(days=1)


def account(events: list[Event]) -> list[str]:
    """What the colleagues did meanwhile, a line per day (each on their own calendar:
    a night owl's late answer belongs to the day of its lesson)."""
    if not events:
        return []
    days: dict[date, list[str]] = {}
    for event in events:
        days.setdefault(event.day, []).append(f"{event.name} {event.what}")
    lines = [f"Meanwhile in {TEAM}:"]
    for day in sorted(days):
        lines.extend(_wrapped(f"  {day:%a} {day.day} {day:%b}: ", days[day]))
    return lines


def _wrapped(head: str, items: list[str]) -> list[str]:
    """``items`` after ``head``, joined by dots, starting a new line before an item that
    would pass ``WIDTH`` (an item is never split)."""
    lines, line = [], head + items[0]
    for item in items[1:]:
        if len(line) + len(" · ") + len(item) > WIDTH:
            lines.append(line)
            line = "    " + item
        else:
            line = f"{line} · {item}"
    return [*lines, line]
