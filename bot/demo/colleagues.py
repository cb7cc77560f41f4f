"""Simulated colleagues: they notice what arrives in their chat and act on it later.

A colleague's app shows them their own chat; from it they learn that a lesson's quiz
or an announcement has arrived, and, as their habits say, they answer (rightly or not),
let a day pass, or react. Everything they do goes through ``Hands``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.demo.cast import Colleague, Person, chance
from bot.demo.hands import Hands
from bot.emulator import StoredMessage
from bot.learning.schedule import zone_info
from bot.telegram import texts

JOIN_AT = time(6, 45)  # a late joiner joins before their first lesson of the day


@dataclass(frozen=True)
class Event:
    """Something a colleague did on their own ``day``, for the fast-forward's account."""

    day: date
    name: str
    what: str


@dataclass(frozen=True)
class Plan:
    """Something a colleague will do at ``at``."""

    at: datetime
    kind: str  # "answer", "react" or "join"
    poll_ids: tuple[str, ...] = ()
    message_id: int = 0


async def onboard(hands: Hands, person: Person, track_title: str) -> None:
    """The four setup steps after /start, as a person takes them."""
    await hands.tap(person.user_id, track_title)
    await hands.tap(person.user_id, texts.DONE_BUTTON)
    for answer in (person.time, person.zone, person.days):
        await hands.say(person.user_id, answer)


@dataclass
class Simulated:
    """One colleague on autopilot."""

    who: Colleague
    seed: int
    announcement: str  # how the team's announcements begin
    plans: list[Plan] = field(default_factory=list)
    seen: int = 0
    joined: bool = False

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(zone_info(self.who.zone)).date()

    def plan_joining(self, start: datetime) -> None:
        """Join on the day the cast says (relative to the demo's start), in the morning."""
        day = self.local_date(start) + timedelta(days=self.who.joins_on_day)
        moment = datetime.combine(day, JOIN_AT, zone_info(self.who.zone))
        self.plans.append(Plan(max(moment, start), "join"))

    def event(self, at: datetime, what: str) -> Event:
        return Event(self.local_date(at), self.who.name, what)

    def next_at(self) -> datetime | None:
        return min((plan.at for plan in self.plans), default=None)

    def notice(self, messages: list[StoredMessage]) -> list[Event]:
        """Look at what arrived since last time; plan answers and reactions from when
        each message arrived (their phone buzzed then, whenever time is next looked at)."""
        new, self.seen = messages[self.seen :], len(messages)
        events = []
        quizzes = [m for m in new if m.poll_id and m.poll and _open_quiz(m.poll)]
        if quizzes:
            polls = tuple(m.poll_id for m in quizzes if m.poll_id)
            events.extend(self._plan_answers(polls, arrival(quizzes[0])))
        habit = self.who.habit
        for message in new:
            if habit.reaction and (message.text or message.caption or "").startswith(
                self.announcement
            ):
                at = arrival(message) + timedelta(minutes=habit.react_after)
                self.plans.append(Plan(at, "react", message_id=message.message_id))
        return events

    def _plan_answers(self, polls: tuple[str, ...], now: datetime) -> list[Event]:
        habit, day = self.who.habit, self.local_date(now)
        if chance(self.seed, self.who.name, day, "does") >= habit.does_lesson:
            return [self.event(now, "skipped the lesson")]
        low, high = habit.answer_after
        minutes = low + int(chance(self.seed, self.who.name, day, "when") * (high - low))
        self.plans.append(Plan(now + timedelta(minutes=minutes), "answer", polls))
        return []

    async def join(self, hands: Hands, payload: str, track_title: str) -> Event:
        """Open the team's join link, agree (named or not), and set up."""
        who = self.who
        await hands.say(who.user_id, f"/start {payload}")
        consent = texts.JOIN_WITH_NAME_BUTTON if who.named else texts.JOIN_WITHOUT_NAME_BUTTON
        await hands.tap(who.user_id, consent)
        await onboard(hands, who, track_title)
        self.joined, self.seen = True, len(hands.emulator.bot_messages(who.user_id))
        return self.event(hands.stage.clock.now(), "joined the team")

    def due(self, now: datetime) -> list[Plan]:
        """The plans whose time has come, taken off the list."""
        ready = [plan for plan in self.plans if plan.at <= now]
        self.plans = [plan for plan in self.plans if plan.at > now]
        return ready

    async def answer(self, hands: Hands, plan: Plan) -> Event | None:
        """Vote in each quiz of the lesson: right as often as the habit says. Nothing
        when every one was answered already (by the person at the terminal, as them)."""
        choices, right, day = {}, 0, self.local_date(plan.at)
        for index, poll_id in enumerate(plan.poll_ids):
            poll = hands.emulator.poll(poll_id)
            if poll.is_closed or poll.votes.get(self.who.user_id):
                continue
            correct = poll.correct_option_ids[0] if poll.correct_option_ids else 0
            knows = chance(self.seed, self.who.name, day, "right", index) < self.who.habit.right
            choices[poll_id] = correct if knows else (correct + 1) % len(poll.options)
            right += knows
        if not choices:
            return None
        await hands.vote(self.who.user_id, choices)
        return self.event(plan.at, f"{right}/{len(choices)} right")


def arrival(message: StoredMessage) -> datetime:
    return datetime.fromtimestamp(message.date, UTC)


def _open_quiz(poll: dict[str, object]) -> bool:
    return poll.get("type") == "quiz" and not poll.get("is_closed")
