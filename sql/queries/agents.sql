-- name: sync_lock
-- One sync at a time: two deploys syncing at once would race on version numbers.
SELECT pg_advisory_xact_lock(7301);

-- name: prompt_latest
SELECT version, content_sha256 FROM prompts WHERE name = $1 ORDER BY version DESC LIMIT 1;

-- name: prompt_version_by_sha
SELECT version FROM prompts WHERE name = $1 AND content_sha256 = $2;

-- name: prompt_insert
INSERT INTO prompts (name, version, content, content_sha256, created_by)
VALUES ($1, $2, $3, $4, $5);

-- name: prompt_deactivate
-- Two statements (deactivate, then activate) inside the caller's transaction: the partial unique
-- index on active rows is checked row by row, so both cannot happen in one statement.
UPDATE prompts SET is_active = false WHERE name = $1 AND is_active
RETURNING version;

-- name: prompt_activate
UPDATE prompts SET is_active = true WHERE name = $1 AND version = $2
RETURNING version;

-- name: context_template_latest
SELECT version, content_sha256 FROM context_templates
WHERE name = $1 ORDER BY version DESC LIMIT 1;

-- name: context_template_version_by_sha
SELECT version FROM context_templates WHERE name = $1 AND content_sha256 = $2;

-- name: context_template_insert
INSERT INTO context_templates (name, version, content, content_sha256, created_by)
VALUES ($1, $2, $3, $4, $5);

-- name: context_template_deactivate
-- Two statements (deactivate, then activate) inside the caller's transaction: the partial unique
-- index on active rows is checked row by row, so both cannot happen in one statement.
UPDATE context_templates SET is_active = false WHERE name = $1 AND is_active
RETURNING version;

-- name: context_template_activate
UPDATE context_templates SET is_active = true WHERE name = $1 AND version = $2
RETURNING version;

-- name: agent_latest
SELECT version, source_sha256 FROM agent_definitions
WHERE name = $1 ORDER BY version DESC LIMIT 1;

-- name: agent_version_by_sha
SELECT version FROM agent_definitions WHERE name = $1 AND source_sha256 = $2;

-- name: agent_insert
INSERT INTO agent_definitions (name, version, description, model, temperature,
                               max_output_tokens, system_prompt, context_templates,
                               output_schema, tools, examples, max_tool_iterations,
                               timeout_seconds, fallback, source_sha256, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: agent_deactivate
-- Two statements (deactivate, then activate) inside the caller's transaction: the partial unique
-- index on active rows is checked row by row, so both cannot happen in one statement.
UPDATE agent_definitions SET is_active = false WHERE name = $1 AND is_active
RETURNING version;

-- name: agent_activate
UPDATE agent_definitions SET is_active = true WHERE name = $1 AND version = $2
RETURNING version;

-- name: agent_active
-- What runs: the active version of an agent. Read on every call, so an edit or a rollback in
-- the database changes the very next turn.
SELECT id, name, version, description, model, temperature, max_output_tokens, system_prompt,
       context_templates, output_schema, tools, examples, max_tool_iterations, timeout_seconds,
       fallback
FROM agent_definitions
WHERE name = $1 AND is_active;

-- name: agent_to_run
-- The active version of an agent with the text of its system prompt and each context template
-- (in order), in one round trip. Read on every call, so an edit or a rollback in the database
-- changes the very next turn. A ref is "name@version", or a bare name for the template's
-- active version (worker.agents.definitions.split_ref).
WITH agent AS (
    SELECT id, name, version, model, temperature, max_output_tokens, system_prompt,
           context_templates, output_schema, tools, examples, max_tool_iterations,
           timeout_seconds
    FROM agent_definitions
    WHERE name = $1 AND is_active
), refs AS (
    SELECT r.ord, split_part(r.ref, '@', 1) AS name,
           NULLIF(split_part(r.ref, '@', 2), '')::int AS version
    FROM agent a,
         unnest(ARRAY[a.system_prompt] || a.context_templates) WITH ORDINALITY AS r(ref, ord)
)
SELECT agent.*,
       (SELECT jsonb_build_object('name', p.name, 'version', p.version, 'content', p.content)
        FROM refs JOIN prompts p ON p.name = refs.name
             AND ((refs.version IS NULL AND p.is_active) OR p.version = refs.version)
        WHERE refs.ord = 1) AS system,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'version', t.version,
                                                     'content', t.content) ORDER BY refs.ord),
                        '[]'::jsonb)
        FROM refs JOIN context_templates t ON t.name = refs.name
             AND ((refs.version IS NULL AND t.is_active) OR t.version = refs.version)
        WHERE refs.ord > 1) AS contexts
FROM agent;

-- name: agent_version
SELECT id, name, version, is_active, description, model, temperature, max_output_tokens,
       system_prompt, context_templates, output_schema, tools, examples, max_tool_iterations,
       timeout_seconds, fallback, created_by, created_at
