"""Teams: create, join with consent, leave, close, and what only facilitators may change.

Every change a facilitator makes goes through ``_require_facilitator``, so a refusal is
one rule in one place (who facilitates is the store's ``is_facilitator``, which
challenges and announcements ask too); every problem is a ``TeamProblem`` whose code the
Telegram edge turns into a kind reply, and nothing is written when one is raised.

A team never loses its last facilitator: they hand over (make someone a co-facilitator)
or close the team before they can leave. Limits a clinic never reaches but an abuser
would (``MAX_TEAMS`` per person, a paged members list) are kept here too.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.learning.join_codes import invitation_open, new_code, normalise
from bot.learning.names import has_hidden, imitates_system
from bot.limits import telegram_length
from bot.services.base import Refusal, Service
from bot.store.models import Learner, Membership, Team, id_of
from bot.store.queries.teams import (
    active_member_count,
    active_members,
    active_team_count,
    close_pending_joins,
    delete_team,
    facilitator_count,
    is_facilitator,
    join_code_taken,
    membership_of,
    org_code_taken,
    sole_facilitations,
    team_by_code,
    teams_in_org,
    teams_joined,
)

MAX_NAME = 64
MAX_TEAMS = 20  # teams one person may be in (facilitated ones included)
MEMBERS_PER_PAGE = 10
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


@dataclass(frozen=True, slots=True)
class MembersPage:
    """One page of a team's members list, for facilitators (``page`` counts from 0)."""

    team_id: int
    team_name: str
    page: int
    total: int
    members: tuple[MemberView, ...]

    @property
    def first(self) -> int:
        """The number of the page's first member in the whole list (from 1)."""
        return self.page * MEMBERS_PER_PAGE + 1

    @property
    def more(self) -> bool:
        """Whether members follow on a next page."""
        return (self.page + 1) * MEMBERS_PER_PAGE < self.total


@dataclass(frozen=True, slots=True)
class SoleTeam:
    """A team whose only facilitator is one learner, and how many others are in it."""

    id: int
    name: str
    others: int


