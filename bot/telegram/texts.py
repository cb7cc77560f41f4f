"""Every word a learner reads, in one module (ready for translation).

Messages use Telegram HTML; anything that came from a person or a file is escaped with
``esc`` before it is placed in markup. The tone is a colleague's: warm, brief, never
guilt-inducing, because our readers are at risk of burnout themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from bot.content.model import Lesson, Source, Track
from bot.learning.days import DayName, name_lesson_day
from bot.learning.join_codes import INVITATION_DAYS, display
from bot.learning.names import visible_name
from bot.learning.schedule import DAY_NAMES, zone_info
from bot.learning.streaks import REST_DAY_EVERY
from bot.safety.resources import CrisisResources
from bot.services.announcements import (
    AnnouncementView,
    Cancelled,
    CapReached,
    Held,
    Report,
    Room,
)
from bot.services.answers import DaySummary
from bot.services.base import Refusal
from bot.services.challenges import (
    BoardView,
    Broadcast,
    ChallengeTooLong,
    StartTooSoon,
    StatsView,
)
from bot.services.feedback import FeedbackReport
from bot.services.profiles import Profile
from bot.services.progress import ProgressReport
from bot.services.teams import MAX_TEAMS, MembersPage, OrgView


def plural(count: int, word: str) -> str:
    """'1 lesson day', '2 lesson days'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def esc(text: str) -> str:
    """Escape text for Telegram HTML."""
    return escape(text, quote=False)


SCOPE = (
    "Attune offers continuing-education style micro-lessons for clinicians. It is not "
    "clinical advice, supervision, therapy or a diagnostic tool, and it does not replace "
    "your organization's policies, local law or professional consultation. It is not a "
    "crisis service: if someone is in danger, call your local emergency number."
)

PRIVACY = (
    "Please don't send me anything that could identify a client, or personal health "
    "details: bot chats are stored on Telegram's servers."
)


def crisis_block(resources: CrisisResources) -> str:
    """The crisis resources for the learner's country, as /help and the distress reply show."""
    emergency = resources.emergency or "your local emergency number"
    lines = "\n".join(f"• {line}" for line in resources.lines)
    return f"<b>If you or someone else is in immediate danger, call {emergency} now.</b>\n{lines}"


def crisis_reply(resources: CrisisResources) -> str:
    """The answer to a message that may come from someone in crisis: calm, short, now."""
    return (
        "Thank you for telling me. You don't have to go through this alone, and people "
        f"can help right now.\n\n{crisis_block(resources)}\n\n"
        "I'm a learning bot, so I can't respond to emergencies or talk this through with "
        "you. Your lessons will be here whenever you want to come back."
    )


def welcome(first_name: str) -> str:
    """The first thing a new learner reads."""
    name = esc(visible_name(first_name)) or "there"
    return (
        f"Hi {name}, welcome to <b>Attune</b>: two minutes a day of "
        "practical learning on cultural humility, trauma-informed care and burnout "
        f"prevention.\n\n<i>{SCOPE}</i>\n\nLet's set you up in four quick steps."
    )


def welcome_back(profile: Profile, reactivated: bool, track_titles: dict[str, str]) -> str:
    """/start from someone we know: nothing is reset."""
    opening = "Welcome back! Lessons are on again." if reactivated else "Welcome back!"
    if not profile.onboarded:
        return f"{opening} Let's finish setting you up."
    return f"{opening} Your progress is safe.\n\n{settings_summary(profile, track_titles)}"


ASK_TRACKS = (
    "<b>Step 1 of 4: what would you like to learn?</b>\n"
    "Tap to choose one or more tracks, then <b>Done</b>. Lessons rotate between them."
)
ASK_TIME = (
    "<b>Step 2 of 4: when should your lesson arrive?</b>\n"
    "Tap a time, or type one like <code>7:30</code>, <code>19:00</code> or <code>7pm</code>."
)
ASK_ZONE = (
    "<b>Step 3 of 4: which time zone are you in?</b>\n"
    "Tap one (the local time is shown), or type a city or zone like "
    "<code>America/Chicago</code>, or an offset like <code>UTC+5:30</code>."
)
ASK_DAYS = (
    "<b>Step 4 of 4: which days?</b>\n"
    "Days off never break your streak. Type <code>mon,wed,fri</code> or tap below."
)
ASK_CUSTOM_DAYS = "Tap the days you want, then <b>Done</b>."
TRACKS_EDIT = "Tap to add or remove tracks, then <b>Done</b>."
NEED_A_TRACK = "Please choose at least one track."
NEED_A_DAY = "Please choose at least one day."

