-- agent_logs, one row per model call, is the biggest writer (see the README's scaling section for
-- the measured growth). It becomes a table partitioned by month (UTC) on created_at, so that
-- retention drops a whole month at once (no DELETE of millions of rows, no bloat, no long VACUUM).
-- Every column, default, CHECK and index is kept, and so is every row.
--
-- Two things had to change, because a partitioned table's unique keys must include the partition
-- key:
--   * the primary key is (id, created_at). id is still a random uuid, unique in practice; no query
--     looks a row up by id alone (inserts only return it).
--   * parent_id no longer REFERENCES agent_logs (id): a foreign key needs a unique id to point
--     at, and one into a partitioned table would also stop retention from dropping a month that
--     a later row still points into. It stays a plain column (nothing sets it today).
--
-- Partitions are named agent_logs_pYYYYMM and cover one UTC month. agent_logs_default catches a
-- row outside every partition (the maintenance job stopped for months); agent_logs_maintain()
-- moves such rows into their month's partition when it next runs. The worker calls it daily
-- (worker/jobs/retention.py) with TEXTCOACH_AGENT_LOG_RETENTION_MONTHS.
--
-- The copy runs inside the migration's transaction and holds agent_logs locked while it runs:
-- on a large table, migrate in a quiet hour.

-- migrate:up

ALTER TABLE agent_logs RENAME TO agent_logs_unpartitioned;

CREATE TABLE agent_logs (
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    agent_name           text NOT NULL,
    agent_version        integer,
    agent_definition_id  uuid REFERENCES agent_definitions (id) ON DELETE SET NULL,
    user_id              uuid REFERENCES users (id) ON DELETE CASCADE,
    -- All calls made for one job share a trace_id; turn_id matches messages.turn_id.
    trace_id             uuid NOT NULL,
    turn_id              uuid,
    parent_id            uuid,
    provider             text NOT NULL,
    model                text,
    template_versions    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(template_versions) = 'object'),
    rendered_messages    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rendered_messages) = 'array'),
    raw_output           text,
    parsed_output        jsonb,
    tool_calls           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tool_calls) = 'array'),
    prompt_tokens        integer CHECK (prompt_tokens >= 0),
    completion_tokens    integer CHECK (completion_tokens >= 0),
    cached_tokens        integer CHECK (cached_tokens >= 0),
    reasoning_tokens     integer CHECK (reasoning_tokens >= 0),
    latency_ms           integer CHECK (latency_ms >= 0),
    status               text NOT NULL CHECK (status IN ('ok', 'retried', 'fallback', 'error', 'invalid')),
    error                text,
    attempt              integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    created_at           timestamptz NOT NULL DEFAULT now(),
    cost_usd             numeric(12, 6) CHECK (cost_usd >= 0),
    price_table          text,
    temperature          numeric(3, 2),
    tools_offered        text[] NOT NULL DEFAULT '{}',
    output_schema        text
) PARTITION BY RANGE (created_at);

COMMENT ON TABLE agent_logs IS
    'One row per model call, partitioned by UTC month (agent_logs_pYYYYMM); '
    'agent_logs_maintain() adds months ahead and drops those past the retention horizon.';
COMMENT ON COLUMN agent_logs.parent_id IS
    'The call this one was made for, if any. No foreign key: the primary key of a partitioned '
    'table is (id, created_at), and a key into it would stop retention dropping a month.';

CREATE TABLE agent_logs_default PARTITION OF agent_logs DEFAULT;

