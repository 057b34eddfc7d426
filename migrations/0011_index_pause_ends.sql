-- Every fan-out tick also ends the pauses whose time has come; without this index that was a
-- sequential scan of every athlete each minute (15 ms at 100,000 athletes, bench/fanout.py).

-- migrate:up

CREATE INDEX users_paused_until_idx ON users (paused_until) WHERE status = 'paused';

-- migrate:down

DROP INDEX users_paused_until_idx;