BAD_TIME = (
    "I couldn't read that as a time. Try <code>7:30</code>, <code>19:00</code> or "
    "<code>7pm</code> (hours 0-23, minutes 0-59)."
)
BAD_ZONE = (
    "I don't know that time zone. Try a zone like <code>Europe/Berlin</code> or "
    "<code>America/Chicago</code>, a city like <code>Tokyo</code>, or an offset like "
    "<code>UTC-3</code>."
)
BAD_DAYS = (
    "I couldn't read those days. Try <code>daily</code>, <code>weekdays</code> or a list "
    "like <code>mon,wed,fri</code>."
)
BAD_PAUSE = "Pause for how many days? Try <code>/pause 7</code> (1 to 365), or just /pause."
TOO_LONG = "That message is longer than I can use. Nothing was changed."
NOT_UNDERSTOOD = "I'm not sure what to do with that. /help lists what I can do."
STALE_BUTTON = "That button is no longer active. Nothing was changed."
STEP_ALREADY_DONE = "That step is already done. /settings changes it. Nothing was changed."
NEED_START = "Let's get you set up first: send /start."
NOT_SET_UP = "You're almost set up. Send /start to finish, and your first lesson follows."
PRIVATE_ONLY = "Let's talk in a private chat: lessons and settings live there."
SOMETHING_WRONG = (
    "Sorry, something went wrong on my side. Your progress is safe; please try again."
)
STOPPED = (
    "Lessons are stopped. Everything you've done is kept until you ask to delete it. "
    "Send /start whenever you want to pick up again."
)
CONFIRM_DELETE = (
    "This deletes everything Attune stores about you: your settings, lessons, answers "
    "and streaks. It cannot be undone. (Messages already in this chat stay in Telegram; "
    "you can clear the chat yourself.)"
)
DELETED = "Done: everything Attune stored about you is deleted. Send /start to begin again."
KEPT = "Nothing was deleted."
NOTHING_STORED = "I don't store anything about you."
MY_DATA = "Here is everything Attune stores about you, as a JSON file."
ALREADY_DONE_TODAY = "You've already answered today's questions. Nicely done."
LESSON_MAY_BE_MISSING = (
    "Attune restarted while sending today's lesson, so part of it may not have reached "
    "you. We didn't send it twice; tap below if anything is missing."
)
LESSON_AGAIN_BUTTON = "Show today's lesson"

# -- button labels -----------------------------------------------------------------------
DONE_BUTTON = "Done ›"
TRACK_INFO_BUTTON = "ⓘ About"
EVERY_DAY_BUTTON = "Every day"
WEEKDAYS_BUTTON = "Weekdays"
CHOOSE_DAYS_BUTTON = "Choose days…"
SETTINGS_BUTTONS = ("Tracks", "Time", "Time zone", "Days")
DELETE_EVERYTHING_BUTTON = "Delete everything"
KEEP_MY_DATA_BUTTON = "Keep my data"
JOIN_WITH_NAME_BUTTON = "Join and show my first name"
JOIN_WITHOUT_NAME_BUTTON = "Join without my name"
DECLINE_JOIN_BUTTON = "Don't join"
MEMBERS_BUTTON = "Members"
NEW_CODE_BUTTON = "New join code"
RENAME_BUTTON = "Rename"
STOP_CHALLENGE_BUTTON = "Stop challenge"
CONFIRM_NEW_CODE_BUTTON = "Yes, issue a new code"
CONFIRM_STOP_BUTTON = "Yes, stop the challenge"
BACK_TO_MENU_BUTTON = "‹ Back, change nothing"
SEND_NOW_BUTTON = "Send now"
SCHEDULE_BUTTON = "Schedule"
CANCEL_BUTTON = "Cancel"
CANCEL_IT_BUTTON = "Cancel it"
EVERYONE_AUDIENCE = "Everyone (all active learners)"
START_CHOICES = ("Today", "Tomorrow", "Next Monday")
EARLIEST_START = "Earliest for everyone"


