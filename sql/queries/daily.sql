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

-- name: due_weekly
SELECT id, timezone, next_weekly_at
FROM users
WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL
  AND next_weekly_at <= $1
ORDER BY next_weekly_at
LIMIT $2;

-- name: set_next_weekly
UPDATE users SET next_weekly_at = $2 WHERE id = $1;

-- name: weekly_athlete
-- taken_over: a person is answering this athlete at $2, so no recap talks over them.
SELECT u.id, u.phone, u.name, u.timezone, u.status, u.opted_out_at, u.next_weekly_at,
       taken_over(u.id, $2) AS taken_over
FROM users u
WHERE u.id = $1 AND u.deleted_at IS NULL;

-- name: week_summary
-- The last 7 local days: sessions scheduled, completed, partial, skipped; exercises logged.
SELECT count(*) FILTER (WHERE NOT is_rest_day) AS sessions,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status = 'partial') AS partial,
       count(*) FILTER (WHERE status = 'skipped') AS skipped,
       (SELECT count(*) FROM exercise_logs l
         WHERE l.user_id = $1 AND l.performed_on >= $2 AND l.performed_on < $3) AS logged
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3;

-- name: insert_check_in
INSERT INTO check_ins (user_id, kind, due_on, asked_at)
VALUES ($1, 'weekly', $2, now())
ON CONFLICT (user_id, kind, due_on) DO NOTHING
RETURNING id;

-- name: open_check_in
SELECT id, due_on FROM check_ins
WHERE user_id = $1 AND answered_at IS NULL AND asked_at IS NOT NULL
ORDER BY due_on DESC
LIMIT 1;

-- name: answer_check_in
UPDATE check_ins
SET answered_at = now(), energy = $2, soreness = $3, sleep = $4, notes = $5,
    source_message_id = $6
WHERE id = $1
RETURNING id;

-- name: deload_next_week
-- Low energy and poor recovery: the next week not yet written becomes a deload.
UPDATE microcycles
SET is_deload = true, target_rir = 4,
    details = details || jsonb_build_object('deload_reason', $2::text)
WHERE id = (
    SELECT id FROM microcycles
    WHERE user_id = $1 AND status = 'planned' AND start_date > $3
    ORDER BY start_date LIMIT 1
)
RETURNING week_index, start_date;

-- name: planned_weeks_between
-- Unwritten microcycles overlapping [$2, $3).
SELECT id FROM microcycles
WHERE user_id = $1 AND status = 'planned' AND start_date < $3 AND end_date > $2
ORDER BY start_date;

-- name: set_rest_day_texts
UPDATE users SET rest_day_texts = $2 WHERE id = $1;