-- The partition for the UTC month holding `for_month`, created if missing: one row (its name and
-- the rows of that month moved into it out of agent_logs_default), or none when it existed.
CREATE FUNCTION agent_logs_add_partition(for_month date)
RETURNS TABLE (partition_name text, moved bigint)
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamp := date_trunc('month', for_month::timestamp);
    child       text := 'agent_logs_p' || to_char(month_start, 'YYYYMM');
    -- Bounds written in UTC, whatever the session's TimeZone.
    lo          text := to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00';
    hi          text := to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    n           bigint := 0;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = 'agent_logs'::regclass AND c.relname = child) THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM agent_logs_default
               WHERE created_at >= lo::timestamptz AND created_at < hi::timestamptz) THEN
        -- A partition cannot be created over rows the default partition holds: build it apart,
        -- move the rows, then attach it (attaching builds its indexes and foreign keys).
        EXECUTE format('CREATE TABLE %I (LIKE agent_logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       child);
        EXECUTE format('WITH gone AS (DELETE FROM agent_logs_default WHERE created_at >= %L '
                       'AND created_at < %L RETURNING *) INSERT INTO %I SELECT * FROM gone',
                       lo, hi, child);
        GET DIAGNOSTICS n = ROW_COUNT;
        EXECUTE format('ALTER TABLE agent_logs ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       child, lo, hi);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF agent_logs FOR VALUES FROM (%L) TO (%L)',
                       child, lo, hi);
    END IF;
    partition_name := child;
    moved := n;
    RETURN NEXT;
END;
$$;

-- Partition upkeep, run daily by the worker; `today` is a parameter so that tests can drive it.
--   * rows waiting in agent_logs_default go into their month's partition (or are deleted when
--     that month is wholly past the horizon);
--   * the partitions for today's month and the `months_ahead` after it exist;
--   * with keep_months > 0, every agent_logs_pYYYYMM partition whose month ended on or before
--     the horizon (today minus keep_months months) is dropped. A partition holding any row newer
--     than the horizon stays, so at least keep_months months are always kept. 0 keeps everything.
-- Returns one row per thing done: created, moved (rows out of the default partition), deleted
-- (rows out of the default partition past the horizon), dropped (rows: the planner's estimate).
-- lock_timeout: DDL on a partition queues behind long reads of agent_logs and would block the
-- inserts queued behind it; giving up and trying again tomorrow is better.
CREATE FUNCTION agent_logs_maintain(today date, keep_months integer, months_ahead integer)
RETURNS TABLE (action text, partition_name text, row_count bigint)
LANGUAGE plpgsql SET lock_timeout = '5s' AS $$
DECLARE
    this_month  date := date_trunc('month', today::timestamp)::date;
    horizon     date;
    m           date;
    made        record;
    part        record;
    n           bigint;
BEGIN
    IF today IS NULL OR keep_months IS NULL OR keep_months < 0
       OR months_ahead IS NULL OR months_ahead < 0 THEN
        RAISE EXCEPTION 'agent_logs_maintain(%, %, %): a date and two counts >= 0, please',
            today, keep_months, months_ahead;
    END IF;
    -- One upkeep at a time: two would race to create the same partition.
    PERFORM pg_advisory_xact_lock(hashtext('agent_logs_maintain'));
    IF keep_months > 0 THEN
        horizon := (today - make_interval(months => keep_months))::date;
    END IF;

    FOR m IN SELECT DISTINCT date_trunc('month', d.created_at AT TIME ZONE 'UTC')::date
             FROM agent_logs_default d ORDER BY 1 LOOP
        IF horizon IS NOT NULL AND (m + interval '1 month')::date <= horizon THEN
            DELETE FROM agent_logs_default d
            WHERE d.created_at >= (m::timestamp AT TIME ZONE 'UTC')
              AND d.created_at < ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            GET DIAGNOSTICS n = ROW_COUNT;
            action := 'deleted'; partition_name := 'agent_logs_default'; row_count := n;
            RETURN NEXT;
        ELSE
            FOR made IN SELECT * FROM agent_logs_add_partition(m) LOOP
                action := 'moved'; partition_name := made.partition_name;
                row_count := made.moved;
                RETURN NEXT;
            END LOOP;
        END IF;
    END LOOP;

    FOR i IN 0..months_ahead LOOP
        FOR made IN SELECT * FROM agent_logs_add_partition(
                        (this_month + make_interval(months => i))::date) LOOP
            action := 'created'; partition_name := made.partition_name; row_count := made.moved;
            RETURN NEXT;
        END LOOP;
    END LOOP;

    IF horizon IS NULL THEN
        RETURN;
    END IF;
    FOR part IN SELECT c.relname::text AS child, c.reltuples,
                      to_date(substr(c.relname, length('agent_logs_p') + 1), 'YYYYMM') AS month
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = 'agent_logs'::regclass
                 AND c.relname ~ '^agent_logs_p[0-9]{6}$'
               ORDER BY 3 LOOP
        IF (part.month + interval '1 month')::date <= horizon THEN
            EXECUTE format('DROP TABLE %I', part.child);
            action := 'dropped'; partition_name := part.child;
            row_count := CASE WHEN part.reltuples >= 0 THEN part.reltuples::bigint END;
            RETURN NEXT;
        END IF;
    END LOOP;
END;
$$;

-- A partition for every month that has rows, and for this month and the three after it.
SELECT agent_logs_add_partition(month)
FROM (
    SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date AS month
    FROM agent_logs_unpartitioned
    UNION
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date
    FROM generate_series(0, 3) AS i
) AS months
ORDER BY month;

INSERT INTO agent_logs (id, agent_name, agent_version, agent_definition_id, user_id, trace_id,
                        turn_id, parent_id, provider, model, template_versions, rendered_messages,
                        raw_output, parsed_output, tool_calls, prompt_tokens, completion_tokens,
                        cached_tokens, reasoning_tokens, latency_ms, status, error, attempt,
                        created_at, cost_usd, price_table, temperature, tools_offered,
                        output_schema)
SELECT id, agent_name, agent_version, agent_definition_id, user_id, trace_id, turn_id, parent_id,
       provider, model, template_versions, rendered_messages, raw_output, parsed_output,
       tool_calls, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, latency_ms,
       status, error, attempt, created_at, cost_usd, price_table, temperature, tools_offered,
       output_schema
FROM agent_logs_unpartitioned;

DROP TABLE agent_logs_unpartitioned;

-- Indexes after the copy (one build each, not one insert per row), on the parent: every
-- partition, present and future, gets its own.
ALTER TABLE agent_logs ADD CONSTRAINT agent_logs_pkey PRIMARY KEY (id, created_at);
CREATE INDEX agent_logs_created_at_idx ON agent_logs (created_at);
CREATE INDEX agent_logs_agent_name_idx ON agent_logs (agent_name, created_at);
CREATE INDEX agent_logs_agent_definition_id_idx ON agent_logs (agent_definition_id);
CREATE INDEX agent_logs_user_id_idx ON agent_logs (user_id, created_at);
CREATE INDEX agent_logs_trace_id_idx ON agent_logs (trace_id);
CREATE INDEX agent_logs_turn_id_idx ON agent_logs (turn_id);
CREATE INDEX agent_logs_parent_id_idx ON agent_logs (parent_id);

-- migrate:down

-- Back to one plain table, as 0005 and 0017 left it; a parent_id whose row retention dropped
-- becomes NULL (what ON DELETE SET NULL would have done).
ALTER TABLE agent_logs RENAME TO agent_logs_partitioned;

CREATE TABLE agent_logs (
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    agent_name           text NOT NULL,
    agent_version        integer,
    agent_definition_id  uuid REFERENCES agent_definitions (id) ON DELETE SET NULL,
    user_id              uuid REFERENCES users (id) ON DELETE CASCADE,
    trace_id             uuid NOT NULL,
    turn_id              uuid,
    parent_id            uuid,
    provider             text NOT NULL,
    model                text,
    template_versions    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(template_versions) = 'object'),
    rendered_messages    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rendered_messages) = 'array'),
    raw_output           text,
    parsed_output        jsonb,
    tool_calls           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tool_calls) = 'array'),
    prompt_tokens        integer CHECK (prompt_tokens >= 0),
    completion_tokens    integer CHECK (completion_tokens >= 0),
    cached_tokens        integer CHECK (cached_tokens >= 0),
    reasoning_tokens     integer CHECK (reasoning_tokens >= 0),
    latency_ms           integer CHECK (latency_ms >= 0),
    status               text NOT NULL CHECK (status IN ('ok', 'retried', 'fallback', 'error', 'invalid')),
    error                text,
    attempt              integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    created_at           timestamptz NOT NULL DEFAULT now(),
    cost_usd             numeric(12, 6) CHECK (cost_usd >= 0),
    price_table          text,
    temperature          numeric(3, 2),
    tools_offered        text[] NOT NULL DEFAULT '{}',
    output_schema        text
);