def which_zone(word: str) -> str:
    """An abbreviation or region word that names more than one zone."""
    return (
        f"“{esc(word.strip()[:20])}” can mean more than one time zone. Which is yours? "
        "(Choosing a place keeps your lessons on time when the clocks change.)"
    )


def fixed_offset_note(zone: str) -> str:
    """A fixed offset was chosen: say what it will not do."""
    return (
        f"Saved {esc(zone)}. A fixed offset does not follow daylight saving time, so if "
        "your clocks change, your lessons will arrive an hour early or late. Send a city "
        "(for example /timezone Chicago) to follow the clock changes."
    )


def track_info(track: Track) -> str:
    """A track's description and what a learner will be able to do after it."""
    objectives = "\n".join(f"• {esc(objective)}" for objective in track.objectives)
    return (
        f"<b>{esc(track.title)}</b>\n{esc(track.description)}\n\n"
        f"<b>By the end you will be able to:</b>\n{objectives}"
    )


ASK_FEEDBACK = (
    "What did you find? Send it in one message: a wrong fact, a broken link, a question "
    "that reads badly. Please leave out anything that could identify a client. "
    "/cancel to stop."
)
FEEDBACK_NOWHERE = (
    "Thank you. This bot has no operators set up to receive reports, so nothing was sent. "
    "You can report it in the Attune project's repository."
)


def feedback_for_operators(report: FeedbackReport) -> str:
    """What an operator receives: the lesson and the words, never who sent them."""
    lesson = (
        f"<code>{esc(report.lesson_id)}</code> ({esc(report.lesson_title or '')})"
        if report.lesson_id
        else "no lesson yet"
    )
    return f"<b>Feedback on a lesson</b>\nLesson: {lesson}\n\n{esc(report.words)}"


def feedback_thanks(report: FeedbackReport) -> str:
    """Confirm what was sent, so the learner knows their name was not."""
    about = f" about <code>{esc(report.lesson_id)}</code>" if report.lesson_id else ""
    return (
        f"Thank you. Your words{about} went to the people who run this bot, without your "
        "name. Corrections are checked against the lesson's sources."
    )


def days_button(days: int) -> str:
    """A challenge length."""
    return f"{days} days"


def follow_button(name: str) -> str:
    """Switch which running challenge counts."""
    return f"Follow {name[:50]}"


def keep_button(name: str) -> str:
    """Keep the challenge that counts now (and stop being asked)."""
    return f"Keep {name[:50]}"


def whole_track_button(days: int) -> str:
    """The challenge length that covers the whole track."""
    return f"{days} days: the whole track"


def start_button(label: str, day: date) -> str:
    """A challenge start choice with its date."""
    return f"{label} ({day:%a} {day.day} {day:%b})"


def unknown_command(command: str) -> str:
    """A command we don't have."""
    return f"I don't know {esc(command[:40])}. /help lists what I can do."


def when(instant: datetime, zone: str) -> str:
    """A delivery instant in the learner's local terms: 'Monday 24 November at 07:30'."""
    local = instant.astimezone(zone_info(zone))
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def next_lesson_line(profile: Profile, label: str = "Next lesson") -> str:
    """When the learner hears from us next, in their own time."""
    if profile.status == "stopped":
        return "Lessons are stopped. Send /start to turn them back on."
    if profile.status == "paused" and profile.next_due_at is None:
        return "Lessons are paused. Send /resume when you're ready."
    if profile.next_due_at is None or profile.zone is None:
        return "No lesson is scheduled yet."
    return f"{label}: <b>{when(profile.next_due_at, profile.zone)}</b> ({esc(profile.zone)})."