FROM agent_definitions
WHERE name = $1 AND version = $2;

-- name: agent_list
SELECT name,
       max(version) AS latest,
       max(version) FILTER (WHERE is_active) AS active,
       (array_agg(model ORDER BY is_active DESC, version DESC))[1] AS model,
       (array_agg(output_schema ORDER BY is_active DESC, version DESC))[1] AS output_schema,
       max(created_at) AS updated
FROM agent_definitions
GROUP BY name
ORDER BY name;

-- name: template_list
SELECT 'prompt' AS kind, name, max(version) AS latest,
       max(version) FILTER (WHERE is_active) AS active
FROM prompts GROUP BY name
UNION ALL
SELECT 'context', name, max(version), max(version) FILTER (WHERE is_active)
FROM context_templates GROUP BY name
ORDER BY 2;

-- name: prompts_by_ref
-- Templates by (name, version), or the active version where version is NULL, in input order.
SELECT r.ord, p.name, p.version, p.content
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS r(name, version, ord)
JOIN prompts p ON p.name = r.name
     AND ((r.version IS NULL AND p.is_active) OR p.version = r.version)
ORDER BY r.ord;

-- name: context_templates_by_ref
SELECT r.ord, t.name, t.version, t.content
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS r(name, version, ord)
JOIN context_templates t ON t.name = r.name
     AND ((r.version IS NULL AND t.is_active) OR t.version = r.version)
ORDER BY r.ord;

-- name: admin_log
INSERT INTO admin_activity_logs (actor, action, target_type, target_id, details)
VALUES ($1, $2, $3, $4, $5);

-- name: insert_agent_log
-- One row per LLM call: everything needed to see, and replay, what the agent saw and said.
INSERT INTO agent_logs (agent_name, agent_version, agent_definition_id, user_id, trace_id,
                        turn_id, parent_id, provider, model, template_versions,
                        rendered_messages, raw_output, parsed_output, tool_calls, prompt_tokens,
                        completion_tokens, cached_tokens, reasoning_tokens, latency_ms, status,
                        error, attempt, cost_usd, price_table, temperature, tools_offered,
                        output_schema)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25, $26, $27)
RETURNING id;

-- name: model_spend
-- What one athlete's model calls cost since $2 (their daily budget) and the dearest of them (the
-- next call is assumed to cost as much), and how many turns went to a model since $3 (their
-- hourly limit). The offline coach costs nothing and is not counted.
SELECT COALESCE(sum(cost_usd) FILTER (WHERE created_at >= $2), 0) AS spent,
       COALESCE(max(cost_usd) FILTER (WHERE created_at >= $2), 0) AS largest,
       count(DISTINCT turn_id) FILTER (WHERE created_at >= $3 AND turn_id IS NOT NULL) AS turns
FROM agent_logs
WHERE user_id = $1 AND provider <> 'offline' AND created_at >= LEAST($2, $3);

-- name: trace_logs
SELECT id, created_at, agent_name, agent_version, user_id, trace_id, turn_id, parent_id, provider,
       model, template_versions, rendered_messages, raw_output, parsed_output, tool_calls,
       prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, latency_ms, status,
       error, attempt
FROM agent_logs
WHERE trace_id = $1
ORDER BY created_at, attempt;

-- name: logs_since
-- For `logs tail`: rows after a point, oldest first.
SELECT id, created_at, agent_name, agent_version, user_id, trace_id, provider, model, status,
       latency_ms, prompt_tokens, completion_tokens, error, parsed_output, tool_calls
FROM agent_logs
WHERE created_at > $1
ORDER BY created_at
LIMIT $2;

-- name: recent_traces
SELECT trace_id, min(created_at) AS started, count(*) AS calls,
       string_agg(DISTINCT agent_name, ', ') AS agents
FROM agent_logs
GROUP BY trace_id
ORDER BY started DESC
LIMIT $1;

-- name: tool_effect
-- A writing tool's stored result for this text and call, if the call already ran.
SELECT result FROM tool_effects WHERE source_message_id = $1 AND call_key = $2;

-- name: record_tool_effect
-- In the tool's own transaction: its writes and this row commit together or not at all.
INSERT INTO tool_effects (source_message_id, call_key, tool, result) VALUES ($1, $2, $3, $4);

-- name: maintain_agent_logs
-- The daily partition upkeep (migration 0018): next months' partitions made, months wholly older
-- than $1 months (0 = keep everything) dropped, $2 months made ahead. "Today" is the database's
-- own UTC date, the clock created_at is stamped by.
SELECT action, partition_name, row_count
FROM agent_logs_maintain((now() AT TIME ZONE 'UTC')::date, $1, $2);

-- name: agent_versions
-- Every version of one agent, newest first, for the console's history and rollback.
SELECT version, is_active, model, created_by, created_at
FROM agent_definitions
WHERE name = $1
ORDER BY version DESC;
