-- name: replay_message_kinds
SELECT id, kind FROM messages WHERE id = ANY($1::uuid[]);

-- name: replay_next_event
-- The next scheduled text (morning or weekly) in (now, target]: where a replay's clock jumps.
SELECT min(t) FROM (
    SELECT next_daily_at AS t FROM users
    UNION ALL
    SELECT next_weekly_at FROM users
) scheduled
WHERE t > $1 AND t <= $2;

-- name: replay_athlete
SELECT * FROM users WHERE phone = $1;

-- name: replay_has_plan
SELECT EXISTS (SELECT 1 FROM fitness_plans WHERE user_id = $1 AND status = 'active');

-- name: replay_workout_count
SELECT count(*) FROM workout_instances WHERE user_id = $1 AND NOT is_rest_day;

-- name: replay_log_count
SELECT count(*) FROM exercise_logs WHERE user_id = $1;

-- name: replay_outbound_kinds
SELECT DISTINCT kind FROM messages WHERE user_id = $1 AND direction = 'outbound';

-- name: replay_sent
-- What actually reached the athlete, in order, for the end-of-scenario checks.
SELECT m.kind, m.dedupe_key
FROM messages m JOIN users u ON u.id = m.user_id
WHERE m.direction = 'outbound' AND m.status <> 'suppressed' AND u.phone = $1
ORDER BY m.seq;