def onboarding_done(profile: Profile, track_titles: dict[str, str]) -> str:
    """The last onboarding message: what was chosen, and when the first lesson arrives."""
    tracks = ", ".join(esc(track_titles.get(t, t)) for t in profile.tracks)
    at = f"{profile.at:%H:%M}" if profile.at else "not set"
    return (
        "You're all set.\n\n"
        f"Tracks: {tracks}\nLessons at {at}, {days_label(profile.days)}\n"
        f"Time zone: {esc(profile.zone or 'UTC')}\n\n"
        f"{next_lesson_line(profile, 'Your first lesson arrives')}\n"
        "Can't wait? Send /today to get today's lesson now. /settings changes any of this; "
        "/help lists everything else."
    )


def step_saved(step: str, profile: Profile, track_titles: dict[str, str]) -> str:
    """One line confirming a setting saved during setup, typed or tapped."""
    if step == "time" and profile.at is not None:
        return f"✓ Lessons at {profile.at:%H:%M}."
    if step == "zone" and profile.zone:
        return f"✓ Time zone: {esc(profile.zone)}."
    if step == "days":
        return f"✓ Days: {days_label(profile.days)}."
    if step == "tracks" and profile.tracks:
        return "✓ Tracks: " + ", ".join(esc(track_titles.get(t, t)) for t in profile.tracks) + "."
    return ""


def saved(profile: Profile) -> str:
    """Confirmation after a settings change."""
    return f"Saved.\n{next_lesson_line(profile)}"


def days_label(days: frozenset[int]) -> str:
    """'every day', 'weekdays' or 'Mon, Wed, Fri'."""
    if len(days) == 7:
        return "every day"
    if days == frozenset(range(5)):
        return "weekdays"
    return ", ".join(DAY_NAMES[d].capitalize() for d in sorted(days)) or "no days"


def settings_summary(profile: Profile, track_titles: dict[str, str] | None = None) -> str:
    """The learner's choices in one block."""
    titles = track_titles or {}
    tracks = ", ".join(esc(titles.get(t, t)) for t in profile.tracks) or "none yet"
    at = f"{profile.at:%H:%M}" if profile.at else "not set"
    return (
        "<b>Your settings</b>\n"
        f"Tracks: {tracks}\nTime: {at}\nTime zone: {esc(profile.zone or 'not set')}\n"
        f"Days: {days_label(profile.days)}\n{pause_line(profile)}\n{next_lesson_line(profile)}"
    )


def lesson_message(
    lesson: Lesson, sources: list[Source], track_title: str, review: bool, label: str = ""
) -> str:
    """The day's lesson as one message: title, body, try-this and sources.

    ``label`` (already escaped) replaces the track line, e.g. for a team challenge.
    """
    parts = []
    if lesson.content_note:
        parts.append(f"<i>Content note: {esc(lesson.content_note)}</i>")
    label = label or ("Review" if review else esc(track_title))
    parts.append(f"<b>{esc(lesson.title)}</b>\n<i>{label}</i>")
    parts.append(esc(lesson.body))
    parts.append(f"<b>Try this:</b> {esc(lesson.try_this)}")
    cites = "\n".join(f"• {esc(s.citation())} {esc(s.url)}" for s in sources)
    parts.append(f"<i>Sources</i>\n{cites}")
    if lesson.sensitive:
        parts.append("<i>Support is one tap away: /help.</i>")
    return "\n\n".join(parts)


def day_complete(summary: DaySummary) -> str:
    """Warm close of the day: effort counts, not score."""
    streak = summary.streak
    lines = [
        f"{lesson_day_done(summary.lesson_day, summary.today)}: "
        f"<b>{esc(summary.lesson_title)}</b>.",
        f"You answered {_questions(summary.total)} and got {summary.correct} right. "
        "Trying to recall is what makes it stick, right or wrong.",
    ]
    if summary.correct < summary.total:
        lines.append("Each quiz's explanation (the 💡 under it) says why the answer holds.")
    if streak.current > 1:
        lines.append(f"Streak: <b>{plural(streak.current, 'lesson day')}</b>.")
    if streak.current and streak.current % REST_DAY_EVERY == 0:
        lines.append("You've earned a rest day: if a day gets away from you, it's covered.")
    lines.append("See you next time.")
    return "\n".join(lines)