@dataclass(frozen=True, slots=True)
class ClosedTeam:
    """A team that was just closed, and the chats of the members to tell."""

    name: str
    member_chats: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OrgView:
    """A team's organisation: its code and every team in it, oldest first."""

    team_name: str
    code: str
    teams: tuple[str, ...]


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
            _require_room(session, learner_id)
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
                    team_id=id_of(team),
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
            membership = membership_of(session, id_of(team), learner_id)
            if membership is not None and membership.state == "active":
                raise TeamProblem("already_member")
            _require_room(session, learner_id)
            if membership is None:
                membership = Membership(team_id=id_of(team), learner_id=learner_id)
            membership.state, membership.role = "pending", "member"
            membership.requested_at = self.clock.now()
            session.add(membership)
            session.flush()
            return _view(session, team, "member")

    def answer_consent(
        self, learner_id: int, team_id: int, join: bool, show_name: bool
    ) -> TeamView:
        """Join (sharing completion and streak) or decline; only a pending place counts,
        and only while its invitation is open (a new join code or time closes it)."""
        with self.db.session() as session:
            membership = membership_of(session, team_id, learner_id)
            team = session.get(Team, team_id)
            if membership is None or team is None or membership.state != "pending":
                raise TeamProblem("no_pending_join")
            if join and not invitation_open(membership.requested_at, self.clock.now()):
                raise TeamProblem("no_pending_join")
            if join:
                _require_room(session, learner_id)
                membership.state, membership.show_name = "active", show_name
                membership.joined_at = self.clock.now()
                session.add(membership)
            else:
                session.delete(membership)
            session.flush()
            return _view(session, team, membership.role)

    def leave(self, learner_id: int, team_id: int) -> TeamView:
        """Leave a team. Its only facilitator hands over or closes it first
        (``last_facilitator``); alone in it, they can only close it (``only_member``)."""
        with self.db.session() as session:
            membership = _active_membership(session, team_id, learner_id)
            team = session.get(Team, team_id)
            assert team is not None
            if membership.role == "facilitator" and facilitator_count(session, team_id) == 1:
                alone = active_member_count(session, team_id) == 1
                raise TeamProblem("only_member" if alone else "last_facilitator")
            session.delete(membership)
            session.flush()
            return _view(session, team, membership.role)

    def teams_of(self, learner_id: int) -> list[TeamView]:
        """The teams a learner belongs to, oldest first."""
        with self.db.session() as session:
            return [_view(session, team, role) for team, role in teams_joined(session, learner_id)]

    def sole_facilitations(self, learner_id: int) -> list[SoleTeam]:
        """The teams the learner is the only facilitator of (they hand over or close
        these before leaving or erasing their data), oldest first."""
        with self.db.session() as session:
            return [SoleTeam(*row) for row in sole_facilitations(session, learner_id)]

    def close(self, actor_id: int, team_id: int) -> ClosedTeam:
        """Close the team for good: its challenge ends, and the team, its memberships,
        code, pending joins, announcements and challenges are deleted. Members keep their
        own lessons. Facilitators only."""
        with self.db.session() as session:
            team = _facilitated(session, team_id, actor_id)
            name = team.name
            chats = tuple(
                learner.chat_id
                for _, learner in active_members(session, team_id)
                if learner.id != actor_id
            )
            delete_team(session, team_id)
            return ClosedTeam(name, chats)

    def members_page(self, actor_id: int, team_id: int, page: int) -> MembersPage:
        """One page of consenting members, for facilitators; a page past the end (the
        list got shorter) shows the last one."""
        with self.db.session() as session:
            team = _facilitated(session, team_id, actor_id)
            total = active_member_count(session, team_id)
            page = max(0, min(page, (total - 1) // MEMBERS_PER_PAGE))
            rows = active_members(session, team_id, page * MEMBERS_PER_PAGE, MEMBERS_PER_PAGE)
            members = tuple(MemberView(ln.id, ln.first_name, m.role) for m, ln in rows)
            return MembersPage(team_id, team.name, page, total, members)

    def member(self, actor_id: int, team_id: int, member_id: int) -> MemberView:
        """Another member of the team, as a facilitator may act on them (before asking
        whether to remove them)."""
        with self.db.session() as session:
            membership, name = _other_member(session, team_id, actor_id, member_id)
            return MemberView(member_id, name, membership.role)

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
            membership, name = _other_member(session, team_id, actor_id, member_id)
            session.delete(membership)
            return MemberView(member_id, name, membership.role)

    def rename(self, actor_id: int, team_id: int, name: str) -> TeamView:
        """Give the team a new name."""
        name = clean_name(name)
        return self._change(actor_id, team_id, lambda _session, team: setattr(team, "name", name))

    def rotate_code(self, actor_id: int, team_id: int) -> TeamView:
        """Issue a new join code; the old one stops working at once."""

        def rotate(session: Session, team: Team) -> None:
            team.join_code = _unused_code(session)
            close_pending_joins(session, id_of(team))

        return self._change(actor_id, team_id, rotate)

    def link_group(self, actor_id: int, code_text: str, chat_id: int) -> TeamView:
        """Link a Telegram group to the team whose code a facilitator gives there."""
        with self.db.session() as session:
            team = _team_by_code(session, code_text)
            _require_facilitator(session, id_of(team), actor_id)
            team.group_chat_id = chat_id
            session.add(team)
            return _view(session, team, "facilitator")

    def organisation(self, actor_id: int, team_id: int) -> OrgView:
        """The team's organisation code, made on first asking (facilitators only)."""
        with self.db.session() as session:
            team = _facilitated(session, team_id, actor_id)
            if team.org_code is None:
                team.org_code = _unused_code(session, org_code_taken)
                session.add(team)
                session.flush()
            return _org_view(session, team)

    def join_organisation(self, actor_id: int, team_id: int, code_text: str) -> OrgView:
        """Put a team the actor facilitates into the organisation whose code they give."""
        code = normalise(code_text)
        with self.db.session() as session:
            team = _facilitated(session, team_id, actor_id)
            if code is None or not org_code_taken(session, code):
                raise TeamProblem("unknown_org_code")
            team.org_code = code
            session.add(team)
            session.flush()
            return _org_view(session, team)

    def _change(
        self, actor_id: int, team_id: int, apply: Callable[[Session, Team], None]
    ) -> TeamView:
        """Apply a facilitator's change to the team in one transaction."""
        with self.db.session() as session:
            team = _facilitated(session, team_id, actor_id)
            apply(session, team)
            session.add(team)
            return _view(session, team, "facilitator")


def _unused_code(session: Session, taken: Callable[[Session, str], bool] = join_code_taken) -> str:
    """A fresh join code (or, with ``taken=org_code_taken``, organisation code)."""
    while True:
        code = new_code(secrets.choice)
        if not taken(session, code):
            return code


def _require_room(session: Session, learner_id: int) -> None:
    """Refuse a team past ``MAX_TEAMS``: no clinic needs more; an abuser would."""
    if active_team_count(session, learner_id) >= MAX_TEAMS:
        raise TeamProblem("too_many_teams")


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


def _other_member(
    session: Session, team_id: int, actor_id: int, member_id: int
) -> tuple[Membership, str]:
    """Someone else's active place in a team the actor facilitates, and their name."""
    _require_facilitator(session, team_id, actor_id)
    if member_id == actor_id:
        raise TeamProblem("use_leave")
    membership = _active_membership(session, team_id, member_id)
    learner = session.get(Learner, member_id)
    return membership, learner.first_name if learner else ""


def _require_facilitator(session: Session, team_id: int, learner_id: int) -> None:
    if not is_facilitator(session, team_id, learner_id):
        raise TeamProblem("not_facilitator")


def _facilitated(session: Session, team_id: int, learner_id: int) -> Team:
    """The team, if the learner facilitates it."""
    _require_facilitator(session, team_id, learner_id)
    team = session.get(Team, team_id)
    assert team is not None
    return team


def _org_view(session: Session, team: Team) -> OrgView:
    assert team.org_code is not None
    names = tuple(name for _, name in teams_in_org(session, team.org_code))
    return OrgView(team.name, team.org_code, names)


def _view(session: Session, team: Team, role: str) -> TeamView:
    return TeamView(
        id_of(team),
        team.name,
        team.join_code,
        team.zone,
        role,
        active_member_count(session, id_of(team)),
        team.group_chat_id,
    )
