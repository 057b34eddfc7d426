-- The week-rollover cron asks, every hour, for microcycles starting soon whose workouts are not
-- written yet ('planned'); this keeps that one query an index range scan at any size.

-- migrate:up

CREATE INDEX microcycles_planned_start_idx ON microcycles (start_date) WHERE status = 'planned';

-- migrate:down

DROP INDEX microcycles_planned_start_idx;
