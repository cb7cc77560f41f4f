"""Setup, settings, lessons, progress, pauses, help and feedback: a learner's own chat."""

from __future__ import annotations

from datetime import date

from bot.content.model import Lesson, Source, Track
from bot.learning.days import DayName, name_lesson_day
from bot.learning.names import visible_name
from bot.learning.streaks import REST_DAY_EVERY
from bot.safety.resources import CrisisResources
from bot.services.answers import DaySummary
from bot.services.feedback import FeedbackReport
from bot.services.profiles import Profile
from bot.services.progress import ProgressReport
from bot.telegram.texts.closing import closing_line
from bot.telegram.texts.common import PRIVACY, SCOPE, days_label, esc, plural, when
from bot.telegram.texts.reviews import review_lines
from bot.telegram.texts.safety import crisis_block


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
STEP_ALREADY_DONE = "That step is already done. /settings changes it. Nothing was changed."
PRIVATE_ONLY = "Let's talk in a private chat: lessons and settings live there."
SOMETHING_WRONG = (
    "Sorry, something went wrong on my side. Your progress is safe; please try again."
)
STOPPED = (
    "Lessons are stopped. Everything you've done is kept until you ask to delete it. "
    "Send /start whenever you want to pick up again."
)
CONFIRM_DELETE = (
    "This deletes everything Attune stores about you: your settings, lessons, answers, "
    "streaks and journal. It cannot be undone. (Messages already in this chat stay in Telegram; "
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
    label = label or (f"Review · {esc(track_title)}" if review else esc(track_title))
    parts.append(f"<b>{esc(lesson.title)}</b>\n<i>{label}</i>")
    parts.append(esc(lesson.body))
    parts.append(f"<b>Try this:</b> {esc(lesson.try_this)}")
    cites = "\n".join(f"• {esc(s.citation())} {esc(s.url)}" for s in sources)
    parts.append(f"<i>Sources</i>\n{cites}")
    if lesson.sensitive:
        parts.append("<i>Support is one tap away: /help.</i>")
    return "\n\n".join(parts)


def day_complete(summary: DaySummary, learner_id: int = 0) -> str:
    """Warm close of the day: effort counts, not score; the last line varies by learner
    and day (``closing_line``)."""
    streak = summary.streak
    lines = [
        f"{lesson_day_done(summary.lesson_day, summary.today)}: "
        f"<b>{esc(summary.lesson_title)}</b>.",
        f"You answered {_questions(summary.total)} and got {summary.correct} right.",
    ]
    if summary.correct < summary.total:
        lines.append("Each quiz's explanation (the 💡 under it) says why the answer holds.")
    if streak.current > 1:
        lines.append(f"Streak: <b>{plural(streak.current, 'lesson day')}</b>.")
    if streak.current and streak.current % REST_DAY_EVERY == 0:
        lines.append("You've earned a rest day: if a day gets away from you, it's covered.")
    lines.append(closing_line(learner_id, summary.lesson_day))
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
    if (r := report.reviews) is not None:
        lines += review_lines(list(r.mastered), r.reviews, r.right, r.due_now)
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
    "/review: questions from earlier lessons that are due again\n"
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
    "/journal: private notes, only for you\n"
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
    ("review", "Review questions due now"),
    ("settings", "Tracks, time, zone and days"),
    ("pause", "Pause lessons (vacation hold)"),
    ("resume", "Resume lessons"),
    ("help", "Commands and crisis resources"),
    ("about", "What Attune is"),
    ("journal", "Private notes and reflections"),
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
