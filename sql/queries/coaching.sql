-- name: latest_profile
-- Profiles are append-only versions; the newest is the athlete's current profile.
SELECT id, version, goals, primary_goal, experience, days_per_week, training_days,
       excluded_days, session_minutes, equipment, training_location, injuries, age, lifts,
       targets, load_caps, activities, preferences, sources, summary, created_at
FROM fitness_profiles
WHERE user_id = $1
ORDER BY version DESC
LIMIT 1;

-- name: insert_profile_version
-- The next version of the athlete's profile; UNIQUE (user_id, version) refuses a racing writer.
INSERT INTO fitness_profiles (user_id, version, goals, primary_goal, experience, days_per_week,
                              training_days, excluded_days, session_minutes, equipment,
                              training_location, injuries, age, lifts, targets, load_caps,
                              activities, preferences, sources, summary, source_message_id)
VALUES ($1,
        COALESCE((SELECT max(version) FROM fitness_profiles WHERE user_id = $1), 0) + 1,
        $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
RETURNING id, version;

-- name: update_user_identity
-- Fields of users that the athlete states by text; NULL leaves a field as it is. Returns the
-- old values too, so the caller can tell the athlete what actually changed.
WITH old AS (
    SELECT id, name, timezone, send_time, units FROM users WHERE id = $1 FOR UPDATE
)
UPDATE users u
SET name = COALESCE($2, u.name),
    timezone = COALESCE($3, u.timezone),
    send_time = COALESCE($4::time, u.send_time),
    units = COALESCE($5, u.units)
FROM old
WHERE u.id = old.id
RETURNING u.name, u.timezone, u.send_time, u.units, old.name AS old_name,
          old.timezone AS old_timezone, old.send_time AS old_send_time, old.units AS old_units;

-- name: pause_user
UPDATE users SET status = 'paused', paused_until = $2
WHERE id = $1
RETURNING status, paused_until;

-- name: resume_user
UPDATE users SET status = 'active', paused_until = NULL
WHERE id = $1 AND status = 'paused'
RETURNING status;

-- name: workout_on
SELECT id, date, title, focus, status, is_rest_day, blocks, estimated_minutes, notes
FROM workout_instances
WHERE user_id = $1 AND date = $2;

-- name: latest_open_workout
-- The latest training day in the $3 days before $2 that still waits for a report.
SELECT id, date, title, focus, status, is_rest_day, blocks, estimated_minutes, notes
FROM workout_instances
WHERE user_id = $1 AND date < $2 AND date >= $2 - $3::int
  AND NOT is_rest_day AND status = 'scheduled'
ORDER BY date DESC
LIMIT 1;

-- name: latest_trained_workout
-- The latest training day on or in the $3 days before $2, done or not: the session "today's
-- took me 30" is about.
SELECT id, date, title, focus, status, is_rest_day, blocks, estimated_minutes, notes
FROM workout_instances
WHERE user_id = $1 AND date <= $2 AND date >= $2 - $3::int AND NOT is_rest_day
  AND estimated_minutes IS NOT NULL
ORDER BY date DESC
LIMIT 1;

-- name: workouts_between
-- [start, end): the athlete's workouts in a date range, in date order.
SELECT id, date, title, focus, status, is_rest_day, blocks, estimated_minutes
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3
ORDER BY date;

-- name: set_workout_status
UPDATE workout_instances
SET status = $3,
    completed_at = CASE WHEN $3 IN ('completed', 'partial') THEN now() ELSE NULL END,
    notes = COALESCE($4, notes)
WHERE user_id = $1 AND date = $2
RETURNING id, status;

-- name: skip_if_scheduled
-- Skip a day only if it still holds a session to do: never a session already done, a rest
-- day or a moved marker.
UPDATE workout_instances
SET status = 'skipped', notes = COALESCE($3, notes)
WHERE user_id = $1 AND date = $2 AND status = 'scheduled' AND NOT is_rest_day
RETURNING id;

-- name: move_workout
-- Move a day's session to a free date; the original day keeps a 'moved' marker row.
WITH original AS (
    SELECT * FROM workout_instances WHERE user_id = $1 AND date = $2 AND NOT is_rest_day
), moved AS (
    INSERT INTO workout_instances (user_id, plan_id, microcycle_id, date, title, focus, status,
                                   is_rest_day, blocks, estimated_minutes, notes)
    SELECT user_id, plan_id, microcycle_id, $3, title, focus, 'scheduled', false, blocks,
           estimated_minutes, 'moved from ' || to_char($2::date, 'Dy DD Mon')
    FROM original
    ON CONFLICT (user_id, date) DO NOTHING
    RETURNING id
)
UPDATE workout_instances w
SET status = 'moved', notes = 'moved to ' || to_char($3::date, 'Dy DD Mon')
FROM moved
WHERE w.user_id = $1 AND w.date = $2
RETURNING w.id;

-- name: clear_rest_day
-- A session moved onto a rest day takes its place; a day with training or logs is kept.
DELETE FROM workout_instances w
WHERE w.user_id = $1 AND w.date = $2 AND w.is_rest_day AND w.status = 'rest'
  AND NOT EXISTS (SELECT 1 FROM exercise_logs l WHERE l.workout_instance_id = w.id)
RETURNING w.id;

-- name: shorten_workout
UPDATE workout_instances
SET blocks = $3, estimated_minutes = $4, notes = COALESCE($5, notes)
WHERE user_id = $1 AND date = $2
RETURNING id;

-- name: insert_exercise_log
-- clock_timestamp(), not now(): logs written in one transaction keep their order, so "RPE 9 on
-- the last set" finds the exercise logged last.
INSERT INTO exercise_logs (user_id, workout_instance_id, exercise_id, exercise_name, performed_on,
                           prescribed, sets, total_reps, total_seconds, top_load, load_unit, rpe,
                           felt, pain, pain_area, notes, source_message_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
        clock_timestamp())
RETURNING id;

-- name: insert_metric
-- One measurement per metric per text: the profile reader ("im 82 rn") and a log_metric call
-- may both take the same number from one message, and it is stored once. A metric without a
-- source text (NULL $7) is always stored.
INSERT INTO progress_metrics (user_id, metric, value, unit, measured_at, data, source_message_id)
SELECT $1, $2, $3, $4, $5, $6, $7
WHERE $7::uuid IS NULL OR NOT EXISTS (
    SELECT 1 FROM progress_metrics
    WHERE user_id = $1 AND metric = $2 AND source_message_id = $7::uuid
)
RETURNING id;

-- name: active_plan
SELECT id, goal, start_date, end_date, weeks, details
FROM fitness_plans
WHERE user_id = $1 AND status = 'active';

-- name: add_plan_adjustment
-- A requested change to the plan, kept with it; the next week generated reads it.
UPDATE fitness_plans
SET details = jsonb_set(details, '{adjustments}',
                        COALESCE(details -> 'adjustments', '[]'::jsonb) || $2::jsonb)
WHERE user_id = $1 AND status = 'active'
RETURNING id;

-- name: athlete_trips
-- Trips not cancelled that end on or after a day: what the zone and equipment rules read,
-- oldest first (where two overlap, the one planned last wins).
SELECT id, starts_on, ends_on, place, timezone, equipment, reason
FROM trips
WHERE user_id = $1 AND cancelled_at IS NULL AND ends_on >= $2
ORDER BY created_at, starts_on;

-- name: insert_trip
INSERT INTO trips (user_id, starts_on, ends_on, place, timezone, equipment, reason,
                   source_message_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, starts_on, ends_on, place, timezone, equipment, reason;

-- name: update_trip
-- What the athlete says about a trip once they know more (the hotel gym, the time there).
UPDATE trips
SET timezone = COALESCE($3, timezone), equipment = COALESCE($4, equipment),
    ends_on = COALESCE($5, ends_on)
WHERE id = $2 AND user_id = $1
RETURNING id, starts_on, ends_on, place, timezone, equipment, reason;

-- name: mark_profile_assumed
-- Fields of a profile version that hold a default the athlete did not give.
UPDATE fitness_profiles
SET preferences = jsonb_set(preferences, '{assumed}',
                            to_jsonb(ARRAY(SELECT DISTINCT unnest(
                                ARRAY(SELECT jsonb_array_elements_text(
                                    COALESCE(preferences -> 'assumed', '[]'::jsonb))) || $2::text[]))))
WHERE id = $1;
