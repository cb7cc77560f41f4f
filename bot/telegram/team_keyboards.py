"""Buttons for teams and challenges. Routes come from ``routes`` (the one codec) and
labels from ``texts``; the services re-check every permission behind every button, so
forged data can at most be refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from telegram import InlineKeyboardMarkup

from bot.content.model import Library
from bot.services.teams import MAX_TEAMS, MembersPage
from bot.telegram import routes, texts
from bot.telegram.keyboards import button

LENGTHS = (7, 14, 21, 30)
JOIN, ADMIN, CONFIRM = routes.JoinChoice, routes.AdminOp, routes.ConfirmOp
MEMBER = routes.MemberOp
PICKER_ROWS = MAX_TEAMS  # a team picker never grows past this (say so: ``texts.choose_team``)
CONFIRM_LABELS = {
    CONFIRM.NEW_CODE: texts.CONFIRM_NEW_CODE_BUTTON,
    CONFIRM.STOP_CHALLENGE: texts.CONFIRM_STOP_BUTTON,
    CONFIRM.CLOSE: texts.CONFIRM_CLOSE_BUTTON,
}
T = TypeVar("T")


def capped(choices: Sequence[T]) -> Sequence[T]:
    """The first ``PICKER_ROWS`` choices: a keyboard of sensible size whatever the data."""
    return choices[:PICKER_ROWS]


def consent_keyboard(team_id: int) -> InlineKeyboardMarkup:
    """Join with or without a name on the board, or don't join."""
    return InlineKeyboardMarkup(
        [
            [button(texts.JOIN_WITH_NAME_BUTTON, routes.JoinAnswer(team_id, JOIN.WITH_NAME))],
            [
                button(
                    texts.JOIN_WITHOUT_NAME_BUTTON, routes.JoinAnswer(team_id, JOIN.WITHOUT_NAME)
                )
            ],
            [button(texts.DECLINE_JOIN_BUTTON, routes.JoinAnswer(team_id, JOIN.DECLINE))],
        ]
    )


def teams_keyboard(
    action: routes.TeamMenuAction, teams: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """Pick a team for ``action``."""
    return InlineKeyboardMarkup(
        [[button(name[:60], routes.TeamMenu(action, tid))] for tid, name in capped(teams)]
    )


def tracks_keyboard(team_id: int, library: Library) -> InlineKeyboardMarkup:
    """Pick the challenge track."""
    return InlineKeyboardMarkup(
        [[button(t.title, routes.ChallengeTrack(team_id, t.id))] for t in library.ordered_tracks()]
    )


def lengths_keyboard(
    team_id: int, track_id: str, lessons: int, longest: int
) -> InlineKeyboardMarkup:
    """Pick the length in days: only lengths the track fills with a new lesson a day, up
    to ``longest`` (the whole track when it has no more than ``lessons``)."""
    buttons = [
        button(texts.days_button(days), routes.ChallengeLength(team_id, track_id, days))
        for days in LENGTHS
        if days < longest
    ]
    label = texts.whole_track_button if longest == lessons else texts.days_button
    buttons.append(button(label(longest), routes.ChallengeLength(team_id, track_id, longest)))
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]] if len(buttons) > 2 else [buttons])


