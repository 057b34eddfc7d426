-- The weekly recap (Sunday evening, athlete-local) gets its own due instant, like the morning
-- text, so the same minute fan-out finds it with one index range scan.

-- migrate:up

ALTER TABLE users ADD COLUMN next_weekly_at timestamptz;
CREATE INDEX users_next_weekly_at_idx ON users (next_weekly_at)
    WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL;

-- migrate:down

DROP INDEX users_next_weekly_at_idx;
ALTER TABLE users DROP COLUMN next_weekly_at;
