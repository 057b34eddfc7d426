"""The cost ledger's roll-ups, built with pypika because their shape depends on the question:
grouped by athlete, agent, model or day, for everyone or one athlete. Every value is a $n
parameter; only column choices come from the code, never from input."""

from __future__ import annotations

from typing import Final, Literal

from pypika import Case, Order, Parameter, PostgreSQLQuery, Table
from pypika.terms import Function, Star, Term

CostsBy = Literal["athlete", "agent", "model", "day"]
BY: Final[tuple[CostsBy, ...]] = ("athlete", "agent", "model", "day")

_LOGS: Final = Table("agent_logs")
_USERS: Final = Table("users")


def _f(name: str, *args: object) -> Term:
    """A SQL function call (pypika's helpers are untyped; this one is not)."""
    return Function(name, *args)


def _key(by: CostsBy) -> Term:
    if by == "athlete":
        return _f("COALESCE", _USERS.phone, "(no athlete)")
    if by == "agent":
        return _LOGS.agent_name
    if by == "model":
        return _f("CONCAT", _LOGS.provider, "/", _LOGS.model)
    return _f("DATE", _f("date_trunc", "day", _LOGS.created_at))


def costs_query(by: CostsBy, *, one_athlete: bool) -> str:
    """Calls, tokens and dollars per group since $1 (and for the phone $2, if one_athlete).
    Calls to unpriced models are counted apart; the offline coach costs nothing."""
    key = _key(by)
    unpriced = _f("SUM", Case().when(_LOGS.cost_usd.isnull() & (_LOGS.provider != "offline"), 1)
                      .else_(0))
    query = (
        PostgreSQLQuery.from_(_LOGS)
        .left_join(_USERS).on(_USERS.id == _LOGS.user_id)
        .select(key.as_("key"), _f("COUNT", Star()).as_("calls"),
                _f("COALESCE", _f("SUM", _LOGS.prompt_tokens), 0).as_("prompt_tokens"),
                _f("COALESCE", _f("SUM", _LOGS.completion_tokens), 0).as_("completion_tokens"),
                _f("COALESCE", _f("SUM", _LOGS.cost_usd), 0).as_("cost_usd"),
                unpriced.as_("unpriced"))
        .where(_LOGS.created_at >= Parameter("$1"))
        .groupby(key)
    )
    if by == "day":
        query = query.orderby(key, order=Order.desc)
    else:
        query = query.orderby(_f("COALESCE", _f("SUM", _LOGS.cost_usd), 0), order=Order.desc)
        query = query.orderby(key)
    if one_athlete:
        query = query.where(_USERS.phone == Parameter("$2"))
    return str(query)
