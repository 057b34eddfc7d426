-- name: logs_on_count
SELECT count(*) FROM exercise_logs WHERE user_id = $1 AND performed_on = $2;

-- name: user_units
-- How a load with no unit ("squats 225 5,5,5") is read: in the athlete's units.
SELECT units FROM users WHERE id = $1;

-- name: set_latest_log_rpe
-- "RPE 9 on the last set": the effort belongs to the most recent exercise logged that day.
UPDATE exercise_logs SET rpe = $3
WHERE id = (SELECT id FROM exercise_logs WHERE user_id = $1 AND performed_on = $2
            ORDER BY created_at DESC LIMIT 1)
RETURNING exercise_name;

-- name: exercise_history
-- The athlete's logged sessions of some exercises since a date, oldest first: what the
-- progression engine decides from.
SELECT l.performed_on, e.slug, l.sets, l.top_load, l.load_unit, l.rpe, l.pain, l.prescribed,
       l.notes, l.created_at
FROM exercise_logs l
JOIN exercises e ON e.id = l.exercise_id
WHERE l.user_id = $1 AND e.slug = ANY ($2::text[]) AND l.performed_on >= $3
ORDER BY l.performed_on, l.created_at;

-- name: exercise_details
-- Library facts for slugs, with every chain each sits on (ordered rungs), for progression.
SELECT e.id, e.slug, e.name, p.slug AS pattern, e.equipment, e.difficulty, e.unit, e.default_min,
       e.default_max, e.cue, e.description, e.contraindications,
       COALESCE((SELECT json_agg(json_build_object('chain', c.chain, 'rungs', c.rungs))
                 FROM (SELECT ep.chain,
                              array_agg(e2.slug ORDER BY ep2.rung) AS rungs
                       FROM exercise_progressions ep
                       JOIN exercise_progressions ep2 ON ep2.chain = ep.chain
                       JOIN exercises e2 ON e2.id = ep2.exercise_id
                       WHERE ep.exercise_id = e.id
                       GROUP BY ep.chain) c), '[]') AS chains
FROM exercises e
JOIN movement_patterns p ON p.id = e.pattern_id
WHERE e.slug = ANY ($1::text[]);

-- name: latest_steps
-- Per exercise the athlete was moved off (or given a new load on), the newest step.
SELECT DISTINCT ON (s.from_exercise_id)
       fe.slug AS from_slug, te.slug AS to_slug, s.action, s.load, s.load_unit, s.reason,
       s.decided_on, s.created_at
FROM progression_steps s
JOIN exercises fe ON fe.id = s.from_exercise_id
JOIN exercises te ON te.id = s.to_exercise_id
WHERE s.user_id = $1
ORDER BY s.from_exercise_id, s.created_at DESC;

-- name: insert_steps
-- A week's progression decisions in one statement, one array element per exercise ($2 from
-- slugs ... $7 reasons). At most one step per exercise per week: returns the exercises whose
-- step is new. Stored in the order given, each with its own clock_timestamp(), so the recap
-- tells them in the order they were decided.
WITH stored AS (
    INSERT INTO progression_steps (user_id, from_exercise_id, to_exercise_id, action, load,
                                   load_unit, reason, decided_on, microcycle_id, created_at)
    SELECT $1, fe.id, te.id, d.action, d.load, d.load_unit, d.reason, $8, $9, clock_timestamp()
    FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])
             WITH ORDINALITY AS d(from_slug, to_slug, action, load, load_unit, reason, ord)
    JOIN exercises fe ON fe.slug = d.from_slug
    JOIN exercises te ON te.slug = d.to_slug
    ORDER BY d.ord
    ON CONFLICT (user_id, from_exercise_id, microcycle_id) DO NOTHING
    RETURNING from_exercise_id
)
SELECT e.slug FROM stored JOIN exercises e ON e.id = stored.from_exercise_id;

-- name: unannounced_steps
SELECT s.id, s.action, s.reason, te.slug AS to_slug
FROM progression_steps s
JOIN exercises te ON te.id = s.to_exercise_id
WHERE s.user_id = $1 AND s.announced_at IS NULL AND s.action <> 'hold'
ORDER BY s.created_at;

-- name: announce_steps
UPDATE progression_steps SET announced_at = now()
WHERE user_id = $1 AND id = ANY ($2::uuid[]) AND announced_at IS NULL;

