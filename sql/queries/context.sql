-- name: athlete_snapshot
-- Everything an agent's context is built from, in one round trip (it used to be eleven): the
-- athlete, their trips, latest profile, active plan, the weeks and workouts around today, the
-- conversation before the texts being answered, what the coach's last texts asked, whether a
-- check-in is open, and during onboarding how often each field was asked.
-- $1 athlete, $2 now (the product clock), $3 ids of the texts being answered (left out of the
-- history), $4 history length, $5 coach texts a question stays open, $6 days of recent
-- workouts, $7 days of upcoming ones.
-- Rows come back as table records (typed, named) or, for joined shapes, jsonb. "Today" is the
-- home zone's date here; on a trip the local date can differ by a day, so weeks and workouts
-- are read a day wider each side and worker.agents.context picks today's in Python.
SELECT
    usr,
    ARRAY(SELECT t FROM trips t
          WHERE t.user_id = usr.id AND t.cancelled_at IS NULL AND t.ends_on >= home.today - 1
          ORDER BY t.created_at, t.starts_on) AS trips,
    (SELECT p FROM fitness_profiles p WHERE p.user_id = usr.id
     ORDER BY p.version DESC LIMIT 1) AS profile,
    (SELECT p FROM fitness_plans p WHERE p.user_id = usr.id AND p.status = 'active') AS plan,
    (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'week_index', mc.week_index, 'start_date', mc.start_date,
                'end_date', mc.end_date, 'is_deload', mc.is_deload, 'phase', m.name,
                'phase_focus', m.focus) ORDER BY mc.start_date DESC), '[]'::jsonb)
     FROM microcycles mc JOIN mesocycles m ON m.id = mc.mesocycle_id
     WHERE mc.user_id = usr.id AND mc.start_date <= home.today + 1
       AND home.today - 1 < mc.end_date) AS weeks,
    ARRAY(SELECT w FROM workout_instances w
          WHERE w.user_id = usr.id AND w.date >= home.today - $6::int - 1
            AND w.date < home.today + $7::int + 2
          ORDER BY w.date) AS workouts,
    -- Suppressed outbound (never delivered) and keyword traffic are not the conversation; an
    -- athlete page link is a credential, never sent to a model.
    ARRAY(SELECT recent.m FROM (
              SELECT m, m.seq FROM messages m
              WHERE m.user_id = usr.id AND NOT (m.id = ANY($3::uuid[]))
                AND m.status <> 'suppressed' AND m.kind NOT IN ('keyword', 'athlete_link')
              ORDER BY m.seq DESC LIMIT $4) recent
          ORDER BY recent.seq) AS history,
    -- The fields still open from the coach's last few texts: a bare "3" or "Sam" answers
    -- them even after a detour. The plan-ready text closes onboarding's questions.
    (SELECT recent.asks FROM (
         SELECT m.asks, m.kind, m.seq FROM messages m
         WHERE m.user_id = usr.id AND m.direction = 'outbound'
           AND m.kind IN ('chat', 'plan_summary') AND m.part_index = 1
         ORDER BY m.seq DESC LIMIT $5) recent
     WHERE recent.asks IS NOT NULL OR recent.kind = 'plan_summary'
     ORDER BY recent.seq DESC LIMIT 1) AS last_asks,
    EXISTS (SELECT 1 FROM check_ins c WHERE c.user_id = usr.id AND c.answered_at IS NULL
            AND c.asked_at IS NOT NULL) AS check_in_open,
    -- Onboarding counts asks from the rows (each question records the fields it asked).
    CASE WHEN usr.status = 'onboarding' THEN (
        SELECT coalesce(jsonb_object_agg(asked.field, asked.n), '{}'::jsonb)
        FROM (SELECT field, count(*)::int AS n
              FROM messages m, unnest(m.asks) AS field
              WHERE m.user_id = usr.id AND m.direction = 'outbound' AND m.asks IS NOT NULL
              GROUP BY field) asked)
    END AS asked
FROM users usr,
     LATERAL (SELECT ($2::timestamptz AT TIME ZONE usr.timezone)::date AS today) home
WHERE usr.id = $1 AND usr.deleted_at IS NULL;
