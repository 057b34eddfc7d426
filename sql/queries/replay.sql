-- name: replay_message_kinds
SELECT id, kind FROM messages WHERE id = ANY($1::uuid[]);

-- name: replay_next_event
-- The next scheduled text (morning or weekly) in (now, target]: where a replay's clock jumps.
SELECT min(t) FROM (
    SELECT next_daily_at AS t FROM users
    UNION ALL
    SELECT next_weekly_at FROM users
    UNION ALL
    SELECT not_before FROM message_queues WHERE done_at IS NULL  -- texts held for their window
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

-- name: replay_latest_exercise_log
-- The athlete's most recent exercise log, of one exercise (library slug, else the name as
-- logged) when $2 is given, with the status of the workout it answered. With $3 true, only
-- logs that report numbers: a check of sets or loads is about what the athlete reported, not
-- a later "done" logged as prescribed.
SELECT coalesce(e.slug, l.exercise_name) AS exercise, l.sets, l.top_load, l.load_unit, l.rpe,
       l.pain, w.status AS completion
FROM exercise_logs l
LEFT JOIN exercises e ON e.id = l.exercise_id
LEFT JOIN workout_instances w ON w.id = l.workout_instance_id
WHERE l.user_id = $1 AND ($2::text IS NULL OR coalesce(e.slug, l.exercise_name) = $2::text)
  AND (NOT $3::boolean OR l.top_load IS NOT NULL OR jsonb_array_length(l.sets) > 0)
ORDER BY l.created_at DESC, l.performed_on DESC
LIMIT 1;

-- name: replay_logged_exercises
SELECT DISTINCT coalesce(e.slug, l.exercise_name) AS exercise
FROM exercise_logs l LEFT JOIN exercises e ON e.id = l.exercise_id
WHERE l.user_id = $1
ORDER BY 1;

-- name: replay_workout_on
SELECT date, title, status, is_rest_day, blocks, estimated_minutes
FROM workout_instances
WHERE user_id = $1 AND date = $2;

-- name: replay_latest_metrics
SELECT DISTINCT ON (metric) metric, value, unit
FROM progress_metrics
WHERE user_id = $1 AND metric = ANY($2::text[])
ORDER BY metric, measured_at DESC, created_at DESC;

-- name: replay_achievements
SELECT a.slug
FROM user_achievements ua JOIN achievements a ON a.id = ua.achievement_id
WHERE ua.user_id = $1
ORDER BY a.slug;

-- name: replay_plan_statuses
SELECT status, count(*) AS plans, max(goal) FILTER (WHERE status = 'active') AS goal
FROM fitness_plans
WHERE user_id = $1
GROUP BY status;

-- name: replay_agent_rows
-- Every prompt, context template and agent definition of a database, as JSON rows, to copy
-- into a replay's throwaway database (`textcoach replay --from-db`).
SELECT (SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.name, p.version), '[]'::jsonb)
        FROM prompts p) AS prompts,
       (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.name, t.version), '[]'::jsonb)
        FROM context_templates t) AS context_templates,
       (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.name, a.version), '[]'::jsonb)
        FROM agent_definitions a) AS agent_definitions;

-- name: replay_copy_agent_rows
-- The rows of replay_agent_rows, written as they are (ids, versions, active flags) into a
-- freshly migrated database whose agent tables are still empty. Both databases are migrated
-- to the same schema first, so SELECT * lines up column for column.
WITH prompts_copied AS (
    INSERT INTO prompts
    SELECT * FROM jsonb_populate_recordset(NULL::prompts, $1::jsonb)
), templates_copied AS (
    INSERT INTO context_templates
    SELECT * FROM jsonb_populate_recordset(NULL::context_templates, $2::jsonb)
)
INSERT INTO agent_definitions
SELECT * FROM jsonb_populate_recordset(NULL::agent_definitions, $3::jsonb);

-- name: replay_active_agents
SELECT name, version FROM agent_definitions WHERE is_active ORDER BY name;

-- name: replay_plan_score
SELECT score, violations FROM fitness_plans WHERE user_id = $1 AND status = 'active';

-- name: replay_week
-- The athlete's days in [$2, $3), for week expectations.
SELECT date, title, status, is_rest_day, blocks, estimated_minutes
FROM workout_instances
WHERE user_id = $1 AND date >= $2 AND date < $3
ORDER BY date;

-- name: replay_library
SELECT e.slug, p.slug AS pattern, e.tags
FROM exercises e JOIN movement_patterns p ON p.id = e.pattern_id;

-- name: replay_referral_code
SELECT referral_code FROM users WHERE phone = $1;

-- name: replay_referral
-- Athlete $1's referral: when their referrer was credited, and how many thank-yous went out.
SELECT r.rewarded_at,
       (SELECT count(*) FROM messages m WHERE m.user_id = r.referrer_id
                                          AND m.kind = 'referral_thanks') AS thanks
FROM referrals r
WHERE r.referred_id = $1;
