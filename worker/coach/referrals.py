"""Referrals: an athlete's code, a new number joining with it, and the referrer's credit.

Texting INVITE answers with a short text to forward, carrying the athlete's code (made on that
first INVITE, see :func:`referral_code_for`). A number that has never texted before and whose
first text carries a code ("JOIN 7KX2MQ", or the code alone) is linked to the code's owner when
that text is stored (``accept_chat_texts``, one statement with the text itself); the text still
goes to the coach as the athlete's first message, so onboarding carries on as for anyone.

The referrer is credited (``referrals.rewarded_at``) when the referred athlete completes
onboarding, i.e. when their first plan is built (:func:`credit_referral`, from the plan job),
and gets a short thank-you text. When subscriptions are required, the credit is also a free
week of coaching (a ``subscription_credits`` row, once per referral, which the subscription
gate honours: :mod:`worker.coach.subscriptions`).

Abuse limits: a code is only taken from a brand-new number (an existing athlete cannot attach
themselves to someone, nor to themselves); one referral per referred athlete (UNIQUE
referred_id); a referrer opted out or deleted is credited nothing; and at most
REFERRAL_MAX_CREDITS credits per referrer per REFERRAL_WINDOW_DAYS, so a pile of burner numbers
buys nothing past it.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from datetime import timedelta
from uuid import UUID

import asyncpg

from worker.clock import now
from worker.coach.subscriptions import grant_credit
from worker.constants import (
    REFERRAL_CODE_ALPHABET,
    REFERRAL_CODE_ATTEMPTS,
    REFERRAL_CODE_LENGTH,
    REFERRAL_MAX_CREDITS,
    REFERRAL_WINDOW_DAYS,
)
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.outbox import conversation_for, write_outbound

log = logging.getLogger(__name__)

_CHAR = f"[{REFERRAL_CODE_ALPHABET}]"
_HALF = REFERRAL_CODE_LENGTH // 2
#: A code as typed: its characters, optionally split in two halves by one space or hyphen
#: ("7KX 2MQ", "7KX-2MQ"), as people copy codes off a screen.
_CODE = (rf"({_CHAR}{{{_HALF}}})[ -]?"
         rf"({_CHAR}{{{REFERRAL_CODE_LENGTH - _HALF}}})")
#: "JOIN <code>" anywhere in a text, as whole words ("Hi! Sam said to text JOIN 7KX2MQ").
_JOIN = re.compile(rf"(?<![A-Z0-9])JOIN[ :#-]*{_CODE}(?![A-Z0-9])")
#: The code alone, give or take punctuation around it.
_ALONE = re.compile(rf"[\s\"'.!#]*{_CODE}[\s\"'.!]*")

#: The thank-you text a referrer gets when the athlete they referred finishes onboarding.
THANKS = ("Someone you invited just finished signing up with textcoach. Thanks for "
          "spreading the word!")
#: Said after THANKS when the credit came with free days of coaching.
FREE_DAYS = " We've added {days} free days of coaching to your account."


def new_code() -> str:
    """A fresh random code: REFERRAL_CODE_LENGTH characters of REFERRAL_CODE_ALPHABET, at
    least one of them a digit (so no code is a word, and "JOIN RHYTHM" is no code)."""
    while True:
        code = "".join(secrets.choice(REFERRAL_CODE_ALPHABET)
                       for _ in range(REFERRAL_CODE_LENGTH))
        if any(ch.isdigit() for ch in code):
            return code


def code_in(body: str) -> str | None:
    """The referral code a text carries, upper-case, or None: "JOIN <code>" as whole words
    anywhere in it, or the code as the whole text. Only shapes are checked here (no database
    work); whether the code exists is the database's to say. Cheap for the texts that carry
    none, since every plain text from the webhook passes through it."""
    if len(body) > 8 * REFERRAL_CODE_LENGTH and "join" not in body.lower():
        return None
    text = unicodedata.normalize("NFKC", body).upper()
    found = _JOIN.search(text) or _ALONE.fullmatch(text)
    if found is None:
        return None
    code = found.group(1) + found.group(2)
    return code if any(ch.isdigit() for ch in code) else None


async def referral_code_for(conn: Conn, user_id: UUID) -> str:
    """The athlete's code, made on first use. A drawn code that another athlete already holds
    (UNIQUE users.referral_code) is drawn again, inside a savepoint so the caller's
    transaction (the webhook's keyword transaction) survives the collision."""
    existing: str | None = await conn.fetchval(sql("referral_code_of"), user_id)
    if existing is not None:
        return existing
    for _ in range(REFERRAL_CODE_ATTEMPTS):
        try:
            async with conn.transaction():
                code: str = await conn.fetchval(sql("set_referral_code"), user_id, new_code())
                return code
        except asyncpg.UniqueViolationError:
            continue
    raise RuntimeError(f"no free referral code in {REFERRAL_CODE_ATTEMPTS} draws")


async def credit_referral(conn: Conn, referred_id: UUID, *, coach_number: str,
                          free_days: int = 0) -> list[UUID]:
    """Credit the referral of ``referred_id``, who just completed onboarding, and write the
    referrer's thank-you text; the ids of its parts (to enqueue after commit), or none.
    ``free_days`` (subscriptions required) are added to the referrer's coaching with it.

    Once: the credit is ``rewarded_at`` set where it was NULL, and the text's dedupe key is
    ``referral:<referred_id>``, so a re-run of the plan job credits and texts nothing more.
    Run it in a transaction: the referrer's row is locked while their credits are counted."""
    row = await conn.fetchrow(sql("referral_to_credit"), referred_id)
    if row is None:
        return []
    referrer: UUID = row["referrer_id"]
    if row["opted_out_at"] is not None or row["deleted_at"] is not None:
        log.info("referral of %s not credited: referrer %s opted out or deleted",
                 referred_id, referrer)
        return []
    moment = now()
    credited = await conn.fetchval(sql("count_referral_credits"), referrer,
                                   moment - timedelta(days=REFERRAL_WINDOW_DAYS))
    if credited >= REFERRAL_MAX_CREDITS:
        log.warning("referral of %s not credited: referrer %s has %d credits in %d days",
                    referred_id, referrer, credited, REFERRAL_WINDOW_DAYS)
        return []
    if await conn.fetchval(sql("reward_referral"), row["id"], moment) is None:
        return []
    body = THANKS
    if free_days and await grant_credit(conn, referrer, row["id"], free_days, moment):
        body += FREE_DAYS.format(days=free_days)
    return await write_outbound(
        conn, user_id=referrer, conversation_id=await conversation_for(conn, referrer),
        from_number=coach_number, to_number=row["phone"], body=body,
        kind="referral_thanks", dedupe_key=f"referral:{referred_id}",
    )
