-- Agents as data: prompts, context templates and agent definitions are versioned rows synced from
-- agents/ and prompts/; the active version of each name is what runs, and rolling back is
-- activating an older version. agent_logs keeps one row per LLM call, enough to replay it.

-- migrate:up

-- content_sha256 is hex SHA-256 of the UTF-8 content (hashlib.sha256(content.encode()).hexdigest());
-- the CHECK keeps it honest, and UNIQUE (name, content_sha256) makes a re-sync of an unchanged
-- file a no-op (ON CONFLICT DO NOTHING) even when two syncs race.
CREATE TABLE prompts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (name ~ '^[a-z0-9]+([_./-][a-z0-9]+)*$'),
    version         integer NOT NULL CHECK (version >= 1),
    content         text NOT NULL,
    content_sha256  text NOT NULL
                    CHECK (content_sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex')),
    description     text,
    is_active       boolean NOT NULL DEFAULT false,
    created_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version),
    UNIQUE (name, content_sha256)
);
CREATE UNIQUE INDEX prompts_one_active_idx ON prompts (name) WHERE is_active;
CREATE TRIGGER prompts_updated_at BEFORE UPDATE ON prompts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE context_templates (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (name ~ '^[a-z0-9]+([_./-][a-z0-9]+)*$'),
    version         integer NOT NULL CHECK (version >= 1),
    content         text NOT NULL,
    content_sha256  text NOT NULL
                    CHECK (content_sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex')),
    description     text,
    is_active       boolean NOT NULL DEFAULT false,
    created_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version),
    UNIQUE (name, content_sha256)
);
CREATE UNIQUE INDEX context_templates_one_active_idx ON context_templates (name) WHERE is_active;
CREATE TRIGGER context_templates_updated_at BEFORE UPDATE ON context_templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Prompts and templates are referenced by name, not id: the active version of each is resolved
-- when the agent runs, so a prompt can be rolled back without touching its agents.
CREATE TABLE agent_definitions (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                 text NOT NULL CHECK (name ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    version              integer NOT NULL CHECK (version >= 1),
    is_active            boolean NOT NULL DEFAULT false,
    description          text,
    model                text NOT NULL,
    -- NULL: send no temperature (some reasoning models reject one).
    temperature          numeric(3,2) CHECK (temperature BETWEEN 0 AND 2),
    max_output_tokens    integer NOT NULL DEFAULT 1024 CHECK (max_output_tokens > 0),
    system_prompt        text NOT NULL,
    context_templates    text[] NOT NULL DEFAULT '{}',
    -- Name of the pydantic output model; NULL for a plain-text reply.
    output_schema        text,
    tools                text[] NOT NULL DEFAULT '{}',
    examples             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(examples) = 'array'),
    max_tool_iterations  integer NOT NULL DEFAULT 3 CHECK (max_tool_iterations BETWEEN 0 AND 20),
    timeout_seconds      numeric NOT NULL DEFAULT 30 CHECK (timeout_seconds > 0),
    fallback             text,
    -- SHA-256 of the agents/*.yaml it was synced from; NULL when edited in the database.
    source_sha256        text CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    created_by           text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version),
    UNIQUE (name, source_sha256)
);
CREATE UNIQUE INDEX agent_definitions_one_active_idx ON agent_definitions (name) WHERE is_active;
CREATE TRIGGER agent_definitions_updated_at BEFORE UPDATE ON agent_definitions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Insert-only. agent_name/agent_version are copied so a log stays readable if its definition
-- row is ever removed; template_versions records which prompt and template versions were rendered.
CREATE TABLE agent_logs (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_name           text NOT NULL,
    agent_version        integer,
    agent_definition_id  uuid REFERENCES agent_definitions (id) ON DELETE SET NULL,
    user_id              uuid REFERENCES users (id) ON DELETE CASCADE,
    -- All calls made for one job share a trace_id; turn_id matches messages.turn_id.
    trace_id             uuid NOT NULL,
    turn_id              uuid,
    parent_id            uuid REFERENCES agent_logs (id) ON DELETE SET NULL,
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
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_logs_created_at_idx ON agent_logs (created_at);
CREATE INDEX agent_logs_agent_name_idx ON agent_logs (agent_name, created_at);
CREATE INDEX agent_logs_agent_definition_id_idx ON agent_logs (agent_definition_id);
CREATE INDEX agent_logs_user_id_idx ON agent_logs (user_id, created_at);
CREATE INDEX agent_logs_trace_id_idx ON agent_logs (trace_id);
CREATE INDEX agent_logs_turn_id_idx ON agent_logs (turn_id);
CREATE INDEX agent_logs_parent_id_idx ON agent_logs (parent_id);

-- migrate:down

DROP TABLE agent_logs;
DROP TABLE agent_definitions;
DROP TABLE context_templates;
DROP TABLE prompts;