def starts_keyboard(
    team_id: int, track_id: str, days: int, today: date, earliest: date
) -> InlineKeyboardMarkup:
    """Today, tomorrow or next Monday (in the team's zone), from the first day every
    member can have day 1; that day itself if none of those is it."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    offered = (today, today + timedelta(days=1), monday)
    choices = [
        (label, day)
        for label, day in zip(texts.START_CHOICES, offered, strict=True)
        if day >= earliest
    ]
    if earliest not in offered:
        choices.insert(0, (texts.EARLIEST_START, earliest))
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.start_button(label, day),
                    routes.ChallengeStart(team_id, track_id, days, day),
                )
            ]
            for label, day in choices
        ]
    )


def start_for_teams_keyboard(
    teams: list[tuple[int, str]], track_id: str, days: int, start: date | None
) -> InlineKeyboardMarkup:
    """A typed /challenge from a facilitator of several teams: start it for which one?"""
    return InlineKeyboardMarkup(
        [
            [button(name[:60], routes.ChallengeStart(tid, track_id, days, start))]
            for tid, name in capped(teams)
        ]
    )


def counting_keyboard(
    alternatives: tuple[tuple[int, str], ...], keep: tuple[int, str] | None = None
) -> InlineKeyboardMarkup:
    """Switch which running challenge counts, or keep (choose) the one that counts now."""
    rows = [
        [button(texts.follow_button(name), routes.FollowChallenge(challenge_id))]
        for challenge_id, name in capped(alternatives)
    ]
    if keep is not None:
        rows.append([button(texts.keep_button(keep[1]), routes.FollowChallenge(keep[0]))])
    return InlineKeyboardMarkup(rows)


def admin_keyboard(team_id: int) -> InlineKeyboardMarkup:
    """The /teamadmin menu."""
    return InlineKeyboardMarkup(
        [
            [
                button(texts.MEMBERS_BUTTON, routes.TeamAdmin(ADMIN.MEMBERS, team_id)),
                button(texts.NEW_CODE_BUTTON, routes.TeamAdmin(ADMIN.NEW_CODE, team_id)),
            ],
            [
                button(texts.RENAME_BUTTON, routes.TeamAdmin(ADMIN.RENAME, team_id)),
                button(
                    texts.STOP_CHALLENGE_BUTTON, routes.TeamAdmin(ADMIN.STOP_CHALLENGE, team_id)
                ),
            ],
            [button(texts.CLOSE_TEAM_BUTTON, routes.TeamAdmin(ADMIN.CLOSE, team_id))],
        ]
    )


def confirm_keyboard(op: routes.ConfirmOp, team_id: int) -> InlineKeyboardMarkup:
    """Do the destructive thing, or go back to the menu having changed nothing."""
    return InlineKeyboardMarkup(
        [
            [button(CONFIRM_LABELS[op], routes.ConfirmAdmin(op, team_id))],
            [button(texts.BACK_TO_MENU_BUTTON, routes.ConfirmAdmin(CONFIRM.BACK, team_id))],
        ]
    )


def hand_over_keyboard(team_id: int, others: int) -> InlineKeyboardMarkup:
    """The only facilitator's way out: make someone co-facilitator (if anyone is there),
    or close the team (which asks first)."""
    rows = [[button(texts.CLOSE_TEAM_BUTTON, routes.TeamAdmin(ADMIN.CLOSE, team_id))]]
    if others:
        choose = routes.TeamAdmin(ADMIN.MEMBERS, team_id)
        rows.insert(0, [button(texts.CHOOSE_COFACILITATOR_BUTTON, choose)])
    return InlineKeyboardMarkup(rows)


def members_keyboard(page: MembersPage, viewer_id: int) -> InlineKeyboardMarkup | None:
    """A row for each other member on the page (make facilitator, remove), then paging;
    ``None`` when the viewer is alone on the only page."""
    rows = []
    for member in page.members:
        if member.learner_id == viewer_id:
            continue
        remove = routes.MemberAction(MEMBER.REMOVE, page.team_id, member.learner_id, page.page)
        row = [button(texts.remove_member_button(member.first_name), remove)]
        if member.role != "facilitator":
            promote = routes.MemberAction(
                MEMBER.MAKE_FACILITATOR, page.team_id, member.learner_id, page.page
            )
            row.insert(0, button(texts.make_facilitator_button(member.first_name), promote))
        rows.append(row)
    paging = []
    if page.page:
        earlier = routes.MembersPage(page.team_id, page.page - 1)
        paging.append(button(texts.EARLIER_MEMBERS_BUTTON, earlier))
    if page.more:
        paging.append(
            button(texts.MORE_MEMBERS_BUTTON, routes.MembersPage(page.team_id, page.page + 1))
        )
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows) if rows else None


def confirm_remove_keyboard(
    team_id: int, learner_id: int, name: str, page: int
) -> InlineKeyboardMarkup:
    """Remove the member, or go back to the list having changed nothing."""
    remove = routes.MemberAction(MEMBER.CONFIRM_REMOVE, team_id, learner_id, page)
    return InlineKeyboardMarkup(
        [
            [button(texts.confirm_remove_button(name), remove)],
            [button(texts.BACK_TO_MENU_BUTTON, routes.MembersPage(team_id, page))],
        ]
    )


def org_teams_keyboard(teams: list[tuple[int, str]], code: str) -> InlineKeyboardMarkup:
    """/org CODE from a facilitator of several teams: which joins the organisation?"""
    return InlineKeyboardMarkup(
        [[button(name[:60], routes.JoinOrg(tid, code))] for tid, name in capped(teams)]
    )
