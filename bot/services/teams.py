"""Teams: create, join with consent, leave, and what only facilitators may change.

Every change a facilitator makes goes through ``_require_facilitator``, so a refusal is
one rule in one place (who facilitates is the store's ``is_facilitator``, which
challenges and announcements ask too); every problem is a ``TeamProblem`` whose code the
Telegram edge turns into a kind reply, and nothing is written when one is raised.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.learning.join_codes import new_code, normalise
from bot.learning.names import has_hidden, imitates_system
from bot.limits import telegram_length
from bot.services.base import Refusal, Service
from bot.store.models import Learner, Membership, Team
from bot.store.queries.teams import (
    active_member_count,
    active_members,
    is_facilitator,
    join_code_taken,
    membership_of,
    team_by_code,
    teams_joined,
)

MAX_NAME = 64
MARKUP = re.compile(r"[<>*_`\[\]~|\\]|[\x00-\x1f\x7f]")


class TeamProblem(Refusal):
    """Why a team action was refused; ``code`` selects the reply."""


@dataclass(frozen=True, slots=True)
class TeamView:
    """A team as one member sees it."""

    id: int
    name: str
    code: str
    zone: str
    role: str
    members: int
    group_chat_id: int | None


@dataclass(frozen=True, slots=True)
class MemberView:
    """A consenting member, for facilitators."""

    learner_id: int
    first_name: str
    role: str


def clean_name(raw: str) -> str:
    """A team name: 1 to 64 characters of plain, visible text, or ``TeamProblem('bad_name')``.

    Invisible, blank-looking and direction-changing characters (U+202E, a zero-width
    space, U+3164) are refused: they can hide a name or reverse the text that follows it
    wherever members see it. So are names that read like Attune's own notices.
    """
    name = " ".join(raw.split())
    if not name or has_hidden(name) or telegram_length(name) > MAX_NAME or MARKUP.search(raw):
        raise TeamProblem("bad_name")
    if imitates_system(name):
        raise TeamProblem("name_like_notice")
    return name


class Teams(Service):
    """Teams and memberships."""

    def create(self, learner_id: int, name: str) -> TeamView:
        """A new team with its creator as facilitator."""
        name = clean_name(name)
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None:
                raise TeamProblem("need_start")
            team = Team(
                name=name,
                join_code=_unused_code(session),
                zone=learner.zone or "UTC",
                created_at=self.clock.now(),
            )
            session.add(team)
            session.flush()
            session.add(
                Membership(
                    team_id=team.id,  # type: ignore[arg-type]
                    learner_id=learner_id,
                    role="facilitator",
                    state="active",
                    joined_at=self.clock.now(),
                )
            )
            session.flush()
            return _view(session, team, "facilitator")

    def request_join(self, learner_id: int, code_text: str) -> TeamView:
        """Look up a code and hold a pending place until the learner consents."""
        with self.db.session() as session:
            team = _team_by_code(session, code_text)
            membership = membership_of(session, team.id, learner_id)  # type: ignore[arg-type]
            if membership is not None and membership.state == "active":
                raise TeamProblem("already_member")
            if membership is None:
                membership = Membership(team_id=team.id, learner_id=learner_id)  # type: ignore[arg-type]
            membership.state, membership.role = "pending", "member"
            session.add(membership)
            session.flush()
            return _view(session, team, "member")

    def answer_consent(
        self, learner_id: int, team_id: int, join: bool, show_name: bool
    ) -> TeamView:
        """Join (sharing completion and streak) or decline; only a pending place counts."""
        with self.db.session() as session:
            membership = membership_of(session, team_id, learner_id)
            team = session.get(Team, team_id)
            if membership is None or team is None or membership.state != "pending":
                raise TeamProblem("no_pending_join")
            if join:
                membership.state, membership.show_name = "active", show_name
                membership.joined_at = self.clock.now()
                session.add(membership)
            else:
                session.delete(membership)
            session.flush()
            return _view(session, team, membership.role)

    def leave(self, learner_id: int, team_id: int) -> TeamView:
        """Leave a team; the last facilitator of a team with members must hand over first."""
        with self.db.session() as session:
            membership = _active_membership(session, team_id, learner_id)
            team = session.get(Team, team_id)
            assert team is not None
            if membership.role == "facilitator":
                others = [m for m, _ in active_members(session, team_id)]
                facilitators = [m for m in others if m.role == "facilitator"]
                if len(facilitators) == 1 and len(others) > 1:
                    raise TeamProblem("last_facilitator")
            session.delete(membership)
            session.flush()
            return _view(session, team, membership.role)

    def teams_of(self, learner_id: int) -> list[TeamView]:
        """The teams a learner belongs to, oldest first."""
        with self.db.session() as session:
            return [_view(session, team, role) for team, role in teams_joined(session, learner_id)]

    def members(self, actor_id: int, team_id: int) -> list[MemberView]:
        """Consenting members, for facilitators only."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            rows = active_members(session, team_id)
            return [MemberView(ln.id, ln.first_name, m.role) for m, ln in rows]

    def make_facilitator(self, actor_id: int, team_id: int, member_id: int) -> MemberView:
        """Promote a member to co-facilitator."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            membership = _active_membership(session, team_id, member_id)
            membership.role = "facilitator"
            session.add(membership)
            learner = session.get(Learner, member_id)
            return MemberView(member_id, learner.first_name if learner else "", "facilitator")

    def remove_member(self, actor_id: int, team_id: int, member_id: int) -> MemberView:
        """Remove a member (not oneself: that is /leave)."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            if member_id == actor_id:
                raise TeamProblem("use_leave")
            membership = _active_membership(session, team_id, member_id)
            learner = session.get(Learner, member_id)
            session.delete(membership)
            return MemberView(member_id, learner.first_name if learner else "", membership.role)

    def rename(self, actor_id: int, team_id: int, name: str) -> TeamView:
        """Give the team a new name."""
        name = clean_name(name)
        return self._change(actor_id, team_id, lambda _session, team: setattr(team, "name", name))

    def rotate_code(self, actor_id: int, team_id: int) -> TeamView:
        """Issue a new join code; the old one stops working at once."""

        def rotate(session: Session, team: Team) -> None:
            team.join_code = _unused_code(session)

        return self._change(actor_id, team_id, rotate)

    def link_group(self, actor_id: int, code_text: str, chat_id: int) -> TeamView:
        """Link a Telegram group to the team whose code a facilitator gives there."""
        with self.db.session() as session:
            team = _team_by_code(session, code_text)
            _require_facilitator(session, team.id, actor_id)  # type: ignore[arg-type]
            team.group_chat_id = chat_id
            session.add(team)
            return _view(session, team, "facilitator")

    def _change(
        self, actor_id: int, team_id: int, apply: Callable[[Session, Team], None]
    ) -> TeamView:
        """Apply a facilitator's change to the team in one transaction."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            apply(session, team)
            session.add(team)
            return _view(session, team, "facilitator")


def _unused_code(session: Session) -> str:
    while True:
        code = new_code(secrets.choice)
        if not join_code_taken(session, code):
            return code


def _team_by_code(session: Session, code_text: str) -> Team:
    """The team a typed or linked code belongs to, or ``TeamProblem('unknown_code')``."""
    code = normalise(code_text)
    team = team_by_code(session, code) if code else None
    if team is None:
        raise TeamProblem("unknown_code")
    return team


def _active_membership(session: Session, team_id: int, learner_id: int) -> Membership:
    """The learner's active place in the team, or ``TeamProblem('not_member')``."""
    membership = membership_of(session, team_id, learner_id)
    if membership is None or membership.state != "active":
        raise TeamProblem("not_member")
    return membership


def _require_facilitator(session: Session, team_id: int, learner_id: int) -> None:
    if not is_facilitator(session, team_id, learner_id):
        raise TeamProblem("not_facilitator")


def _view(session: Session, team: Team, role: str) -> TeamView:
    return TeamView(
        team.id,  # type: ignore[arg-type]
        team.name,
        team.join_code,
        team.zone,
        role,
        active_member_count(session, team.id),  # type: ignore[arg-type]
        team.group_chat_id,
    )
