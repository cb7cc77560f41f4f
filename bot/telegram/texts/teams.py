"""Teams, challenges, boards and the facilitator's menus."""

from __future__ import annotations

from datetime import date

from bot.learning.join_codes import INVITATION_DAYS, display
from bot.services.base import Refusal
from bot.services.challenges import BoardView, Broadcast, ChallengeTooLong, StartTooSoon, StatsView
from bot.services.teams import MAX_TEAMS, MembersPage, OrgView
from bot.telegram.texts.common import NEED_START, STALE_BUTTON, esc, percent, plural, short_date

MISS_DAY_ONE = "Some members have already had that day's lesson, so they would miss day 1."
TEAM_PROBLEMS = {
    "name_like_notice": (
        "That name reads like a message from Attune itself (words such as Attune, notice "
        "or announcement, or a leading symbol), so members could be misled. Please choose "
        "another. Nothing was changed."
    ),
    "bad_name": (
        "A team name needs 1 to 64 characters of plain text, without formatting characters "
        "such as &lt; &gt; * _ or `. Nothing was changed."
    ),
    "need_start": NEED_START,
    "unknown_code": (
        "I don't recognise that join code. Codes are 10 letters and digits, like "
        "<code>ABCDE-23456</code>; a code stops working when a facilitator issues a new one. "
        "Please check it with your facilitator."
    ),
    "already_member": "You're already in this team. /team shows how it's doing.",
    "no_pending_join": (
        "That invitation is no longer open: invitations close when the team gets a new "
        f"join code, and after {INVITATION_DAYS} days. Nothing was shared. Ask your "
        "facilitator for the current code or link."
    ),
    "last_facilitator": (
        "You're this team's only facilitator. Make someone else a facilitator first "
        "(/teamadmin, then Members), or close the team, then leave."
    ),
    "only_member": (
        "You're the only one in this team. To leave it, close it (/teamadmin, then Close "
        "the team)."
    ),
    "too_many_teams": (
        f"You're already in {MAX_TEAMS} teams, the most one person can be in. Leave one "
        "with /leave to make room. Nothing was changed."
    ),
    "unknown_org_code": (
        "I don't recognise that organisation code. A facilitator of a team in the "
        "organisation can see it with /org. Nothing was changed."
    ),
    "not_member": "You're not a member of that team. Nothing was changed.",
    "not_facilitator": "Only this team's facilitators can do that. Nothing was changed.",
    "use_leave": "To leave a team yourself, use /leave.",
    "unknown_track": "I don't know that track. Nothing was changed.",
    "bad_length": "A challenge runs for 1 to 90 days. Nothing was changed.",
    "past_start": "The start date can't be in the past. Nothing was changed.",
    "challenge_running": (
        "This team already has a challenge running or scheduled. End it first with "
        "/teamadmin, then Stop challenge."
    ),
    "no_challenge": "This team has no challenge running.",
    "not_running": "That challenge isn't running now, so nothing was changed.",
    "too_long": (
        "A challenge teaches a new lesson each day, so it can't run longer than its track "
        "has lessons. Nothing was changed."
    ),
    "day_one_missed": f"{MISS_DAY_ONE} Nothing was changed.",
}
NEWTEAM_USAGE = "Give the team a name, for example: <code>/newteam Riverside counselling</code>"
JOIN_USAGE = "Send the join code you were given, for example: <code>/join ABCDE-23456</code>"
CHALLENGE_USAGE = (
    "Start a challenge with buttons: /challenge. Or type it: "
    "<code>/challenge trauma-informed-care 14 2026-03-09</code> (track id or title, days, "
    "and an optional start date; if left out, today, or tomorrow once some members have "
    "had today's lesson, so that everyone gets day 1)."
)
NO_TEAMS = "You're not in a team yet. Join one with /join and the code your facilitator gave you."
NOT_FACILITATOR_ANYWHERE = (
    "You're not a facilitator of any team. To create one: <code>/newteam Team name</code>"
)
LINK_USAGE = "Link this group to your team: <code>/linkteam ABCDE-23456</code> (your team's code)."
CHOOSE_TEAM = "Which team?"
CHOOSE_TRACK = "Which track should the team follow?"
CHOOSE_LENGTH = "For how many days?"
CHOOSE_START = "Starting when?"
ASK_TEAM_NAME = "Send the new name for the team."
DECLINED = "You haven't joined, and nothing was shared."
NO_CHALLENGE_YET = "No challenge yet. A facilitator can start one with /challenge."


def no_challenge(team: str) -> str:
    """/team for a team without a challenge."""
    return f"<b>{esc(team)}</b>\n{NO_CHALLENGE_YET}"