def lesson_day_done(lesson_day: date, today: date) -> str:
    """How the close of a day opens: today's, or for a late answer the lesson's own day
    ("That's Friday's lesson done"; with the date once it is a week or more back)."""
    name = name_lesson_day(lesson_day, today)
    if name is DayName.TODAY:
        return "That's today done"
    if name is DayName.WEEKDAY:
        return f"That's {lesson_day:%A}'s lesson done"
    return f"That's the lesson of {lesson_day:%A} {lesson_day.day} {lesson_day:%B} done"


def _questions(total: int) -> str:
    return {1: "the question", 2: "both questions"}.get(total, f"all {total} questions")


def progress(report: ProgressReport) -> str:
    """/progress: streaks, rest days, lessons per track, accuracy."""
    streak = report.streak
    lines = [
        "<b>Your progress</b>",
        f"Current streak: {plural(streak.current, 'lesson day')} (best: {streak.best})",
        f"Rest days held: {streak.rest_days} (one earned every {REST_DAY_EVERY} days, up to 2)",
    ]
    for track in report.tracks:
        lines.append(f"{esc(track.title)}: {track.done} of {track.total} lessons")
    if report.answers:
        share = round(100 * report.correct / report.answers)
        lines.append(f"Quiz answers: {report.correct} of {report.answers} right ({share}%)")
    else:
        lines.append("Quiz: no answers yet.")
    if streak.current == 0 and streak.completed_days:
        lines.append("\nEvery lesson counts, whenever it happens. Pick up whenever suits you.")
    return "\n".join(lines)


def paused(profile: Profile, lesson_days: int = 0) -> str:
    """Confirmation of a vacation hold."""
    if profile.resume_on:
        back = f"{profile.resume_on:%A} {profile.resume_on.day} {profile.resume_on:%B}"
        return (
            f"Paused for your next {plural(lesson_days, 'lesson day')} (your days: "
            f"{days_label(profile.days)}); lessons resume on {back}. Your streak is frozen; "
            "nothing is lost. Send /resume to come back sooner."
        )
    return "Paused. Your streak is frozen; nothing is lost. Send /resume when you're ready."


def pause_line(profile: Profile) -> str:
    """For /settings: the pause, if there is one."""
    if profile.status != "paused":
        return ""
    if profile.resume_on is None:
        return "Paused until you send /resume.\n"
    back = f"{profile.resume_on:%A} {profile.resume_on.day} {profile.resume_on:%B}"
    return f"Paused: lessons resume on {back} (/resume to come back sooner).\n"


def not_paused(profile: Profile) -> str:
    """/resume when nothing was paused."""
    return f"You're not paused: lessons are on.\n{next_lesson_line(profile)}"


def resumed(profile: Profile) -> str:
    """Back from a pause."""
    return f"Welcome back.\n{next_lesson_line(profile)}"


HELP_TITLE = "<b>What I can do</b>"
HELP_COMMANDS = (
    HELP_TITLE + "\n"
    "/today: today's lesson (again)\n"
    "/progress: streak, rest days and what you've learned\n"
    "/settings: tracks, time, time zone and days\n"
    "/tracks, /time, /timezone, /days: change one setting\n"
    "/pause [days]: a vacation hold (your streak is frozen)\n"
    "/resume: end a pause\n"
    "/stop: no more lessons (your data is kept)\n"
    "/team, /myteams, /join CODE, /leave: learning with your team\n"
    "/newteam, /challenge, /teamstats, /export, /teamadmin, /org: for facilitators\n"
    "/announce, /announcements: reach your team now or at a set time\n"
    "/mydata: a copy of everything stored about you\n"
    "/deletemydata: erase everything stored about you\n"
    "/feedback: report an error in a lesson\n"
    "/about: what Attune is"
)


def help_text(resources: CrisisResources) -> str:
    """/help: the commands, then the crisis resources for the learner's country."""
    return f"{HELP_COMMANDS}\n\n{crisis_block(resources)}"