-- name: steps_since
SELECT s.action, s.reason, s.decided_on, fe.name AS from_name, te.name AS to_name
FROM progression_steps s
JOIN exercises fe ON fe.id = s.from_exercise_id
JOIN exercises te ON te.id = s.to_exercise_id
WHERE s.user_id = $1 AND s.decided_on >= $2 AND s.action <> 'hold'
ORDER BY s.created_at;

-- name: workout_history
-- Past sessions in [start, end), for streaks and summaries.
SELECT date, status, is_rest_day, microcycle_id
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3
ORDER BY date;

-- name: achievement_facts
-- What the milestones are judged on, in one round trip: sessions done, first exercises logged
-- (the earliest log of each, with a rep and no set above $3 reps, or as prescribed: a first
-- pull-up is one or a few, and someone whose first log is 4x9 is long past it), and whether a
-- rung was ever climbed.
SELECT
    (SELECT count(*) FROM workout_instances
     WHERE user_id = $1 AND status IN ('completed', 'partial') AND NOT is_rest_day) AS sessions,
    ARRAY(SELECT f.slug
          FROM (SELECT DISTINCT ON (e.slug) e.slug, l.sets, l.total_reps
                FROM exercise_logs l JOIN exercises e ON e.id = l.exercise_id
                WHERE l.user_id = $1 AND e.slug = ANY ($2::text[])
                ORDER BY e.slug, l.performed_on, l.created_at) f
          WHERE f.sets = '[]'::jsonb
             OR (COALESCE(f.total_reps, 0) > 0
                 AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(f.sets) s
                                 WHERE (s ->> 'reps')::numeric > $3))) AS firsts,
    EXISTS (SELECT 1 FROM progression_steps WHERE user_id = $1 AND action = 'up_rung')
        AS climbed;

-- name: award_achievements
-- Idempotent: an achievement already held is skipped; the returned slugs are the new ones.
WITH awarded AS (
    INSERT INTO user_achievements (user_id, achievement_id, achieved_at)
    SELECT $1, a.id, $3 FROM achievements a WHERE a.slug = ANY ($2::text[])
    ON CONFLICT (user_id, achievement_id) DO NOTHING
    RETURNING achievement_id
)
SELECT a.slug FROM awarded JOIN achievements a ON a.id = awarded.achievement_id
ORDER BY a.slug;

-- name: unannounced_achievements
SELECT ua.id, a.slug, a.name, a.description
FROM user_achievements ua JOIN achievements a ON a.id = ua.achievement_id
WHERE ua.user_id = $1 AND ua.announced_at IS NULL
ORDER BY ua.achieved_at;

-- name: announce_achievements
UPDATE user_achievements SET announced_at = now()
WHERE user_id = $1 AND id = ANY ($2::uuid[]) AND announced_at IS NULL;

-- name: achievements_since
SELECT a.slug, a.name, ua.achieved_at
FROM user_achievements ua JOIN achievements a ON a.id = ua.achievement_id
WHERE ua.user_id = $1 AND ua.achieved_at >= $2
ORDER BY ua.achieved_at;

-- name: metric_series
-- One metric's readings since a moment, oldest first.
SELECT value, unit, measured_at
FROM progress_metrics
WHERE user_id = $1 AND metric = $2 AND measured_at >= $3
ORDER BY measured_at;

-- name: best_loads_since
-- Per exercise, the first and the best load logged since a date (the "stronger by" figures).
SELECT e.name, l.load_unit,
       (array_agg(l.top_load ORDER BY l.performed_on, l.created_at))[1] AS first_load,
       max(l.top_load) AS best_load, count(*) AS sessions
FROM exercise_logs l JOIN exercises e ON e.id = l.exercise_id
WHERE l.user_id = $1 AND l.performed_on >= $2 AND l.top_load IS NOT NULL
GROUP BY e.name, l.load_unit
ORDER BY count(*) DESC, e.name
LIMIT 5;

-- name: workouts_from
-- Sessions from a date on, still to do, for rewriting after a change (travel, pain, swaps).
SELECT id, date, title, status, blocks, estimated_minutes, notes
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3 AND status = 'scheduled' AND NOT is_rest_day
ORDER BY date;

