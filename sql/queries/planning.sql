-- name: library_candidates
-- Every exercise this athlete can do: all its equipment is theirs, and it loads no injured area.
SELECT e.slug, e.name, p.slug AS pattern, e.equipment, e.difficulty, e.unit, e.default_min,
       e.default_max, e.cue, e.is_unilateral, e.tags, e.contraindications
FROM exercises e
JOIN movement_patterns p ON p.id = e.pattern_id
WHERE e.equipment <@ $1::text[]
  AND NOT (e.contraindications && $2::text[])
ORDER BY p.slug, e.difficulty, e.slug;

-- name: insert_plan
INSERT INTO fitness_plans (user_id, profile_id, status, goal, start_date, end_date, weeks, details)
VALUES ($1, $2, 'active', $3, $4, $5, $6, $7)
RETURNING id;

-- name: insert_mesocycle
INSERT INTO mesocycles (plan_id, phase_index, name, focus, start_date, end_date, weeks,
                        deload_week)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: insert_microcycle
-- One week, [start_date, end_date); 'planned' until its workouts are written.
INSERT INTO microcycles (mesocycle_id, plan_id, user_id, week_index, start_date, end_date,
                         is_deload, target_rir, details)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: activate_athlete
UPDATE users SET status = 'active' WHERE id = $1 AND status = 'onboarding';

-- name: microcycle_to_write
SELECT mc.id, mc.user_id, mc.plan_id, mc.week_index, mc.start_date, mc.end_date, mc.is_deload,
       mc.target_rir, mc.status, mc.details,
       ms.name AS phase, ms.focus AS phase_focus, ms.start_date AS phase_start,
       p.details AS plan_details, p.status AS plan_status
FROM microcycles mc
JOIN mesocycles ms ON ms.id = mc.mesocycle_id
JOIN fitness_plans p ON p.id = mc.plan_id
WHERE mc.id = $1;

-- name: microcycle_by_week
SELECT id FROM microcycles WHERE plan_id = $1 AND week_index = $2;

-- name: insert_workouts
-- A week's days in one statement, one array element per day ($4 dates ... $10 minutes; $9
-- each day's blocks as JSON text). A day already holding a session (moved there, or written
-- before) keeps it; returns the days written.
INSERT INTO workout_instances (user_id, plan_id, microcycle_id, date, title, focus, status,
                               is_rest_day, blocks, estimated_minutes)
SELECT $1, $2, $3, d.day, d.title, d.focus, d.status, d.is_rest_day, d.blocks::jsonb, d.minutes
FROM unnest($4::date[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[],
            $10::int[]) AS d(day, title, focus, status, is_rest_day, blocks, minutes)
ON CONFLICT (user_id, date) DO NOTHING
RETURNING date;

-- name: lock_week_plan
-- The week as it is now, with its plan locked until the week is written: a turn changing days
-- or equipment waits, or has already changed what the writer must use.
SELECT p.details AS plan_details, mc.details AS week_details, mc.status AS week_status
FROM microcycles mc
JOIN fitness_plans p ON p.id = mc.plan_id
WHERE mc.id = $1 AND p.user_id = $2
FOR UPDATE OF p;

-- name: mark_microcycle_written
UPDATE microcycles
SET status = 'active',
    details = details || jsonb_build_object('written_at', now(), 'repairs', $2::jsonb,
                                            'written_by', $3::text)
WHERE id = $1 AND status = 'planned'
RETURNING id;

-- name: plan_work
-- After a turn: where the athlete stands for plan work (onboarding or active, consent, a plan
-- running or not), in one round trip.
SELECT u.status, u.opted_out_at,
       EXISTS (SELECT 1 FROM fitness_plans p WHERE p.user_id = u.id AND p.status = 'active')
           AS has_plan
FROM users u
WHERE u.id = $1 AND u.deleted_at IS NULL;

-- name: due_microcycles
-- Weeks starting within $2 days of each athlete's local today whose workouts are not written
-- yet, for active plans: what the rollover cron writes ahead of time. $4 limits it to one
-- athlete (after a turn put weeks back to 'planned'), NULL for everyone.
SELECT mc.id, mc.user_id, mc.start_date
FROM microcycles mc
JOIN users u ON u.id = mc.user_id
JOIN fitness_plans p ON p.id = mc.plan_id AND p.status = 'active'
WHERE mc.status = 'planned'
  AND ($4::uuid IS NULL OR mc.user_id = $4)
  AND mc.start_date <= (($1::timestamptz AT TIME ZONE u.timezone)::date + $2::int)
ORDER BY mc.start_date
LIMIT $3;

-- name: logs_between
-- What the athlete logged in [start, end): the performance the next week is written from.
SELECT l.performed_on, l.exercise_name, e.slug, l.sets, l.total_reps, l.total_seconds,
       l.top_load, l.load_unit, l.rpe, l.pain, l.pain_area, l.prescribed
FROM exercise_logs l
LEFT JOIN exercises e ON e.id = l.exercise_id
WHERE l.user_id = $1 AND l.performed_on >= $2 AND l.performed_on < $3
ORDER BY l.performed_on;

-- name: exercise_index
-- The whole library: how an exercise the athlete cannot do is replaced by the nearest one they
-- can, and what the rubric checks every prescribed exercise against.
SELECT e.slug, e.name, p.slug AS pattern, e.difficulty, e.equipment, e.unit, e.default_min,
       e.default_max, e.is_unilateral, e.tags, e.contraindications
FROM exercises e JOIN movement_patterns p ON p.id = e.pattern_id;

-- name: set_week_score
-- The rubric's verdict on a week as written (after progression and any deload).
UPDATE microcycles SET score = $2, violations = $3
WHERE id = $1;

-- name: set_plan_score
-- The rubric's verdict on a plan: its first week as the athlete receives it.
UPDATE fitness_plans SET score = $2, violations = $3, rubric = $4
WHERE id = $1;

-- name: plan_scores
-- A plan's score and its weeks' scores, for `textcoach plans check`.
SELECT p.id, p.goal, p.status, p.start_date, p.score, p.violations, p.rubric,
       mc.week_index, mc.start_date AS week_start, mc.score AS week_score,
       mc.violations AS week_violations, mc.status AS week_status
FROM fitness_plans p
LEFT JOIN microcycles mc ON mc.plan_id = p.id
WHERE p.user_id = $1 AND p.status = 'active'
ORDER BY mc.week_index;