ABOUT = (
    "<b>Attune</b> is an open-source microlearning bot for mental-health clinicians: "
    "one short, sourced lesson and a quiz a day, on cultural humility, trauma-informed "
    "care and burnout prevention. Quizzes use retrieval practice and spacing, which "
    "research links to better long-term retention.\n\n"
    "Every lesson cites its sources. The lessons are drafts by the project's content "
    "authors and have not yet been reviewed by a licensed clinician. Each track's "
    "learning objectives are behind its ⓘ button in /tracks. Found an error? /feedback.\n\n"
    f"<i>{SCOPE}</i>\n\n{PRIVACY}"
)

COMMANDS = (
    ("today", "Today's lesson"),
    ("progress", "Streak and progress"),
    ("settings", "Tracks, time, zone and days"),
    ("pause", "Pause lessons (vacation hold)"),
    ("resume", "Resume lessons"),
    ("help", "Commands and crisis resources"),
    ("about", "What Attune is"),
    ("feedback", "Report an error in a lesson"),
    ("tracks", "Choose tracks"),
    ("time", "Set the delivery time"),
    ("timezone", "Set your time zone"),
    ("days", "Choose lesson days"),
    ("stop", "Stop lessons"),
    ("team", "Your team's challenge board"),
    ("myteams", "Teams you belong to"),
    ("join", "Join a team with its code"),
    ("leave", "Leave a team"),
    ("newteam", "Create a team (facilitators)"),
    ("challenge", "Start a team challenge (facilitators)"),
    ("teamstats", "Team statistics (facilitators)"),
    ("export", "Team statistics as CSV (facilitators)"),
    ("teamadmin", "Manage a team (facilitators)"),
    ("org", "Link your clinic's teams (facilitators)"),
    ("announce", "Send an announcement (facilitators)"),
    ("announcements", "Scheduled and recent announcements"),
    ("mydata", "Download your data"),
    ("deletemydata", "Delete your data"),
    ("start", "Set up or restart"),
)


# -- teams and challenges ------------------------------------------------------------------

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


def short_date(day: date) -> str:
    """'Mon 2 March'."""
    return f"{day:%a} {day.day} {day:%B}"


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


def percent(part: int, whole: int) -> str:
    """'67%' (or '0%' for an empty team)."""
    return f"{round(100 * part / whole) if whole else 0}%"


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


NOTHING_CHANGED = "Nothing was changed."


def team_admin_updated(name: str, code: str, members: int, note: str) -> str:
    """The /teamadmin menu after a change, with what changed on top."""
    return f"{note}\n\n{team_admin(name, code, members)}"


def team_admin(name: str, code: str, members: int) -> str:
    """The /teamadmin menu's heading."""
    return (
        f"<b>{esc(name)}</b>: {plural(members, 'member')}. Join code <code>{code}</code>.\n"
        "What would you like to change?"
    )


# -- handing over and closing a team, the members list, organisations --------------------

CHOOSE_COFACILITATOR_BUTTON = "Choose a co-facilitator"
CLOSE_TEAM_BUTTON = "Close the team"
CONFIRM_CLOSE_BUTTON = "Yes, close the team"
MORE_MEMBERS_BUTTON = "More ›"
EARLIER_MEMBERS_BUTTON = "‹ Previous"
ORG_WHICH_TEAM = "Which team should join the organisation?"
ORG_USAGE_NOTE = (
    "Boards rank the organisation's teams that run the same track at the same time; "
    "nobody outside it sees them. To add a team, its facilitator sends "
    "<code>/org {code}</code>."
)


def short_name(name: str) -> str:
    """A person's name short enough for a button."""
    return name[:24] or "A member"


def make_facilitator_button(name: str) -> str:
    """Under a member in the members list."""
    return f"Make facilitator: {short_name(name)}"


def remove_member_button(name: str) -> str:
    """Under a member in the members list (it asks first)."""
    return f"Remove: {short_name(name)}"


def confirm_remove_button(name: str) -> str:
    """The second tap of removing a member."""
    return f"Yes, remove {short_name(name)}"


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


# -- announcements ---------------------------------------------------------------------

