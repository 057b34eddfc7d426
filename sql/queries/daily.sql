-- name: due_daily
-- Athletes whose morning text is due: one index range scan on users_next_daily_at_idx.
SELECT id, timezone, next_daily_at
FROM users
WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL
  AND next_daily_at <= $1
ORDER BY next_daily_at
LIMIT $2;

-- name: set_next_daily
UPDATE users SET next_daily_at = $2 WHERE id = $1;

-- name: daily_athlete
SELECT id, phone, name, timezone, send_time, status, paused_until, opted_out_at,
       rest_day_texts, next_daily_at
FROM users
WHERE id = $1 AND deleted_at IS NULL;

-- name: expire_pauses
-- Pauses whose end has come: the athlete is active again (their schedule is recomputed).
WITH ended AS (
    SELECT id, paused_until FROM users
    WHERE status = 'paused' AND paused_until IS NOT NULL AND paused_until <= $1
    FOR UPDATE
)
UPDATE users u SET status = 'active', paused_until = NULL
FROM ended
WHERE u.id = ended.id
RETURNING u.id, ended.paused_until;

-- name: scheduled_kinds_sent
SELECT EXISTS (SELECT 1 FROM messages WHERE dedupe_key = $1);

-- name: user_status
SELECT status FROM users WHERE id = $1;

-- name: planned_week_on
-- The microcycle covering a date whose workouts are not written yet.
SELECT id FROM microcycles
WHERE user_id = $1 AND start_date <= $2 AND $2 < end_date AND status = 'planned';