def team_created(name: str, code: str, link: str) -> str:
    """What a facilitator reads after /newteam."""
    return (
        f"Team <b>{esc(name)}</b> is ready, and you're its facilitator.\n\n"
        f"Join code: <code>{code}</code>\nJoin link: {link}\n\n"
        "Share either with your colleagues. Start a shared challenge with /challenge; "
        "/teamadmin manages members, the name and the code."
    )


def join_consent(name: str) -> str:
    """Exactly what joining shares, asked before anything is shared."""
    return (
        f"Join <b>{esc(name)}</b>?\n\n"
        "If you join, the team's facilitators will see, with your first name:\n"
        "• which of the team's challenge lessons you completed\n"
        "• your current streak\n"
        "(in /teamstats, in exports, and in reports on whether their announcements "
        "reached you)\n\n"
        "They will never see your quiz answers, your settings, or anything you write to "
        "me. You can leave at any time with /leave.\n\n"
        "Separately, you choose whether your first name also appears on the team board "
        "that every member sees. If you don't, you're counted there but not named."
    )


def joined(name: str, shown: bool) -> str:
    """Welcome to the team."""
    board = "by first name" if shown else "without your name"
    return (
        f"Welcome to <b>{esc(name)}</b>! You appear on the team board {board}. "
        "/team shows how the team is doing."
    )


def left_team(name: str) -> str:
    """After /leave."""
    return (
        f"You've left <b>{esc(name)}</b>. Its facilitators no longer see your progress, and "
        "you won't receive its announcements."
    )


def my_teams(teams: list[tuple[str, str, int]]) -> str:
    """/myteams: name, role and size of each team."""
    if not teams:
        return NO_TEAMS
    lines = ["<b>Your teams</b>"]
    for name, role, members in teams:
        who = " (facilitator)" if role == "facilitator" else ""
        lines.append(f"• {esc(name)}{who}: {plural(members, 'member')}")
    return "\n".join(lines)


def challenge_started(
    track: str, days: int, start: date, team: str, deferred: bool = False
) -> str:
    """Confirmation of a new challenge (``deferred``: it could not start today)."""
    why = (
        "It starts then, not today, because some members have already had today's lesson: "
        "this way everyone gets day 1. "
        if deferred
        else ""
    )
    return (
        f"Challenge set for <b>{esc(team)}</b>: {esc(track)}, {plural(days, 'day')}, "
        f"from {short_date(start)}. {why}Every member gets the same lesson each day, at "
        "their own time. /team shows the board."
    )


def challenge_too_long(problem: ChallengeTooLong) -> str:
    """A length the track can't fill with a new lesson a day."""
    return (
        f"{esc(problem.track_title)} has {plural(problem.lessons, 'lesson')}, and a challenge "
        f"teaches a new one each day, so it can run for 1 to {problem.longest} days. "
        "Nothing was changed."
    )


def start_too_soon(problem: StartTooSoon) -> str:
    """A start on which someone would miss day 1; name the first day that works."""
    return (
        f"{MISS_DAY_ONE} The earliest start with everyone on day 1 is "
        f"{short_date(problem.earliest)}. Nothing was changed."
    )


def challenge_refusal(problem: Refusal) -> str:
    """Why a challenge was not started, with the numbers or date that explain it."""
    if isinstance(problem, ChallengeTooLong):
        return challenge_too_long(problem)
    if isinstance(problem, StartTooSoon):
        return start_too_soon(problem)
    return TEAM_PROBLEMS.get(problem.code, STALE_BUTTON)


def choose_length(track: str, lessons: int) -> str:
    """Step 2 of the guided start: the track's size bounds the length."""
    return f"{CHOOSE_LENGTH} {esc(track)} has {plural(lessons, 'lesson')}, one new lesson a day."


def choose_start(earliest: date, today: date) -> str:
    """Step 3: when, and why today is not offered once someone has had today's lesson."""
    if earliest <= today:
        return CHOOSE_START
    return (
        f"{CHOOSE_START} Some members have already had today's lesson, so the earliest "
        f"start with everyone on day 1 is {short_date(earliest)}."
    )


def challenge_label(team: str, day: int, length: int) -> str:
    """The line under a challenge lesson's title."""
    return f"Team challenge · {esc(team)} · day {day} of {length}"


def choose_counting(counting: str, chosen: bool = False) -> str:
    """For a learner in two running challenges (``chosen``: the one they picked before)."""
    yours = " (your choice)" if chosen else ""
    return (
        f"You're in more than one running challenge. Today's lesson counts for "
        f"<b>{esc(counting)}</b>{yours}. Tap below to follow another team's challenge "
        "instead, or to keep this one."
    )


def counting_here(view: BoardView) -> str:
    """On /team, for a member in several running challenges: does this one count?"""
    yours = view.yours
    if yours is None:
        return ""
    if yours.counts_here:
        return "Your daily lesson follows this challenge."
    return (
        f"Your daily lesson follows <b>{esc(yours.counting_team)}</b>'s challenge, not this "
        "one. Tap below to follow this one instead."
    )