NOTICE_NAME = "Attune"
TEAM_PROBLEMS.update(
    {
        "past_time": "That time has already passed. Nothing was scheduled.",
        "bad_time": (
            "I couldn't read that time. Try <code>2026-03-05 15:00</code>, "
            "<code>tomorrow 15:00</code> or <code>15:00</code>, optionally followed by a time "
            "zone like <code>America/Chicago</code>."
        ),
        "bad_zone": (
            "I don't know that time zone. Try a zone like <code>Europe/Berlin</code> or "
            "<code>America/Chicago</code>, or leave it out to use yours."
        ),
        "daily_cap": (
            "That would make too many announcements to this team within 24 hours (the limit "
            "protects members from floods). Nothing was sent."
        ),
        "not_admin": "Only Attune's operators can announce to everyone. Nothing was sent.",
        "not_draft": "That announcement was already sent, scheduled or cancelled.",
        "not_cancellable": "That announcement is already on its way and can't be recalled.",
        "already_cancelled": "That announcement was already cancelled. Nothing was sent.",
        "already_held": (
            "That announcement was held back when its time came (its author could no longer "
            "send it), so there is nothing to cancel."
        ),
    }
)
NO_AUDIENCE = (
    "Only a team's facilitators can send it announcements. Create a team with /newteam, or "
    "ask your facilitator."
)
ANNOUNCE_WHICH = "Who should receive the announcement?"
ANNOUNCE_ASK = (
    "Send me the announcement as members should see it: formatted text, a photo with a "
    "caption, or a document such as a PDF. You'll see a preview first. /cancel stops."
)
ANNOUNCE_UNSUPPORTED = (
    "I can send formatted text, a photo with a caption, or a document. Please send one of "
    "those, or /cancel."
)
ANNOUNCE_EMPTY = "That announcement is empty. Please send some text, a photo or a document."
ANNOUNCE_TOO_BIG = (
    "That file is larger than Telegram allows bots to send (50 MB). Nothing was sent."
)
PREVIEW = "<b>Preview.</b> This is exactly what members will receive:"
CONFIRM_SEND = "Send it?"
ASK_WHEN = (
    "When should members receive it? Type a date and time in your time zone ({zone}), like "
    "<code>2026-03-05 15:00</code> or <code>tomorrow 15:00</code>."
)
ANNOUNCE_CANCELLED = "Cancelled. Nothing was sent."
NOTHING_TO_CANCEL = "There's nothing to cancel."
NO_ANNOUNCEMENTS = "No scheduled or recent announcements."


def announcement_header(audience: str) -> str:
    """The first line of every announcement, so members can tell it from a lesson."""
    if audience:
        return f"📣 {audience} · announcement\n\n"
    return f"📣 {NOTICE_NAME} · notice\n\n"


def announce_too_long(limit: int) -> str:
    """Text or caption over Telegram's length once the header is added."""
    return f"That is too long to send: with the header it must fit in {limit} characters."


def sending_now(count: int) -> str:
    """After Send now."""
    return f"Sending to {plural(count, 'member')} now. You'll get a report when it's done."


def scheduled_for(instant: datetime, zone: str) -> str:
    """After scheduling."""
    return (
        f"Scheduled for {when(instant, zone)} ({esc(zone)}). Members receive it at that moment. "
        "/announcements lists it and can cancel it."
    )


def _cap_words(cap: int, audience: str) -> str:
    return f"{plural(cap, 'announcement')} to {esc(audience or 'everyone')}"


def announce_ask(room: Room, zone: str) -> str:
    """The prompt for the announcement, saying first how much room the daily cap leaves."""
    if room.left:
        cap = (
            f"{esc(room.audience or 'Everyone')} can receive "
            f"{plural(room.left, 'more announcement')} now (at most {room.cap} in any 24 hours, "
            "counting those sent and scheduled)."
        )
    else:
        cap = (
            f"There are already {_cap_words(room.cap, room.audience)} sent or scheduled within "
            f"24 hours of now, the most allowed, so the next can go out from "
            f"<b>{when(room.opens_at, zone)}</b> ({esc(zone)}). You can write it now and "
            "schedule it for then."
        )
    return f"{cap}\n\n{ANNOUNCE_ASK}"


