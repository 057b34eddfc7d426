-- The morning text's schedule as one instant per athlete: when their next daily workout text is
-- due, in UTC, computed from their local send time and IANA time zone (so DST is handled where
-- the zone rules live, in Python's zoneinfo). The every-minute fan-out then finds the due
-- athletes with one index range scan, whatever the number of athletes or time zones.

-- migrate:up

ALTER TABLE users ADD COLUMN next_daily_at timestamptz;
CREATE INDEX users_next_daily_at_idx ON users (next_daily_at)
    WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL;

-- migrate:down

DROP INDEX users_next_daily_at_idx;
ALTER TABLE users DROP COLUMN next_daily_at;
