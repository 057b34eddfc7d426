"""Operator accounts: who may use the console, and what each role may do.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's recommended profile);
the parameters travel inside each hash, so raising them later re-hashes a password at its
owner's next login instead of locking anyone out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.errors import TextcoachError

Role = Literal["viewer", "coach", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
#: viewer reads everything; coach also takes over, replies, hands back and resolves requests;
#: admin also activates and rolls back agent versions.
_RANK: dict[str, int] = {"viewer": 0, "coach": 1, "admin": 2}
MIN_PASSWORD_CHARS = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
#: Verified against when the email is unknown, so a wrong address costs as long as a wrong
#: password and the response time does not tell which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password, only a timing decoy")


class AccountError(TextcoachError):
    """An operator account that cannot be created or changed as asked."""


@dataclass(frozen=True)
class Operator:
    id: UUID
    email: str
    role: Role

    def may(self, needed: Role) -> bool:
        """Whether this operator's role includes ``needed``."""
        return _RANK[self.role] >= _RANK[needed]


def _checked(email: str, password: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    return email


async def add_operator(conn: Conn, email: str, password: str, role: Role) -> Operator:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = _checked(email, password)
    row = await conn.fetchrow(sql("insert_operator"), email, _hasher.hash(password), role)
    if row is None:
        raise AccountError(f"an operator {email} already exists")
    return Operator(row["id"], row["email"], row["role"])


async def set_password(conn: Conn, email: str, password: str) -> None:
    """A new password, and every session opened with the old one ends (a stolen cookie
    with it)."""
    email = _checked(email, password)
    async with conn.transaction():
        operator_id = await conn.fetchval(sql("set_operator_password"), email,
                                          _hasher.hash(password))
        if operator_id is None:
            raise AccountError(f"no operator {email}")
        await conn.execute(sql("revoke_operator_sessions"), operator_id, now())


async def authenticate(conn: Conn, email: str, password: str) -> Operator | None:
    """The operator these credentials belong to, or None (unknown, disabled, wrong password)."""
    row = await conn.fetchrow(sql("operator_by_email"), email.strip())
    stored = row["password_hash"] if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled_at"] is not None:
        return None
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None
    await conn.execute(sql("operator_logged_in"), row["id"], rehashed)
    return Operator(row["id"], row["email"], row["role"])


async def operator_by_id(conn: Conn, operator_id: UUID) -> Operator | None:
    row = await conn.fetchrow(sql("operator_by_id"), operator_id)
    return Operator(row["id"], row["email"], row["role"]) if row is not None else None
