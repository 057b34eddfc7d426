-- The athlete's own page (/me). Every query takes the athlete's id ($1) from their browser
-- session, never from the URL, so no parameter a visitor controls can reach another athlete.

-- name: athlete_page_athlete
SELECT name, timezone, units
FROM users
WHERE id = $1 AND deleted_at IS NULL;

-- name: athlete_page_week
-- The training days of [$2, $3) (rest days are the days not listed), oldest first.
SELECT date, title, status, blocks, estimated_minutes, notes
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3 AND NOT is_rest_day
ORDER BY date;

-- name: athlete_page_sessions_by_week
-- Sessions planned and done per week, for the Mondays from $2 to $3 (weeks without any are
-- zeros). A session moved to another day counts once, on the day it moved to.
SELECT g.monday::date AS monday,
       count(w.id) AS planned,
       count(w.id) FILTER (WHERE w.status IN ('completed', 'partial')) AS done
FROM generate_series($2::date, $3::date, interval '1 week') AS g(monday)
LEFT JOIN workout_instances w
       ON w.user_id = $1 AND w.date >= g.monday::date AND w.date < g.monday::date + 7
      AND NOT w.is_rest_day AND w.status NOT IN ('moved', 'rest')
GROUP BY g.monday
ORDER BY g.monday;

-- name: athlete_page_loads
-- Per exercise and day since $2, the heaviest load logged, in the athlete's unit $3 ('kg' or
-- 'lb'): what the loads chart draws for loaded lifts.
SELECT COALESCE(e.name, l.exercise_name) AS exercise, l.performed_on,
       max(CASE WHEN l.load_unit = $3::text THEN l.top_load
                WHEN $3::text = 'kg' THEN l.top_load * 0.45359237
                ELSE l.top_load / 0.45359237 END)::float8 AS load
FROM exercise_logs l
LEFT JOIN exercises e ON e.id = l.exercise_id
WHERE l.user_id = $1 AND l.performed_on >= $2 AND l.top_load IS NOT NULL
GROUP BY COALESCE(e.name, l.exercise_name), l.performed_on
ORDER BY 1, 2;

-- name: athlete_page_rungs
-- Per progression chain and day since $2, the hardest rung logged without a load: what the
-- loads chart draws for bodyweight moves (a push-up chain climbs, it gets no heavier).
SELECT ep.chain, l.performed_on, max(ep.rung) AS rung
FROM exercise_logs l
JOIN exercise_progressions ep ON ep.exercise_id = l.exercise_id
WHERE l.user_id = $1 AND l.performed_on >= $2 AND l.top_load IS NULL
GROUP BY ep.chain, l.performed_on
ORDER BY 1, 2;

-- name: athlete_page_weights
-- Body-weight readings since $2, oldest first.
SELECT value::float8 AS value, unit, measured_at
FROM progress_metrics
WHERE user_id = $1 AND metric = 'body_weight' AND measured_at >= $2 AND value IS NOT NULL
ORDER BY measured_at;

-- name: athlete_page_steps
-- Progression decisions since $2 (holds left out: nothing changed), newest first.
SELECT s.decided_on, s.action, fe.name AS from_name, te.name AS to_name, s.load::float8 AS load,
       s.load_unit, s.reason
FROM progression_steps s
JOIN exercises fe ON fe.id = s.from_exercise_id
JOIN exercises te ON te.id = s.to_exercise_id
WHERE s.user_id = $1 AND s.decided_on >= $2 AND s.action <> 'hold'
ORDER BY s.created_at DESC
LIMIT 20;

-- name: athlete_page_adjustments
-- Changes the athlete asked of their active plan ("more arm work"), as the coach kept them.
SELECT a ->> 'change' AS change, a ->> 'reason' AS reason, a ->> 'at' AS at
FROM fitness_plans p
CROSS JOIN LATERAL jsonb_array_elements(COALESCE(p.details -> 'adjustments', '[]'::jsonb)) a
WHERE p.user_id = $1 AND p.status = 'active' AND jsonb_typeof(a) = 'object';

-- name: athlete_page_deloads
-- Lighter weeks overlapping [$2, $3), with the reason when one was recorded (a check-in, a
-- drop in performance); without one it is the plan's scheduled recovery week.
SELECT start_date, details ->> 'deload_reason' AS reason
FROM microcycles
WHERE user_id = $1 AND is_deload AND start_date < $3 AND end_date > $2
ORDER BY start_date;

-- name: record_page_visit
-- The path and the athlete only: no address, user agent or referrer is kept. $3: now, on the
-- product's clock (the weekly recap compares it with that clock).
INSERT INTO page_visits (path, user_id, visited_at) VALUES ($1, $2, $3);
