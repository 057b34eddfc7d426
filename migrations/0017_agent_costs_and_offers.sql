-- What each model call cost and what it was offered. The cost is priced when the call is
-- logged (tokens x the price table in worker/llm/prices.py, whose version is stored beside it,
-- so a later price change never rewrites history); calls to unpriced models (a local server)
-- keep a NULL cost. The tools, output schema and temperature offered make a row replayable.

-- migrate:up

ALTER TABLE agent_logs
    ADD COLUMN cost_usd       numeric(12, 6) CHECK (cost_usd >= 0),
    ADD COLUMN price_table    text,
    ADD COLUMN temperature    numeric(3, 2),
    ADD COLUMN tools_offered  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN output_schema  text;

-- migrate:down

ALTER TABLE agent_logs
    DROP COLUMN cost_usd,
    DROP COLUMN price_table,
    DROP COLUMN temperature,
    DROP COLUMN tools_offered,
    DROP COLUMN output_schema;
