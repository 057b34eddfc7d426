"""The console's athlete list, built with pypika because its shape depends on the filters.

Each filter adds a WHERE term with its value as a ``$n`` parameter; the derived columns
(goal, last text, needs a person, paused) are fixed SQL written here, never input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from pypika import Order, Parameter, PostgreSQLQuery, Table
from pypika.enums import Matching
from pypika.terms import BasicCriterion, Criterion, LiteralValue

from worker.constants import CONSOLE_PAGE_SIZE
from worker.domain.vocabulary import GOALS

_USERS: Final = Table("users")
#: users.status's values (its CHECK constraint in migration 0001).
STATUSES: Final = ("onboarding", "active", "paused", "undeliverable")
#: "Last text within": the choices the console offers, in days.
LAST_TEXT_DAYS: Final = (1, 7, 30)

# $1 is always "now", so "paused" means the same instant in every row.
_GOAL: Final = LiteralValue(
    "(SELECT f.primary_goal FROM fitness_profiles f WHERE f.user_id = users.id "
    "ORDER BY f.version DESC LIMIT 1)")
_LAST_TEXT: Final = LiteralValue(
    "(SELECT max(m.created_at) FROM messages m "
    "WHERE m.user_id = users.id AND m.direction = 'inbound')")
_NEEDS_PERSON: Final = LiteralValue(
    "EXISTS (SELECT 1 FROM help_requests h WHERE h.user_id = users.id AND h.resolved_at IS NULL)")
_PAUSED: Final = LiteralValue("taken_over(users.id, $1)")


@dataclass(frozen=True)
class AthleteFilter:
    """What the operator asked for; every field optional."""

    q: str = ""
    status: str = ""
    goal: str = ""
    needs_person: bool = False
    paused: bool = False
    opted_out: bool = False
    last_text_days: int | None = None
    page: int = 1


@dataclass
class _Params:
    """Numbers parameters in the order they are added ($1 is now)."""

    values: list[object] = field(default_factory=list)

    def add(self, value: object) -> Parameter:
        self.values.append(value)
        return Parameter(f"${len(self.values)}")


def athlete_list_query(wanted: AthleteFilter, at: datetime) -> tuple[str, list[object]]:
    """The SQL and its arguments: one page, plus one row to tell whether another page follows."""
    params = _Params()
    params.add(at)
    query = (
        PostgreSQLQuery.from_(_USERS)
        .select(_USERS.id, _USERS.name, _USERS.phone, _USERS.status, _USERS.opted_out_at,
                _GOAL.as_("goal"), _LAST_TEXT.as_("last_text_at"),
                _NEEDS_PERSON.as_("needs_person"), _PAUSED.as_("paused"))
        .where(_USERS.deleted_at.isnull())
    )
    if wanted.q.strip():
        text = wanted.q.strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        like = params.add(f"%{_escape_like(text)}%")
        term: Criterion = BasicCriterion(Matching.ilike, _USERS.name, like)
        if digits:
            term = term | BasicCriterion(Matching.like, _USERS.phone,
                                         params.add(f"%{digits}%"))
        query = query.where(term)
    if wanted.status in STATUSES:
        query = query.where(_USERS.status == params.add(wanted.status))
    if wanted.goal in GOALS:
        query = query.where(_GOAL.eq(params.add(wanted.goal)))
    if wanted.needs_person:
        query = query.where(_NEEDS_PERSON)
    if wanted.paused:
        query = query.where(_PAUSED)
    if wanted.opted_out:
        query = query.where(_USERS.opted_out_at.notnull())
    if wanted.last_text_days in LAST_TEXT_DAYS:
        since = at - timedelta(days=wanted.last_text_days)
        query = query.where(_LAST_TEXT.gte(params.add(since)))
    page = max(1, wanted.page)
    query = (query.orderby(_NEEDS_PERSON, order=Order.desc)
             .orderby(LiteralValue("last_text_at DESC NULLS LAST"))
             .orderby(_USERS.id)
             .limit(CONSOLE_PAGE_SIZE + 1).offset((page - 1) * CONSOLE_PAGE_SIZE))
    return str(query), params.values


def _escape_like(text: str) -> str:
    """The search text taken literally by LIKE: its own % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
