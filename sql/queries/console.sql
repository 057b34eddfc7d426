-- name: console_athlete
-- The athlete as the console shows them, with their latest profile (NULL before onboarding).
SELECT u.id, u.name, u.phone, u.status, u.timezone, u.send_time, u.units, u.opted_out_at,
       u.paused_until, u.created_at, f.version AS profile_version, f.primary_goal,
       f.experience, f.days_per_week, f.training_days, f.session_minutes, f.equipment,
       f.training_location, f.injuries, f.age, f.sources, f.summary
FROM users u
LEFT JOIN LATERAL (
    SELECT * FROM fitness_profiles p WHERE p.user_id = u.id ORDER BY p.version DESC LIMIT 1
) f ON true
WHERE u.id = $1 AND u.deleted_at IS NULL;

-- name: console_thread
-- The athlete's last $2 messages, oldest first, with delivery state and SMS parts.
SELECT * FROM (
    SELECT id, direction, kind, body, status, error_code, error_message, part_index,
           part_count, segments, turn_id, processed_at, created_at, seq
    FROM messages
    WHERE user_id = $1
    ORDER BY seq DESC
    LIMIT $2
) recent
ORDER BY seq;

-- name: console_plan
-- The active plan and this week's days ($2 Monday, $3 the Monday after).
SELECT p.id, p.goal, p.start_date, p.end_date, p.weeks,
       ARRAY(SELECT w FROM workout_instances w
             WHERE w.user_id = p.user_id AND w.date >= $2 AND w.date < $3
             ORDER BY w.date) AS week
FROM fitness_plans p
WHERE p.user_id = $1 AND p.status = 'active';

-- name: console_logs
-- What the athlete reported doing, newest first.
SELECT performed_on, exercise_name, sets, total_reps, total_seconds, top_load, load_unit, rpe,
       felt, pain, pain_area
FROM exercise_logs
WHERE user_id = $1
ORDER BY performed_on DESC, created_at DESC
LIMIT $2;

-- name: console_steps
-- Progression decisions, newest first, with the exercises' names.
SELECT s.decided_on, s.action, s.load, s.load_unit, s.reason, a.name AS from_name,
       b.name AS to_name
FROM progression_steps s
JOIN exercises a ON a.id = s.from_exercise_id
JOIN exercises b ON b.id = s.to_exercise_id
WHERE s.user_id = $1
ORDER BY s.decided_on DESC, s.created_at DESC
LIMIT $2;

-- name: console_costs
-- Model calls and their cost for the athlete since $2 (today) and $3 (30 days ago).
SELECT count(*) FILTER (WHERE created_at >= $2) AS calls_today,
       COALESCE(sum(cost_usd) FILTER (WHERE created_at >= $2), 0) AS cost_today,
       count(*) AS calls_30d,
       COALESCE(sum(cost_usd), 0) AS cost_30d
FROM agent_logs
WHERE user_id = $1 AND created_at >= $3;

-- name: console_traces
-- The athlete's recent traces (turns and jobs), newest first, for links to each trace.
SELECT trace_id, min(created_at) AS started, count(*) AS calls,
       string_agg(DISTINCT agent_name, ', ') AS agents,
       bool_or(status IN ('error', 'invalid', 'fallback')) AS trouble
FROM agent_logs
WHERE user_id = $1 AND created_at >= $3
GROUP BY trace_id
ORDER BY started DESC
LIMIT $2;

-- name: console_trace_of
-- One trace's calls, only if they belong to athlete $2.
SELECT id, created_at, agent_name, agent_version, user_id, trace_id, turn_id, parent_id,
       provider, model, template_versions, rendered_messages, raw_output, parsed_output,
       tool_calls, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
       latency_ms, status, error, attempt
FROM agent_logs
WHERE trace_id = $1 AND user_id = $2
ORDER BY created_at, attempt;

-- name: console_health
-- The product's vital signs since $1 (24 hours ago) and $2 (the start of today, UTC).
SELECT
    (SELECT count(*) FROM messages WHERE direction = 'inbound' AND processed_at IS NULL)
        AS waiting_texts,
    (SELECT count(*) FROM message_queues WHERE done_at IS NULL) AS unsent_parts,
    (SELECT count(*) FROM agent_logs WHERE created_at >= $1) AS agent_calls,
    (SELECT count(*) FROM agent_logs
     WHERE created_at >= $1 AND status IN ('error', 'invalid', 'fallback')) AS agent_errors,
    (SELECT COALESCE(sum(cost_usd), 0) FROM agent_logs WHERE created_at >= $2) AS cost_today,
    (SELECT count(*) FROM help_requests WHERE resolved_at IS NULL) AS needs_person,
    (SELECT count(*) FROM takeovers WHERE ended_at IS NULL AND expires_at > $3) AS taken_over;

-- name: console_cost_by_day
-- Model spend per UTC day since $1.
SELECT date_trunc('day', created_at)::date AS day, count(*) AS calls,
       COALESCE(sum(cost_usd), 0) AS cost
FROM agent_logs
WHERE created_at >= $1
GROUP BY 1
ORDER BY 1 DESC;

-- name: console_sends_by_status
-- Outbound SMS parts written since $1, by delivery state.
SELECT status, count(*) AS parts
FROM messages
WHERE direction = 'outbound' AND created_at >= $1
GROUP BY status
ORDER BY status;