-- name: replace_workout_blocks
UPDATE workout_instances
SET blocks = $3, notes = COALESCE($4, notes)
WHERE user_id = $1 AND id = $2
RETURNING id;

-- name: supersede_plan
-- A new goal: the old plan ends today (history kept) and frees the "one active plan" slot.
UPDATE fitness_plans
SET status = 'superseded',
    end_date = GREATEST($2::date + 1, start_date + 1),
    details = details || jsonb_build_object('superseded_on', $2::date, 'superseded_because', $3::text)
WHERE user_id = $1 AND status = 'active'
RETURNING id;

-- name: drop_future_workouts
-- Sessions after $2 of plan $3 that nothing has been logged against: a re-plan rewrites them.
DELETE FROM workout_instances w
WHERE w.user_id = $1 AND w.plan_id = $3 AND w.date > $2
  AND w.status IN ('scheduled', 'rest')
  AND NOT EXISTS (SELECT 1 FROM exercise_logs l WHERE l.workout_instance_id = w.id)
RETURNING w.date;

-- name: replan_weeks_from
-- New training days: weeks of the active plan that end after $2 go back to 'planned' with the
-- new days, so the week writer lays them out again (days already past keep their sessions).
UPDATE microcycles mc
SET status = 'planned',
    details = mc.details || jsonb_build_object('training_days', $3::int[])
FROM fitness_plans p
WHERE p.id = mc.plan_id AND p.user_id = $1 AND p.status = 'active'
  AND mc.end_date > $2::date + 1
RETURNING mc.id, mc.start_date;

-- name: set_plan_training_days
UPDATE fitness_plans
SET details = details || jsonb_build_object('training_days', $2::int[])
WHERE user_id = $1 AND status = 'active'
RETURNING id;


-- name: mark_week_deload
-- Falling performance: the week being written becomes a deload, and says why.
UPDATE microcycles
SET is_deload = true, target_rir = 4,
    details = details || jsonb_build_object('deload_reason', $2::text)
WHERE id = $1 AND user_id = $3 AND NOT is_deload
RETURNING week_index;

-- name: add_equipment_override
-- Travel: for [from, until] only this equipment; weeks written later honour it too.
UPDATE fitness_plans
SET details = jsonb_set(details, '{equipment_overrides}',
                        COALESCE(details -> 'equipment_overrides', '[]'::jsonb) || $2::jsonb)
WHERE user_id = $1 AND status = 'active'
RETURNING id;

-- name: deload_reason_between
-- Why a week overlapping [$2, $3) was made a deload off schedule (check-in, falling
-- performance), so the recap can say so.
SELECT details ->> 'deload_reason'
FROM microcycles
WHERE user_id = $1 AND start_date < $3 AND end_date > $2 AND is_deload
  AND details ? 'deload_reason'
ORDER BY start_date
LIMIT 1;

-- name: drop_workouts_between
-- Sessions in [$2, $3] of plan $4 with nothing logged: a trip's days, written again.
DELETE FROM workout_instances w
WHERE w.user_id = $1 AND w.plan_id = $4 AND w.date BETWEEN $2 AND $3
  AND w.status IN ('scheduled', 'rest')
  AND NOT EXISTS (SELECT 1 FROM exercise_logs l WHERE l.workout_instance_id = w.id)
RETURNING w.date;

-- name: replan_weeks_between
-- Weeks of the active plan overlapping [$2, $3] go back to 'planned' to be written again.
UPDATE microcycles mc
SET status = 'planned'
FROM fitness_plans p
WHERE p.id = mc.plan_id AND p.user_id = $1 AND p.status = 'active'
  AND mc.start_date <= $3 AND mc.end_date > $2
RETURNING mc.id;

-- name: mark_missed_sessions
-- Sessions before $2 (and after $3) still scheduled with nothing logged: missed, not made up.
UPDATE workout_instances w
SET status = 'skipped', notes = concat_ws('; ', w.notes, 'missed (nothing logged)')
WHERE w.user_id = $1 AND w.date < $2 AND w.date >= $3 AND w.status = 'scheduled'
  AND NOT w.is_rest_day
  AND NOT EXISTS (SELECT 1 FROM exercise_logs l WHERE l.workout_instance_id = w.id)
RETURNING w.date;