def counting_chosen(team: str) -> str:
    """After choosing which challenge counts."""
    return f"From your next lesson on, {esc(team)}'s challenge counts for you."


def board(view: BoardView) -> str:
    """/team: breadth over binging; named only with consent."""
    challenge, b = view.challenge, view.board
    state = {"upcoming": "starts", "running": "started", "finished": "ran from"}[view.status]
    lines = [
        f"<b>{esc(challenge.team_name)}</b>: {esc(challenge.track_title)} challenge",
        f"Day {b.day} of {b.length} ({state} {short_date(challenge.start_date)})"
        if view.status == "running"
        else f"{plural(b.length, 'day')}, {state} {short_date(challenge.start_date)}",
    ]
    if view.status != "upcoming":
        lines += [
            f"Today: {b.done_today} of {plural(b.members, 'member')} did the lesson "
            f"({percent(b.done_today, b.members)})",
            f"Active this week: {b.active_this_week} of {b.members}",
            f"Team streak: {plural(b.team_streak, 'day')} with at least half the team",
        ]
    if b.named:
        lines.append("\n<b>Lessons done</b> (one a day counts)")
        lines += [f"{esc(name)}: {count}" for name, count in b.named]
    if b.unnamed:
        lines.append(f"…and {b.unnamed} more, counted but not named")
    if view.ranking:
        lines.append("\n<b>Teams of your organisation on this track</b>")
        lines += [
            f"{i}. {esc(name)}: {round(100 * rate)}%"
            for i, (name, rate) in enumerate(view.ranking, 1)
        ]
    if view.yours is not None:
        lines.append(f"\n{counting_here(view)}")
    return "\n".join(lines)


def team_stats(view: StatsView) -> str:
    """/teamstats for facilitators: per day, then per consenting member."""
    challenge = view.challenge
    lines = [f"<b>{esc(challenge.team_name)}</b>: {esc(challenge.track_title)}, per day"]
    lines += [
        f"Day {d.number} ({short_date(d.day)}): {d.done} of {d.had}" for d in view.per_day
    ] or ["The challenge has not started yet."]
    if any(d.had < len(view.members) for d in view.per_day):
        lines.append(STATS_REACHED)
    lines.append("\n<b>Members</b>: lessons completed, current streak")
    lines += [
        f"{esc(m.first_name or 'A member')}: {m.completed}, streak {m.streak}"
        for m in view.members
    ]
    lines.append("\n/export sends this as a CSV file.")
    return "\n".join(lines)


STATS_REACHED = (
    "<i>Each day counts the members its lesson reached: someone who joined later, was "
    "paused, has no lesson on that weekday, or whose lesson time has not come yet is not "
    "counted as missing it.</i>"
)


def challenge_summary(item: Broadcast) -> str:
    """Sent to every member (and the group) when a challenge ends."""
    challenge, b = item.challenge, item.board
    return (
        f"The <b>{esc(challenge.track_title)}</b> challenge of <b>{esc(challenge.team_name)}"
        f"</b> has ended. {b.started} of {plural(b.members, 'member')} took part, and the "
        f"team finished on a streak of {plural(b.team_streak, 'day')} with at least half "
        "the team. Thank you for learning together."
    )


def group_digest(item: Broadcast) -> str:
    """The evening post in a linked group."""
    b = item.board
    return (
        f"{esc(item.challenge.track_title)} challenge, day {b.day} of {b.length}: "
        f"{b.done_today} of {b.members} did today's lesson on "
        f"{esc(item.lesson_title or 'the day’s topic')}."
    )


def group_linked(team: str) -> str:
    """After /linkteam in a group."""
    return (
        f"This group is now linked to <b>{esc(team)}</b>. I'll post a short daily digest "
        "here during challenges. Lessons and quizzes stay in private chats."
    )


def member_removed(name: str) -> str:
    """A facilitator removed someone."""
    return f"{esc(name or 'The member')} is no longer in the team."


def facilitator_added(name: str) -> str:
    """A facilitator promoted someone."""
    return f"{esc(name or 'The member')} is now a facilitator too."


def code_rotated(code: str, link: str) -> str:
    """After a new join code is issued."""
    return f"New join code: <code>{code}</code>\nNew link: {link}\nThe old code no longer works."


def team_renamed(name: str) -> str:
    """After a rename."""
    return f"The team is now called <b>{esc(name)}</b>."


def challenge_stopped(track: str) -> str:
    """After a facilitator ends a challenge early."""
    return f"The {esc(track)} challenge has ended. Members will get the summary shortly."


def confirm_new_code(name: str) -> str:
    """Before a new join code: what it breaks."""
    return (
        f"Issue a new join code for <b>{esc(name)}</b>?\n\nThe current code and link stop "
        "working at once, and anyone who has not yet finished joining will need the new "
        "one. Members already in the team are not affected."
    )


