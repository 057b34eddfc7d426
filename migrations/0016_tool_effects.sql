-- A tool's writes happen once per text, however often the turn answering it runs. A worker
-- killed after a tool committed but before the turn marked its texts answered runs the turn
-- again; every writing tool runs in one transaction with a row here, keyed by the text it
-- answers and the call (tool and canonical arguments), and a repeat of the same call returns
-- the stored result instead of writing again.

-- migrate:up

CREATE TABLE tool_effects (
    source_message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    call_key           text NOT NULL CHECK (length(call_key) <= 200),
    tool               text NOT NULL,
    result             jsonb NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_message_id, call_key)
);

-- migrate:down

DROP TABLE tool_effects;
