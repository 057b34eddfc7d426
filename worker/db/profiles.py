"""Reading and writing profile versions as typed :class:`~worker.domain.profile.Profile`."""

from __future__ import annotations

from uuid import UUID

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.profile import Profile


async def latest_profile(conn: Conn, user_id: UUID) -> Profile | None:
    row = await conn.fetchrow(sql("latest_profile"), user_id)
    return Profile.from_row(row) if row is not None else None


async def insert_profile_version(
    conn: Conn, user_id: UUID, profile: Profile, source_message_id: UUID | None
) -> Profile:
    """Write ``profile`` as the athlete's next version; return it with its id and version."""
    dump = profile.model_dump(mode="json")
    row = await conn.fetchrow(
        sql("insert_profile_version"), user_id, profile.goals, profile.primary_goal,
        profile.experience, profile.days_per_week, profile.training_days, profile.excluded_days,
        profile.session_minutes, profile.equipment, profile.training_location,
        dump["injuries"], profile.age, dump["lifts"], dump["targets"], dump["load_caps"],
        dump["activities"], profile.preferences(), dump["sources"], profile.summary,
        source_message_id,
    )
    assert row is not None
    return profile.model_copy(update={"id": row["id"], "version": row["version"]})