def confirm_later(room: Room, zone: str) -> str:
    """Under the preview when the daily cap is full now: it can only be scheduled."""
    return (
        f"It can't go out now: there are already {_cap_words(room.cap, room.audience)} sent "
        f"or scheduled within 24 hours of now. Schedule it for <b>{when(room.opens_at, zone)}"
        f"</b> ({esc(zone)}) or later?"
    )


def cap_reached(problem: CapReached, zone: str, *, scheduling: bool) -> str:
    """Refused by the daily cap: why, and when the next one can go out."""
    too_many = (
        f"That would make more than {_cap_words(problem.cap, problem.audience)} within 24 "
        "hours, counting those sent and scheduled (the limit protects members from floods)."
    )
    opens = f"<b>{when(problem.opens_at, zone)}</b> ({esc(zone)})"
    if scheduling:
        return (
            f"{too_many} Nothing was scheduled. The first time from then that fits is {opens}. "
            "Type that or a later time, or /cancel."
        )
    return (
        f"{too_many} Nothing was sent. The next can go out from {opens}: tap Schedule to "
        "send this one then."
    )


def _scheduled_for(view: AnnouncementView, zone: str) -> str:
    """' scheduled for Tuesday 3 March at 15:00 (Europe/Berlin)', or nothing."""
    if view.scheduled_at is None:
        return ""
    return f" scheduled for {when(view.scheduled_at, zone)} ({esc(zone)})"


def announcement_held(held: Held, zone: str) -> str:
    """To the audience's facilitators: a scheduled announcement was held back, and why."""
    view = held.view
    audience, at = esc(view.audience or "everyone"), _scheduled_for(view, zone)
    who = f"{esc(held.author)}, who wrote it," if held.author else "its author"
    role = "an Attune operator" if held.reason == "not_admin" else "a facilitator of the team"
    return (
        f"An announcement to <b>{audience}</b>{at} was held back and not sent: {who} is no "
        f"longer {role}. “{_preview(view)}”\nIf it should still go out, send it yourself with "
        "/announce."
    )


def cancelled_by(cancelled: Cancelled) -> str:
    """To the author: someone else cancelled their scheduled announcement."""
    view, zone = cancelled.view, cancelled.author_zone
    audience, at = esc(view.audience or "everyone"), _scheduled_for(view, zone)
    who = esc(cancelled.by) if cancelled.by else "Another facilitator"
    return (
        f"{who} cancelled your announcement to <b>{audience}</b>{at}. Nothing was sent. "
        f"“{_preview(view)}”"
    )


def delivery_report(report: Report) -> str:
    """The author's report: delivered to N of M, and who could not be reached."""
    audience = esc(report.view.audience or "everyone")
    delivered = f"delivered to {report.delivered} of {report.total}"
    lines = [f"Your announcement to <b>{audience}</b>: {delivered}."]
    if report.unreachable:
        lines.append("Not reached:")
        lines += [f"• {esc(name)}: {esc(reason)}" for name, reason in report.unreachable]
    return "\n".join(lines)


def _preview(view: AnnouncementView) -> str:
    """The start of an announcement's first line, to recognise it by."""
    return esc((view.content.text or view.content.kind).splitlines()[0][:40])


def announcement_line(view: AnnouncementView, zone: str) -> str:
    """One entry in /announcements."""
    audience = esc(view.audience or "everyone")
    preview = _preview(view)
    if view.state == "scheduled" and view.scheduled_at is not None:
        return (
            f"#{view.id} to {audience}: scheduled for {when(view.scheduled_at, zone)}. “{preview}”"
        )
    if view.state == "held" and view.scheduled_at is not None:
        return (
            f"#{view.id} to {audience}: held back, not sent: its author could no longer send "
            f"it when its time came ({when(view.scheduled_at, zone)}). “{preview}”"
        )
    sent = view.counts.get("sent", 0)
    total = sum(view.counts.values())
    state = "sending" if view.state == "sending" else "sent"
    return f"#{view.id} to {audience}: {state}, delivered to {sent} of {total}. “{preview}”"