def confirm_stop(name: str) -> str:
    """Before ending a challenge early: what it ends."""
    return (
        f"Stop the challenge of <b>{esc(name)}</b> now?\n\nIt ends today for every member "
        "and cannot be restarted; members get the summary. Their own daily lessons go on."
    )


def team_admin_updated(name: str, code: str, members: int, note: str) -> str:
    """The /teamadmin menu after a change, with what changed on top."""
    return f"{note}\n\n{team_admin(name, code, members)}"


def team_admin(name: str, code: str, members: int) -> str:
    """The /teamadmin menu's heading."""
    return (
        f"<b>{esc(name)}</b>: {plural(members, 'member')}. Join code <code>{code}</code>.\n"
        "What would you like to change?"
    )


ORG_WHICH_TEAM = "Which team should join the organisation?"
ORG_USAGE_NOTE = (
    "Boards rank the organisation's teams that run the same track at the same time; "
    "nobody outside it sees them. To add a team, its facilitator sends "
    "<code>/org {code}</code>."
)


def hand_over(team: str, others: int, erasing: bool) -> str:
    """The only facilitator tried to leave, or to erase their data: hand over or close."""
    then = "send /deletemydata again" if erasing else "send /leave again"
    if not others:
        return (
            f"You're the only one in <b>{esc(team)}</b>. To leave it, close it: its code "
            f"and anything posted to it are deleted. Then {then}."
        )
    what = "your data can be deleted" if erasing else "you can leave"
    who = "its other member" if others == 1 else f"one of its {others} other members"
    return (
        f"You're the only facilitator of <b>{esc(team)}</b>, so before {what} the team "
        f"needs another one. Make {who} a co-facilitator, or close the team. Then {then}."
    )


def closes_with_you(teams: list[str]) -> str:
    """Added to the /deletemydata question: the teams the learner is alone in."""
    names = ", ".join(f"<b>{esc(name)}</b>" for name in teams)
    return f"\n\nTeams you're the only one in are closed with it: {names}."


def confirm_close(name: str, others: int) -> str:
    """Before closing a team: what it ends and deletes."""
    told = f", and {plural(others, 'other member')} will be told" if others else ""
    return (
        f"Close <b>{esc(name)}</b> for good?\n\nIts challenge ends{told}. Its join code, "
        "pending invitations and announcements are deleted. Everyone keeps their own "
        "lessons and streaks. This cannot be undone."
    )


def team_closed(name: str, told: int) -> str:
    """After closing a team."""
    others = f" I've told its {plural(told, 'other member')}." if told else ""
    return f"<b>{esc(name)}</b> is closed.{others}"


def team_closed_notice(name: str) -> str:
    """To every member of a team that was closed."""
    return (
        f"<b>{esc(name)}</b> has been closed by its facilitator. Thank you for learning "
        "together. Your own lessons, streak and progress go on as before."
    )


def members_page(page: MembersPage, viewer_id: int, note: str = "") -> str:
    """/teamadmin → Members: one page of the list, numbered, with what changed on top."""
    last = page.first + len(page.members) - 1
    lines = [f"{note}\n"] if note else []
    lines.append(f"<b>{esc(page.team_name)}</b>: members {page.first} to {last} of {page.total}")
    for number, member in enumerate(page.members, page.first):
        role = " (facilitator)" if member.role == "facilitator" else ""
        you = " (you)" if member.learner_id == viewer_id else ""
        lines.append(f"{number}. {esc(member.first_name or 'A member')}{role}{you}")
    return "\n".join(lines)


def confirm_remove(member: str, team: str) -> str:
    """Before removing a member."""
    return (
        f"Remove <b>{esc(member or 'this member')}</b> from <b>{esc(team)}</b>?\n\n"
        "Facilitators stop seeing their progress and they stop receiving the team's "
        "announcements. They can join again only with the current code."
    )


def organisation(view: OrgView) -> str:
    """/org: the team's organisation code and its teams."""
    shown = ", ".join(esc(name) for name in view.teams[:MAX_TEAMS])
    more = f" and {len(view.teams) - MAX_TEAMS} more" if len(view.teams) > MAX_TEAMS else ""
    code = display(view.code)
    return (
        f"<b>{esc(view.team_name)}</b> is in the organisation <code>{code}</code>, with "
        f"{plural(len(view.teams), 'team')}: {shown}{more}.\n\n" + ORG_USAGE_NOTE.format(code=code)
    )


def choose_team(total: int, shown: int, question: str = CHOOSE_TEAM) -> str:
    """Which team? (with a note when the list of teams is cut short)."""
    if total <= shown:
        return question
    return f"{question} (Your first {shown} of {total} teams are shown.)"