INSERT INTO agent_logs (id, agent_name, agent_version, agent_definition_id, user_id, trace_id,
                        turn_id, parent_id, provider, model, template_versions, rendered_messages,
                        raw_output, parsed_output, tool_calls, prompt_tokens, completion_tokens,
                        cached_tokens, reasoning_tokens, latency_ms, status, error, attempt,
                        created_at, cost_usd, price_table, temperature, tools_offered,
                        output_schema)
SELECT id, agent_name, agent_version, agent_definition_id, user_id, trace_id, turn_id, parent_id,
       provider, model, template_versions, rendered_messages, raw_output, parsed_output,
       tool_calls, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, latency_ms,
       status, error, attempt, created_at, cost_usd, price_table, temperature, tools_offered,
       output_schema
FROM agent_logs_partitioned;

DROP TABLE agent_logs_partitioned;
DROP FUNCTION agent_logs_maintain(date, integer, integer);
DROP FUNCTION agent_logs_add_partition(date);

ALTER TABLE agent_logs ADD CONSTRAINT agent_logs_pkey PRIMARY KEY (id);
UPDATE agent_logs AS child SET parent_id = NULL
WHERE parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agent_logs p WHERE p.id = child.parent_id);
ALTER TABLE agent_logs ADD CONSTRAINT agent_logs_parent_id_fkey
    FOREIGN KEY (parent_id) REFERENCES agent_logs (id) ON DELETE SET NULL;
CREATE INDEX agent_logs_created_at_idx ON agent_logs (created_at);
CREATE INDEX agent_logs_agent_name_idx ON agent_logs (agent_name, created_at);
CREATE INDEX agent_logs_agent_definition_id_idx ON agent_logs (agent_definition_id);
CREATE INDEX agent_logs_user_id_idx ON agent_logs (user_id, created_at);
CREATE INDEX agent_logs_trace_id_idx ON agent_logs (trace_id);
CREATE INDEX agent_logs_turn_id_idx ON agent_logs (turn_id);
CREATE INDEX agent_logs_parent_id_idx ON agent_logs (parent_id);
